"""The console's school-scoped API: a school's accounts, their follow-up, roster imports, the directory."""
