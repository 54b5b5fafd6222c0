"""Offline fares (SPEC TRN-1, TRN-3): what readers debited from cards while off line, uploaded
later by the transit operator as a clearing file and applied to the purses in bulk."""
