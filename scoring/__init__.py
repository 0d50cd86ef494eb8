"""Pure scoring: BANT answers, the weighted score with its explanation, bands. No I/O here."""
