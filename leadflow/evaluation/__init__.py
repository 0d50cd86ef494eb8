"""Evaluating extractors against hand-labelled gold transcripts."""
