"""Base-data corrections at the base-data window, with the police certificate (SPEC REP-2b, JUR-3)."""
