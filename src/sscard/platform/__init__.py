"""Records and engines every context writes through: history, sequences, idempotency, the outbox
and its delivery, notifications, the HTTP plumbing, the clock."""
