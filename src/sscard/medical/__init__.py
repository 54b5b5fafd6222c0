"""Medical use of the card (SPEC MED-1, MED-2, ISS-5): cross-region filings, the medical
personal account as a ledger of its own, and settlements at designated institutions."""
