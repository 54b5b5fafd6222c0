"""The HR credit record: entries appended by the centre, read by later business (SPEC REP-5,
GOV-4)."""
