"""leadflow: self-hosted workflow automation with LLM steps for sales teams."""

__version__ = "0.1.0"
