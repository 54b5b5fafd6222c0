"""The online hall's real-name sign-in (issue 13 item 1): a cardholder signs in with their
document number, their name and a one-time code sent by SMS to the phone on record."""
