"""Routers, one per bounded context."""
