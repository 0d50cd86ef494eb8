"""`leadflow serve`, `leadflow users ...`, `leadflow dead-letters ...`, `leadflow eval
export-gold`: the web service and what its operators need beside it.

The web app and Prefect are imported inside the commands that need them (import cost).
"""

from __future__ import annotations

import gc
import json
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperGroup

from leadflow.console import row_id_argument, settings_of, stdout
from leadflow.errors import InputError
from leadflow.store import Store

users_app = typer.Typer(help="Web accounts: ops, reviewers and reps.", no_args_is_help=True)
dead_letters_app = typer.Typer(help="Submissions that failed validation.", no_args_is_help=True)


class UserRole(StrEnum):
    """The values of leadflow.web.models.Role, so typer rejects a bad role before any prompt.

    Repeated rather than imported: importing leadflow.web loads the whole web app, half a
    second on every CLI start. tests/test_cli_errors.py keeps the two equal.
    """

    OPS = "ops"
    REVIEWER = "reviewer"
    REP = "rep"


def serve(
    ctx: typer.Context,
    host: str | None = typer.Option(None, help="Address to listen on (LEADFLOW_WEB__HOST)."),
    port: int | None = typer.Option(None, min=1, max=65535, help="Port (LEADFLOW_WEB__PORT)."),
) -> None:
    """Run the web service: signed intake, review queue, lead list and JSON API."""
    import uvicorn

    from leadflow.web import create_app
    from leadflow.web.serving import uvicorn_options

    settings = settings_of(ctx)
    app = create_app(settings)
    # Everything imported and built so far lives as long as the server: move it out of the
    # cyclic GC's reach, or every full collection walks it (tens of ms that showed up as
    # intake's p99 under load).
    gc.collect()
    gc.freeze()
    config = uvicorn.Config(app, **uvicorn_options(settings.web, host=host, port=port,
                                                   log_level=settings.log_level.lower()))
    server = uvicorn.Server(config)
    if settings.web.drain and settings.web.runner == "prefect":
        from flows.prefect_session import prefect_api

        with prefect_api(settings):
            server.run()
    else:
        server.run()


def _user_name(value: str) -> str:
    # Checked as the argument is read, so a bad name is refused before the password prompt.
    from leadflow.web.passwords import check_username

    try:
        check_username(value)
    except InputError as exc:
        raise typer.BadParameter(str(exc)) from None
    return value


@users_app.command("add")
def users_add(
    ctx: typer.Context,
    username: str = typer.Argument(..., callback=lambda value: _user_name(value)),
    role: UserRole = typer.Option(..., help="What the user may see and do."),
    rep_id: str | None = typer.Option(None, help="For a rep: the rep id leads are assigned to."),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True,
                                 envvar="LEADFLOW_NEW_USER_PASSWORD"),
) -> None:
    """Add a user (the password is hashed with argon2)."""
    from leadflow.web.accounts import add_user

    with Store.from_settings(settings_of(ctx)).session() as session:
        add_user(session, username, password, role.value, rep_id=rep_id)
    stdout().print(f"user {username} added ({role.value})")


@users_app.command("list")
def users_list(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """List users with role, rep id and whether they are disabled."""
    from leadflow.web.accounts import list_users
    from leadflow.web.models import UserOut

    with Store.from_settings(settings_of(ctx)).session(write=False) as session:
        users = [UserOut.model_validate(u.model_dump()) for u in list_users(session)]
    if as_json:
        typer.echo(json.dumps([u.model_dump(mode="json") for u in users], indent=2))
        return
    for user in users:
        state = " (disabled)" if user.disabled else ""
        typer.echo(f"{user.username}\t{user.role.value}\t{user.rep_id or '-'}{state}")


@users_app.command("set-role")
def users_set_role(ctx: typer.Context, username: str, role: UserRole,
                   rep_id: str | None = typer.Option(None, help="Rep id (for role rep).")) -> None:
    """Change a user's role."""
    from leadflow.web.accounts import change_user

    with Store.from_settings(settings_of(ctx)).session() as session:
        change_user(session, username, actor="cli", role=role.value, rep_id=rep_id)
    stdout().print(f"user {username} is now {role.value}")


@users_app.command("disable")
def users_disable(ctx: typer.Context, username: str,
                  enable: bool = typer.Option(False, "--enable", help="Enable again.")) -> None:
    """Disable a user (ends sessions, revokes API tokens for good), or --enable them again.

    Enabling does not bring revoked tokens back: give the user new ones.
    """
    from leadflow.web.accounts import change_user

    with Store.from_settings(settings_of(ctx)).session() as session:
        change_user(session, username, actor="cli", disabled=not enable)
    stdout().print(f"user {username} {'enabled' if enable else 'disabled'}")


class _TokenGroup(TyperGroup):
    """`leadflow users token NAME`, the form before list and revoke existed, still adds one."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["add", *args]
        return super().parse_args(ctx, args)


token_app = typer.Typer(cls=_TokenGroup, no_args_is_help=True,
                        help="API tokens: add one (shown once), list them, revoke one.")
users_app.add_typer(token_app, name="token")


@token_app.command("add")
def users_token(ctx: typer.Context, username: str,
                name: str = typer.Option("api", help="What the token is for.")) -> None:
    """Create an API token (printed once; only its hash is stored)."""
    from leadflow.web.accounts import add_token

    with Store.from_settings(settings_of(ctx)).session() as session:
        token = add_token(session, username, name)
    typer.echo(token)


@token_app.command("list")
def users_token_list(ctx: typer.Context,
                     username: str | None = typer.Argument(None, help="Only this user's."),
                     as_json: bool = typer.Option(False, "--json")) -> None:
    """API tokens with their user, label, creation, last use and revocation (never the token)."""
    from leadflow.web.accounts import list_tokens

    with Store.from_settings(settings_of(ctx)).session(write=False) as session:
        tokens = list_tokens(session, username)
    if as_json:
        typer.echo(json.dumps([t.model_dump(mode="json") for t in tokens], indent=2))
        return
    for token in tokens:
        used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never used"
        state = f"revoked {token.revoked_at:%Y-%m-%d %H:%M}" if token.revoked_at else "active"
        typer.echo(f"{token.id}\t{token.user}\t{token.label}\t"
                   f"created {token.created_at:%Y-%m-%d %H:%M}\t{used}\t{state}")


@token_app.command("revoke")
def users_token_revoke(ctx: typer.Context, token_id: int = typer.Argument(
        ..., help="The token's id (see `leadflow users token list`).")) -> None:
    """Revoke an API token for good (it answers 401 from the next request on)."""
    from leadflow.web.accounts import revoke_token

    with Store.from_settings(settings_of(ctx)).session() as session:
        token = revoke_token(session, token_id, actor="cli")
    stdout().print(f"token {token.id} ({token.user}, {token.label}) revoked")


@dead_letters_app.command("list")
def dead_letters_list(ctx: typer.Context,
                      include_replayed: bool = typer.Option(False, "--all",
                                                            help="Replayed ones too.")) -> None:
    """Dead letters with their field errors (the payloads are not printed)."""
    from leadflow.store.submissions import list_dead_letters

    with Store.from_settings(settings_of(ctx)).session(write=False) as session:
        letters = list_dead_letters(session, include_replayed=include_replayed)
    for letter in letters:
        replayed = f" replayed -> submission {letter.replayed_submission_id}" \
            if letter.replayed_at else ""
        typer.echo(f"{letter.id}\t{letter.source}\t{letter.received_at:%Y-%m-%d %H:%M}"
                       f"{replayed}\t" + "; ".join(str(e) for e in letter.errors))


@dead_letters_app.command("replay")
def dead_letters_replay(ctx: typer.Context,
                        dead_letter_id: int = row_id_argument("A dead letter's id.")) -> None:
    """Validate a dead letter again under today's settings; if valid, store it as a lead."""
    from leadflow.web.sources import replay

    settings = settings_of(ctx)
    received = replay(Store.from_settings(settings), settings, dead_letter_id)
    if received.lead_id is None:
        raise InputError(f"dead letter {dead_letter_id} is still malformed: "
                         + "; ".join(received.errors))
    stdout().print(f"dead letter {dead_letter_id} replayed: submission {received.submission_id},"
                   f" lead {received.lead_id} (a running `leadflow serve` picks it up)")


def export_gold(ctx: typer.Context, directory: Path = typer.Argument(
        ..., file_okay=False, help="Folder to write the cases to.")) -> None:
    """Write reviewed transcripts and their reviewed answers in the gold format."""
    from flows.assembly import build_chain
    from leadflow.web.gold_export import export_gold as run_export
    from leadflow.web.services import Services

    settings = settings_of(ctx)
    chain = build_chain(settings)
    written = run_export(Services(settings=settings, store=chain.store, chain=chain), directory)
    stdout().print(f"{len(written)} gold case(s) written to {directory}")


def register(app: typer.Typer) -> None:
    """Add serve, users, dead-letters and `eval export-gold` to the CLI."""
    app.command()(serve)
    app.add_typer(users_app, name="users")
    app.add_typer(dead_letters_app, name="dead-letters")
    try:  # the LLM engineer's `eval` group, when it exists; else our own
        from leadflow.commands.extract_cmd import eval_app  # type: ignore[attr-defined]
    except ImportError:
        eval_app = typer.Typer(help="Evaluate extractors.", no_args_is_help=True)
        app.add_typer(eval_app, name="eval")
    eval_app.command("export-gold")(export_gold)
