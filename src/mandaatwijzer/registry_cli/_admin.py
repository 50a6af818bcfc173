"""API tokens and the audit log (both need a SQL database), and the demo."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from ..bootstrap import MEMORY_URL
from ..registry import demo as dataset
from ..registry.errors import ConflictError, NotFoundError, ValidationError
from ..registry.ports import UnitOfWork
from . import _common as c

token_app = typer.Typer(help="API tokens for machines (SQL database only).",
                        no_args_is_help=True)
audit_app = typer.Typer(help="The audit log (SQL database only).", no_args_is_help=True)

#: The scopes the registry's API knows (api/registry/_tokens.py; not imported: it needs
#: FastAPI, which the command line does not load).
SCOPES = ("registry:read", "registry:write", "registry:admin")


def _session(uow: UnitOfWork, what: str) -> Any:
    session = getattr(uow, "session", None)
    if session is None:
        raise c.fail(f"{what} kept in a SQL database only; MANDAATWIJZER_DATABASE_URL is "
                     f"{MEMORY_URL}", c.EXIT_SETUP)
    return session


@token_app.command("create")
@c.handled
def token_create(
    name: Annotated[str, typer.Argument(help="What the token is for.")],
    scopes: Annotated[list[str], typer.Option(
        "--scope", "-s", help="registry:read, registry:write or registry:admin; repeat for "
        "more.")],
) -> None:
    """Create an API token. Prints its id and its secret, which is shown only this once."""
    from ..adapters import tokens

    for scope in scopes:
        if scope not in SCOPES:
            raise ValidationError("scope", f"{scope!r} is not a scope",
                                  "one of: " + ", ".join(SCOPES))
    if not name.strip():
        raise ValidationError("name", "is empty", "a name that says what the token is for")
    with c.uow() as uow:
        token_id, secret = tokens.create(_session(uow, "API tokens are"), name, scopes)
        uow.commit()
    c.out(f"{token_id}  {secret}")
    sys.stderr.write("Keep the secret now: only its hash is stored, it cannot be shown again.\n")


@token_app.command("revoke")
@c.handled
def token_revoke(token_id: Annotated[str, typer.Argument(metavar="TOKEN",
                                                         help="Token id.")]) -> None:
    """Revoke an API token."""
    from ..adapters import tokens

    with c.uow() as uow:
        if not tokens.revoke(_session(uow, "API tokens are"), token_id):
            raise NotFoundError("live token", token_id)
        uow.commit()
    c.out(f"revoked {token_id}")


@token_app.command("list")
@c.handled
def token_list(as_json: c.JsonFlag = False) -> None:
    """List API tokens, revoked ones too (never their secrets)."""
    from ..adapters import tokens

    with c.uow() as uow:
        found = tokens.list_tokens(_session(uow, "API tokens are"))
    if as_json:
        c.print_json([{"id": t.id, "name": t.name, "scopes": sorted(t.scopes),
                       "created_at": t.created_at.isoformat(),
                       "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
                       "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None}
                      for t in found])
        return
    for token in found:
        state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "live"
        c.out(f"{token.id}  {token.name}  [{' '.join(sorted(token.scopes))}]  "
              f"created {token.created_at:%Y-%m-%d}  {state}")


@audit_app.command("verify")
@c.handled
def audit_verify() -> None:
    """Check the audit log's hash chain.

    Names the first event that was edited, inserted or deleted; exits 11 when the log is
    broken.
    """
    from ..adapters import audit

    with c.uow() as uow:
        result = audit.verify(_session(uow, "the audit log is"))
    if result.ok:
        c.out(f"audit log intact: {result.checked} events checked")
        return
    c.out(f"audit log broken at event {result.seq}: {result.problem}: {result.detail}")
    raise typer.Exit(c.EXIT_AUDIT_BROKEN)


@c.handled
def demo(
    list_only: Annotated[bool, typer.Option(
        "--list", help="Only list the demo persons of a registry that holds the demo.")
                         ] = False,
    lang: Annotated[str, typer.Option("--lang", "-l", help="Language of the descriptions: nl "
                                      "or en.")] = "nl",
) -> None:
    """Load the demo dataset into an empty registry and list the demo persons.

    A registry that holds anything is refused (exit 9). Each demo person is listed with
    their role.
    """
    uow = c.uow()
    if not list_only:
        when = c.clock()
        dataset.load(uow, when)
        sys.stderr.write(f"demo loaded, as of {when.now().date().isoformat()}\n")
    people = dataset.persons(uow, lang)
    if not people:
        raise ConflictError("this registry does not hold the demo")
    for person in people:
        c.out(f"{person.id}  {person.name}: {person.description}")
