"""cards.financial."""
