"""`claims batch FILE`: many commands in one process (issue 4). Registered on the main app."""

from __future__ import annotations

from cli.main import app  # noqa: F401
