"""applications.renewal."""
