"""registry.reference."""
