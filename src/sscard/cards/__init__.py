"""The card after issue: its lifecycle, the read path, and every change published as an event (SPEC
LOSS, REP, CAN, JUR, ISS, PWD)."""
