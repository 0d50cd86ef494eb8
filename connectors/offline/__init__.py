"""The offline extractor: BANT answers from a transcript by rules, one module per criterion."""

from connectors.offline.extractor import OfflineExtractor

__all__ = ["OfflineExtractor"]
