"""Application lists (应用项目清单, SPEC YRD-2), pure: the delta's list agreed by the four
provinces, Jiangsu's provincial list and each city's list that extends them. A use of the card
at a scene is allowed only where a list in force includes it for that kind of scene; a card of
another province of the delta is accepted for what the delta's list includes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from sscard.kernel.errors import invalid
from sscard.scenes.rules import KIND_USES, USE_ZH, Refusal, SceneKind, SceneUse


class ListScope(StrEnum):
    DELTA = "delta"  # agreed by Shanghai, Jiangsu, Zhejiang and Anhui
    PROVINCE = "province"  # Jiangsu's
    CITY = "city"  # one city's, extending the others


SCOPE_ZH: Final = {
    ListScope.DELTA: "长三角应用项目清单",
    ListScope.PROVINCE: "江苏省应用项目清单",
    ListScope.CITY: "城市应用项目清单",
}
FIRST_VERSION: Final = 1  # shipped with sscard (scenes/data/application_lists.json)

Entry = tuple[SceneUse, SceneKind]


@dataclass(frozen=True)
class ApplicationList:
    """One version of one list: what it includes, from when."""

    scope: ListScope
    city_code: str | None
    version: int
    effective_from: Any  # date
    entries: frozenset[Entry]
    note: str


def entries_of(raw: Sequence[Mapping[str, Any]], field: str = "entries") -> frozenset[Entry]:
    """A list's entries as given ([{"use": ..., "kinds": [...]}]); InvalidInput names the one
    that is no use, no kind, or a kind that cannot ask for that use (rules.KIND_USES)."""
    out: set[Entry] = set()
    for i, item in enumerate(raw):
        try:
            use = SceneUse(item["use"])
        except (KeyError, ValueError):
            raise invalid(f"{field}.{i}.use", "不是一种用卡业务", "is not a use") from None
        for j, value in enumerate(item.get("kinds") or ()):
            try:
                kind = SceneKind(value)
            except ValueError:
                raise invalid(f"{field}.{i}.kinds.{j}", "不是一种场景", "is not a kind") from None
            if use not in KIND_USES[kind]:
                zh, en = "该类场景不能办理此用卡业务", "this kind of scene cannot ask for this use"
                raise invalid(f"{field}.{i}.kinds.{j}", zh, en)
            out.add((use, kind))
    return frozenset(out)


def as_items(entries: Iterable[Entry]) -> list[dict[str, Any]]:
    """Entries grouped by use, as published: [{"use": ..., "kinds": [...]}], sorted."""
    by_use: dict[str, list[str]] = {}
    for use, kind in entries:
        by_use.setdefault(use.value, []).append(kind.value)
    return [{"use": u, "kinds": sorted(k)} for u, k in sorted(by_use.items())]


def listed_refusal(
    in_force: Iterable[ApplicationList], use: SceneUse, kind: SceneKind
) -> Refusal | None:
    """YRD-2: the use at this kind of scene is on one of the lists in force, or refused."""
    if any((use, kind) in lst.entries for lst in in_force):
        return None
    return Refusal(
        "not_listed",
        f"“{USE_ZH[use]}”不在本地应用项目清单中",
        f"'{use.value}' at a {kind.value.replace('_', ' ')} is not on the application lists "
        "in force here",
        "YRD-2",
    )
