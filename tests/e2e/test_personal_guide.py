"""The guide for a signed-in person (issue 14): the registry answers the statements it knows,
each with its source; the person can still change each answer, and the guide follows them and
says it differs from the registry; an outcome that grants a right does it, behind a
confirmation whose consequence is what the registry then says. The anonymous guide is as it
always was."""

from __future__ import annotations

from mandaatwijzer.registry import queries, services
from mandaatwijzer.registry.ports import Repository

from ..unit.registry.scenario import national_number
from .registry import TODAY, World, build, sign_in
from .web import elements, text

FLOW = "/nl/flows/externe-dienstverlener"
STEP = f"{FLOW}/step"


def _page(world: World, path: str) -> str:
    response = world.client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.text


def _question(html: str) -> str:
    """The question the page asks (its fieldset's heading)."""
    start = html.index('<h1 class="fieldset__heading">') + len('<h1 class="fieldset__heading">')
    return html[start:html.index("</h1>", start)]


def test_the_anonymous_guide_asks_everything_as_before() -> None:
    world = build()
    page = _page(world, STEP)
    assert _question(page) == "Ik ben:"
    assert "Je wordt begeleid" not in page
    assert "Al beantwoord" not in page


def test_a_local_administrator_is_asked_only_what_the_registry_cannot_know() -> None:
    world = build()
    sign_in(world.client, world.people["Luc"])
    page = _page(world, STEP)
    assert _question(page) == "Ik wil mandaatuitvoerder-recht toekennen aan een collega."
    shown = text(page)
    assert "Je wordt begeleid als Luc Admin, voor Provider BV, met wat het register weet." \
        in shown
    assert "Ik ben: LOKALE BEHEERDER Uit het register: je bent lokale beheerder van " \
           "Provider BV sinds 3 maart 2025." in shown
    assert "Ik heb een Belgische eID. Ja Je meldde je aan met je eID." in shown
    # Going back passes over the registry's answers: to the start.
    back = [a["href"] for a in elements(page, "a") if "back-link" in a.get("class", "")]
    assert back == [FLOW]


def test_a_mandate_administrator_starts_at_the_statement_of_intent() -> None:
    world = build()
    sign_in(world.client, world.people["Mia"])
    page = _page(world, STEP)
    assert _question(page) == "Ik wil een mandaat afsluiten met een aanvrager."
    assert "Uit het register: je hebt ‘SSM Mandaatbeheerder’ bij Provider BV sinds 3 maart " \
           "2025." in text(page)


def test_an_answer_the_person_changes_is_followed_and_said_to_differ() -> None:
    world = build()
    sign_in(world.client, world.people["Luc"])
    changed = world.client.post(f"{STEP}?rol=lokale-beheerder&eid=ja&is-lokale-beheerder=ja",
                                data={"question": "is-lokale-beheerder", "answer": "nee"})
    assert changed.status_code == 303
    page = _page(world, changed.headers["location"])
    assert _question(page) == "Ik wil een mandaat afsluiten met een aanvrager."
    assert "Dit verschilt van het antwoord van het register, Ja: uit het register: je bent " \
           "lokale beheerder van Provider BV sinds 3 maart 2025. De wegwijzer volgt jouw " \
           "antwoord." in text(page)


def test_someone_without_an_eid_sign_in_is_answered_from_the_registry() -> None:
    world = build()
    sign_in(world.client, world.people["Luc"], acr=None)
    assert "Ik heb een Belgische eID. Ja Uit het register: je hebt een Belgische eID." in \
        text(_page(world, STEP))


def test_a_person_who_acts_for_several_providers_chooses_one_first() -> None:
    world = build()
    other = world.orgs["other"]
    services.add_work_relation(world.ctx.units(), world.ctx.clock, world.id("Otto"), other.id,
                               world.id("Luc"))
    sign_in(world.client, world.people["Luc"])
    page = _page(world, STEP)
    assert "Voor welke organisatie?" in page
    choices = [a["href"] for a in elements(page, "a") if "/organisation?id=" in a["href"]]
    assert choices == [f"{FLOW}/organisation?id={world.orgs[k].id}"
                       for k in ("other", "provider")]
    chosen = world.client.get(choices[0])
    assert chosen.status_code == 303
    # For Other Consult, where he is a user without a role: the role is his to say.
    page = _page(world, chosen.headers["location"])
    assert _question(page) == "Ik ben:"
    assert "voor Other Consult" in text(page)
    world.client.get(choices[1])
    assert _question(_page(world, STEP)) == \
        "Ik wil mandaatuitvoerder-recht toekennen aan een collega."
    # And asked again on request.
    again = world.client.get(f"{FLOW}/organisation")
    assert "Voor welke organisatie?" in _page(world, again.headers["location"])


def _outcome(world: World, answers: str) -> str:
    return _page(world, f"{STEP}?{answers}")


def _may_manage(world: World, person: str, applicant: str) -> bool:
    party = world.orgs[applicant].party
    return world.read(lambda repo: queries.may_manage(repo, world.id(person), party,
                                                      TODAY).allowed)


def test_the_local_administrator_grants_the_executor_right_from_the_outcome() -> None:
    world = build()
    sign_in(world.client, world.people["Luc"])
    outcome = _outcome(world, "uitvoerder-recht=ja")
    assert "Doe het nu, in Mandaatwijzer" in text(outcome)
    # Emil holds the right already: only the others are offered.
    offered = [i["value"] for i in elements(outcome, "input")
               if i.get("name") == "work_relation"]
    relation = world.eva_relation()
    assert relation in offered
    assert len(offered) == 2
    [form] = [f for f in elements(outcome, "form") if "grant/confirm" in f["action"]]
    confirm = world.client.get(form["action"], params={
        "work_relation": relation, "kind": "SSM Mandaatuitvoerder", "end": ""})
    assert confirm.status_code == 200
    said = text(confirm.text)
    assert "Eva Employee krijgt vanaf 3 maart 2025 toegang tot de dossiers van: Bakkerij NV." \
        in said
    assert world.rights_of(relation) == []  # the confirmation changes nothing
    assert not _may_manage(world, "Eva", "bakery")
    fields = {i["name"]: i.get("value", "") for i in elements(confirm.text, "input")
              if i.get("type") == "hidden"}
    granted = world.client.post(form["action"], data=fields)
    assert granted.status_code == 303
    assert granted.headers["location"].startswith("/nl/registry/rights/R-")
    assert "Eva Employee krijgt het recht ‘SSM Mandaatuitvoerder’ bij Provider BV." in \
        text(_page(world, granted.headers["location"]))
    assert world.rights_of(relation) == [("SSM Mandaatuitvoerder", None)]
    # What the confirmation said is what the registry says now.
    assert _may_manage(world, "Eva", "bakery")
    # The same confirmation again grants nothing twice.
    again = world.client.post(form["action"], data=fields)
    assert again.status_code == 200
    assert "Er is niets veranderd Eva Employee heeft voor een deel van die periode al " \
           "‘SSM Mandaatuitvoerder’ bij Provider BV." in text(again.text)
    assert world.rights_of(relation) == [("SSM Mandaatuitvoerder", None)]


def test_a_user_who_may_not_grant_is_told_why_at_the_outcome() -> None:
    world = build()
    sign_in(world.client, world.people["Mia"])
    outcome = text(_outcome(world, "rol=lokale-beheerder&is-lokale-beheerder=ja"
                                   "&uitvoerder-recht=ja"))
    assert "Alleen een lokale beheerder of een wettelijke vertegenwoordiger van Provider BV " \
           "kent er de gebruikers rechten toe; jij bent geen van beide." in outcome
    assert "Verder naar de bevestiging" not in outcome


def test_the_mandate_administrator_is_led_to_the_mandates_awaiting_her() -> None:
    world = build()
    sign_in(world.client, world.people["Mia"])
    outcome = _outcome(world, "wil-mandaat=ja")
    assert "1 mandaat wacht op je handtekening voor Provider BV" in text(outcome)
    signatures = f"/nl/registry/parties/{world.orgs['provider'].id}/signatures"
    assert signatures in [a["href"] for a in elements(outcome, "a")]
    assert "Anna Applicant" in text(_page(world, signatures))


def test_a_user_without_the_right_is_told_who_can_grant_it() -> None:
    world = build()
    sign_in(world.client, world.people["Eva"])
    outcome = text(_outcome(world, "rol=mandaatbeheerder&wil-mandaat=ja"))
    assert "Vraag aan je lokale beheerder" in outcome
    assert "De lokale beheerders van Provider BV kunnen het toekennen: Luc Admin." in outcome


def test_the_grant_confirmation_refuses_one_who_does_not_administer_the_organisation() -> None:
    world = build()
    sign_in(world.client, world.people["Mia"])
    response = world.client.get(
        f"/nl/registry/organisations/{world.orgs['provider'].id}/users/grant/confirm",
        params={"work_relation": world.eva_relation(), "kind": "SSM Mandaatuitvoerder"})
    assert response.status_code == 403

    def rights(repo: Repository) -> int:
        return len(repo.rights_on([world.eva_relation()]))
    assert world.read(rights) == 0


def test_the_home_page_leads_a_signed_in_person_to_what_they_can_do() -> None:
    world = build()
    anonymous = text(_page(world, "/nl/"))
    assert "meld je aan om de jouwe te zien" in anonymous
    sign_in(world.client, world.people["Luc"])
    home = _page(world, "/nl/")
    links = {a.get("href"): text(a.get("title", "")) for a in elements(home, "a")}
    assert "Voor jou, Luc Admin, bij Provider BV" in text(home)
    shortcut = next(href for href in links if href and "uitvoerder-recht=ja" in href)
    # One click from the home page to the outcome that grants the right.
    outcome = _page(world, shortcut)
    assert "Doe het nu, in Mandaatwijzer" in text(outcome)
    assert "Welke collega krijgt ‘SSM Mandaatuitvoerder’ bij Provider BV?" in text(outcome)
    sign_in(world.client, world.people["Eva"])
    assert "Het recht vragen om mandaten af te sluiten" in text(_page(world, "/nl/"))


def test_a_colleague_not_yet_registered_is_added_from_the_outcome_then_granted() -> None:
    """The outcome registers a new colleague by national register number and name, makes
    them a user, and goes on to the grant's confirmation for them."""
    world = build()
    sign_in(world.client, world.people["Luc"])
    outcome = _outcome(world, "uitvoerder-recht=ja")
    [form] = [f for f in elements(outcome, "form") if f["action"].endswith("/users/add")]
    fields = {i["name"]: i.get("value", "") for i in elements(outcome, "input")
              if i.get("type") == "hidden" and i.get("name") in ("csrf_token", "then_grant")}
    number = national_number(77)
    added = world.client.post(form["action"], data={**fields, "national_number": number,
                                                    "name": "Nele Nieuw"})
    assert added.status_code == 303
    assert "/users/grant/confirm?" in added.headers["location"]
    assert number not in added.headers["location"]
    confirm = _page(world, added.headers["location"])
    assert "Nele Nieuw krijgt het recht ‘SSM Mandaatuitvoerder’ bij Provider BV" in \
        text(confirm)
    assert "Nele Nieuw krijgt vanaf 3 maart 2025 toegang tot de dossiers van: Bakkerij NV." \
        in text(confirm)
