"""The `claims` command: parse, call one workflow function, render."""
