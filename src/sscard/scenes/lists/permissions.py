"""Operations of the application lists (SPEC YRD-2), and who may do them."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

# The province publishes the delta's list (as agreed by the four) and its own; a city's centre
# its city's list (the use case keeps each to its scope).
PUBLISH_APPLICATION_LIST = Operation(
    "publish_application_list", "发布应用项目清单", {Role.CENTRE_ADMIN}
)

OPERATIONS = (PUBLISH_APPLICATION_LIST,)
