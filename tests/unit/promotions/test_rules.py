"""Where an offer is redeemed, pure (SPEC PRM-1; adversarial review of issue 15, A)."""

from __future__ import annotations

import pytest

from sscard.promotions.rules import (
    OfferKind,
    Place,
    RedeemAt,
    place_problem,
    redeemed_at_counter,
    redeemed_at_scene,
    scene_kinds_of,
    where_en,
    where_zh,
)
from sscard.scenes.rules import SceneKind

TOUR = Place(RedeemAt.SCENE, None, None, frozenset({SceneKind.SCENIC_SPOT}))
NANJING_TOUR = Place(RedeemAt.SCENE, None, "3201", frozenset({SceneKind.SCENIC_SPOT}))
GIFT = Place(RedeemAt.BANK_OUTLET, "ICBC", "3201", frozenset())


@pytest.mark.parametrize("kind", [k for k in SceneKind if k is not SceneKind.SCENIC_SPOT])
def test_a_scenic_spot_voucher_is_taken_by_no_other_kind_of_scene(kind: SceneKind) -> None:
    """PRM-1: a bus reader, a top-up kiosk, a hospital ... do not redeem a scenic spot's."""
    assert not redeemed_at_scene(TOUR, kind, "3204")
    assert redeemed_at_scene(TOUR, SceneKind.SCENIC_SPOT, "3204")


def test_a_city_offer_is_redeemed_in_its_city_only() -> None:
    """PRM-1: at a scene and at a counter alike."""
    assert redeemed_at_scene(NANJING_TOUR, SceneKind.SCENIC_SPOT, "3201")
    assert not redeemed_at_scene(NANJING_TOUR, SceneKind.SCENIC_SPOT, "3204")
    assert redeemed_at_counter(GIFT, "bank", "ICBC", "3201")
    assert not redeemed_at_counter(GIFT, "bank", "ICBC", "3204")


def test_a_counter_offer_is_redeemed_at_its_bank_s_counter_only() -> None:
    """PRM-1: not at another bank's, nor at an HR outlet, nor at any scene."""
    assert not redeemed_at_counter(GIFT, "bank", "SZB", "3201")
    assert not redeemed_at_counter(GIFT, "hr", None, "3201")
    assert not redeemed_at_scene(GIFT, SceneKind.SCENIC_SPOT, "3201")
    assert not redeemed_at_counter(TOUR, "bank", "ICBC", "3201")
    no_bank = Place(RedeemAt.BANK_OUTLET, None, None, frozenset())
    assert not redeemed_at_counter(no_bank, "bank", None, "3201")


def test_an_offer_names_where_it_is_redeemed() -> None:
    """PRM-1: a tourism voucher defaults to the scenic spots; other scene offers name theirs;
    a counter offer names its bank and no scene."""
    none: frozenset[SceneKind] = frozenset()
    tour = scene_kinds_of(OfferKind.TOURISM_VOUCHER, RedeemAt.SCENE, none)
    assert tour == {SceneKind.SCENIC_SPOT}
    assert scene_kinds_of(OfferKind.SPEND_AND_SAVE, RedeemAt.SCENE, none) == none
    named = frozenset({SceneKind.MUSEUM})
    assert scene_kinds_of(OfferKind.TOURISM_VOUCHER, RedeemAt.SCENE, named) == named
    assert scene_kinds_of(OfferKind.ACTIVATION_GIFT, RedeemAt.BANK_OUTLET, named) == none
    assert place_problem(RedeemAt.SCENE, None, none) is not None
    assert place_problem(RedeemAt.BANK_OUTLET, None, none) is not None
    assert place_problem(RedeemAt.SCENE, None, named) is None


def test_where_is_said_in_both_languages() -> None:
    assert where_zh(NANJING_TOUR, "南京市") == "南京市的景区"
    assert where_en(NANJING_TOUR, "Nanjing") == "a terminal of a scenic spot in Nanjing"
    assert where_zh(GIFT, None) == "ICBC网点"
    assert where_zh(GIFT, None, "中国工商银行") == "中国工商银行网点"
    assert where_en(GIFT, "Nanjing") == "an outlet of ICBC in Nanjing"
