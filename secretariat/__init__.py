"""The school secretariat's tools: the `ent-admin` command."""
