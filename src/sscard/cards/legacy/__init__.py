"""cards.legacy."""
