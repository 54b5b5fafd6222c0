"""Tables of benefit payments (SPEC PAY-1..3): the payers, their batches, every payment with
where it went, and the credit instructions sent to the banks."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
    text,
)

from sscard.kernel.db import Id, UTCDateTime, metadata
from sscard.payments.rules import RELEASED_PREFIX

payers = Table(
    "payers",
    metadata,
    Column("code", String(16), primary_key=True, comment="e.g. JS-PENSION"),
    Column("name_zh", String(64), nullable=False),
    Column("name_en", String(64), nullable=False),
    Column("kinds", JSON, nullable=False, comment="the rules.PaymentKind values it pays"),
    Column("actor_id", Id, ForeignKey("actors.id"), nullable=False, unique=True),
    Column("active", Boolean, nullable=False),
    Column("registered_at", UTCDateTime, nullable=False),
)

payment_batches = Table(
    "payment_batches",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("payer_code", String(16), ForeignKey("payers.code"), nullable=False),
    Column("reference", String(40), nullable=False, comment="the payer's: one batch each"),
    Column("content_hash", String(64), nullable=False, comment="same reference, other lines"),
    Column("source", String(8), nullable=False, comment="api | file"),
    Column("line_count", Integer, nullable=False),
    Column("total_fen", BigInteger, nullable=False),
    Column("submitted_at", UTCDateTime, nullable=False),
    Column("actor_id", Id, ForeignKey("actors.id"), nullable=True),
    UniqueConstraint("payer_code", "reference", name="uq_payment_batches_payer_reference"),
)

# No foreign keys: a batch's million rows are written by one INSERT ... SELECT that takes the
# batch, person and card from the joins that routed them, and PostgreSQL would check each key
# by a trigger per row (migration d8e9f0a1b2c4). Persons, cards and batches are never deleted.
payments = Table(
    "payments",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True, comment="the payment_id banks see"),
    Column("batch_id", Id, nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("payer_code", String(16), nullable=False),
    Column("payer_reference", String(40), nullable=False, comment="the payer's: paid once"),
    Column("ssn_index", String(64), nullable=False, comment="HMAC-SM3 of the number sent"),
    Column("ssn_masked", String(32), nullable=False),
    Column("person_id", Id, nullable=True),
    Column("amount_fen", BigInteger, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("period", String(7), nullable=False, comment="YYYY-MM"),
    Column("status", String(12), nullable=False, comment="rules.PaymentStatus"),
    Column("reason", String(24), nullable=True, comment="rules.Reason: held or returned"),
    Column("card_id", Id, nullable=True, comment="routed to"),
    Column("bank_code", String(16), nullable=True),
    Column("instruction_id", String(48), nullable=True),
    Column("bank_reason", String(64), nullable=True, comment="the bank's refusal code"),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("answered_at", UTCDateTime, nullable=True),
    Column(
        "holder_told_at",
        UTCDateTime,
        nullable=True,
        comment="when the holder was told it is held (PAY-2)",
    ),
    UniqueConstraint("payer_code", "payer_reference", name="uq_payments_payer_reference"),
    CheckConstraint("amount_fen > 0", name="ck_payments_positive"),
)
Index("ix_payments_batch_id_status", payments.c.batch_id, payments.c.status)
Index("ix_payments_person_id_status", payments.c.person_id, payments.c.status)
# A batch's instruction is read by its range of payment ids (credit_instructions'
# first_payment_id .. last_payment_id: a batch numbers its payments bank by bank in line
# order); a released payment's (RELEASED_PREFIX, scattered over the table) by this index,
# which no batch payment enters (migration d0e1f2a3b4c7).
RELEASED = text(f"instruction_id LIKE '{RELEASED_PREFIX}%'")
Index(
    "ix_payments_released_instruction",
    payments.c.instruction_id,
    postgresql_where=RELEASED,
    sqlite_where=RELEASED,
)
HELD_ONLY = text("status = 'held'")
UNTOLD = text("status = 'held' AND holder_told_at IS NULL")
# The held payments whose holders are not told yet (tell_holders_of_held's sweep).
Index("ix_payments_untold_held", payments.c.id, postgresql_where=UNTOLD, sqlite_where=UNTOLD)
Index(
    "ix_payments_held_person_id",
    payments.c.person_id,
    postgresql_where=HELD_ONLY,
    sqlite_where=HELD_ONLY,
)

# rules.BATCH_PREFIX, RELEASED_PREFIX (CR-<payment>-<random>); the range's ends included
RANGE_COMMENT = "its payments' ids lie within first..last"
credit_instructions = Table(
    "credit_instructions",
    metadata,
    Column("id", String(48), primary_key=True, comment="CB-<batch>-<bank>-<n> or CR-<payment>"),
    Column("bank_code", String(16), ForeignKey("banks.code"), nullable=False),
    Column("batch_id", Id, ForeignKey("payment_batches.id"), nullable=True),
    Column("payment_count", Integer, nullable=False),
    Column("total_fen", BigInteger, nullable=False),
    Column("answered_count", Integer, nullable=False),
    Column("first_payment_id", Id, nullable=False, comment=RANGE_COMMENT),
    Column("last_payment_id", Id, nullable=False, comment=RANGE_COMMENT),
    Column("created_at", UTCDateTime, nullable=False),
    Column("completed_at", UTCDateTime, nullable=True, comment="every payment answered"),
)
Index(
    "ix_credit_instructions_bank_code_completed_at",
    credit_instructions.c.bank_code,
    credit_instructions.c.completed_at,
)
