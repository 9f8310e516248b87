"""The first connection flow."""
