"""registry.calendar."""
