"""The registry (명부): organisations, designations, councils, source records, imports."""
