"""The web service (`leadflow serve`): signed intake, the review queue, the lead list, the API."""

from leadflow.web.app import create_app

__all__ = ["create_app"]
