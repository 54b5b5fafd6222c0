"""Notifications to people: queued with the change, delivered outside it through a pluggable sender
(SPEC REP-5, ISS-7, LOSS-2)."""
