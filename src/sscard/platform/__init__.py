"""Cross-cutting records every context writes through: history, outbox, idempotency, sequences."""
