"""Culture and tourism with the card (SPEC CUL-1): tickets sold to a card and checked at the
gate of a scenic spot or museum, and the card as a library's reader's card."""
