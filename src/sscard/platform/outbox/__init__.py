"""platform.outbox."""
