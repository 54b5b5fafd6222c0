"""The statutory holiday calendar, as data: years known, holidays, adjusted working days (SPEC
APP-2, §17)."""
