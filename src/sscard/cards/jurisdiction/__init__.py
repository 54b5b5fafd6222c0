"""cards.jurisdiction."""
