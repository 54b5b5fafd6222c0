"""cards.passwords."""
