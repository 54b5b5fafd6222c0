"""platform.notify."""
