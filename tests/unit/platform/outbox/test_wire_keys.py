"""A message's payload may carry keys read back from the database (str subclasses, as
sqlalchemy's quoted_name): the wire takes them as text, on both transports (issue 15: a
credit instruction's credits stopped the bank's deliveries with a TypeError)."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
from sqlalchemy.sql.elements import quoted_name

from sscard.platform.outbox.protocol import Outgoing, batch_body, message_body


def test_keys_read_from_the_database_are_sent_as_text() -> None:
    credit = {quoted_name("card_number", None): "A12345678", quoted_name("amount_fen", None): 1}
    message = Outgoing("m-1", 7, "bank.credit_instruction", None, datetime(2026, 12, 2, tzinfo=UTC),
                       {"instruction_id": "CB-1-ICBC-0", "credits": [credit]})  # fmt: skip
    sent = orjson.loads(batch_body([message]))
    assert sent["messages"][0]["payload"]["credits"] == [
        {"card_number": "A12345678", "amount_fen": 1}
    ]
    assert orjson.loads(message_body(message))["payload"]["credits"][0]["amount_fen"] == 1
