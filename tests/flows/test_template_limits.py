"""Spec and prompt templates are rendered with limits: sizes, integer bits, steps and time.

Each costly template must end quickly in one InputError line (a ConfigError for a prompt
file), `flows validate` must name a costly constant part before anything runs, and a breach at
run time must name the step.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from jinja2 import StrictUndefined

from flows.receive import receive
from flows.runner import advance_leads
from flows.spec import templating
from flows.spec.actions import builtin_registry
from flows.spec.engine import compile_spec
from flows.spec.validation import SpecInvalid, load_spec
from leadflow.errors import ConfigError, InputError
from leadflow.sandbox import (
    ImmutableLimitedSandbox,
    RenderLimits,
    TemplateLimitError,
    render_template,
)
from leadflow.store.leads import get_lead
from prompts.rendering import render as render_prompt
from tests.flows.world import World, submission

CONTEXT = {"steps": {"intake": {"name": "Ana", "n": 3}}, "lead": {"email": "a@x.io"}}
LOOPS = "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}"

COSTLY = [
    pytest.param("{{ 10 ** (10 ** 7) }}", "4,096 bits", id="power"),
    pytest.param("{{ 'x' * 10**10 }}", "repetition would be 10,000,000,000", id="repeat-text"),
    pytest.param("x {{ [1] * 10**9 }}", "repetition would be 1,000,000,000", id="repeat-list"),
    pytest.param("{{ 'x'.ljust(10**10) }}", "width of 10,000,000,000", id="ljust"),
    pytest.param("{{ '{:1000000000}'.format(1) }}", "format width", id="format-width"),
    pytest.param("{{ '{:{}}'.format(1, 10**9) }}", "format width", id="format-nested-width"),
    pytest.param("{{ '%1000000000d' % 1 }}", "% width", id="percent-width"),
    pytest.param("{{ '%*d' % (10**9, 1) }}", "'*' widths", id="percent-star"),
    pytest.param("{{ 'x'|center(10**9) }}", "width of 1,000,000,000", id="center-filter"),
    pytest.param("{{ 'a\nb'|indent(10**9) }}", "indented text", id="indent-filter"),
    pytest.param("{{ ('x' * 100000)|replace('', 'y' * 100) }}", "replacement", id="replace"),
    pytest.param("{{ range(100000)|join('y' * 10000) }}", "join would be", id="join-filter"),
    pytest.param("{{ ('y' * 10000).join(range(100000)|map('string')) }}", "join would be",
                 id="join-method"),
    pytest.param("{{ [1]|batch(10**9, 0)|list }}", "batch of", id="batch"),
    pytest.param("{{ [1]|slice(10**9)|list }}", "slice count", id="slice"),
    pytest.param("{{ {'a': 1}|tojson(10**9) }}", "JSON indent", id="tojson"),
    pytest.param("{{ lipsum(10**6) }}", "'lipsum' is undefined", id="lipsum"),
    pytest.param("{% set ns = namespace(s='xx') %}{% for i in range(64) %}"
                 "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}", "joined text",
                 id="doubling-text"),
    pytest.param("{% set ns = namespace(n=3) %}{% for i in range(64) %}"
                 "{% set ns.n = ns.n * ns.n %}{% endfor %}{{ ns.n > 1 }}", "4,096 bits",
                 id="squaring-number"),
    pytest.param(LOOPS, "more than 1,000,000 loop iterations", id="nested-loops"),
    pytest.param("{% set s = 'x' * 100000 %}{% for a in s %}{% for b in s %}{% endfor %}"
                 "{% endfor %}", "more than 1,000,000 loop iterations", id="loops-over-text"),
    pytest.param("{% set s %}{% for i in range(100000) %}{{ 'x' * 900000 }}{% endfor %}"
                 "{% endset %}{{ s|length }}", "more than 1,000,000 characters",
                 id="captured-output"),
    pytest.param("{% for i in range(100000) %}{{ 'x' * 900000 }}{% endfor %}",
                 "more than 1,000,000 characters", id="output"),
    pytest.param("{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}", "RecursionError",
                 id="recursion"),
    pytest.param("{{ 1 / 0 }}", "ZeroDivisionError: division by zero", id="python-error"),
    pytest.param("{{ steps.intake.name + 1 }}", "TypeError", id="type-error"),
]


@pytest.mark.parametrize(("template", "expected"), COSTLY)
def test_a_costly_spec_template_is_one_input_error_line_quickly(template: str,
                                                                expected: str) -> None:
    started = time.monotonic()
    with pytest.raises(InputError) as caught:
        templating.render({"text": template}, CONTEXT)
    assert time.monotonic() - started < 5
    message = str(caught.value)
    assert expected in message
    assert "\n" not in message and message.startswith("template ")


@pytest.mark.parametrize(("template", "expected"), [
    ("{{ steps.intake.n * 7 }}", 21),
    ("{{ 2 ** 64 }}", 2 ** 64),
    ("hi {{ lead.email }} {{ steps.intake.name|upper }}", "hi a@x.io ANA"),
    ("{{ 'a{}b'.format(5) }} {{ '%05.1f' % 3.14159 }}", "a5b 003.1"),
    ("{% for x in [1, 2, 3] %}{{ loop.index }}{{ '.' if loop.last }}{% endfor %}", "123."),
    ("{{ steps.intake.name ~ '!' }} {{ [1, 2]|join(', ') }}", "Ana! 1, 2"),
    ("{{ 'x' * 1000 }}", "x" * 1000),
])
def test_ordinary_templates_render_as_before(template: str, expected: object) -> None:
    assert templating.render(template, CONTEXT) == expected


def test_long_data_passes_through_though_templates_cannot_make_text_that_long() -> None:
    long = "y" * 2_000_000
    assert templating.render("{{ steps.intake.name }}", {"steps": {"intake": {"name": long}}}) \
        == long
    with pytest.raises(InputError, match="the joined text would be 2,000,001"):
        templating.render("{{ steps.intake.name ~ '!' }}", {"steps": {"intake": {"name": long}}})


def test_a_render_stops_at_its_time_limit() -> None:
    limits = RenderLimits(max_string=1000, max_output=1000, max_steps=10**12, max_seconds=0.3)
    env = ImmutableLimitedSandbox(undefined=StrictUndefined, limits=limits)
    started = time.monotonic()
    with pytest.raises(TemplateLimitError, match=r"longer than 0.3 s"):
        render_template(env.from_string(LOOPS), {})
    assert time.monotonic() - started < 3


def test_validation_names_a_costly_constant_template_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text("name: t\ntrigger: {kind: manual}\nsteps:\n"
                    "  - name: tell\n    action: notify.send\n    params:\n"
                    "      title: hi\n      text: \"{{ 10 ** (10 ** 7) }}\"\n"
                    "    when: \"1 / 0\"\n")
    started = time.monotonic()
    with pytest.raises(SpecInvalid) as caught:
        load_spec(path, builtin_registry())
    assert time.monotonic() - started < 5
    assert caught.value.problems == [
        "line 8, col 13: template cannot run: the result would be a 10,000,000-bit number; "
        "templates are limited to 4,096 bits",
        "line 9, col 11: template cannot run: ZeroDivisionError: division by zero",
    ]


def test_a_breach_at_run_time_names_the_step(world: World, tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text("name: t\ntrigger: {kind: form, source: google_forms}\nsteps:\n"
                    "  - {name: intake, action: lead.form}\n"
                    "  - name: shout\n    action: notify.send\n    params:\n"
                    "      title: hi\n      text: \"{{ steps.intake.name * 10**9 }}\"\n")
    registry = builtin_registry()
    steps = compile_spec(load_spec(path, registry), registry)  # valid: the size is data's
    received = receive(world.store, "google_forms", submission(1))
    [progress] = asyncio.run(advance_leads(world.chain, [received.lead_id], steps))
    assert progress.failed_at == "shout"
    with world.store.session(write=False) as session:
        lead = get_lead(session, received.lead_id)
        assert lead is not None
        reason = lead.state_reason or ""
    assert "step shout: template '{{ steps.intake.name * 10**9 }}': the repetition" in reason
    assert "\n" not in reason


@pytest.mark.parametrize(("template", "expected"), [
    ("{{ 'x' * 10**10 }}", "repetition"),
    ("{{ 10 ** (10 ** 7) }}", "4,096 bits"),
    (LOOPS, "loop iterations"),
    ("{{ 1 / 0 }}", "ZeroDivisionError"),
])
def test_a_costly_prompt_template_is_one_config_error_line(tmp_path: Path, template: str,
                                                          expected: str) -> None:
    folder = tmp_path / "costly"
    folder.mkdir()
    (folder / "system.j2").write_text("You classify.")
    (folder / "user.j2").write_text(template)
    started = time.monotonic()
    with pytest.raises(ConfigError, match=expected) as caught:
        render_prompt("costly", {}, prompt_dir=tmp_path)
    assert time.monotonic() - started < 10
    assert "\n" not in str(caught.value) and "costly/user.j2" in str(caught.value)
