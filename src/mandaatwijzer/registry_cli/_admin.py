"""API tokens and the audit log (both need a SQL database), and the demo."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Annotated

import typer

from ..bootstrap import MEMORY_URL, RegistryContext
from ..registry import demo as dataset
from ..registry import tokens
from ..registry.audit import AuditLog
from ..registry.errors import ConflictError
from . import _common as c
from ._common import _

token_app = typer.Typer(help="API tokens for machines (SQL database only).",
                        no_args_is_help=True)
audit_app = typer.Typer(help="The audit log (SQL database only).", no_args_is_help=True)



def _kept(ctx: RegistryContext, what: str) -> RegistryContext:
    """The context, once it keeps `what` (a sentence's start: "API tokens are") beyond this
    process (a SQL database)."""
    if not ctx.persistent:
        raise c.fail(_("{what} kept in a SQL database only; MANDAATWIJZER_DATABASE_URL is "
                       "{url}", what=what, url=MEMORY_URL), c.EXIT_SETUP)
    return ctx


def _tokens_are() -> str:
    return _("API tokens are")


def _audit_log() -> AuditLog:
    found = _kept(c.context(), _("the audit log is")).audit
    assert found is not None  # a SQL database keeps one
    return found


@token_app.command("create")
@c.handled
def token_create(
    name: Annotated[str, typer.Argument(help="What the token is for.")],
    scopes: Annotated[list[str], typer.Option(
        "--scope", "-s", help="registry:read, registry:write or registry:admin; repeat for "
        "more.")],
    lang: c.Lang = None,
) -> None:
    """Create an API token. Prints its id first, on a line of its own, then its secret, which
    is shown only this once."""
    # `create_token`, its check first: a wrong option is named before a missing database.
    name, chosen = tokens.check_new_token(name, scopes)
    token_id, secret = _kept(c.context(), _tokens_are()).tokens.create(name, chosen)
    c.created(token_id, secret)
    sys.stderr.write(_("Keep the secret now: only its hash is stored, it cannot be shown "
                       "again.") + "\n")


@token_app.command("revoke")
@c.handled
def token_revoke(token_id: Annotated[str, typer.Argument(metavar="TOKEN",
                                                         help="Token id.")],
                 lang: c.Lang = None) -> None:
    """Revoke an API token."""
    tokens.revoke_token(_kept(c.context(), _tokens_are()).tokens, token_id)
    c.out(_("revoked {token}", token=token_id))


@token_app.command("list")
@c.handled
def token_list(as_json: c.JsonFlag = False, lang: c.Lang = None) -> None:
    """List API tokens, revoked ones too (never their secrets)."""
    found = _kept(c.context(), _tokens_are()).tokens.list_tokens()
    if as_json:
        # The API's fields (GET /api/registry/tokens), and when each thing happened.
        c.print_json([{"id": t.id, "name": t.name, "scopes": sorted(t.scopes),
                       "revoked": t.revoked,
                       "created_at": t.created_at.isoformat() if t.created_at else None,
                       "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
                       "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None}
                      for t in found])
        return
    for token in found:
        state = (_("revoked {day}", day=_day_of(token.revoked_at)) if token.revoked_at
                 else _("live"))
        created = _("created {day}", day=_day_of(token.created_at))
        c.out(f"{token.id}  {token.name}  [{' '.join(sorted(token.scopes))}]  "
              f"{created}  {state}")


def _day_of(moment: datetime | None) -> str:
    return moment.date().isoformat() if moment else "-"


@audit_app.command("verify")
@c.handled
def audit_verify(
    show: Annotated[int, typer.Option(
        "--show", min=0, help="Name at most this many rows the log does not vouch for; 0: "
        "all of them.")] = 20,
    lang: c.Lang = None,
) -> None:
    """Check the audit log's hash chain, and the registry's tables against the log.

    Names the first event that was edited, inserted or deleted, and each row that is not what
    its last event (or the import that wrote it) says, exists without one, or is gone though
    the log says it exists; exits 11 when anything is wrong.
    """
    log = _audit_log()
    result = log.verify(limit=show or None)
    # Kept for the administrators' pages, which show the last check instead of walking the
    # whole chain at every view.
    log.record(result, c.context().clock.now())
    if result.chain_ok:
        c.out(_("audit log intact: {count} events checked", count=result.checked))
    else:
        c.out(_("audit log broken at event {seq}: {problem}: {detail}", seq=result.seq,
                problem=result.problem, detail=result.detail))
    if result.tables_ok:
        c.out(_("tables agree with the log: {count} rows checked", count=result.rows_checked))
    else:
        c.out(_("tables disagree with the log: {found} found ({count} rows checked)",
                found=result.findings_total, count=result.rows_checked))
        for finding in result.findings:
            c.out(f"  {finding}")
        if result.more_findings:
            c.out(_("  ... and {count} more (--show 0 names them all)",
                    count=result.more_findings))
    if not result.ok:
        raise typer.Exit(c.EXIT_AUDIT_BROKEN)


@c.handled
def demo(
    list_only: Annotated[bool, typer.Option(
        "--list", help="Only list the demo persons of a registry that holds the demo.")
                         ] = False,
    lang: c.Lang = None,
) -> None:
    """Load the demo dataset into an empty registry and list the demo persons.

    A registry that holds anything is refused (exit 9). Each demo person is listed with
    their role.
    """
    uow = c.uow()
    if not list_only:
        when = c.clock()
        dataset.load(uow, when)
        sys.stderr.write(_("demo loaded, as of {day}", day=when.now().date().isoformat())
                         + "\n")
    people = dataset.persons(uow, c.language())
    if not people:
        raise ConflictError(_("this registry does not hold the demo"))
    for person in people:
        c.out(f"{person.id}  {person.name}: {person.description}")
