"""claimtrace.readers."""
