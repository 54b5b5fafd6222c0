"""The financial function's mirror: what the card's bank reports of the account (SPEC ISS-2,
LOSS-2)."""
