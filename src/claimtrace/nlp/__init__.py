"""claimtrace.nlp."""
