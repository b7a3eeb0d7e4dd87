"""Who is asking: accounts, roles, sessions and the principal every query is scoped to."""
