"""How often one client address may knock on a door that needs no account (issue 13)."""
