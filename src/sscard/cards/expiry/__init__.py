"""cards.expiry."""
