"""IsoCross persistence: aiosqlite schema, migrations and repositories."""
