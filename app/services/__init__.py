"""Use cases: one function per user action, shared by the window and the CLI."""
