"""Older-generation cards declared at an upgrade, and the move of the medical function (SPEC GEN-3,
ISS-5)."""
