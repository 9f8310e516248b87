"""The secretariat's console API (`/api/admin/…`): staff sign-in, staff management, the schools' work."""
