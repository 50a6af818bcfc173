"""Signing in through the user management (ACM/IDM, OpenID Connect): the rules.

The relying party (the web app) checks the provider's answer (state, nonce, the ID token's
signature, issuer, audience, expiry) and hands the claims here. This module decides who the
person is and what the sign-in may do:

- The person is found by national register number (the `rrn` claim by default). A person the
  registry does not know yet is registered from the claims, as the user management does.
- The means (`acr`) decides whether the sign-in counts as a Belgian eID (`means.Means`).
- A sign-in opens a new server-side session (`sessions.SignInSession`): a fixed session id is
  worth nothing. A name that changed since the last sign-in is written to the record, and the
  person's other sessions end (the record changed).
- Every sign-in, first registration, rename and sign-out is an audit event, in the same
  transaction as what it describes. Audit events never hold the national number in full.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from . import services
from .audit import current_via, snapshot
from .errors import BusyError, InvalidIdentifierError, RegistryError, Text
from .identifiers import NationalNumber
from .means import Means
from .model import Person, new_id
from .phrases import N_
from .ports import AuditEvent, Clock, UnitOfWork
from .sessions import (
    TOUCH_EVERY,
    SessionRules,
    SignInSession,
    new_secret,
    new_session_id,
    secret_hash,
)

#: The eID card (reader): what "a Belgian eID" means by default. itsme is tied to an eID too;
#: counting it is a policy choice a deployment makes in its settings (docs/adr/0011).
EID_CARD = "urn:be:vlaanderen:authmech:eid"
#: Who registers a person at their first sign-in, in the audit log.
SIGN_IN = "sign-in"


class SignInRefusedError(RegistryError):
    """The provider's answer cannot sign anyone in; nothing was changed (401).

    `reason` names what was wrong for the page: ``state``, ``provider``, ``token``,
    ``national_number_missing``, ``national_number_invalid``, ``subject_missing``,
    ``name_missing``, ``not_configured``.
    """

    code = "sign_in_refused"
    status = 401
    exit_code = 13

    def __init__(self, reason: str, message: Text) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class ClaimNames:
    """Which claims carry what (ACM/IDM's names by default)."""

    national_number: str = "rrn"
    given_name: str = "given_name"
    family_name: str = "family_name"
    target_group: str = "vo_doelgroepcode"
    organisation: str = "vo_orgcode"


@dataclass(frozen=True, slots=True)
class Identity:
    """Who the provider says signed in, and how."""

    issuer: str
    subject: str
    national_number: NationalNumber
    name: str
    acr: str | None
    #: The capacity chosen at sign-in (ACM/IDM's `vo_doelgroepcode` and `vo_orgcode`).
    target_group: str | None = None
    organisation_code: str | None = None

    def means(self, eid_means: frozenset[str]) -> Means:
        return Means(self.acr, self.acr in eid_means)


@dataclass(frozen=True, slots=True)
class Opened:
    """A new session: its secret goes to the browser once, and is never stored."""

    secret: str
    session: SignInSession
    person_id: str
    registered: bool


def _text(claims: Mapping[str, object], name: str) -> str | None:
    value = claims.get(name)
    return value.strip() if isinstance(value, str) and value.strip() else None


def identity_from_claims(claims: Mapping[str, object], issuer: str,
                         names: ClaimNames = ClaimNames()) -> Identity:
    """The identity in the claims (the ID token's, completed by userinfo), or a refusal that
    says which claim is missing or wrong; never with the number itself."""
    subject = _text(claims, "sub")
    if subject is None:
        raise SignInRefusedError("subject_missing", N_("the provider named no subject (sub)"))
    raw = _text(claims, names.national_number)
    if raw is None:
        raise SignInRefusedError(
            "national_number_missing",
            N_("the provider sent no national register number (claim {claim})",
               claim=repr(names.national_number)))
    try:
        number = NationalNumber.parse(raw, field=names.national_number)
    except InvalidIdentifierError as error:
        raise SignInRefusedError("national_number_invalid", error.phrase) from None
    given, family = _text(claims, names.given_name), _text(claims, names.family_name)
    name = " ".join(part for part in (given, family) if part) or _text(claims, "name")
    if name is None:
        raise SignInRefusedError(
            "name_missing", N_("the provider sent no name (claims {given} and {family})",
                               given=repr(names.given_name), family=repr(names.family_name)))
    acr = _text(claims, "acr")
    return Identity(issuer, subject, number, name, acr, _text(claims, names.target_group),
                    _text(claims, names.organisation))


def _event(uow: UnitOfWork, clock: Clock, actor: str, action: str, entity: str,
           entity_id: str, before: dict[str, object] | None,
           after: dict[str, object] | None) -> None:
    uow.record(AuditEvent(actor, action, entity, entity_id, clock.now(), before, after,
                          via=current_via()))


def _session_facts(session: SignInSession) -> dict[str, object]:
    return {"person_id": session.person_id, "acr": session.acr, "eid": session.eid}


def _find_or_register(uow: UnitOfWork, clock: Clock, identity: Identity,
                      has_eid: bool) -> tuple[Person, bool]:
    person = uow.repo.person_by_number(identity.national_number)
    if person is None:
        person = Person(new_id("P"), identity.national_number, identity.name, has_eid)
        uow.repo.add(person)
        _event(uow, clock, SIGN_IN, "register_person", "person", person.id, None,
               snapshot(person))
        return person, True
    return person, False


def _rename(uow: UnitOfWork, clock: Clock, person: Person, name: str) -> bool:
    """Write the name the provider knows; True when the record changed."""
    if person.name == name:
        return False
    before = snapshot(person)
    person.name = name
    uow.changed(person)
    _event(uow, clock, SIGN_IN, "rename_person", "person", person.id, before, snapshot(person))
    return True


def _end_sessions(uow: UnitOfWork, clock: Clock, actor: str, person_id: str, action: str,
                  keep: str | None = None) -> int:
    store = uow.sign_ins()
    now = clock.now()
    ending = [s for s in store.sessions_of(person_id)
              if s.revoked_at is None and s.id != keep]
    if ending:
        store.revoke([s.id for s in ending], now)
        for session in ending:
            _event(uow, clock, actor, action, "session", session.id, _session_facts(session),
                   None)
    return len(ending)


@services.retried
def identify(uow: UnitOfWork, clock: Clock, identity: Identity,
             eid_means: frozenset[str] = frozenset({EID_CARD})) -> tuple[str, bool]:
    """The person the provider vouches for, registered at their first sign-in, and the
    provider's subject linked to them: (person id, registered now). For a program that acts
    with a person's access token, as for a sign-in."""
    with uow.changing():
        person_id, registered = _identify(uow, clock, identity, eid_means)
        uow.commit()
    return person_id, registered


def _identify(uow: UnitOfWork, clock: Clock, identity: Identity,
              eid_means: frozenset[str]) -> tuple[str, bool]:
    has_eid = identity.acr in eid_means or identity.national_number.kind != "bis"
    person, registered = _find_or_register(uow, clock, identity, has_eid)
    if not registered and _rename(uow, clock, person, identity.name):
        _end_sessions(uow, clock, SIGN_IN, person.id, "end_session_record_changed")
    store = uow.sign_ins()
    if store.person_of_subject(identity.issuer, identity.subject) != person.id:
        store.link_subject(identity.issuer, identity.subject, person.id, clock.now())
    return person.id, registered


@services.retried
def sign_in(uow: UnitOfWork, clock: Clock, identity: Identity,
            eid_means: frozenset[str] = frozenset({EID_CARD})) -> Opened:
    """Open a new session for the person the provider vouches for (see the module)."""
    with uow.changing():
        person_id, registered = _identify(uow, clock, identity, eid_means)
        now = clock.now()
        secret = new_secret()
        means = identity.means(eid_means)
        session = SignInSession(new_session_id(), secret_hash(secret), person_id, means.acr,
                                means.eid, now, now)
        uow.sign_ins().add_session(session)
        _event(uow, clock, person_id, "sign_in", "session", session.id, None,
               _session_facts(session))
        uow.commit()
    return Opened(secret, dataclasses.replace(session), person_id, registered)


#: Sessions as long as nothing else is said (`SessionRules`' defaults).
DEFAULT_RULES = SessionRules()


def session_of(uow: UnitOfWork, clock: Clock, secret: str,
               rules: SessionRules = DEFAULT_RULES) -> SignInSession | None:
    """The live session with this secret, or None (unknown, revoked, idle or too old).

    Its last use is written at most once a minute (`TOUCH_EVERY`); a registry too busy to
    write it now keeps the older moment, which only shortens the idle time left."""
    if not secret:
        return None
    now = clock.now()
    with uow:
        found = uow.sign_ins().session_by_hash(secret_hash(secret))
        if found is None or not found.live(now, rules):
            return None
        session = dataclasses.replace(found)
    if now - session.last_seen_at >= TOUCH_EVERY:
        _touch(uow, session.id, now)
        session.last_seen_at = now
    return session


def _touch(uow: UnitOfWork, session_id: str, now: datetime) -> None:
    try:
        with uow.changing():
            uow.sign_ins().touch(session_id, now)
            uow.commit()
    except BusyError:
        return


@services.retried
def sign_out(uow: UnitOfWork, clock: Clock, session: SignInSession) -> None:
    """End this session (the cookie that holds its secret opens nothing any more)."""
    with uow.changing():
        store = uow.sign_ins()
        found = store.session_by_hash(session.secret_hash)
        if found is not None and found.revoked_at is None:
            store.revoke([found.id], clock.now())
            _event(uow, clock, found.person_id, "sign_out", "session", found.id,
                   _session_facts(found), None)
        uow.commit()


@services.retried
def sign_out_everywhere(uow: UnitOfWork, clock: Clock, person_id: str) -> int:
    """End every session of the person, on every browser: how many were live."""
    with uow.changing():
        ended = _end_sessions(uow, clock, person_id, person_id, "sign_out_everywhere")
        uow.commit()
    return ended


class AccessTokens(Protocol):
    """The provider's side of a person's bearer access token (`adapters/oidc.py`)."""

    def claims(self, token: str) -> Mapping[str, object]:
        """The token's claims once it is verified (signature or introspection, issuer,
        audience, expiry); `SignInRefusedError` ("token") otherwise."""
        ...

    def userinfo(self, token: str) -> Mapping[str, object]:
        """The person's claims from the provider's userinfo endpoint, with this token."""
        ...


def person_for_access_token(uow: UnitOfWork, clock: Clock, tokens: AccessTokens, token: str,
                            names: ClaimNames = ClaimNames(),
                            eid_means: frozenset[str] = frozenset({EID_CARD}),
                            ) -> tuple[str, Means]:
    """The person a verified access token acts for, and the means of its sign-in.

    The token's subject finds a person who signed in before; an unknown subject is asked of
    the provider's userinfo endpoint and identified like a sign-in (registered if new)."""
    claims = tokens.claims(token)
    issuer, subject = _text(claims, "iss"), _text(claims, "sub")
    if issuer is None or subject is None:
        raise SignInRefusedError("token", N_("the access token names no issuer or subject"))
    acr = _text(claims, "acr")
    person_id = person_of_subject(uow, issuer, subject)
    if person_id is None:
        info = tokens.userinfo(token)
        if _text(info, "sub") != subject:
            raise SignInRefusedError("token",
                                     N_("the provider's userinfo is about another subject"))
        identity = identity_from_claims({**info, "acr": acr}, issuer, names)
        person_id, _ = identify(uow, clock, identity, eid_means)
    return person_id, Means(acr, acr in eid_means)


def person_of_subject(uow: UnitOfWork, issuer: str, subject: str) -> str | None:
    """The person a provider's subject signed in as before (a bearer token's `sub`)."""
    with uow:
        return uow.sign_ins().person_of_subject(issuer, subject)


__all__ = [
    "EID_CARD",
    "SIGN_IN",
    "AccessTokens",
    "ClaimNames",
    "Identity",
    "Opened",
    "SignInRefusedError",
    "identify",
    "identity_from_claims",
    "person_for_access_token",
    "person_of_subject",
    "session_of",
    "sign_in",
    "sign_out",
    "sign_out_everywhere",
]
