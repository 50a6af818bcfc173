"""The to-do list ("Te doen", `views.todo`), and the signed-in person for the header of the
guide's pages (`account`; the registry's pages get theirs from `show`)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from ...api.registry import SESSION_COOKIE, context
from ...registry import views
from . import _auth
from ._account import Account, account_of
from ._common import page, show, today


def _read(request: Request) -> Account | None:
    found = _auth.session(request)
    if found is None:
        return None
    with context(request).units() as uow:
        return account_of(uow.repo, views.find_person(uow.repo, found.person_id),
                          today(request))


async def account(request: Request) -> Account | None:
    """The signed-in person for the header of a guide page, or None for anyone else (read
    in the thread pool: it is the registry's database)."""
    if SESSION_COOKIE not in request.cookies:
        return None
    return await run_in_threadpool(_read, request)


@page
def todo(request: Request, lang: str) -> Response:
    """What waits for me, each item with the page where I act."""
    person_id = _auth.person_id(request)
    day = today(request)
    with context(request).units() as uow:
        found = views.todo(uow.repo, person_id, day)
        return show(request, lang, "registry/todo.html", repo=uow.repo, todo=found,
                    within=views.ENDING_WITHIN, day=day)


__all__ = ["account", "todo"]
