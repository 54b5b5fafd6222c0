"""banks.reconciliation."""
