"""platform.http."""
