"""claimtrace.evaluation."""
