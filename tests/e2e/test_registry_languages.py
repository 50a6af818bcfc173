"""The registry's refusals in the reader's language, with the same codes (issue 13).

The API keeps `code`, `rule` and `field` and says `message` in the language of the request's
Accept-Language (English without one), naming it in Content-Language. A Dutch page shows the
sentence and keeps the rule's code in the help desk's fold.
"""

from __future__ import annotations

from typing import Any

import pytest

from .dutch import assert_dutch, visible_text
from .registry import World, build, sign_in

API = "/api/registry"


@pytest.fixture
def world() -> World:
    return build()


def _errors(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    errors: list[dict[str, Any]] = response.json()["errors"]
    assert len(errors) == 1
    return errors[0]


def test_a_refusal_is_said_in_the_requests_language_with_the_same_codes(world: World) -> None:
    headers = {"X-CSRF-Token": sign_in(world.client, world.people["Luc"])}
    path = f"{API}/organisations/{world.orgs['provider'].id}/local-admins"
    body = {"person_id": world.id("Eva")}
    english = world.client.post(path, headers=headers, json=body)
    dutch = world.client.post(path, headers={**headers, "Accept-Language": "nl-BE,nl;q=0.9"},
                              json=body)
    asked_in_english = world.client.post(
        path, headers={**headers, "Accept-Language": "en-GB,nl;q=0.5"}, json=body)
    en, nl = _errors(english, 403), _errors(dutch, 403)
    assert (en["code"], en["rule"]) == (nl["code"], nl["rule"]) == \
        ("forbidden", "legal_representative_only")
    assert en["message"] == \
        "only a legal representative of Provider BV appoints its local administrators"
    assert nl["message"] == \
        "alleen een wettelijke vertegenwoordiger van Provider BV stelt er de lokale beheerders aan"
    assert (english.headers["content-language"], dutch.headers["content-language"]) == \
        ("en", "nl")
    assert _errors(asked_in_english, 403) == en
    assert "legal_representative_only" not in nl["message"]


def test_an_identifier_error_is_said_in_the_requests_language_naming_the_same_field(
        world: World) -> None:
    sign_in(world.client, world.people["Luc"])
    path = f"{API}/organisations/by-enterprise-number/0403170702"
    en = _errors(world.client.get(path), 422)
    nl = _errors(world.client.get(path, headers={"Accept-Language": "nl"}), 422)
    assert (en["code"], en["field"]) == (nl["code"], nl["field"]) == \
        ("invalid", "enterprise_number")
    assert en["message"] == ("the check digits of 0403.170.702 do not match its first 8 "
                             "digits; expected the last two digits to be 97 - (the first 8 "
                             "digits mod 97)")
    assert nl["message"] == ("de controlecijfers van 0403.170.702 passen niet bij de eerste 8 "
                             "cijfers; verwacht: de laatste twee cijfers gelijk aan 97 - (de "
                             "eerste 8 cijfers mod 97)")


def test_a_dutch_refusal_page_says_the_sentence_and_folds_the_rule_for_the_help_desk(
        world: World) -> None:
    sign_in(world.client, world.people["Emil"])
    response = world.client.get(f"/nl/registry/organisations/{world.orgs['provider'].id}/users")
    assert response.status_code == 403
    assert_dutch(response.text)  # also done for every /nl/ page the client fetches
    assert ("Emil Executor is geen lokale beheerder en geen wettelijke vertegenwoordiger van "
            "Provider BV") in visible_text(response.text)
    fold = response.text.split("<details", 1)[1].split("</details>", 1)[0]
    assert "Technische details" in fold
    assert '<code class="rule">local_admin_only</code>' in fold


def test_the_apis_own_refusals_are_said_in_the_requests_language_too(world: World) -> None:
    english = world.client.get(f"{API}/me")
    dutch = world.client.get(f"{API}/me", headers={"Accept-Language": "nl"})
    en, nl = _errors(english, 401), _errors(dutch, 401)
    assert en["code"] == nl["code"] == "unauthenticated"
    assert en["message"] == "sign in, or send a valid token as 'Authorization: Bearer <token>'"
    assert nl["message"] == \
        "meld je aan, of stuur een geldig token als 'Authorization: Bearer <token>'"
    assert dutch.headers["content-language"] == "nl"
    assert dutch.headers["www-authenticate"] == 'Bearer realm="mandaatwijzer"'


def test_a_control_character_is_refused_in_the_requests_language(world: World) -> None:
    sign_in(world.client, world.people["Luc"])
    path = f"{API}/mandates/M%00"
    en = _errors(world.client.get(path), 422)
    nl = _errors(world.client.get(path, headers={"Accept-Language": "nl"}), 422)
    assert en["field"] == nl["field"] == "mandate_id"
    assert "control character" in en["message"]
    assert "stuurteken" in nl["message"]
    assert "control" not in nl["message"]


@pytest.mark.parametrize(("body", "field", "english", "dutch"), [
    ({"kind": "SSM Mandaatuitvoerder", "start": "2025-13-01"}, "start",
     "a date as YYYY-MM-DD, for example 2025-03-03",
     "een datum als JJJJ-MM-DD, bijvoorbeeld 2025-03-03"),
    ({"kind": "Superuser"}, "kind",
     "one of: SSM Mandaatbeheerder, SSM Mandaatuitvoerder, KIOSK Aanvrager",
     "een van: SSM Mandaatbeheerder, SSM Mandaatuitvoerder, KIOSK Aanvrager"),
    ({}, "kind", "a value: the field is required", "een waarde: het veld is verplicht"),
    ({"kind": "SSM Mandaatuitvoerder", "colour": "red"}, "colour",
     "no such field: leave it out", "zo'n veld bestaat niet: laat het weg"),
], ids=["a day that is no date", "no such right", "missing", "unknown field"])
def test_a_malformed_body_is_refused_in_the_requests_language_naming_the_same_field(
        world: World, body: dict[str, Any], field: str, english: str, dutch: str) -> None:
    """pydantic's checks of a body, said by their type in the catalog's words, not in
    pydantic's English."""
    headers = {"X-CSRF-Token": sign_in(world.client, world.people["Luc"])}
    path = f"{API}/work-relations/{world.eva_relation()}/rights"
    en = _errors(world.client.post(path, headers=headers, json=body), 422)
    nl = _errors(world.client.post(path, headers={**headers, "Accept-Language": "nl"},
                                   json=body), 422)
    assert (en["code"], en["field"]) == (nl["code"], nl["field"]) == ("invalid", field)
    assert (en["expected"], nl["expected"]) == (english, dutch)
    assert nl["message"].endswith(dutch)
    assert world.rights_of(world.eva_relation()) == []
