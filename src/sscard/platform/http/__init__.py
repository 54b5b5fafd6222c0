"""The HTTP plumbing every context's endpoints use: the actor of a token, units of work, idempotent
writes, problem+json."""
