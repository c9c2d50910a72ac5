"""Schema migrations (Alembic). `claims db upgrade` runs them inside its own transaction; see claims/schema.py."""
