"""Larger CLI commands, registered on :data:`yieldopt.cli.app` when that module loads."""
