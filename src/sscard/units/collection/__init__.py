"""Units: collection (issue 13)."""
