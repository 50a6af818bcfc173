"""The registry's pages under /{lang}/registry/: server-rendered, no JavaScript, CSRF on POST."""

from __future__ import annotations

from starlette.routing import Route

from .. import _language_path  # noqa: F401 (registers {lang:lang})
from . import (
    _dossiers,
    _find,
    _granting,
    _guidance,
    _history,
    _mandates,
    _pages,
    _requests,
    _signin,
    _todo,
    _transfers,
    _users,
    _why,
)
from ._account import Account
from ._guidance import Act, Personal, act, personal
from ._signin import HANDSHAKE_COOKIE, HANDSHAKE_PATH, HANDSHAKE_SECONDS, relying_party
from ._todo import account

PARTY = "/{lang:lang}/registry/parties/{party}"
ORGANISATION = "/{lang:lang}/registry/organisations/{org}"

PAGES = [
    Route("/{lang:lang}/registry/", _pages.overview),
    Route("/{lang:lang}/flows/{flow}/organisation", _guidance.choose_organisation,
          methods=["GET"]),
    Route("/{lang:lang}/registry/check", _pages.check),
    Route("/{lang:lang}/registry/why", _why.why, methods=["GET"]),
    Route("/{lang:lang}/registry/todo", _todo.todo, methods=["GET"]),
    Route("/{lang:lang}/registry/search", _find.search_page, methods=["GET"]),
    Route("/{lang:lang}/registry/search", _find.search, methods=["POST"]),
    Route("/{lang:lang}/registry/mandates/{mandate}", _history.mandate, methods=["GET"]),
    Route("/{lang:lang}/registry/rights/{right}", _history.right, methods=["GET"]),
    Route("/{lang:lang}/registry/persons/{person}", _history.person, methods=["GET"]),
    Route("/{lang:lang}/registry/applicants/{applicant}/dossiers", _dossiers.dossiers,
          methods=["GET"]),
    Route("/{lang:lang}/registry/sign-in", _signin.sign_in_page, methods=["GET"]),
    Route("/{lang:lang}/registry/sign-out", _signin.sign_out, methods=["POST"]),
    Route("/{lang:lang}/registry/sign-out-everywhere", _signin.sign_out_everywhere,
          methods=["POST"]),
    Route("/{lang:lang}/registry/signed-out", _signin.signed_out, methods=["GET"]),
    Route("/auth/sign-in", _signin.start, methods=["GET"]),
    Route(_signin.CALLBACK, _signin.callback, methods=["GET"]),
    Route(f"{ORGANISATION}/users", _users.users, methods=["GET"]),
    Route(f"{ORGANISATION}/users/add", _users.add_user, methods=["POST"]),
    Route(f"{ORGANISATION}/users/grant", _users.grant, methods=["POST"]),
    Route(f"{ORGANISATION}/users/grant/confirm", _granting.confirm_grant, methods=["GET"]),
    Route(f"{ORGANISATION}/users/grant/confirm", _granting.grant, methods=["POST"]),
    Route(f"{ORGANISATION}/requests", _requests.requests_page, methods=["GET"]),
    Route(f"{ORGANISATION}/requests", _requests.ask, methods=["POST"]),
    Route(f"{ORGANISATION}/requests/new", _requests.confirm_request, methods=["GET"]),
    Route(f"{ORGANISATION}/requests/decline", _requests.decline, methods=["POST"]),
    Route(f"{ORGANISATION}/users/appoint", _users.appoint, methods=["POST"]),
    Route(f"{ORGANISATION}/users/withdraw", _users.confirm_withdraw, methods=["GET"]),
    Route(f"{ORGANISATION}/users/withdraw", _users.withdraw, methods=["POST"]),
    Route(f"{ORGANISATION}/users/{{list}}.csv", _find.users_csv, methods=["GET"]),
    Route(f"{PARTY}/signatures", _mandates.signatures, methods=["GET"]),
    Route(f"{PARTY}/signatures", _mandates.sign, methods=["POST"]),
    Route(f"{PARTY}/signatures/confirm", _mandates.confirm_sign, methods=["GET"]),
    Route(f"{PARTY}/mandates", _mandates.mandates, methods=["GET"]),
    Route(f"{PARTY}/mandates.csv", _find.mandates_csv, methods=["GET"]),
    Route(f"{PARTY}/mandates/find", _mandates.find_person, methods=["POST"]),
    Route(f"{PARTY}/mandates/give", _mandates.give, methods=["POST"]),
    Route(f"{PARTY}/mandates/transfer", _transfers.confirm_transfer, methods=["GET"]),
    Route(f"{PARTY}/mandates/transfer", _transfers.transfer, methods=["POST"]),
    Route(f"{PARTY}/mandates/stop", _mandates.confirm_stop, methods=["GET"]),
    Route(f"{PARTY}/mandates/stop", _mandates.stop, methods=["POST"]),
]

__all__ = ["HANDSHAKE_COOKIE", "HANDSHAKE_PATH", "HANDSHAKE_SECONDS", "PAGES", "Account", "Act",
           "Personal", "account", "act", "personal", "relying_party"]
