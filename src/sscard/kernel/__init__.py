"""The shared kernel: errors, the actor and its operations, the unit of work, clock, crypto,
masking, database, events. Imports no context."""
