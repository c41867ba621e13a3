"""Users, memberships (user ↔ organisation) and staff roles."""
