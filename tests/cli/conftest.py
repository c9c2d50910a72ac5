"""CLI fixtures (defined in cli_support.py, which test modules import helpers from by that unique name)."""

from cli_support import add_policies, claims, click_tree_built_once, example_records, other_login, shared_folder, template_db, walk  # noqa: F401
