"""Confirmation before every change that cannot be undone (issue 13, item 3).

Withdrawing a right, stopping, signing and refusing a mandate each lead to a confirmation page
that changes nothing and says, computed by the registry, who gains or loses access to which
applicants' dossiers from which day. Only its POST changes; the consequence it stated is then
what the access decision says; a second submit of the same form changes nothing and says so;
the POST needs the CSRF token.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from mandaatwijzer.registry import queries, services
from mandaatwijzer.registry.model import Party
from mandaatwijzer.registry.ports import Repository

from .registry import TODAY, World, build, sign_in
from .web import elements, text


@pytest.fixture
def world() -> World:
    return build()


def _state(world: World) -> Any:
    """Every right and mandate of the world, as plain values: what a change would alter."""

    def read(repo: Repository) -> Any:
        parties = [p.party for p in world.people.values()] + \
            [o.party for o in world.orgs.values()]
        mandates = {m.id: (m.status(TODAY).value, m.giver_signature, m.taker_signature,
                           m.stopped_by, m.stopped_at, m.pending_transfer_to, m.successor_id)
                    for party in parties for m in repo.mandates_given_by(party)}
        rights = {r.id: (r.kind.value, r.period, r.withdrawn_on, r.withdrawn_by)
                  for person in world.people.values()
                  for r in repo.rights_on([w.id for w in repo.work_relations_of(person.id)])}
        return mandates, rights

    return world.read(read)


def _allowed(world: World, person: str, applicant: Party) -> bool:
    return world.read(lambda repo: queries.may_manage(repo, world.id(person), applicant,
                                                      TODAY).allowed)


def _party(world: World, name: str) -> Party:
    """A person's or an organisation's party by its full name."""
    for person in world.people.values():
        if person.name == name:
            return person.party
    return next(o.party for o in world.orgs.values() if o.name == name)


_ACCESS = re.compile(r"^(?P<person>.+?) (?:loses|gets) access from (?P<day>.+?) to the "
                     r"dossiers of: (?P<applicants>.+)\.$")


def _consequence(html: str) -> dict[str, list[str]]:
    """The page's consequence, as {person: [applicant, …]} (English pages)."""
    found: dict[str, list[str]] = {}
    for block in html.split('<ul class="list consequence">')[1:]:
        for item in block.split("</ul>", 1)[0].split("<li>")[1:]:
            match = _ACCESS.match(text(item.split("</li>", 1)[0]))
            assert match is not None, item
            assert match["day"] == "3 March 2025"
            found[match["person"]] = match["applicants"].split(", ")
    return found


def _confirm_form(html: str) -> dict[str, str]:
    """The fields of the confirmation form (the one with the CSRF token)."""
    main = html.split("<main", 1)[1]
    form = next(block for block in main.split("<form")[1:] if "csrf_token" in block)
    return {e["name"]: e.get("value", "") for e in
            elements(form.split("</form>", 1)[0], "input") if e.get("name")}


def _shown(world: World, path: str, **params: str) -> str:
    """A confirmation page, and that fetching it changed nothing."""
    before = _state(world)
    response = world.client.get(path, params=params)
    assert response.status_code == 200, response.text
    assert _state(world) == before
    return response.text


def _twice(world: World, path: str, form: dict[str, str], done: str) -> None:
    """Post the confirmation: the change, then the same form again changing nothing."""
    first = world.client.post(path, data=form)
    assert first.status_code == 303, first.text
    assert done in text(world.client.get(first.headers["location"]).text)
    after = _state(world)
    again = world.client.post(path, data=form)
    assert again.status_code == 200
    assert "Nothing was changed" in text(again.text)
    assert _state(world) == after


def _refused_without_csrf(world: World, path: str, form: dict[str, str]) -> None:
    before = _state(world)
    for token in (None, "0" * 64):
        data = {k: v for k, v in form.items() if k != "csrf_token"}
        if token is not None:
            data["csrf_token"] = token
        response = world.client.post(path, data=data)
        assert response.status_code == 403
        assert '<code class="rule">csrf_token</code>' in response.text
    assert _state(world) == before


def _executor_right(world: World) -> str:
    return world.read(lambda repo: repo.rights_on(
        [repo.work_relations_of(world.id("Emil"))[0].id])[0].id)


# --- withdrawing a right ---------------------------------------------------------------------


def test_withdrawing_a_right_is_confirmed_with_who_loses_access_to_which_dossiers(
        world: World) -> None:
    csrf = sign_in(world.client, world.people["Luc"], "en")
    users = f"/en/registry/organisations/{world.orgs['provider'].id}/users"
    right = _executor_right(world)
    listed = world.client.get(users).text
    assert f'action="{users}/withdraw"' in listed
    assert 'method="get"' in listed.split(f'action="{users}/withdraw"')[0].rsplit("<form", 1)[1]
    page = _shown(world, users + "/withdraw", right=right)
    assert "Withdraw ‘SSM Mandaatuitvoerder’ from Emil Executor?" in text(page)
    lost = _consequence(page)
    assert lost == {"Emil Executor": ["Bakkerij NV"]}
    assert all(_allowed(world, "Emil", _party(world, a)) for a in lost["Emil Executor"])
    form = _confirm_form(page)
    assert form == {"csrf_token": csrf, "right": right, "on": TODAY.isoformat()}
    assert 'href="' + users + '"' in page  # Cancel
    _refused_without_csrf(world, users + "/withdraw", form)
    _twice(world, users + "/withdraw", form, "The right was withdrawn.")
    assert not any(_allowed(world, "Emil", _party(world, a)) for a in lost["Emil Executor"])
    again = world.client.post(users + "/withdraw", data=form)
    assert "already withdrawn, from 3 March 2025" in text(again.text)


def test_a_first_post_without_the_confirmed_day_shows_the_confirmation_only(
        world: World) -> None:
    csrf = sign_in(world.client, world.people["Luc"], "en")
    users = f"/en/registry/organisations/{world.orgs['provider'].id}/users"
    before = _state(world)
    response = world.client.post(users + "/withdraw", data={"right": _executor_right(world),
                                                            "csrf_token": csrf})
    assert response.status_code == 200
    assert "Yes, withdraw" in text(response.text)
    assert _state(world) == before


def test_withdrawing_a_right_that_gives_no_access_says_nobody_loses_any(world: World) -> None:
    sign_in(world.client, world.people["Luc"], "nl")
    users = f"/nl/registry/organisations/{world.orgs['provider'].id}/users"
    manager = world.read(lambda repo: repo.rights_on(
        [repo.work_relations_of(world.id("Mia"))[0].id])[0].id)
    page = text(_shown(world, users + "/withdraw", right=manager))
    assert "‘SSM Mandaatbeheerder’ intrekken bij Mia Manager?" in page
    assert "Niemand verliest toegang tot dossiers." in page
    assert "Ja, intrekken" in page
    assert "Annuleren" in page


def test_the_withdrawal_page_is_for_the_organisations_administrators_only(
        world: World) -> None:
    sign_in(world.client, world.people["Emil"], "en")
    users = f"/en/registry/organisations/{world.orgs['provider'].id}/users"
    response = world.client.get(users + "/withdraw", params={"right": _executor_right(world)})
    assert response.status_code == 403
    assert "loses access" not in response.text


# --- stopping a mandate ----------------------------------------------------------------------


def test_stopping_a_mandate_is_confirmed_with_who_loses_access_from_today(
        world: World) -> None:
    csrf = sign_in(world.client, world.people["Bart"], "en")
    bakery = world.orgs["bakery"]
    path = f"/en/registry/parties/{bakery.id}/mandates"
    mandate = world.mandates["bakery"].id
    listed = world.client.get(path).text
    assert 'method="get" action="' + path + '/stop"' in listed
    page = _shown(world, path + "/stop", mandate=mandate)
    shown = text(page)
    assert "Stop this mandate?" in shown
    number = bakery.enterprise_number
    assert number is not None
    assert f"Bakkerij NV (enterprise number {number.formatted})" in shown
    assert "without end date" in shown
    assert "Bart Baker for the giver, on 3 March 2025" in shown
    assert "Mia Manager for the taker, on 3 March 2025" in shown
    assert "ends today, 3 March 2025" in shown
    lost = _consequence(page)
    assert lost == {"Emil Executor": ["Bakkerij NV"]}
    assert _allowed(world, "Emil", bakery.party)
    form = _confirm_form(page)
    assert form == {"csrf_token": csrf, "mandate": mandate, "confirmed": "stop"}
    _refused_without_csrf(world, path + "/stop", form)
    _twice(world, path + "/stop", form, "The mandate was stopped.")
    assert world.mandate_state(mandate)[:2] == ("stopped", world.id("Bart"))
    for person, applicants in lost.items():
        first = person.split()[0]
        assert not any(_allowed(world, first, _party(world, a)) for a in applicants)
    again = text(world.client.post(path + "/stop", data=form).text)
    assert "This mandate was already stopped, by Bart Baker on 3 March 2025." in again


def test_a_stop_posted_without_confirmation_shows_the_confirmation_only(world: World) -> None:
    csrf = sign_in(world.client, world.people["Bart"], "nl")
    path = f"/nl/registry/parties/{world.orgs['bakery'].id}/mandates/stop"
    before = _state(world)
    response = world.client.post(path, data={"mandate": world.mandates["bakery"].id,
                                             "csrf_token": csrf})
    assert response.status_code == 200
    page = text(response.text)
    assert "Dit mandaat stopzetten?" in page
    assert ("Emil Executor verliest vanaf 3 maart 2025 de toegang tot de dossiers van: "
            "Bakkerij NV.") in page
    assert _state(world) == before


# --- signing and refusing --------------------------------------------------------------------


def test_signing_shows_the_full_mandate_and_who_gains_access_from_its_start(
        world: World) -> None:
    csrf = sign_in(world.client, world.people["Mia"], "en")
    provider = world.orgs["provider"]
    path = f"/en/registry/parties/{provider.id}/signatures"
    mandate = world.mandates["anna"].id
    listed = world.client.get(path).text
    assert f'method="get" action="{path}/confirm"' in listed
    page = _shown(world, path + "/confirm", mandate=mandate, decision="sign")
    shown = text(page)
    number = world.numbers["Anna"]
    assert number not in page
    assert number.replace(".", "").replace("-", "") not in page
    assert f"Anna Applicant (national number **.**.**-***.{number[-2:]})" in shown
    assert provider.enterprise_number is not None
    assert f"Provider BV (enterprise number {provider.enterprise_number.formatted})" in shown
    assert "Type KIOSK" in shown
    assert "Start date 3 March 2025" in shown
    assert "End date without end date" in shown
    assert "Anna Applicant for the giver, on 3 March 2025" in shown
    assert "You sign for Provider BV." in shown
    gained = _consequence(page)
    assert gained == {"Emil Executor": ["Anna Applicant"]}
    anna = world.people["Anna"].party
    assert not _allowed(world, "Emil", anna)
    form = _confirm_form(page)
    assert form == {"csrf_token": csrf, "mandate": mandate, "decision": "sign",
                    "side": "taker"}
    _refused_without_csrf(world, path, form)
    _twice(world, path, form, "The mandate was signed.")
    assert world.mandate_state(mandate)[0] == "active"
    for person in gained:
        assert _allowed(world, person.split()[0], anna)
    again = text(world.client.post(path, data=form).text)
    assert "This mandate was already signed for Provider BV, by Mia Manager" in again


def test_refusing_says_the_mandate_never_becomes_active_and_nobody_loses_access(
        world: World) -> None:
    csrf = sign_in(world.client, world.people["Mia"], "nl")
    path = f"/nl/registry/parties/{world.orgs['provider'].id}/signatures"
    mandate = world.mandates["anna"].id
    page = _shown(world, path + "/confirm", mandate=mandate, decision="refuse")
    shown = text(page)
    assert "Dit mandaat weigeren?" in shown
    assert "Het mandaat wordt nooit actief: Anna Applicant moet een nieuw mandaat geven." \
        in shown
    assert "Niemand verliest toegang tot dossiers." in shown
    anna = world.people["Anna"].party
    managers = world.read(lambda repo: [p.id for p in queries.persons_for(repo, anna,
                                                                          TODAY).items])
    form = _confirm_form(page)
    assert form == {"csrf_token": csrf, "mandate": mandate, "decision": "refuse",
                    "side": "taker"}
    _refused_without_csrf(world, path, form)
    first = world.client.post(path, data=form)
    assert first.status_code == 303
    assert world.mandate_state(mandate)[:2] == ("stopped", world.id("Mia"))
    assert world.read(lambda repo: [p.id for p in queries.persons_for(repo, anna,
                                                                      TODAY).items]) == managers
    after = _state(world)
    again = world.client.post(path, data=form)
    assert again.status_code == 200
    assert "Dit mandaat was al geweigerd of stopgezet, door Mia Manager op 3 maart 2025." \
        in text(again.text)
    assert _state(world) == after


def test_accepting_a_transfer_says_who_loses_and_who_gains_access(world: World) -> None:
    units, clock = world.ctx.units, world.ctx.clock
    other, otto = world.orgs["other"], world.people["Otto"]
    relation = services.add_work_relation(units(), clock, otto.id, other.id, world.id("Eva"))
    services.grant_right(units(), clock, otto.id, relation.id, "SSM Mandaatuitvoerder")
    mandate = world.mandates["bakery"].id
    services.transfer_mandate(units(), clock, world.id("Bart"), mandate, other.party)
    sign_in(world.client, otto, "en")
    path = f"/en/registry/parties/{other.id}/signatures"
    page = _shown(world, path + "/confirm", mandate=mandate, decision="sign")
    shown = text(page)
    assert "Accept the transfer of this mandate?" in shown
    assert "From 3 March 2025 the mandate goes from Provider BV to Other Consult." in shown
    assert "Eva Employee gets access from 3 March 2025 to the dossiers of: Bakkerij NV." \
        in shown
    assert "Emil Executor loses access from 3 March 2025 to the dossiers of: Bakkerij NV." \
        in shown
    bakery = world.orgs["bakery"].party
    assert _allowed(world, "Emil", bakery)
    assert not _allowed(world, "Eva", bakery)
    form = _confirm_form(page)
    assert form["side"] == "transfer"
    _twice(world, path, form, "The mandate was signed.")
    assert not _allowed(world, "Emil", bakery)
    assert _allowed(world, "Eva", bakery)
    assert "This transfer was already accepted." in text(world.client.post(path,
                                                                            data=form).text)


def test_a_confirmation_of_another_signature_than_the_one_awaited_changes_nothing(
        world: World) -> None:
    csrf = sign_in(world.client, world.people["Mia"], "en")
    path = f"/en/registry/parties/{world.orgs['provider'].id}/signatures"
    before = _state(world)
    response = world.client.post(path, data={"mandate": world.mandates["anna"].id,
                                             "decision": "sign", "side": "transfer",
                                             "csrf_token": csrf})
    assert response.status_code == 200
    assert "Something changed since the page was opened." in text(response.text)
    assert _state(world) == before


def test_the_signing_page_of_a_mandate_that_awaits_nothing_from_the_side_says_so(
        world: World) -> None:
    sign_in(world.client, world.people["Mia"], "en")
    path = f"/en/registry/parties/{world.orgs['provider'].id}/signatures/confirm"
    response = world.client.get(path, params={"mandate": world.mandates["bakery"].id,
                                              "decision": "sign"})
    assert response.status_code == 409
    assert "This mandate awaits no signature from Provider BV." in text(response.text)
