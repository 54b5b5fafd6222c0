"""The transport wallet (交通联合, SPEC TRN-1..4, LOSS-6, REP-4): the anonymous T-Union purse on
a gen-3 card, loaded at a transport outlet, topped up in two steps (authorised, then confirmed
by the terminal's write to the card), debited by transit operators' terminals with each city's
fares, refunded and closed at the operator's own outlets."""
