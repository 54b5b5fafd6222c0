"""The service clock: read it, and move it in demo and test mode."""
