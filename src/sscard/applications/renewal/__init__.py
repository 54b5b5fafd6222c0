"""A new card in place of one held: replacement, exchange, upgrade (SPEC REP-1..6, GEN-3)."""
