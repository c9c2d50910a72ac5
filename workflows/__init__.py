"""Use cases: the state machine, its guards and one unit of work per command."""
