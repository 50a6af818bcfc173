"""The sign-in settings: absent, the app starts without sign-in; once one is set, every missing
or wrong one is named in one error, before the first person signs in."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from mandaatwijzer.adapters.demo_provider import RunningProvider, demo_accounts, start
from mandaatwijzer.adapters.oidc import ProviderUnreachableError, discover
from mandaatwijzer.bootstrap import check_sign_in, with_demo_sign_in
from mandaatwijzer.config import ACR_VALUES, EID_CARD_ACR, Settings, SignInSettings

GOOD = {
    "MANDAATWIJZER_OIDC_ISSUER": "https://authenticatie.example.be/op",
    "MANDAATWIJZER_OIDC_CLIENT_ID": "mandaatwijzer",
    "MANDAATWIJZER_OIDC_CLIENT_SECRET": "s3cret-from-the-integration-file",
    "MANDAATWIJZER_OIDC_REDIRECT_BASE": "https://mandaatwijzer.example.be",
    "MANDAATWIJZER_SECRET_KEY": "k" * 40,
}


def test_without_sign_in_settings_there_is_no_sign_in() -> None:
    assert Settings.from_env({}).sign_in is None


def test_the_defaults_are_acm_idms() -> None:
    sign_in = Settings.from_env(GOOD).sign_in
    assert sign_in is not None
    assert sign_in.scopes == ("openid", "profile", "rrn", "vo")
    assert sign_in.claim_national_number == "rrn"
    assert sign_in.claim_target_group == "vo_doelgroepcode"
    assert sign_in.eid_acr == (EID_CARD_ACR,)
    assert sign_in.acr_values == ACR_VALUES
    assert (sign_in.bearer, sign_in.api_audience) == ("jwt", "mandaatwijzer")
    assert (sign_in.idle_minutes, sign_in.lifetime_hours) == (30, 8)


def test_every_setting_is_read() -> None:
    sign_in = Settings.from_env({
        **GOOD, "MANDAATWIJZER_OIDC_SCOPES": "openid profile rrn",
        "MANDAATWIJZER_OIDC_EID_ACR": f"{EID_CARD_ACR} urn:be:vlaanderen:authmech:itsme",
        "MANDAATWIJZER_OIDC_ACR_VALUES": EID_CARD_ACR,
        "MANDAATWIJZER_OIDC_CLAIM_NATIONAL_NUMBER": "national_number",
        "MANDAATWIJZER_OIDC_BEARER": "introspection", "MANDAATWIJZER_OIDC_AUDIENCE": "api",
        "MANDAATWIJZER_SESSION_IDLE_MINUTES": "15",
        "MANDAATWIJZER_SESSION_LIFETIME_HOURS": "12"}).sign_in
    assert sign_in == SignInSettings(
        issuer="https://authenticatie.example.be/op", client_id="mandaatwijzer",
        client_secret="s3cret-from-the-integration-file", scopes=("openid", "profile", "rrn"),
        redirect_base="https://mandaatwijzer.example.be",
        claim_national_number="national_number",
        eid_acr=(EID_CARD_ACR, "urn:be:vlaanderen:authmech:itsme"),
        acr_values=(EID_CARD_ACR,), bearer="introspection", audience="api",
        idle_minutes=15, lifetime_hours=12)


def test_one_error_names_every_missing_or_wrong_setting() -> None:
    with pytest.raises(ValueError, match="sign-in is configured but not right") as raised:
        Settings.from_env({"MANDAATWIJZER_OIDC_ISSUER": "http://idp.example.be",
                           "MANDAATWIJZER_OIDC_SCOPES": "profile rrn",
                           "MANDAATWIJZER_OIDC_BEARER": "opaque",
                           "MANDAATWIJZER_SESSION_IDLE_MINUTES": "0"})
    said = str(raised.value)
    for name in ("MANDAATWIJZER_OIDC_CLIENT_ID is missing",
                 "MANDAATWIJZER_OIDC_CLIENT_SECRET is missing",
                 "MANDAATWIJZER_OIDC_REDIRECT_BASE is missing",
                 "MANDAATWIJZER_OIDC_ISSUER is 'http://idp.example.be'; expected https://",
                 "MANDAATWIJZER_OIDC_SCOPES is 'profile rrn'; expected a space-separated list "
                 "that includes openid",
                 "MANDAATWIJZER_OIDC_BEARER is 'opaque'; expected one of: jwt, introspection",
                 "MANDAATWIJZER_SESSION_IDLE_MINUTES is '0'; expected a whole number from 1"):
        assert name in said


def test_sign_in_needs_the_secret_key_outside_the_demo() -> None:
    without = {k: v for k, v in GOOD.items() if k != "MANDAATWIJZER_SECRET_KEY"}
    with pytest.raises(ValueError, match="MANDAATWIJZER_SECRET_KEY is missing"):
        Settings.from_env(without)


def test_the_client_secret_is_never_shown() -> None:
    assert "s3cret" not in repr(Settings.from_env(GOOD))


@pytest.fixture(scope="module")
def provider() -> Iterator[RunningProvider]:
    running = start(demo_accounts(), audience="mandaatwijzer")
    yield running
    running.stop()


def _settings(issuer: str, bearer: str = "jwt") -> Settings:
    return Settings(sign_in=SignInSettings(issuer=issuer, client_id="c", client_secret="s",
                                           bearer=bearer))


def test_the_start_reads_the_providers_discovery_document(provider: RunningProvider) -> None:
    check_sign_in(_settings(provider.issuer))
    check_sign_in(_settings(provider.issuer, "introspection"))
    check_sign_in(Settings())  # no sign-in: nothing to check


def test_the_start_stops_at_a_provider_that_cannot_be_reached() -> None:
    with pytest.raises(ValueError, match="MANDAATWIJZER_OIDC_ISSUER: the discovery document "
                                         r"http://127\.0\.0\.1:9/.well-known"):
        check_sign_in(_settings("http://127.0.0.1:9"))


def test_a_discovery_document_of_another_issuer_or_without_endpoints_is_refused() -> None:
    def answer(document: dict[str, str]) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(
            lambda request: httpx.Response(200, json=document)))

    with pytest.raises(ProviderUnreachableError, match=r"names the issuer 'https://evil\.test'"):
        discover("https://idp.test", answer({"issuer": "https://evil.test"}))
    with pytest.raises(ProviderUnreachableError, match="lacks token_endpoint, jwks_uri"):
        discover("https://idp.test", answer({"issuer": "https://idp.test",
                                             "authorization_endpoint": "https://idp.test/a"}))


def test_the_demo_starts_its_own_provider_unless_one_is_configured() -> None:
    settings, stop = with_demo_sign_in(Settings(demo=True))
    try:
        assert settings.sign_in is not None
        check_sign_in(settings)
    finally:
        stop()
    configured = _settings("https://idp.example.be")
    assert with_demo_sign_in(configured)[0] is configured
    assert with_demo_sign_in(Settings())[0].sign_in is None


def test_serve_refuses_to_start_with_wrong_settings() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mandaatwijzer", "serve"], capture_output=True, text=True,
        timeout=60, env={"PATH": "/usr/bin:/bin", "MANDAATWIJZER_OIDC_ISSUER": "https://x.test"},
        check=False)
    assert done.returncode == 2
    assert "MANDAATWIJZER_OIDC_CLIENT_ID is missing" in done.stderr
    assert "Traceback" not in done.stderr
