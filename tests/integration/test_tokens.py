"""API tokens: the secret is shown once, only its hash is kept, and revoked means refused."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from mandaatwijzer.adapters import tokens

MOMENT = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
LATER = datetime(2025, 3, 4, 12, 30, tzinfo=UTC)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session


def test_create_shows_the_secret_once_and_stores_only_its_hash(session: Session) -> None:
    token_id, secret = tokens.create(session, "Boekhoudpakket", ["registry:read"], MOMENT)
    session.commit()
    assert secret.startswith(f"mw_{token_id}_")
    assert len(secret) > 40
    stored = session.execute(select(tokens.api_tokens)).one()._mapping
    assert secret not in {str(value) for value in stored.values()}
    assert secret.split("_", 2)[2] not in " ".join(str(value) for value in stored.values())
    assert stored["token_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert stored["scopes"] == "registry:read"


def test_two_tokens_never_share_a_secret(session: Session) -> None:
    first = tokens.create(session, "one", ["registry:read"])
    second = tokens.create(session, "two", ["registry:read"])
    assert first[0] != second[0]
    assert first[1] != second[1]


def test_a_created_token_verifies_and_notes_when_it_was_used(session: Session) -> None:
    token_id, secret = tokens.create(session, "Boekhoudpakket",
                                     ["registry:write", "registry:read"], MOMENT)
    session.commit()
    token = tokens.verify(session, secret, LATER)
    session.commit()
    assert token is not None
    assert (token.id, token.name, token.scopes) == (
        token_id, "Boekhoudpakket", frozenset({"registry:read", "registry:write"}))
    assert token.last_used_at == LATER
    assert tokens.list_tokens(session)[0].last_used_at == LATER


def test_a_revoked_token_no_longer_verifies(session: Session) -> None:
    token_id, secret = tokens.create(session, "Boekhoudpakket", ["registry:read"], MOMENT)
    assert tokens.revoke(session, token_id, LATER)
    session.commit()
    assert tokens.verify(session, secret) is None
    assert not tokens.revoke(session, token_id)  # already revoked
    listed = tokens.list_tokens(session)
    assert [(t.id, t.revoked, t.revoked_at) for t in listed] == [(token_id, True, LATER)]


def test_revoking_an_unknown_token_says_so(session: Session) -> None:
    assert not tokens.revoke(session, "0123456789abcdef")


def _variants(secret: str, other: str) -> list[str]:
    prefix, token_id, random = secret.split("_", 2)
    flipped = random[:-1] + ("A" if random[-1] != "A" else "B")
    return [
        "", "mw", "mw_", f"mw_{token_id}", f"mw_{token_id}_", flipped,
        f"{prefix}_{token_id}_{flipped}", secret + "x", secret[:-1], secret.upper(),
        f"xx_{token_id}_{random}", f"mw_{other.split('_', 2)[1]}_{random}",
        f"mw_ffffffffffffffff_{random}", " " + secret, secret.replace("_", "-"),
    ]


def test_a_wrong_secret_never_verifies(session: Session) -> None:
    _, secret = tokens.create(session, "one", ["registry:read"])
    _, other = tokens.create(session, "two", ["registry:read"])
    session.commit()
    for wrong in _variants(secret, other):
        assert tokens.verify(session, wrong) is None, wrong
    assert tokens.verify(session, secret) is not None


def test_listing_shows_every_token_oldest_first_without_secrets(session: Session) -> None:
    first, _ = tokens.create(session, "one", ["a"], MOMENT)
    second, _ = tokens.create(session, "two", ["b", "c"], LATER)
    listed = tokens.list_tokens(session)
    assert [(t.id, t.name, t.scopes) for t in listed] == [
        (first, "one", frozenset({"a"})), (second, "two", frozenset({"b", "c"}))]


@pytest.mark.parametrize("scopes", [["two words"], [""], [" padded"]])
def test_a_scope_is_one_word(session: Session, scopes: list[str]) -> None:
    with pytest.raises(ValueError, match="one word"):
        tokens.create(session, "bad", scopes)


def test_a_token_needs_a_name(session: Session) -> None:
    with pytest.raises(ValueError, match="name"):
        tokens.create(session, "  ", ["a"])
