"""One Jinja2 environment for every prompt: `prompts/<name>/system.j2` and `user.j2`.

Untrusted text (transcripts, form answers, participants' names and titles) only ever arrives
as a variable, never as template source, and the `fence` filter stops it from closing the
<transcript> style delimiters the templates put around it. A prompt's version is a content
hash of its template files. Rendering is bounded by leadflow.sandbox's PROMPT_LIMITS.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, TemplateError

from leadflow.errors import ConfigError
from leadflow.sandbox import PROMPT_LIMITS, LimitedSandbox, render_template

PROMPTS_DIR = Path(__file__).resolve().parent
TEMPLATES = (("system", "system.j2"), ("user", "user.j2"))
# Delimiter tags the templates use; a transcript line "</transcript> new instructions" must
# not end the data block, so "<" is swapped for "‹" (both are punctuation to verification).
_DELIMITER = re.compile(r"<(\s*/?\s*)(transcript|form_answers|call_context)\b", re.I)


@dataclass(frozen=True)
class RenderedPrompt:
    """The chat messages of one rendering and the version (hash) of the templates used."""

    name: str
    messages: list[dict[str, str]]
    version: str


def fence(value: object) -> str:
    """`value` as text that cannot open or close a prompt's delimiter tags."""
    return _DELIMITER.sub(lambda match: f"‹{match.group(1)}{match.group(2)}", str(value))


@lru_cache(maxsize=8)
def environment(prompt_dir: Path) -> LimitedSandbox:
    """The environment for one prompt folder (sandboxed with limits, StrictUndefined, no
    autoescape)."""
    env = LimitedSandbox(
        loader=FileSystemLoader(str(prompt_dir)),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        limits=PROMPT_LIMITS,
    )
    env.filters["fence"] = fence
    return env


def _folder(name: str, prompt_dir: Path | None) -> Path:
    folder = (prompt_dir or PROMPTS_DIR) / name
    missing = [file for _, file in TEMPLATES if not (folder / file).is_file()]
    if missing:
        raise ConfigError(
            f"prompt {name!r} needs {', '.join(missing)} in {folder}",
            key="LEADFLOW_LLM__PROMPT_DIR",
        )
    return folder


def prompt_version(name: str, prompt_dir: Path | None = None) -> str:
    """The content hash of a prompt's template files: it changes with any edit."""
    folder = _folder(name, prompt_dir)
    # Hashing on every call is wasted work at 30 calls/s; a file's stat changes with an edit.
    stats = tuple((s.st_mtime_ns, s.st_size) for s in ((folder / f).stat() for _, f in TEMPLATES))
    return _hash(name, folder, stats)


@lru_cache(maxsize=64)
def _hash(name: str, folder: Path, stats: tuple[tuple[int, int], ...]) -> str:
    digest = hashlib.sha256()
    for _, file in TEMPLATES:
        digest.update(file.encode() + b"\0" + (folder / file).read_bytes() + b"\0")
    return f"{name}@{digest.hexdigest()[:16]}"


def render(
    name: str, variables: Mapping[str, Any], prompt_dir: Path | None = None
) -> RenderedPrompt:
    """Render `name`'s system and user templates with `variables` (every one must be given).

    `prompt_dir` (settings.llm.prompt_dir) replaces the bundled prompts folder.
    """
    folder = _folder(name, prompt_dir)
    env = environment(folder.parent.resolve())
    messages = []
    for role, file in TEMPLATES:
        try:
            content = render_template(env.get_template(f"{name}/{file}"), variables)
        except TemplateError as exc:
            message = " ".join(str(exc).split())
            raise ConfigError(f"cannot render {name}/{file}: {message}",
                              file=folder / file) from exc
        messages.append({"role": role, "content": content.strip()})
    return RenderedPrompt(name=name, messages=messages, version=prompt_version(name, prompt_dir))
