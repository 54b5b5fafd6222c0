"""Registry: persons, identity documents, cities, banks, outlets, city policies, calendar."""
