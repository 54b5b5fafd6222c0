"""Units (单位) and their batch applications: registration, agents, batches (SPEC APP-3, ISS-3)."""
