"""The access log (SPEC ID-6, GOV-5; issue 11): every read of a full record, by whom, why."""
