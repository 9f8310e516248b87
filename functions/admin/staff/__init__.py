"""The console's staff: enrolment from an invitation, sign-in with two factors, staff management."""
