"""Loss and unlock: temporary, formal, the 7-day lift (SPEC LOSS-1..4)."""
