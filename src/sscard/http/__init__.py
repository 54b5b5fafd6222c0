"""HTTP adapter: FastAPI application, problem+json errors, idempotent POSTs."""
