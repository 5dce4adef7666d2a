"""claimtrace.store."""
