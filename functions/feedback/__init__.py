"""The feedback flow."""
