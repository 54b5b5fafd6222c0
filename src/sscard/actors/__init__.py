"""Actors: who is calling, through which channel, and what each role may do (SPEC CH-1, CH-2)."""
