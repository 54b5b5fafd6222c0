"""Units: production (issue 13)."""
