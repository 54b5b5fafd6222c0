"""Base-data corrections at the base-data window, with the police certificate (REP-2b, JUR-3)."""
