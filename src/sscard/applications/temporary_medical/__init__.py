"""applications.temporary_medical."""
