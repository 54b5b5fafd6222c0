"""The 10-year financial validity: expiring cards and their reminders (SPEC ISS-7)."""
