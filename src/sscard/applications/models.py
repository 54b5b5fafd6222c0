"""Application tables."""

from __future__ import annotations

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, LargeBinary, String, Table, text

from sscard.kernel.db import Id, UTCDateTime, metadata
from sscard.registry.representatives import representative_columns

applications = Table(
    "applications",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("reference", String(32), nullable=False, unique=True),
    Column("person_id", Id, ForeignKey("persons.id"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("channel", String(32), nullable=False),
    Column("outlet_id", Id, ForeignKey("outlets.id"), nullable=True, index=True),
    Column("city_code", String(4), ForeignKey("cities.code"), nullable=False),
    Column("bank_code", String(16), ForeignKey("banks.code"), nullable=False),
    Column("making", String(16), nullable=False),
    Column("status", String(32), nullable=False),
    Column("fee_fen", Integer, nullable=False),
    Column("accepted_on", Date, nullable=False),
    Column("due_date", Date, nullable=True),
    Column("due_year_unknown", Integer, nullable=True, comment="calendar year missing for due"),
    # No foreign key: cards already point at applications, and a cycle would break table order.
    Column("replaces_card_id", Id, nullable=True, unique=True, comment="card replaced/exchanged"),
    Column("exchange_reason", String(32), nullable=True, comment="REP-2 kind of an exchange"),
    Column("withdrawal_reason", String(32), nullable=True, comment="why it was withdrawn"),
    Column("withdrawal_note", String(200), nullable=True, comment="the withdrawal's free text"),
    Column("withdrawn_at", UTCDateTime, nullable=True),
    Column("version", Integer, nullable=False),
    Column("accepted_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
# The work in hand by state and due date (APP-7); with the city and channel, the dashboard's
# counts of open and overdue work read the index alone (statistics, GOV-6).
Index(
    "ix_applications_status_due_date",
    applications.c.status,
    applications.c.due_date,
    applications.c.city_code,
    applications.c.channel,
)
Index("ix_applications_due_year_unknown", applications.c.due_year_unknown)
# SPEC REP-5: a person's replacements and exchanges in the last month.
Index("ix_applications_person_id_accepted_at", applications.c.person_id, applications.c.accepted_at)
# SPEC ID-3: at most one open application per person, even for two counters at the same moment.
OPEN_WHERE = text(
    "status IN ('accepted', 'in_production', 'produced', 'ready_for_collection', 'mailed',"
    " 'with_unit')"
)
Index(
    "uq_applications_open_person",
    applications.c.person_id,
    unique=True,
    postgresql_where=OPEN_WHERE,
    sqlite_where=OPEN_WHERE,
)

representatives = Table(
    "application_representatives",
    metadata,
    Column("application_id", Id, ForeignKey("applications.id"), primary_key=True),
    Column("role", String(16), nullable=False, comment="guardian | agent"),
    Column("relationship", String(32), nullable=False),
    *representative_columns(),
    Column("proof", String(32), nullable=True, comment="proof of guardianship or support"),
)

# How an online application's card reaches its holder (issue 13; SPEC APP-4, APP-1, ISS-3): by
# EMS to an address, or to an outlet of any Jiangsu city. Counter applications have no row.
deliveries = Table(
    "application_deliveries",
    metadata,
    Column("application_id", Id, ForeignKey("applications.id"), primary_key=True),
    Column(
        "mode", String(8), nullable=False, comment="ems: mailed, postage paid on delivery; outlet"
    ),
    Column(
        "collection_outlet_id",
        Id,
        ForeignKey("outlets.id"),
        nullable=True,
        comment="mode outlet: where the card is collected, in any Jiangsu city (APP-1)",
    ),
    Column("province", String(16), nullable=True, comment="mode ems: address, province"),
    Column("city", String(32), nullable=True, comment="mode ems: address, city"),
    Column("district", String(32), nullable=True, comment="mode ems: address, district or county"),
    Column("detail_enc", LargeBinary, nullable=True, comment="street and number, SM4 sealed"),
    Column("detail_masked", String(64), nullable=True),
    Column("recipient_enc", LargeBinary, nullable=True, comment="recipient's name, sealed"),
    Column("recipient_masked", String(64), nullable=True),
    Column("phone_enc", LargeBinary, nullable=True, comment="recipient's phone, sealed"),
    Column("phone_masked", String(16), nullable=True),
    Column("tracking_number", String(32), nullable=True, comment="EMS waybill number"),
    Column("sent_at", UTCDateTime, nullable=True),
    Column("delivered_at", UTCDateTime, nullable=True),
    Column("returned_at", UTCDateTime, nullable=True, comment="last time EMS brought it back"),
)
Index("ix_application_deliveries_tracking", deliveries.c.tracking_number, unique=True)

waybills = Table(
    "application_waybills",
    metadata,
    Column(
        "tracking_number",
        String(32),
        primary_key=True,
        comment="an EMS waybill serves one mailing, ever: a returned one is not used again",
    ),
    Column("application_id", Id, ForeignKey("applications.id"), nullable=False, index=True),
    Column("sent_at", UTCDateTime, nullable=False),
    Column("delivered_at", UTCDateTime, nullable=True),
    Column("returned_at", UTCDateTime, nullable=True),
)
