"""claimtrace.report."""
