"""The FastAPI service: thin routes over the library."""
