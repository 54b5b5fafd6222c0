"""registry.corrections."""
