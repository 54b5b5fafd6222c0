"""Tables of offline clearing files (SPEC TRN-3): each file an operator uploaded, and each of
its lines with what became of it."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    UniqueConstraint,
)

from sscard.kernel.db import Id, UTCDateTime, metadata

clearing_files = Table(
    "transport_clearing_files",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("operator_id", Id, ForeignKey("scene_operators.id"), nullable=False),
    Column("reference", String(40), nullable=False, comment="the operator's: one file each"),
    Column("content_hash", String(64), nullable=False, comment="same reference, other lines"),
    Column("terminal_id", Id, ForeignKey("scene_terminals.id"), nullable=False),
    Column("line_count", Integer, nullable=False),
    Column("uploaded_at", UTCDateTime, nullable=False),
    UniqueConstraint("operator_id", "reference", name="uq_transport_clearing_files_reference"),
)

# Written once, by one INSERT ... SELECT right after its file's row in the same transaction;
# files are never deleted: no foreign key, which PostgreSQL checks row by row (migration
# b8c9d0e1f2a5).
clearing_lines = Table(
    "transport_clearing_lines",
    metadata,
    Column("file_id", Id, nullable=False),  # transport_clearing_files.id
    Column("line_no", Integer, nullable=False),
    Column("terminal_id", Id, nullable=False, comment="the reader that debited the card"),
    Column("terminal_seq", BigInteger, nullable=False),
    Column("card_number", String(9), nullable=False),
    Column("counter", Integer, nullable=False, comment="the card's counter after the debit"),
    Column("mode", String(8), nullable=False),
    Column("fare_fen", BigInteger, nullable=False, comment="the full fare"),
    Column("used_at", UTCDateTime, nullable=False),
    Column("city_code", String(4), nullable=False, comment="the reader's city"),
    Column("purse_id", Id, nullable=True),
    Column("card_city_code", String(4), nullable=True),
    Column("charged_fen", BigInteger, nullable=True, comment="after the city's discount"),
    Column("balance_after_fen", BigInteger, nullable=True),
    Column("outcome", String(16), nullable=False, comment="rules.LineOutcome"),
    Column("gap", Integer, nullable=False, comment="counters unseen just before this one"),
    # A file's lines are read by this key's range of the file (no other index: each would be
    # written a million times per file; migration b8c9d0e1f2a5).
    PrimaryKeyConstraint("file_id", "line_no", name="pk_transport_clearing_lines"),
)
