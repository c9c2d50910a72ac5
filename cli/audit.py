"""Auditor commands: replay and audit verify/anchor/export (issue 3). Registered on the main app."""

from __future__ import annotations

from cli.main import app  # noqa: F401
