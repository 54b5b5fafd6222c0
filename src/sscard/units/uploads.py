"""The route class of a batch upload (issue 13): its body is a file of up to
workbook.MAX_FILE_BYTES, where the platform's guard gives a JSON body's limit to any media type
but its streamed ones. Everything else is as GuardedRoute does: the media types the operation
declares, Content-Length checked before a byte is read, a chunked body counted as it arrives,
query and path parameters free of invisible characters (issue 11)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from sscard.kernel.errors import invalid
from sscard.kernel.text import unsafe_characters
from sscard.platform.http.guard import (
    BodyTooLarge,
    GuardedRoute,
    UnsupportedMediaType,
    bounded_receive,
    declared_length,
    media_type,
)
from sscard.units.workbook import CSV_MEDIA, MAX_FILE_BYTES, XLSX_MEDIA

# A multipart form's other fields and part headers (the page's form token, the bank).
FORM_ALLOWANCE = 16_384


class FileRoute(GuardedRoute):
    """A GuardedRoute whose declared media types may carry a file of `max_file_bytes`."""

    max_file_bytes: int = MAX_FILE_BYTES

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = APIRoute.get_route_handler(self)
        accepted = self.accepted_media()
        if CSV_MEDIA in accepted:  # the API's upload: the workbook's own type as well
            accepted = (*accepted, XLSX_MEDIA)
        limit = self.max_file_bytes + FORM_ALLOWANCE

        async def guarded(request: Request) -> Response:
            for name, value in [*request.path_params.items(), *request.query_params.multi_items()]:
                if unsafe_characters(str(name) + str(value)):
                    raise invalid(name, "含有不允许的字符", "contains characters no field may hold")
            media = media_type(request)
            length = declared_length(request)
            chunked = "chunked" in request.headers.get("transfer-encoding", "").lower()
            if (bool(length) or chunked) and media not in accepted:
                raise UnsupportedMediaType(
                    field="Content-Type", given=media or "(none)", accepted=" / ".join(accepted)
                )
            if length is not None and length > limit:
                raise BodyTooLarge(field="body", limit=limit)
            return await handler(Request(request.scope, bounded_receive(request.receive, limit)))

        return guarded
