"""The account flow."""
