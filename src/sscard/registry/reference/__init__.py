"""Reference data: cities, banks, each city's banks, outlets, hotlines, city policies (SPEC
CITY-1..3, GOV-1/2)."""
