"""The online hall shows citizens no rule ids (staff pages may cite them)."""

from __future__ import annotations

from pathlib import Path

from sscard.web import i18n
from sscard.web.pages.citizen import without_rule_ids

HALL = Path(i18n.__file__).parent / "templates" / "hall"


def test_a_texts_rule_ids_are_taken_out() -> None:
    assert (
        without_rule_ids("正在补换卡：新卡激活后自动发放（REP-3）")
        == "正在补换卡：新卡激活后自动发放"
    )
    assert without_rule_ids("held (PAY-2, ISS-6) until active") == "held until active"
    assert without_rule_ids("no rule here (see below)") == "no rule here (see below)"
    assert without_rule_ids(None) is None


def test_no_hall_page_cites_a_rule() -> None:
    pages = HALL.glob("*.html")
    citing = [p.name for p in pages if 'class="rule"' in p.read_text(encoding="utf-8")]
    assert citing == []


def test_the_reasons_a_holder_reads_cite_no_rule() -> None:
    """SPEC PAY-2: why a payment is held or returned, and a bank's refusal, as the holder reads
    them in the hall, are plain words at their source."""
    from sscard.payments.rules import BANK_REFUSALS, REASON_TEXTS

    texts = [t for pair in (*REASON_TEXTS.values(), *BANK_REFUSALS.values()) for t in pair]
    assert [t for t in texts if without_rule_ids(t) != t] == []
