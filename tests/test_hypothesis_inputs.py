"""Arbitrary input to every transcript parser and config loader: a result or one typed error.

Hypothesis feeds random text and bytes, mangled copies of the real fixtures, and random YAML/JSON
data shaped like the real files. The only exceptions allowed are InputError (transcripts,
templates) and ConfigError (configs, specs, settings), each on one line.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from connectors.local_calendar import load_reps
from connectors.transcript_formats import parse_gong_transcripts, parse_transcript
from connectors.transcript_formats.captions import parse_srt, parse_vtt
from connectors.transcript_formats.plain import parse_plain
from flows.spec import templating
from flows.spec.actions import builtin_registry
from flows.spec.engine import SPECS_DIR
from flows.spec.validation import load_spec
from leadflow.errors import ConfigError, InputError
from leadflow.settings import load_settings
from prompts.rendering import render as render_prompt
from scoring.config import DEFAULT_CONFIG_PATH, load_config, parse_config
from scoring.predictive.mapping import load_mapping
from scoring.safe_yaml import parse_yaml

FUZZ = settings(max_examples=200, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
FIXTURES = Path(__file__).parent / "fixtures" / "transcripts"
SAMPLES = [path.read_text("utf-8") for path in sorted(FIXTURES.rglob("*"))
           if path.is_file() and path.suffix in (".txt", ".vtt", ".srt", ".json")]
REGISTRY = builtin_registry()

# Pieces of the formats, so random text often looks like a transcript, a caption or a template.
PIECES = ["\n", "\n\n", " ", ":", "WEBVTT", "WEBVTT\n\n", "NOTE ", "-->", " --> ", "00:00:01.000",
          "00:01,500", "1\n", "[00:01:05] ", "<v Ana>", "</v>", "<i>", "&amp;", "Ana: ",
          "Bob (CFO, Acme): ", "Participants: ", "Date: 2030-01-07", "Title: ", "Speaker 1",
          "{", "}", "[", "]", '"', "callTranscripts", "\ufeff", "\r\n", "\t", "99999999999999",
          "{{ ", " }}", "{% ", " %}", "steps.", "lead.", "|", "**", "*", "~", "(", ")"]
fragments = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=12)),
                     max_size=40).map("".join)


@st.composite
def mangled(draw: st.DrawFn, texts: list[str]) -> str:
    """One of `texts` with a slice cut out and random pieces put in."""
    text = draw(st.sampled_from(texts))
    start = draw(st.integers(0, len(text)))
    end = draw(st.integers(start, min(len(text), start + 200)))
    return text[:start] + draw(fragments) + text[end:]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
    | st.sampled_from(PIECES),
    lambda inner: st.lists(inner, max_size=5)
    | st.dictionaries(st.text(max_size=10) | st.sampled_from(PIECES), inner, max_size=5),
    max_leaves=30)


def _one_line(error: Exception) -> None:
    assert "\n" not in str(error), str(error)


def _parses_or_input_error(parse: Any, value: Any) -> None:
    try:
        parse(value)
    except InputError as error:
        _one_line(error)


def _loads_or_config_error(load: Any, value: Any) -> None:
    try:
        load(value)
    except ConfigError as error:
        _one_line(error)


PARSERS = {"any": parse_transcript, "txt": parse_plain, "vtt": parse_vtt, "srt": parse_srt,
           "gong": parse_gong_transcripts,
           **{f"as-{name}": lambda text, name=name: parse_transcript(text, format=name)
              for name in ("txt", "vtt", "srt", "gong")}}


@pytest.mark.parametrize("parse", PARSERS.values(), ids=PARSERS.keys())
@FUZZ
@given(text=st.one_of(st.text(), fragments, mangled(SAMPLES)))
def test_a_transcript_parser_returns_or_raises_one_input_error(parse: Any, text: str) -> None:
    _parses_or_input_error(parse, text)


@FUZZ
@given(data=st.one_of(json_values, st.fixed_dictionaries(
    {"callTranscripts": st.lists(st.fixed_dictionaries(
        {"callId": json_values, "transcript": st.lists(st.fixed_dictionaries(
            {"speakerId": json_values, "sentences": st.lists(st.fixed_dictionaries(
                {"start": json_values, "end": json_values, "text": json_values}),
                max_size=3)}), max_size=3)}), max_size=2),
     "parties": st.lists(st.dictionaries(st.sampled_from(
         ["speakerId", "name", "emailAddress", "affiliation", "title"]), json_values),
         max_size=3)})))
@example(data={"callTranscripts": [{"callId": "\n", "transcript": []}]})  # found by Hypothesis
def test_gong_data_returns_or_raises_one_input_error(data: Any) -> None:
    _parses_or_input_error(parse_gong_transcripts, json.dumps(data))
    _parses_or_input_error(parse_gong_transcripts, data)


@pytest.mark.parametrize("suffix", [".txt", ".vtt", ".srt", ".json"])
@FUZZ
@given(content=st.binary(max_size=400))
def test_a_transcript_file_of_any_bytes_returns_or_raises_one_input_error(
        tmp_path_factory: pytest.TempPathFactory, suffix: str, content: bytes) -> None:
    path = tmp_path_factory.mktemp("t") / f"call{suffix}"
    path.write_bytes(content)
    _parses_or_input_error(parse_transcript, path)


def _mutated(data: Any, draw: st.DrawFn) -> Any:
    """`data` with one value somewhere inside replaced by a random one."""
    if isinstance(data, dict) and data and draw(st.booleans()):
        key = draw(st.sampled_from(sorted(data, key=str)))
        return {**data, key: _mutated(data[key], draw)}
    if isinstance(data, list) and data and draw(st.booleans()):
        index = draw(st.integers(0, len(data) - 1))
        return [*data[:index], _mutated(data[index], draw), *data[index + 1:]]
    return draw(json_values)


@st.composite
def mutated(draw: st.DrawFn, original: Any) -> Any:
    return _mutated(original, draw)


DEFAULT_CONFIG = yaml.safe_load(DEFAULT_CONFIG_PATH.read_text("utf-8"))
SPECS = {path.name: yaml.safe_load(path.read_text("utf-8"))
         for path in sorted(SPECS_DIR.glob("*.yaml"))}
SPEC_TEXTS = [path.read_text("utf-8") for path in sorted(SPECS_DIR.glob("*.yaml"))]


@FUZZ
@given(data=st.one_of(json_values, mutated(DEFAULT_CONFIG)))
@example(data={"\n": None})  # found by Hypothesis: a key with a line break
def test_scoring_config_data_is_valid_or_one_config_error(data: Any) -> None:
    _loads_or_config_error(parse_config, data)


def _written(folder: Path, content: str | bytes, name: str = "file.yaml") -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, "utf-8")
    return path


yaml_texts = st.one_of(
    st.text(), fragments, st.binary(max_size=300),
    json_values.map(lambda value: yaml.safe_dump(value, allow_unicode=True)),
    mutated(DEFAULT_CONFIG).map(lambda value: yaml.safe_dump(value, allow_unicode=True)),
    mangled([DEFAULT_CONFIG_PATH.read_text("utf-8"), *SPEC_TEXTS]))


@pytest.mark.parametrize("load", [load_config, load_reps, load_mapping,
                                  lambda path: load_spec(path, REGISTRY)],
                         ids=["scoring-config", "reps", "mapping", "flow-spec"])
@FUZZ
@given(content=yaml_texts)
def test_a_yaml_file_loads_or_raises_one_config_error(
        tmp_path_factory: pytest.TempPathFactory, load: Any, content: str | bytes) -> None:
    _loads_or_config_error(load, _written(tmp_path_factory.mktemp("c"), content))


@FUZZ
@given(data=st.one_of(*(mutated(spec) for spec in SPECS.values())))
def test_a_mutated_shipped_spec_is_valid_or_one_config_error(
        tmp_path_factory: pytest.TempPathFactory, data: Any) -> None:
    text = yaml.safe_dump(data, allow_unicode=True)
    _loads_or_config_error(lambda path: load_spec(path, REGISTRY),
                           _written(tmp_path_factory.mktemp("s"), text))


@FUZZ
@given(text=st.one_of(st.text(), fragments))
def test_any_yaml_text_parses_or_raises_one_config_error(text: str) -> None:
    _loads_or_config_error(parse_yaml, text)


CONTEXT = {"steps": {"intake": {"name": "Ana", "n": 3, "items": [1, 2]}},
           "lead": {"email": "a@x.io"}}


@FUZZ
@given(template=st.one_of(st.text(), fragments,
                          fragments.map(lambda inner: "{{ " + inner + " }}"),
                          fragments.map(lambda inner: "x {{ " + inner + " }}")))
def test_a_spec_template_renders_or_raises_one_input_error(template: str) -> None:
    _parses_or_input_error(lambda text: templating.render(text, CONTEXT), template)
    _parses_or_input_error(lambda text: templating.evaluate(text, CONTEXT), template)


@FUZZ
@given(template=st.one_of(st.text(), fragments, mangled(
    [(Path(__file__).parents[1] / "prompts" / "bant_extract" / "user.j2").read_text("utf-8")])))
def test_a_prompt_template_renders_or_raises_one_config_error(
        tmp_path_factory: pytest.TempPathFactory, template: str) -> None:
    folder = tmp_path_factory.mktemp("p")
    (folder / "fuzz").mkdir()
    (folder / "fuzz" / "system.j2").write_text("You read calls.", "utf-8")
    (folder / "fuzz" / "user.j2").write_text(template, "utf-8")
    variables = {"transcript": "Ana: hi", "call_date": "2030-01-07", "participants": [],
                 "capabilities": ["crm sync"], "form_answers": {}, "part": 1, "parts": 1}
    _loads_or_config_error(lambda _: render_prompt("fuzz", variables, prompt_dir=folder), None)


SETTINGS_VARIABLES = ["LEADFLOW_PRODUCT_CAPABILITIES", "LEADFLOW_WEB__SOURCES",
                      "LEADFLOW_WEB__PORT", "LEADFLOW_WEB__INTAKE_SECRETS", "LEADFLOW_LLM__PRICES",
                      "LEADFLOW_LLM__TEMPERATURE", "LEADFLOW_MAX_CONCURRENT_LEADS",
                      "LEADFLOW_GOOGLE__FORM_IDS", "LEADFLOW_SLACK__REP_CHANNELS", "LEADFLOW_WEB"]
env_values = st.one_of(st.text(), fragments,
                       json_values.map(json.dumps)).filter(lambda text: "\x00" not in text)


@FUZZ
@given(environment=st.dictionaries(st.sampled_from(SETTINGS_VARIABLES), env_values,
                                   min_size=1, max_size=3))
@example(environment={"LEADFLOW_WEB__SOURCES": '{"\\n": null}'})  # found by Hypothesis
@example(environment={"LEADFLOW_PRODUCT_CAPABILITIES": "[oops"})
def test_settings_from_any_environment_load_or_raise_one_config_error(
        environment: dict[str, str]) -> None:
    clean = {key: value for key, value in os.environ.items() if not key.startswith("LEADFLOW_")}
    with mock.patch.dict(os.environ, {**clean, **environment}, clear=True):
        _loads_or_config_error(lambda _: load_settings(_env_file=None), None)
