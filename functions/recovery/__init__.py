"""The recovery flow."""
