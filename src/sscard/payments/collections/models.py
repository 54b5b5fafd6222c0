"""Tables of collections by mandate (SPEC PAY-1): the payees, the holders' mandates and the
debits asked under them."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    UniqueConstraint,
)

from sscard.kernel.db import Id, UTCDateTime, metadata

payees = Table(
    "payees",
    metadata,
    Column("code", String(16), primary_key=True, comment="e.g. 3204-WATER"),
    Column("name_zh", String(64), nullable=False),
    Column("name_en", String(64), nullable=False),
    Column("kind", String(16), nullable=False, comment="rules.CollectionKind"),
    Column("actor_id", Id, ForeignKey("actors.id"), nullable=False, unique=True),
    Column("active", Boolean, nullable=False),
    Column("registered_at", UTCDateTime, nullable=False),
)

mandates = Table(
    "mandates",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("reference", String(24), nullable=False, unique=True, comment="MD<date><serial>"),
    Column("person_id", Id, ForeignKey("persons.id"), nullable=False),
    Column("payee_code", String(16), ForeignKey("payees.code"), nullable=False),
    Column("customer_number", String(32), nullable=False, comment="the holder's at the payee"),
    Column(
        "max_amount_fen",
        BigInteger,
        nullable=False,
        comment="the most debited under it in one period (YYYY-MM), "
        "refused and returned debits aside",
    ),
    Column("status", String(8), nullable=False, comment="rules.MandateStatus"),
    Column("signed_at", UTCDateTime, nullable=False),
    Column("channel", String(16), nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
    CheckConstraint("max_amount_fen > 0", name="ck_mandates_positive"),
)
Index("ix_mandates_person_id_status", mandates.c.person_id, mandates.c.status)
# A payee's system finds the mandate of its customer (GET /api/v1/mandates).
Index("ix_mandates_payee_code_customer_number", mandates.c.payee_code, mandates.c.customer_number)
Index(
    "ux_mandates_active",
    mandates.c.person_id,
    mandates.c.payee_code,
    mandates.c.customer_number,
    unique=True,
    postgresql_where=mandates.c.status == "active",
    sqlite_where=mandates.c.status == "active",
)
Index(
    "ix_mandates_payee_customer",
    mandates.c.payee_code,
    mandates.c.customer_number,
    mandates.c.person_id,
)

debits = Table(
    "debits",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True, comment="the debit_id banks see"),
    Column("payee_code", String(16), ForeignKey("payees.code"), nullable=False),
    Column("payee_reference", String(40), nullable=False, comment="the payee's: one debit"),
    Column("mandate_id", Id, ForeignKey("mandates.id"), nullable=False),
    Column("person_id", Id, ForeignKey("persons.id"), nullable=False),
    Column("card_id", Id, ForeignKey("cards.id"), nullable=True, comment="debited from"),
    Column("bank_code", String(16), nullable=True),
    Column("amount_fen", BigInteger, nullable=False),
    Column("period", String(7), nullable=False, comment="YYYY-MM"),
    Column("status", String(12), nullable=False, comment="rules.DebitStatus"),
    Column("reason", String(64), nullable=True, comment="refused: sscard's or the bank's"),
    Column("created_at", UTCDateTime, nullable=False),
    Column("answered_at", UTCDateTime, nullable=True),
    UniqueConstraint("payee_code", "payee_reference", name="uq_debits_payee_reference"),
    CheckConstraint("amount_fen > 0", name="ck_debits_positive"),
)
Index("ix_debits_person_id", debits.c.person_id)
# The debits of a mandate in one period, summed against its limit (PAY-1).
Index("ix_debits_mandate_id_period", debits.c.mandate_id, debits.c.period)
Index("ix_debits_status_created_at", debits.c.status, debits.c.created_at)
