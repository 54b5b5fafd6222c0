"""Staff accounts of the console: password (argon2id) and TOTP sign-in, sessions (issue 12)."""
