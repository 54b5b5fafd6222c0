"""Loss and unlock rules that need no data beyond their arguments (SPEC LOSS-2, LOSS-3). Pure.

The lifecycle table (cards/lifecycle.py) says which channel may report or unlock a loss; these
are the checks on top of it: the bank outlet must be the card's bank's, and a formal loss is
unlocked through the channel that took it, at the very outlet where the city policy says so.
"""

from __future__ import annotations

from sscard.kernel.actor import Channel
from sscard.kernel.errors import DomainError

# SPEC LOSS-2: said to the holder after an online formal loss, which covers the hr function only.
ONLINE_FORMAL_LOSS_REMINDER = {
    "zh": "网上挂失仅挂失社会保障功能，金融功能请持身份证到发卡银行网点办理挂失",
    "en": "An online formal loss covers the social security function only; report the "
    "financial function at an outlet of the card's bank",
}
ACCEPTING_OUTLET = "accepting_outlet"  # a city policy's formal_unlock_scope (Suzhou)


class NotThisBank(DomainError):
    code = "not_the_cards_bank"
    status = 403
    rule = "LOSS-2"
    message_zh = "须在本卡发卡银行（{bank_code}）的网点办理"
    message_en = "This must be done at an outlet of the card's bank ({bank_code})"


class UnlockByTakingChannel(DomainError):
    code = "unlock_by_taking_channel"
    status = 403
    rule = "LOSS-3"
    message_zh = "正式挂失须通过原挂失渠道解挂：{where_zh}"
    message_en = "A formal loss is unlocked through the channel that took it: {where_en}"


def require_cards_bank(outlet_bank: str | None, card_bank: str) -> None:
    """SPEC LOSS-2/3: a bank outlet acts only on its own bank's cards (NotThisBank)."""
    if outlet_bank != card_bank:
        raise NotThisBank(field="card_number", bank_code=card_bank)


def require_taking_channel(loss_channel: str | None, channel: Channel) -> bool:
    """SPEC LOSS-3: an online formal loss is unlocked online; a bank's, at a bank outlet.

    Returns whether the unlock is at a bank outlet (whose bank and scope are checked next);
    raises UnlockByTakingChannel for any other channel.
    """
    if loss_channel == Channel.ONLINE.value:
        if channel is not Channel.ONLINE:
            raise UnlockByTakingChannel(where_zh="网上", where_en="online")
        return False
    if channel is not Channel.BANK_OUTLET:
        raise UnlockByTakingChannel(
            where_zh="发卡银行网点", where_en="an outlet of the card's bank"
        )
    return True


def require_unlock_scope(scope: str, outlet_id: int | None, loss_outlet_id: int | None) -> None:
    """SPEC LOSS-3: where the city policy says `accepting_outlet`, the very outlet unlocks."""
    if scope == ACCEPTING_OUTLET and outlet_id != loss_outlet_id:
        raise UnlockByTakingChannel(
            where_zh="本市规定须回原挂失网点",
            where_en="in this city, the outlet that took the loss",
        )
