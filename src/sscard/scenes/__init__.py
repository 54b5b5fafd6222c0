"""Places that accept the card (用卡场景, SPEC SCN-1, MED-1, CUL-1): the operators the card
centre registers, their terminals and what each use of a card or ecard there came to."""
