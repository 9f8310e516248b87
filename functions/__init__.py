"""ENT Parents backend: one folder per self-service flow, shared core modules in `core`."""
