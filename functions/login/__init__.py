"""The login flow."""
