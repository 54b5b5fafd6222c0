"""cards.cancellation."""
