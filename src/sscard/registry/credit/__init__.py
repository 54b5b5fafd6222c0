"""registry.credit."""
