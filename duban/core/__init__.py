"""What every app of duban uses: the audit trail's one way to write, the read-only admin."""
