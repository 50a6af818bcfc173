"""A real OpenID Connect provider for tests (the demo's, `adapters/demo_provider`), on a
loopback port, and what a test needs to drive it without a browser.

    from ..oidc_provider import oidc_provider, provider_tamper, tamper  # fixtures
    __all__ = ["oidc_provider", "provider_tamper", "tamper"]

`oidc_provider` (one per test module) knows the demo people and `TEST_ACCOUNTS`; its access
tokens name `AUDIENCE`. A test rewrites the claims of the next tokens through `tamper`:
`tamper.rule = change("id_token", nonce="other")` (reset after the test). `authorize` answers
the sign-in page as a person would and returns where the provider sends the browser back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import httpx
import pytest

from mandaatwijzer.adapters.demo_provider import (
    EID,
    SIGN_WITH_OTHER_KEY,
    TOTP,
    DemoAccount,
    RunningProvider,
    demo_accounts,
    start,
)
from mandaatwijzer.registry.demo import national_number

AUDIENCE = "mandaatwijzer-test"

#: People beside the demo's, unknown to the demo dataset.
TEST_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("test-eid", "Eva", "Kaartlezer", national_number(date(1985, 5, 20), 42), EID,
                "Testpersoon die zich met haar eID aanmeldt.",
                "Test person who signs in with her eID."),
    DemoAccount("test-totp", "Tim", "Appgebruiker", national_number(date(2002, 2, 2), 17), TOTP,
                "Testpersoon die zich met een authenticator-app aanmeldt.",
                "Test person who signs in with an authenticator app."),
)

Rule = Callable[[str, dict[str, object]], dict[str, object]]

#: A value for `change` that removes the claim.
REMOVE = object()


class Tamper:
    """The provider's `tamper` hook: while `rule` is set, it rewrites the claims of each token
    the token endpoint issues (`rule("id_token", claims)`, `rule("access_token", claims)`)."""

    def __init__(self) -> None:
        self.rule: Rule | None = None

    def __call__(self, kind: str, claims: dict[str, object]) -> dict[str, object]:
        return claims if self.rule is None else self.rule(kind, claims)


def change(kind: str, **claims: object) -> Rule:
    """A rule that sets `claims` (`REMOVE`: drops the claim) in the tokens of `kind`
    ("id_token" or "access_token"). `other_key()` adds the signature the JWKS does not know."""

    def rule(token_kind: str, found: dict[str, object]) -> dict[str, object]:
        if token_kind != kind:
            return found
        changed = {**found, **claims}
        return {name: value for name, value in changed.items() if value is not REMOVE}

    return rule


def other_key() -> dict[str, object]:
    """`**other_key()` in `change`: sign with a key the provider's JWKS does not publish."""
    return {SIGN_WITH_OTHER_KEY: True}


@pytest.fixture(scope="module")
def provider_tamper() -> Tamper:
    return Tamper()


@pytest.fixture(scope="module")
def oidc_provider(provider_tamper: Tamper) -> Iterator[RunningProvider]:
    provider = start((*demo_accounts(), *TEST_ACCOUNTS), audience=AUDIENCE,
                     tamper=provider_tamper)
    try:
        yield provider
    finally:
        provider.stop()


@pytest.fixture
def tamper(oidc_provider: RunningProvider, provider_tamper: Tamper) -> Iterator[Tamper]:
    """The provider's hook, without a rule; the rule a test sets is dropped after it."""
    provider_tamper.rule = None
    try:
        yield provider_tamper
    finally:
        provider_tamper.rule = None


def _redirect(answer: httpx.Response) -> str:
    if answer.status_code not in (302, 303) or "location" not in answer.headers:
        raise AssertionError(f"the provider did not send the browser back: "
                             f"{answer.status_code} {answer.text[:300]}")
    return answer.headers["location"]


def authorize(issuer_authorize_url: str, sub: str, acr: str | None = None) -> str:
    """Sign in as `sub` on the page at `issuer_authorize_url` (the authorization request, query
    included), with the means `acr` (None: the person's usual one); the `Location` back to the
    client, with `code` and `state`."""
    form = {"sub": sub} if acr is None else {"sub": sub, "acr": acr}
    return _redirect(httpx.post(issuer_authorize_url, data=form, follow_redirects=False))


def deny(issuer_authorize_url: str) -> str:
    """Refuse to sign in on that page; the `Location` back to the client (error access_denied)."""
    return _redirect(httpx.post(issuer_authorize_url, data={"action": "deny"},
                                follow_redirects=False))
