"""Unit tables: units registered at an outlet, their agents, and batch applications with a row
per member (issue 13; SPEC APP-3, ISS-3)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    UniqueConstraint,
)

from sscard.kernel.db import Id, UTCDateTime, metadata
from sscard.registry.representatives import representative_columns

units = Table(
    "units",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column(
        "credit_code",
        String(18),
        nullable=False,
        unique=True,
        comment="unified social credit code, GB 32100 (the unit's, or the authorising unit's)",
    ),
    Column("name", String(100), nullable=False, comment="the unit's registered name"),
    Column(
        "kind", String(16), nullable=False, comment="government | enterprise | institution | school"
    ),
    Column(
        "basis",
        String(24),
        nullable=False,
        comment="credit_code_certificate | authorisation_letter (APP-3)",
    ),
    Column(
        "letter_reference", String(64), nullable=True, comment="the authorisation letter's number"
    ),
    Column("city_code", String(4), ForeignKey("cities.code"), nullable=False),
    Column(
        "outlet_id",
        Id,
        ForeignKey("outlets.id"),
        nullable=False,
        comment="the outlet that registered the unit, where its agents collect by default",
    ),
    Column("active", Boolean, nullable=False),
    Column("registered_at", UTCDateTime, nullable=False),
)

unit_agents = Table(
    "unit_agents",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("unit_id", Id, ForeignKey("units.id"), nullable=False, index=True),
    *representative_columns(),
    Column("phone_enc", LargeBinary, nullable=True),
    Column("phone_masked", String(16), nullable=True),
    Column(
        "actor_id",
        Id,
        ForeignKey("actors.id"),
        nullable=True,
        unique=True,
        comment="the unit_agent actor the agent signs in as (SPEC CH-1)",
    ),
    Column("active", Boolean, nullable=False),
    Column("named_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime, nullable=True),
)

unit_batches = Table(
    "unit_batches",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("reference", String(32), nullable=False, unique=True, comment="PC + city + date + seq"),
    Column("unit_id", Id, ForeignKey("units.id"), nullable=False, index=True),
    Column("agent_actor_id", Id, ForeignKey("actors.id"), nullable=True, comment="who uploaded"),
    Column(
        "bank_code",
        String(16),
        ForeignKey("banks.code"),
        nullable=False,
        comment="APP-3: one bank for all",
    ),
    Column("city_code", String(4), ForeignKey("cities.code"), nullable=False),
    Column(
        "outlet_id",
        Id,
        ForeignKey("outlets.id"),
        nullable=False,
        comment="where the agent collects",
    ),
    Column("delivery", String(16), nullable=False, comment="unit_agent | logistics (APP-3)"),
    Column("file_name", String(128), nullable=False),
    Column("file_kind", String(8), nullable=False, comment="xlsx | csv"),
    Column("file_sha256", String(64), nullable=False),
    Column(
        "status",
        String(16),
        nullable=False,
        comment="received (waits for the worker) | validated | failed",
    ),
    Column("rows_total", Integer, nullable=False),
    Column("rows_accepted", Integer, nullable=False),
    Column("rows_refused", Integer, nullable=False),
    Column("accepted_on", Date, nullable=False),
    Column("due_date", Date, nullable=False, comment="accepted_on + 30 calendar days (APP-3)"),
    Column("uploaded_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime, nullable=True),
    Column(
        "file_enc",
        LargeBinary,
        nullable=True,
        comment="the upload, sealed, while the batch waits for the worker; dropped when done",
    ),
    Column("failure_code", String(48), nullable=True, comment="why a received batch failed"),
)

batch_rows = Table(
    "unit_batch_rows",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("batch_id", Id, ForeignKey("unit_batches.id"), nullable=False),
    Column("row_number", Integer, nullable=False, comment="the row in the uploaded file, 1-based"),
    Column("outcome", String(16), nullable=False, comment="accepted | refused"),
    Column("refusal_code", String(48), nullable=True),
    Column("refusal_field", String(48), nullable=True),
    Column("refusal_zh", String(200), nullable=True),
    Column("refusal_en", String(200), nullable=True),
    Column("name_masked", String(64), nullable=True),
    Column("number_masked", String(32), nullable=True),
    Column(
        "number_index",
        String(64),
        nullable=True,
        comment="the document number's blind index, kept with the row's result (no lookup by it)",
    ),
    Column(
        "application_id",
        Id,
        ForeignKey("applications.id"),
        nullable=True,
        unique=True,
        comment="an accepted row's application, and through it the member's person",
    ),
    Column("photo_pending", Boolean, nullable=False, comment="the unit supplies the photo later"),
    Column(
        "row_enc",
        LargeBinary,
        nullable=True,
        comment="a refused row's cells as uploaded, sealed, for the result workbook to fix",
    ),
    UniqueConstraint("batch_id", "row_number", name="uq_unit_batch_rows_row"),
)
