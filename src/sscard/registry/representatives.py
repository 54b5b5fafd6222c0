"""Someone acting for a person at the counter (a guardian, an agent, a family member): how their
name and document are stored and shown (SPEC ID-4, CAN-4, ID-6).

Applications and cancellations each keep their representatives in a table of their own; both
tables are built with these columns and store and show them the same way: the name encrypted and
masked, the document number encrypted, indexed (to recognise the document later) and masked.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, LargeBinary, String

from sscard.kernel.crypto import Vault
from sscard.kernel.db import Row
from sscard.kernel.masking import mask_name, mask_number


def representative_columns() -> list[Column[Any]]:
    """The personal columns of a representative, for a table's definition."""
    return [
        Column("name_enc", LargeBinary, nullable=False),
        Column("name_masked", String(64), nullable=False),
        Column("doc_type", String(32), nullable=False),
        Column("number_index", String(64), nullable=False),
        Column("number_enc", LargeBinary, nullable=False),
        Column("number_masked", String(32), nullable=False),
    ]


def sealed_representative(vault: Vault, name: str, doc_type: str, number: str) -> Row:
    """The values of those columns for a representative whose document was examined (ID-1/2)."""
    return {
        **vault.seal("name", name.strip(), mask=mask_name),
        "doc_type": doc_type,
        **vault.seal("number", number, mask=mask_number, indexed=True),
    }


def representative_view(row: Row) -> Row:
    """A stored representative as answered: masked (ID-6)."""
    return {
        "role": row["role"],
        "relationship": row["relationship"],
        "name": row["name_masked"],
        "document_type": row["doc_type"],
        "document_number": row["number_masked"],
    }
