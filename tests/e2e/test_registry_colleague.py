"""A local administrator adds a colleague the registry does not know yet (issue 13, item 4):
the page asks for the name, then registers the person and their work relation, both or
neither; the number never appears in an address, and in full on no page after."""

from __future__ import annotations

from mandaatwijzer.registry.identifiers import NationalNumber
from mandaatwijzer.registry.ports import Repository

from ..unit.registry.scenario import national_number
from .registry import World, build, csrf_of, sign_in

NEW = national_number(901)


def _users(world: World, lang: str = "nl") -> str:
    return f"/{lang}/registry/organisations/{world.orgs['provider'].id}/users"


def _registered(world: World) -> str | None:
    def find(repo: Repository) -> str | None:
        person = repo.person_by_number(NationalNumber.parse(NEW))
        return person.name if person is not None else None
    return world.read(find)


def _relations(world: World) -> int:
    return world.read(lambda repo: len(repo.work_relations_at(world.orgs["provider"].id)))


def test_an_unknown_colleague_is_registered_with_the_name_asked_for() -> None:
    world = build()
    sign_in(world.client, world.people["Luc"], "en")
    page = world.client.get(_users(world, "en")).text
    before = _relations(world)
    asked = world.client.post(_users(world, "en") + "/add", data={
        "csrf_token": csrf_of(page), "national_number": NEW})
    assert asked.status_code == 422
    assert "This person is not registered yet: enter their first and last name" in asked.text
    assert NationalNumber.parse(NEW).formatted in asked.text  # kept in the form
    assert _registered(world) is None
    assert _relations(world) == before

    done = world.client.post(_users(world, "en") + "/add", data={
        "csrf_token": csrf_of(asked.text), "national_number": NEW, "name": "Nina Nieuw"})
    assert done.status_code == 303
    assert NEW not in done.headers["location"]
    assert _registered(world) == "Nina Nieuw"
    assert _relations(world) == before + 1
    shown = world.client.get(done.headers["location"]).text
    assert "Nina Nieuw" in shown
    assert NEW not in shown
    assert NationalNumber.parse(NEW).masked in shown


def test_one_who_may_not_manage_the_users_registers_nobody() -> None:
    world = build()
    sign_in(world.client, world.people["Emil"], "en")
    page = world.client.get("/en/registry/").text
    answer = world.client.post(_users(world, "en") + "/add", data={
        "csrf_token": csrf_of(page), "national_number": NEW, "name": "Nina Nieuw"})
    assert answer.status_code == 403
    assert _registered(world) is None


def test_the_dutch_form_asks_for_the_name_in_dutch() -> None:
    world = build()
    sign_in(world.client, world.people["Luc"])
    page = world.client.get(_users(world)).text
    assert "Voor- en achternaam" in page
    asked = world.client.post(_users(world) + "/add", data={
        "csrf_token": csrf_of(page), "national_number": NEW})
    assert "Deze persoon is nog niet geregistreerd" in asked.text


def _rights_of_eva(world: World) -> list[tuple[str, str, str | None]]:
    relation = world.eva_relation()
    return world.read(lambda repo: [
        (r.kind.value, r.period.start.isoformat(),
         r.period.end.isoformat() if r.period.end else None)
        for r in repo.rights_on([relation])])


def test_a_right_is_granted_from_and_until_the_days_chosen() -> None:
    world = build()
    sign_in(world.client, world.people["Luc"], "en")
    page = world.client.get(_users(world, "en")).text
    assert "From which day?" in page
    assert "Until which day?" in page
    done = world.client.post(_users(world, "en") + "/grant", data={
        "csrf_token": csrf_of(page), "work_relation": world.eva_relation(),
        "kind": "SSM Mandaatuitvoerder", "start": "2025-04-01", "end": "2025-12-31"})
    assert done.status_code == 303
    assert _rights_of_eva(world) == [("SSM Mandaatuitvoerder", "2025-04-01", "2025-12-31")]


def test_a_right_whose_end_lies_before_its_start_is_refused_at_that_field() -> None:
    world = build()
    sign_in(world.client, world.people["Luc"])
    page = world.client.get(_users(world)).text
    refused = world.client.post(_users(world) + "/grant", data={
        "csrf_token": csrf_of(page), "work_relation": world.eva_relation(),
        "kind": "SSM Mandaatuitvoerder", "start": "2025-04-01", "end": "2025-03-31"})
    assert refused.status_code == 422
    assert 'id="end-error"' in refused.text
    assert _rights_of_eva(world) == []
    bad = world.client.post(_users(world) + "/grant", data={
        "csrf_token": csrf_of(refused.text), "work_relation": world.eva_relation(),
        "kind": "SSM Mandaatuitvoerder", "start": "1 april"})
    assert bad.status_code == 422
    assert "Vul de dag in als datum" in bad.text
    assert _rights_of_eva(world) == []


def test_a_colleague_is_added_with_the_days_of_the_work_relation() -> None:
    world = build()
    sign_in(world.client, world.people["Luc"], "en")
    page = world.client.get(_users(world, "en")).text
    assert "Works here from which day?" in page
    done = world.client.post(_users(world, "en") + "/add", data={
        "csrf_token": csrf_of(page), "national_number": NEW, "name": "Nina Nieuw",
        "relation_start": "2025-04-01", "relation_end": "2025-09-30"})
    assert done.status_code == 303

    def period(repo: Repository) -> tuple[str, str | None]:
        person = repo.person_by_number(NationalNumber.parse(NEW))
        assert person is not None
        relation = repo.work_relations_of(person.id)[0]
        end = relation.period.end
        return relation.period.start.isoformat(), end.isoformat() if end else None

    assert world.read(period) == ("2025-04-01", "2025-09-30")


def test_a_work_relation_ending_before_it_starts_registers_nobody() -> None:
    world = build()
    sign_in(world.client, world.people["Luc"], "en")
    page = world.client.get(_users(world, "en")).text
    refused = world.client.post(_users(world, "en") + "/add", data={
        "csrf_token": csrf_of(page), "national_number": NEW, "name": "Nina Nieuw",
        "relation_start": "2025-04-01", "relation_end": "2025-03-01"})
    assert refused.status_code == 422
    assert 'id="relation_end-error"' in refused.text
    assert _registered(world) is None


def _admins(world: World) -> list[str]:
    return world.read(lambda repo: [a.person_id for a in
                                    repo.local_admins_of(world.orgs["provider"].id)])


def test_the_legal_representative_appoints_a_local_administrator() -> None:
    world = build()
    sign_in(world.client, world.people["Rita"], "en")
    page = world.client.get(_users(world, "en")).text
    assert "Appoint a local administrator" in page
    done = world.client.post(_users(world, "en") + "/appoint", data={
        "csrf_token": csrf_of(page), "administrator": world.id("Mia")})
    assert done.status_code == 303
    assert world.id("Mia") in _admins(world)
    again = world.client.post(_users(world, "en") + "/appoint", data={
        "csrf_token": csrf_of(page), "administrator": world.id("Mia")})
    assert again.status_code == 409
    assert "Mia Manager is already a local administrator of Provider BV" in again.text


def test_a_local_administrator_may_not_appoint_one() -> None:
    world = build()
    sign_in(world.client, world.people["Luc"], "en")
    page = world.client.get(_users(world, "en")).text
    assert "Appoint a local administrator" not in page
    refused = world.client.post(_users(world, "en") + "/appoint", data={
        "csrf_token": csrf_of(page), "administrator": world.id("Mia")})
    assert refused.status_code == 403
    assert world.id("Mia") not in _admins(world)
