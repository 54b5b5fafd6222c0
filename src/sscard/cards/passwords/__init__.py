"""The card's hr password: set, change, verify, reset, lock (SPEC PWD-1..3)."""
