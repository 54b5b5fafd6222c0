"""Persons and their identity documents and photos, with reference data, the holiday calendar, the
HR credit record and base-data corrections (SPEC ID, CITY, GOV, APP-5)."""
