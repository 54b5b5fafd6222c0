"""The temporary medical card while a replacement or exchange is made (SPEC REP-1)."""
