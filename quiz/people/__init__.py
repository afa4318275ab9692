"""People: units, accounts with roles, sessions, the admins' audit, and the scope an account may act in."""
