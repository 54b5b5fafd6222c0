"""The cooperating banks: their signed reports to us, what we tell them of card changes,
reconciliation (SPEC ISS-2, ISS-4, LOSS-2/3, CAN-3, REP-3)."""
