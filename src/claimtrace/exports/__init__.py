"""claimtrace.exports."""
