"""applications.counter."""
