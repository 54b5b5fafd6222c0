"""Actors and their API tokens: who is calling, bound to which organisation (SPEC CH-1, CH-2)."""
