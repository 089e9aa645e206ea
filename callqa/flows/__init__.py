"""Prefect flows: thin layers of tasks over the library."""
