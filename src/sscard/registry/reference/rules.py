"""What an outlet can offer (SPEC GOV-1). Pure data."""

from __future__ import annotations

OUTLET_OPERATIONS = frozenset(
    {
        "apply",
        "collect",
        "replace",
        "exchange",
        "upgrade",
        "formal_loss",
        "unlock",
        "financial_activation",
        "base_data_change",
        "cancel",
        "jurisdiction_change",
        "password",
        "temporary_medical_card",
        "transport_load",
        "transport_top_up",
        "transport_refund",
    }
)
