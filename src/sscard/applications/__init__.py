"""Applying for a card, producing it and handing it over (SPEC APP-1..8, ISS-1..4, ID-3, ID-4)."""
