"""New mandates from either side, transfers and KIOSK dossiers on the web (issue 13, item 4).

A person gives a mandate to another person found by national register number (posted, shown
masked); a provider asks a client for one; an organisation that cannot give to a person is
told so beside the person found. A transfer is proposed through a confirmation that says who
gains and loses access once it is accepted, and that is what the registry says afterwards.
An executor reads the dossiers of the applicants it may manage; anyone else is refused."""

from __future__ import annotations

from datetime import date

from mandaatwijzer.registry import queries, services
from mandaatwijzer.registry.ports import Repository

from ..unit.registry.scenario import enterprise_number
from .registry import TODAY, World, _person, build, csrf_of, sign_in
from .web import elements, text


def _mandates(world: World, party: str, lang: str = "nl") -> str:
    return f"/{lang}/registry/parties/{world.id(party)}/mandates"


def _between(world: World, giver: str, taker: str) -> list[tuple[str, str]]:
    """(id, status today) of each mandate `giver` gave `taker`."""
    def read(repo: Repository) -> list[tuple[str, str]]:
        giver_party = world.people[giver].party if giver in world.people \
            else world.orgs[giver].party
        taker_id = world.id(taker)
        return [(m.id, m.status(TODAY).value) for m in repo.mandates_given_by(giver_party)
                if m.taker.id == taker_id]
    return world.read(read)


def _may_manage(world: World, person: str, applicant: str, day: date = TODAY) -> bool:
    party = world.orgs[applicant].party if applicant in world.orgs \
        else world.people[applicant].party
    return world.read(lambda repo: queries.may_manage(repo, world.id(person), party,
                                                      day).allowed)


# --- a new mandate, from either side ---------------------------------------------------------

def test_a_person_gives_a_mandate_to_a_person_found_by_national_register_number() -> None:
    world = build()
    csrf = sign_in(world.client, world.people["Anna"])
    path = _mandates(world, "Anna")
    found = world.client.post(path + "/find", data={"national_number": world.numbers["Otto"],
                                                    "csrf_token": csrf})
    assert found.status_code == 200
    page = text(found.text)
    assert "Persoon gevonden" in page
    assert "Otto Other" in page
    # Shown masked; the full number is nowhere on the page, and never in an address.
    assert world.numbers["Otto"] not in found.text
    assert "**.**.**-***." in page
    assert [f["action"] for f in elements(found.text, "form") if "give" in f["action"]] \
        == [path + "/give"]
    given = world.client.post(path + "/give", data={
        "person": world.id("Otto"), "role": "give", "until": "2025-12-31",
        "csrf_token": csrf})
    assert given.status_code == 303
    assert given.headers["location"] == path + "?done=given"
    assert "Het mandaat is gegeven" in text(world.client.get(given.headers["location"]).text)
    [(mandate, status)] = _between(world, "Anna", "Otto")
    assert status == "awaiting_taker"
    assert world.mandate_state(mandate)[2] == "2025-12-31"
    # It waits for Otto's own signature, on his page.
    sign_in(world.client, world.people["Otto"])
    awaiting = world.client.get(f"/nl/registry/parties/{world.id('Otto')}/signatures")
    assert "Anna Applicant" in text(awaiting.text)


def test_a_provider_asks_a_person_for_a_mandate_that_then_awaits_her_signature() -> None:
    world = build()
    csrf = sign_in(world.client, world.people["Mia"])
    path = _mandates(world, "provider")
    found = world.client.post(path + "/find", data={"national_number": world.numbers["Otto"],
                                                    "csrf_token": csrf})
    page = text(found.text)
    # A provider cannot give a person a mandate; it can ask one for a mandate.
    assert "Het mandaat geven aan Otto Other" not in page
    assert "Vraag Otto Other om een mandaat" in page
    assert "Je kunt Otto Other geen mandaat geven: Provider BV kan alleen een mandaat geven " \
           "aan een externe dienstverlener, niet aan een persoon." in page
    asked = world.client.post(path + "/give", data={"person": world.id("Otto"), "role": "ask",
                                                    "csrf_token": csrf})
    assert asked.status_code == 303
    assert "Het mandaat is gevraagd" in text(world.client.get(asked.headers["location"]).text)
    [(mandate, status)] = _between(world, "Otto", "provider")
    assert status == "awaiting_giver"
    # Until Otto signs, nobody at the provider may manage his dossiers.
    assert not _may_manage(world, "Emil", "Otto")
    sign_in(world.client, world.people["Otto"])
    confirm = world.client.get(f"/nl/registry/parties/{world.id('Otto')}/signatures/confirm"
                               f"?mandate={mandate}")
    assert "Emil Executor krijgt vanaf 3 maart 2025 toegang tot de dossiers van: Otto Other." \
        in text(confirm.text)
    signed = world.client.post(f"/nl/registry/parties/{world.id('Otto')}/signatures", data={
        "mandate": mandate, "decision": "sign", "side": "giver",
        "csrf_token": csrf_of(confirm.text)})
    assert signed.status_code == 303
    assert _may_manage(world, "Emil", "Otto")


def test_a_provider_asks_another_organisation_for_a_mandate_by_enterprise_number() -> None:
    world = build()
    csrf = sign_in(world.client, world.people["Mia"], "en")
    path = _mandates(world, "provider", "en")
    number = world.orgs["other"].enterprise_number
    assert number is not None
    found = world.client.get(path, params={"enterprise_number": number.value})
    assert "Ask Other Consult for a mandate" in text(found.text)
    asked = world.client.post(path + "/give", data={
        "enterprise_number": number.formatted, "role": "ask", "csrf_token": csrf})
    assert asked.status_code == 303
    assert [status for _, status in _between(world, "other", "provider")] == ["awaiting_giver"]


def test_a_taker_without_an_eid_is_refused_beside_the_person_found_and_nothing_is_made() -> None:
    world = build()
    _person(world, 40, "Noor Zonder", eid=False)
    csrf = sign_in(world.client, world.people["Anna"])
    path = _mandates(world, "Anna")
    found = world.client.post(path + "/find", data={"national_number": world.numbers["Noor"],
                                                    "csrf_token": csrf})
    page = text(found.text)
    assert "Tussen Anna Applicant en Noor Zonder is geen mandaat mogelijk. Noor Zonder heeft " \
           "geen Belgische eID, en die heeft een mandaatnemer nodig." in page
    # Nor could she give one: she could never sign it.
    assert "Noor Zonder heeft geen Belgische eID, en die is nodig om een mandaat te " \
           "ondertekenen." in page
    assert "Het mandaat geven aan Noor Zonder" not in page
    assert "Vraag Noor Zonder" not in page
    # Posted anyway: the rule refuses it, and nothing is made.
    refused = world.client.post(path + "/give", data={"person": world.id("Noor"),
                                                      "role": "give", "csrf_token": csrf})
    assert refused.status_code == 403
    assert _between(world, "Anna", "Noor") == []


def test_a_number_that_is_wrong_or_unknown_is_refused_at_its_field() -> None:
    world = build()
    csrf = sign_in(world.client, world.people["Anna"])
    path = _mandates(world, "Anna")
    for number, message in [
            ("12345678901", "controlecijfers"),
            ("", "Vul het rijksregisternummer van de persoon in"),
            ("85.07.30-033.28", "Er is geen persoon met dit rijksregisternummer geregistreerd")]:
        response = world.client.post(path + "/find", data={"national_number": number,
                                                           "csrf_token": csrf})
        assert response.status_code == 422, number
        assert 'href="#national_number"' in response.text
        assert message in text(response.text), number


def test_asking_a_second_open_mandate_of_the_same_giver_is_a_conflict_beside_it() -> None:
    world = build()
    csrf = sign_in(world.client, world.people["Mia"])
    path = _mandates(world, "provider")
    number = world.orgs["bakery"].enterprise_number
    assert number is not None
    response = world.client.post(path + "/give", data={
        "enterprise_number": number.value, "role": "ask", "csrf_token": csrf})
    assert response.status_code == 409
    page = text(response.text)
    assert "Het mandaat van Bakkerij NV aan Provider BV bestaat al" in page
    assert "Organisatie gevonden" in page or "Dienstverlener gevonden" in page
    assert [status for _, status in _between(world, "bakery", "provider")] == ["active"]


# --- transfers -------------------------------------------------------------------------------

def _transfer_page(world: World, party: str, number: str, lang: str = "nl") -> str:
    return (f"{_mandates(world, party, lang)}/transfer?mandate={world.mandates['bakery'].id}"
            f"&enterprise_number={number}")


def test_a_transfer_proposed_and_accepted_changes_what_its_confirmation_said() -> None:
    world = build()
    bakery = world.mandates["bakery"].id
    other = world.orgs["other"]
    number = other.enterprise_number
    assert number is not None
    sign_in(world.client, world.people["Bart"])
    listing = world.client.get(_mandates(world, "bakery"))
    assert [f["action"] for f in elements(listing.text, "form") if "transfer" in f["action"]] \
        == [_mandates(world, "bakery") + "/transfer"]
    confirm = world.client.get(_transfer_page(world, "bakery", number.value))
    assert confirm.status_code == 200
    page = text(confirm.text)
    assert "Dit mandaat overdragen?" in page
    assert "Emil Executor verliest de toegang tot de dossiers van: Bakkerij NV." in page
    assert world.read(lambda repo: repo.mandate(bakery).pending_transfer_to) is None  # type: ignore[union-attr]
    form = {"mandate": bakery, "enterprise_number": number.formatted, "confirmed": "transfer",
            "csrf_token": csrf_of(confirm.text)}
    proposed = world.client.post(_mandates(world, "bakery") + "/transfer", data=form)
    assert proposed.status_code == 303
    assert proposed.headers["location"] == _mandates(world, "bakery") + "?done=offered"
    assert "Overdracht aan Other Consult voorgesteld" in \
        text(world.client.get(proposed.headers["location"]).text)
    # The same confirmation again: nothing proposed twice, and the page says so.
    again = world.client.post(_mandates(world, "bakery") + "/transfer", data=form)
    assert again.status_code == 200
    assert "De overdracht van dit mandaat aan Other Consult was al voorgesteld." in \
        text(again.text)
    with world.ctx.units() as uow:
        events = uow.events_about([("mandate", bakery)], 100)
        assert [e.action for e in events].count("transfer_mandate") == 1
    # Still in force with the provider until Other Consult accepts.
    assert _may_manage(world, "Emil", "bakery")
    sign_in(world.client, world.people["Otto"])
    signatures = f"/nl/registry/parties/{other.id}/signatures"
    accept = world.client.get(f"{signatures}/confirm?mandate={bakery}")
    assert accept.status_code == 200
    accepted = world.client.post(signatures, data={
        "mandate": bakery, "decision": "sign", "side": "transfer",
        "csrf_token": csrf_of(accept.text)})
    assert accepted.status_code == 303
    # What the confirmation said: Emil lost access to Bakkerij NV.
    assert not _may_manage(world, "Emil", "bakery")
    assert world.mandate_state(bakery)[0] == "transferred"


def test_the_provider_that_holds_the_mandate_proposes_a_transfer_too() -> None:
    world = build()
    number = world.orgs["other"].enterprise_number
    assert number is not None
    sign_in(world.client, world.people["Mia"], "en")
    confirm = world.client.get(_transfer_page(world, "provider", number.value, "en"))
    assert confirm.status_code == 200
    proposed = world.client.post(_mandates(world, "provider", "en") + "/transfer", data={
        "mandate": world.mandates["bakery"].id, "enterprise_number": number.value,
        "confirmed": "transfer", "csrf_token": csrf_of(confirm.text)})
    assert proposed.status_code == 303
    pending = world.read(lambda repo: repo.mandate(world.mandates["bakery"].id)
                         .pending_transfer_to)  # type: ignore[union-attr]
    assert pending == world.orgs["other"].party


def test_a_transfer_to_the_current_taker_or_an_unknown_number_is_refused_at_its_field() -> None:
    world = build()
    sign_in(world.client, world.people["Bart"])
    current = world.orgs["provider"].enterprise_number
    assert current is not None
    for number, message in [
            (current.value, "Provider BV heeft dit mandaat al"),
            ("0403170702", "controlecijfers"),
            (enterprise_number(99), "Er is geen organisatie met dit ondernemingsnummer")]:
        response = world.client.get(_transfer_page(world, "bakery", number))
        assert response.status_code == 422, number
        assert 'href="#enterprise_number"' in response.text
        assert message in text(response.text), number
        assert "Ja, stel de overdracht" not in response.text


def test_one_who_signs_for_neither_side_cannot_transfer() -> None:
    world = build()
    number = world.orgs["other"].enterprise_number
    assert number is not None
    sign_in(world.client, world.people["Emil"])
    assert world.client.get(_transfer_page(world, "provider", number.value)).status_code == 403


# --- KIOSK dossiers --------------------------------------------------------------------------

def test_an_executor_reads_the_dossiers_of_a_client_and_anyone_else_is_refused() -> None:
    world = build()
    bakery = world.orgs["bakery"]
    for title, status in [("Werkingssubsidie 2025", "submitted"), ("Aanvraag 2026", "draft"),
                          ("Oud dossier", "archived_by_kiosk")]:
        services.add_dossier(world.ctx.units(), world.ctx.clock, bakery.party, title, status)
    sign_in(world.client, world.people["Emil"])
    overview = world.client.get("/nl/registry/")
    dossiers = f"/nl/registry/applicants/{bakery.id}/dossiers"
    assert dossiers in [a.get("href") for a in elements(overview.text, "a")]
    page = world.client.get(dossiers)
    assert page.status_code == 200
    shown = text(page.text)
    assert "KIOSK-dossiers van Bakkerij NV" in shown
    assert "Aanvraag 2026 in voorbereiding" in shown
    assert "Werkingssubsidie 2025 ingediend" in shown
    # A status the registry has no words for is shown as the KIOSK sent it.
    assert "Oud dossier archived_by_kiosk" in shown
    sign_in(world.client, world.people["Eva"])
    refused = world.client.get(dossiers)
    assert refused.status_code == 403
    assert "Eva Employee mag de dossiers van Bakkerij NV niet beheren" in text(refused.text)
    assert "Werkingssubsidie" not in refused.text
    check = f"/nl/registry/check?person={world.id('Eva')}&applicant={bakery.id}"
    assert check in [a.get("href") for a in elements(refused.text, "a")]
    assert "Nee" in text(world.client.get(check).text)
