"""HR and social security services reached through the card and its ecard (SPEC ECARD-5,
SCN-1): the insurance certificate with its verification code, the start of an unemployment
registration, and the catalogue of the rest."""
