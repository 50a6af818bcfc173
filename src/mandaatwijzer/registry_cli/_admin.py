"""API tokens and the audit log (both need a SQL database), and the demo."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ..bootstrap import MEMORY_URL, RegistryContext
from ..registry import demo as dataset
from ..registry import tokens
from ..registry.audit import AuditLog
from ..registry.errors import ConflictError
from . import _common as c

token_app = typer.Typer(help="API tokens for machines (SQL database only).",
                        no_args_is_help=True)
audit_app = typer.Typer(help="The audit log (SQL database only).", no_args_is_help=True)



def _kept(ctx: RegistryContext, what: str) -> RegistryContext:
    """The context, once it keeps `what` beyond this process (a SQL database)."""
    if not ctx.persistent:
        raise c.fail(f"{what} kept in a SQL database only; MANDAATWIJZER_DATABASE_URL is "
                     f"{MEMORY_URL}", c.EXIT_SETUP)
    return ctx


def _audit_log() -> AuditLog:
    found = _kept(c.context(), "the audit log is").audit
    assert found is not None  # a SQL database keeps one
    return found


@token_app.command("create")
@c.handled
def token_create(
    name: Annotated[str, typer.Argument(help="What the token is for.")],
    scopes: Annotated[list[str], typer.Option(
        "--scope", "-s", help="registry:read, registry:write or registry:admin; repeat for "
        "more.")],
) -> None:
    """Create an API token. Prints its id and its secret, which is shown only this once."""
    # `create_token`, its check first: a wrong option is named before a missing database.
    name, chosen = tokens.check_new_token(name, scopes)
    token_id, secret = _kept(c.context(), "API tokens are").tokens.create(name, chosen)
    c.out(f"{token_id}  {secret}")
    sys.stderr.write("Keep the secret now: only its hash is stored, it cannot be shown again.\n")


@token_app.command("revoke")
@c.handled
def token_revoke(token_id: Annotated[str, typer.Argument(metavar="TOKEN",
                                                         help="Token id.")]) -> None:
    """Revoke an API token."""
    tokens.revoke_token(_kept(c.context(), "API tokens are").tokens, token_id)
    c.out(f"revoked {token_id}")


@token_app.command("list")
@c.handled
def token_list(as_json: c.JsonFlag = False) -> None:
    """List API tokens, revoked ones too (never their secrets)."""
    found = _kept(c.context(), "API tokens are").tokens.list_tokens()
    if as_json:
        c.print_json([{"id": t.id, "name": t.name, "scopes": sorted(t.scopes),
                       "created_at": t.created_at.isoformat() if t.created_at else None,
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
def audit_verify(
    show: Annotated[int, typer.Option(
        "--show", min=0, help="Name at most this many rows the log does not vouch for; 0: "
        "all of them.")] = 20,
) -> None:
    """Check the audit log's hash chain, and the registry's tables against the log.

    Names the first event that was edited, inserted or deleted, and each row that is not what
    its last event (or the import that wrote it) says, exists without one, or is gone though
    the log says it exists; exits 11 when anything is wrong.
    """
    result = _audit_log().verify(limit=show or None)
    if result.chain_ok:
        c.out(f"audit log intact: {result.checked} events checked")
    else:
        c.out(f"audit log broken at event {result.seq}: {result.problem}: {result.detail}")
    if result.tables_ok:
        c.out(f"tables agree with the log: {result.rows_checked} rows checked")
    else:
        c.out(f"tables disagree with the log: {result.findings_total} found "
              f"({result.rows_checked} rows checked)")
        for finding in result.findings:
            c.out(f"  {finding}")
        if result.more_findings:
            c.out(f"  ... and {result.more_findings} more (--show 0 names them all)")
    if not result.ok:
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
