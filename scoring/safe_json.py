"""json.loads for text from outside: nesting deeper than Python's recursion limit is a
JSONDecodeError like any other malformed JSON, not a RecursionError that escapes every handler.

A 400 KB file of `[[[[...` is enough to raise RecursionError inside json's C decoder (it checks
its depth, so catching the error there is safe).
"""

from __future__ import annotations

import json
from typing import Any


def loads(text: str | bytes) -> Any:
    """The JSON value of `text`; json.JSONDecodeError (a ValueError) when it is not JSON or
    is nested too deeply to read."""
    try:
        return json.loads(text)
    except RecursionError:
        doc = text if isinstance(text, str) else text.decode("utf-8", "replace")
        raise json.JSONDecodeError("nested too deeply to read", doc, 0) from None
