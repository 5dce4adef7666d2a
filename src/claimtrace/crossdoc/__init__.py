"""claimtrace.crossdoc."""
