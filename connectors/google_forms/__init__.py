"""Google Forms: the responses.list reconciler's client and its mapping to intake's JSON."""

from connectors.google_forms.api import GoogleFormsApi
from connectors.google_forms.mapping import SOURCE, raw_submission, submission

__all__ = ["SOURCE", "GoogleFormsApi", "raw_submission", "submission"]
