"""A provider's mandate administrator stops a mandate a client gave the firm (issue 13,
item 4): the mandates page lists the mandates the party took, each with its stop, through
the same confirmation as a giver's."""

from __future__ import annotations

from .registry import World, build, csrf_of, sign_in


def _mandates(world: World, lang: str = "en") -> str:
    return f"/{lang}/registry/parties/{world.orgs['provider'].id}/mandates"


def test_the_mandate_administrator_stops_a_mandate_the_firm_took() -> None:
    world = build()
    sign_in(world.client, world.people["Mia"], "en")
    page = world.client.get(_mandates(world))
    assert page.status_code == 200
    assert "Mandates taken" in page.text
    assert "Bakkerij NV" in page.text
    bakery = world.mandates["bakery"].id
    confirm = world.client.get(_mandates(world) + f"/stop?mandate={bakery}")
    assert confirm.status_code == 200
    assert world.mandate_state(bakery)[0] == "active"  # the confirmation changes nothing
    done = world.client.post(_mandates(world) + "/stop", data={
        "csrf_token": csrf_of(confirm.text), "mandate": bakery, "confirmed": "stop"})
    assert done.status_code == 303
    status, stopped_by, _ = world.mandate_state(bakery)
    assert status == "stopped"
    assert stopped_by == world.id("Mia")


def test_the_dutch_page_names_the_mandates_taken() -> None:
    world = build()
    sign_in(world.client, world.people["Mia"])
    assert "Ontvangen mandaten" in world.client.get(_mandates(world, "nl")).text


def test_one_who_signs_for_neither_side_sees_no_such_page() -> None:
    world = build()
    sign_in(world.client, world.people["Emil"], "en")
    assert world.client.get(_mandates(world)).status_code == 403
