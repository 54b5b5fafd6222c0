"""The delivery engine: messages to other parties written with the change, delivered signed over
HTTP or NATS, in order per card (SPEC ISS-2)."""
