"""The ecard password (SPEC ECARD-3, PWD-2/3): set in the online hall, asked before a code that
pays at a hospital is shown, reset at an outlet with the card and the holder's ID."""
