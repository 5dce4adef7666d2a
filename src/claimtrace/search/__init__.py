"""claimtrace.search."""
