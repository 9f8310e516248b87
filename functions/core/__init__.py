"""Core modules shared by every flow. None of them imports Flask."""
