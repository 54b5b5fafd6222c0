"""Units: photos (issue 13)."""
