"""Statistics for the card centre (SPEC GOV-6): daily counters kept with the changes they count."""
