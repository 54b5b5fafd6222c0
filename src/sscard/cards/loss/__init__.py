"""cards.loss."""
