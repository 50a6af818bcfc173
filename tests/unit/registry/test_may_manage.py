"""`may_manage`: allowed with the chain of facts, or denied with each route's first gap.

Allowed decisions are checked link by link (kind, id, dates); denied ones by route, code,
the date or name in the text, who can fix it, and the guide outcome of the flow
`externe-dienstverlener` that describes the fix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest

from mandaatwijzer import guide
from mandaatwijzer.registry import access, services
from mandaatwijzer.registry.access import AccessFacts, Decision, Gap, decide
from mandaatwijzer.registry.model import (
    EntityGroup,
    Mandate,
    Party,
    Period,
    RightKind,
    Signature,
)
from mandaatwijzer.registry.queries import may_manage

from .scenario import TODAY, Cast, MandateState, World, days, moment, standard_cast

OUTCOMES = set(guide.flow("externe-dienstverlener").outcomes)


def decision(world: World, person_id: str, applicant: Party, day: date = TODAY) -> Decision:
    return may_manage(world.repo, person_id, applicant, day)


def kinds(decision: Decision) -> list[tuple[str, tuple[str, ...]]]:
    return [(route.name, tuple(link.kind for link in route.links)) for route in decision.routes]


@pytest.fixture
def cast() -> Cast:
    return standard_cast()


# --- allowed: every route, with its chain of facts --------------------------------------------


def test_a_person_manages_their_own_dossiers(cast: Cast) -> None:
    allowed = decision(cast.world, cast.applicant.id, cast.applicant.party)
    assert allowed.allowed
    assert kinds(allowed) == [(access.SELF, ("self",))]
    assert allowed.routes[0].links[0].id == cast.applicant.id
    assert allowed.gaps == ()


@pytest.mark.parametrize("group", [EntityGroup.ECONOMIC_ACTOR, EntityGroup.LOCAL_GOVERNMENT])
def test_a_legal_representative_manages_the_organisations_dossiers(
        cast: Cast, group: EntityGroup) -> None:
    org = cast.world.organisation("Theater Tafel", group)
    rep = cast.world.representative(org)
    allowed = decision(cast.world, rep.id, org.party)
    assert kinds(allowed) == [(access.LEGAL_REPRESENTATIVE, ("legal_representative",))]
    assert allowed.routes[0].links[0].id == org.id


@pytest.mark.parametrize("group", [EntityGroup.ECONOMIC_ACTOR, EntityGroup.LOCAL_GOVERNMENT])
def test_kiosk_aanvrager_on_a_work_relation_lets_an_employee_manage_the_dossiers(
        cast: Cast, group: EntityGroup) -> None:
    world = cast.world
    org = world.organisation("Theater Tafel", group)
    relation = world.employ(org, cast.colleague, start=days(-5), on=days(-5))
    right = world.grant(org, cast.colleague, RightKind.KIOSK_APPLICANT, end=days(30))
    allowed = decision(world, cast.colleague.id, org.party)
    assert kinds(allowed) == [(access.KIOSK_APPLICANT_RIGHT, ("work_relation", "right"))]
    relation_link, right_link = allowed.routes[0].links
    assert (relation_link.id, relation_link.since, relation_link.until) == \
        (relation.id, days(-5), None)
    assert (right_link.id, right_link.since, right_link.until) == (right.id, TODAY, days(30))
    assert "‘KIOSK Aanvrager’" in right_link.text


def test_a_mandate_to_a_person_lets_that_person_manage_the_givers_dossiers(cast: Cast) -> None:
    world = cast.world
    helper = world.person("Hanne Helper")
    mandate = world.mandate(cast.applicant, helper, end=days(60))
    allowed = decision(world, helper.id, cast.applicant.party)
    assert kinds(allowed) == [(access.MANDATE_TO_PERSON, ("mandate",))]
    link = allowed.routes[0].links[0]
    assert (link.id, link.since, link.until) == (mandate.id, TODAY, days(60))
    assert "active since 2025-03-03" in link.text


@pytest.mark.parametrize("giver", ["person", "economic actor"])
def test_a_mandate_to_a_provider_and_ssm_mandaatuitvoerder_there_let_an_executor_manage(
        cast: Cast, giver: str) -> None:
    world = cast.world
    applicant = cast.applicant if giver == "person" else world.organisation("Theater Tafel")
    mandate = world.mandate(applicant, cast.provider, start=days(-3), on=days(-3))
    relation = world.relation(cast.provider, cast.mandate_executor)
    right = next(r for r in world.repo.rights_on([relation.id]))
    allowed = decision(world, cast.mandate_executor.id, applicant.party)
    assert kinds(allowed) == [(access.MANDATE_TO_PROVIDER, ("mandate", "work_relation", "right"))]
    links = allowed.routes[0].links
    assert [link.id for link in links] == [mandate.id, relation.id, right.id]
    assert [(link.since, link.until) for link in links] == [(days(-3), None), (TODAY, None),
                                                           (TODAY, None)]
    assert "active since 2025-02-28" in links[0].text


def test_every_route_that_holds_is_listed(cast: Cast) -> None:
    world = cast.world
    org = world.organisation("Theater Tafel")
    rep = world.representative(org)
    world.grant(org, rep, RightKind.KIOSK_APPLICANT)
    world.mandate(org, cast.provider)
    world.grant(cast.provider, rep, RightKind.MANDATE_EXECUTOR)
    allowed = decision(world, rep.id, org.party)
    assert [route.name for route in allowed.routes] == [
        access.LEGAL_REPRESENTATIVE, access.KIOSK_APPLICANT_RIGHT, access.MANDATE_TO_PROVIDER]


# --- denied: every reason, with who fixes it and where the guide explains it ------------------


@dataclass(frozen=True)
class Expected:
    route: str
    code: str
    text: str
    fixer: str
    outcome: str | None = None


Scenario = Callable[[Cast], Decision]


def _org_applicant(cast: Cast, employ: bool = False) -> Decision:
    org = cast.world.organisation("Theater Tafel")
    if employ:
        cast.world.employ(org, cast.colleague)
    return decision(cast.world, cast.colleague.id, org.party)


def _lapsed_kiosk(cast: Cast, how: str) -> Decision:
    world = cast.world
    org = world.organisation("Theater Tafel")
    world.employ(org, cast.colleague, on=days(-20))
    if how == "withdrawn":
        right = world.grant(org, cast.colleague, RightKind.KIOSK_APPLICANT, on=days(-20))
        world.withdraw(org, right, effective=days(-5), on=days(-10))
    else:
        world.grant(org, cast.colleague, RightKind.KIOSK_APPLICANT, end=days(-6), on=days(-20))
    return decision(world, cast.colleague.id, org.party)


def _ended_relation(cast: Cast) -> Decision:
    world = cast.world
    org = world.organisation("Theater Tafel")
    world.employ(org, cast.colleague, on=days(-20), end=days(-2))
    return decision(world, cast.colleague.id, org.party)


def _lost_eid(cast: Cast) -> Decision:
    world = cast.world
    org = world.organisation("Theater Tafel")
    world.grant(org, cast.colleague, RightKind.KIOSK_APPLICANT)
    _take_eid(world, cast.colleague.id)
    return decision(world, cast.colleague.id, org.party)


def _take_eid(world: World, person_id: str) -> None:
    """The person's eID lapsed after they got their rights or mandates."""
    with world.uow:
        person = world.uow.repo.person(person_id)
        assert person is not None
        person.has_eid = False
        world.uow.commit()


def _helper_mandate(state: MandateState) -> Scenario:
    def scenario(cast: Cast) -> Decision:
        helper = cast.world.person("Hanne Helper")
        cast.world.mandate(cast.applicant, helper, state)
        return decision(cast.world, helper.id, cast.applicant.party)
    return scenario


def _helper_without_eid(cast: Cast) -> Decision:
    helper = cast.world.person("Hanne Helper")
    cast.world.mandate(cast.applicant, helper)
    _take_eid(cast.world, helper.id)
    return decision(cast.world, helper.id, cast.applicant.party)


def _provider_mandate(state: MandateState, role: str = "mandate_executor") -> Scenario:
    def scenario(cast: Cast) -> Decision:
        cast.world.mandate(cast.applicant, cast.provider, state,
                           new_taker=cast.new_provider)
        return decision(cast.world, cast.role(role).id, cast.applicant.party)
    return scenario


def _org_awaiting_giver(cast: Cast) -> Decision:
    org = cast.world.organisation("Theater Tafel")
    cast.world.mandate(org, cast.provider, "awaiting_giver")
    return decision(cast.world, cast.mandate_executor.id, org.party)


def _awaiting_taker_without_manager(cast: Cast) -> Decision:
    world = cast.world
    bare = world.provider("Kaal Bureau BV")
    admin = world.person("Adam Beheer")
    world.employ(bare, admin)
    world.appoint(bare, admin)
    executor = world.person("Eva Uitvoer")
    world.grant(bare, executor, RightKind.MANDATE_EXECUTOR)
    world.mandate(cast.applicant, bare, "awaiting_taker")
    return decision(world, executor.id, cast.applicant.party)


def _withdrawn_executor(cast: Cast) -> Decision:
    world = cast.world
    cast.world.mandate(cast.applicant, cast.provider)
    relation = world.relation(cast.provider, cast.mandate_executor)
    right = next(r for r in world.repo.rights_on([relation.id]))
    world.withdraw(cast.provider, right, effective=days(2))
    return decision(world, cast.mandate_executor.id, cast.applicant.party, days(2))


def _own_provider(cast: Cast) -> Decision:
    return decision(cast.world, cast.mandate_executor.id, cast.provider.party)


def _organisation_of(group: EntityGroup) -> Scenario:
    def scenario(cast: Cast) -> Decision:
        org = cast.world.organisation("Vereniging", group)
        return decision(cast.world, cast.outsider.id, org.party)
    return scenario


def _local_government(cast: Cast) -> Decision:
    return decision(cast.world, cast.mandate_executor.id, cast.local_government.party)


PROVIDER = access.MANDATE_TO_PROVIDER
PERSON = access.MANDATE_TO_PERSON
KIOSK = access.KIOSK_APPLICANT_RIGHT
GRANT_EXECUTOR, GRANT_MANAGER = access.OUTCOME_GRANT_EXECUTOR, access.OUTCOME_GRANT_MANAGER
CONCLUDE = access.OUTCOME_CONCLUDE_MANDATE

DENIALS: dict[str, tuple[Scenario, Expected]] = {
    "not a legal representative": (_org_applicant, Expected(
        access.LEGAL_REPRESENTATIVE, "not_legal_representative",
        "Kobe Collega is not a legal representative of Theater Tafel", "KBO")),
    "no work relation": (_org_applicant, Expected(
        KIOSK, "no_work_relation", "Kobe Collega has no work relation with Theater Tafel",
        "the local administrator of Theater Tafel must add Kobe Collega as a user")),
    "work relation ended": (_ended_relation, Expected(
        KIOSK, "no_work_relation", "any more (it ended on", "must add Kobe Collega")),
    "no KIOSK Aanvrager right": (lambda cast: _org_applicant(cast, employ=True), Expected(
        KIOSK, "no_kiosk_applicant_right",
        "Kobe Collega does not hold ‘KIOSK Aanvrager’ at Theater Tafel",
        "must grant Kobe Collega ‘KIOSK Aanvrager’")),
    "KIOSK Aanvrager withdrawn": (lambda cast: _lapsed_kiosk(cast, "withdrawn"), Expected(
        KIOSK, "no_kiosk_applicant_right", "was withdrawn on 2025-02-26",
        "must grant Kobe Collega ‘KIOSK Aanvrager’")),
    "KIOSK Aanvrager ended": (lambda cast: _lapsed_kiosk(cast, "ended"), Expected(
        KIOSK, "no_kiosk_applicant_right", "ended on 2025-02-25",
        "must grant Kobe Collega ‘KIOSK Aanvrager’")),
    "no eID (KIOSK Aanvrager)": (_lost_eid, Expected(
        KIOSK, "no_eid", "Kobe Collega has no Belgian eID", "must get a Belgian eID")),
    "no eID (mandate to the person)": (_helper_without_eid, Expected(
        PERSON, "no_eid", "Hanne Helper has no Belgian eID", "must get a Belgian eID")),
    "no mandate to the person": (
        lambda cast: decision(cast.world, cast.outsider.id, cast.applicant.party), Expected(
            PERSON, "no_mandate", "Anna Aanvrager gave Otto Buitenstaander no mandate",
            "Anna Aanvrager must give Otto Buitenstaander a mandate in SSM")),
    "person mandate awaits the giver": (_helper_mandate("awaiting_giver"), Expected(
        PERSON, "mandate_awaits_giver", "awaits the signature of Anna Aanvrager",
        "Anna Aanvrager must sign it in SSM")),
    "person mandate awaits the taker": (_helper_mandate("awaiting_taker"), Expected(
        PERSON, "mandate_awaits_taker", "awaits the signature of Hanne Helper",
        "Hanne Helper must sign it in SSM")),
    "person mandate stopped": (_helper_mandate("stopped"), Expected(
        PERSON, "mandate_stopped", "was stopped on 2025-03-03",
        "Anna Aanvrager must give Hanne Helper a new mandate")),
    "person mandate expired": (_helper_mandate("expired"), Expected(
        PERSON, "mandate_expired", "expired on 2025-02-01",
        "Anna Aanvrager must give Hanne Helper a new mandate")),
    "person mandate not started": (_helper_mandate("not_started"), Expected(
        PERSON, "mandate_not_started", "starts on 2025-03-13",
        "nobody: it takes effect on 2025-03-13")),
    "provider mandate awaits the giver (a person)": (_provider_mandate("awaiting_giver"),
        Expected(PROVIDER, "mandate_awaits_giver", "awaits the signature of Anna Aanvrager",
                 "Anna Aanvrager must sign it in SSM", CONCLUDE)),
    "provider mandate awaits the giver (an organisation)": (_org_awaiting_giver, Expected(
        PROVIDER, "mandate_awaits_giver", "awaits the signature of Theater Tafel",
        "a legal representative of Theater Tafel or a holder of ‘SSM Mandaatbeheerder’ there "
        "must sign it in SSM", CONCLUDE)),
    "provider mandate awaits a mandate administrator": (_provider_mandate("awaiting_taker"),
        Expected(PROVIDER, "mandate_awaits_taker",
                 "awaits the signature of a mandate administrator of Pro Dossier BV",
                 "a mandate administrator of Pro Dossier BV (Mats Mandaatbeheerder) must sign "
                 "it in SSM", CONCLUDE)),
    "provider mandate awaits the taker, which has no mandate administrator": (
        _awaiting_taker_without_manager, Expected(
            PROVIDER, "mandate_awaits_taker_without_manager", "and Kaal Bureau BV has none",
            "the local administrator of Kaal Bureau BV (Adam Beheer) must grant someone "
            "‘SSM Mandaatbeheerder’", GRANT_MANAGER)),
    "provider mandate stopped": (_provider_mandate("stopped"), Expected(
        PROVIDER, "mandate_stopped", "was stopped on 2025-03-03",
        "Anna Aanvrager must give Pro Dossier BV a new mandate", CONCLUDE)),
    "provider mandate refused": (_provider_mandate("refused"), Expected(
        PROVIDER, "mandate_stopped", "was refused on 2025-03-03",
        "Anna Aanvrager must give Pro Dossier BV a new mandate", CONCLUDE)),
    "provider mandate expired": (_provider_mandate("expired"), Expected(
        PROVIDER, "mandate_expired", "expired on 2025-02-01",
        "Anna Aanvrager must give Pro Dossier BV a new mandate", CONCLUDE)),
    "provider mandate transferred": (_provider_mandate("transferred"), Expected(
        PROVIDER, "mandate_transferred", "was transferred to Nieuw Kantoor NV",
        "Anna Aanvrager must give Pro Dossier BV a new mandate", CONCLUDE)),
    "provider mandate not started": (_provider_mandate("not_started"), Expected(
        PROVIDER, "mandate_not_started", "starts on 2025-03-13", "nobody")),
    "no SSM Mandaatuitvoerder": (_provider_mandate("active", "colleague"), Expected(
        PROVIDER, "no_executor_right",
        "Kobe Collega does not hold ‘SSM Mandaatuitvoerder’ at Pro Dossier BV",
        "the local administrator of Pro Dossier BV (Lies Lokaal) must grant Kobe Collega "
        "‘SSM Mandaatuitvoerder’", GRANT_EXECUTOR)),
    "SSM Mandaatuitvoerder withdrawn": (_withdrawn_executor, Expected(
        PROVIDER, "no_executor_right", "was withdrawn on 2025-03-05",
        "must grant Ulla Uitvoerder ‘SSM Mandaatuitvoerder’", GRANT_EXECUTOR)),
    "no work relation with the provider": (_provider_mandate("active", "outsider"), Expected(
        PROVIDER, "no_work_relation", "Otto Buitenstaander has no work relation with "
        "Pro Dossier BV", "the local administrator of Pro Dossier BV (Lies Lokaal) must add "
        "Otto Buitenstaander as a user and grant ‘SSM Mandaatuitvoerder’", GRANT_EXECUTOR)),
    "no mandate to the provider": (
        lambda cast: decision(cast.world, cast.mandate_executor.id, cast.applicant.party),
        Expected(PROVIDER, "no_mandate", "Anna Aanvrager gave Pro Dossier BV no mandate",
                 "Anna Aanvrager must give Pro Dossier BV a mandate in SSM", CONCLUDE)),
    "no provider at all": (
        lambda cast: decision(cast.world, cast.outsider.id, cast.applicant.party), Expected(
            PROVIDER, "no_provider", "Anna Aanvrager gave no external service provider a "
            "mandate", "Anna Aanvrager must give a provider a mandate", CONCLUDE)),
    "no provider: an organisation does not mandate itself": (_own_provider, Expected(
        PROVIDER, "no_provider", "Pro Dossier BV gave no external service provider a mandate",
        "Pro Dossier BV must give a provider a mandate", CONCLUDE)),
    "local government gives no mandate": (_local_government, Expected(
        PROVIDER, "local_government_gives_no_mandate", "is a local government",
        "nobody: the rules exclude it")),
    "de facto association": (_organisation_of(EntityGroup.DE_FACTO_ASSOCIATION), Expected(
        access.INSIDE_KIOSK, "managed_inside_kiosk", "is a de facto association",
        "the main representative of Vereniging must appoint Otto Buitenstaander inside "
        "KIOSK")),
    "foreign organisation": (_organisation_of(EntityGroup.FOREIGN_ORGANISATION), Expected(
        access.INSIDE_KIOSK, "managed_inside_kiosk", "is a foreign organisation",
        "a delegate applies for registration")),
    "organising authority": (_organisation_of(EntityGroup.ORGANISING_AUTHORITY), Expected(
        access.INSIDE_KIOSK, "route_not_documented", "department of an organising authority",
        "DCJM")),
}


def _the_gap(denied: Decision, expected: Expected) -> Gap:
    matching = [g for g in denied.gaps if (g.route, g.code) == (expected.route, expected.code)]
    assert matching, f"no gap {expected.code} on route {expected.route} in {denied.gaps}"
    return matching[0]


@pytest.mark.parametrize(("scenario", "expected"), [pytest.param(*case, id=name)
                                                    for name, case in DENIALS.items()])
def test_a_denial_names_the_first_missing_link_who_fixes_it_and_the_guide_outcome(
        cast: Cast, scenario: Scenario, expected: Expected) -> None:
    denied = scenario(cast)
    assert not denied.allowed
    assert denied.routes == ()
    gap = _the_gap(denied, expected)
    assert expected.text in gap.text
    assert expected.fixer in gap.fixer
    assert gap.guide_outcome == expected.outcome


@pytest.mark.parametrize("scenario", [pytest.param(case[0], id=name)
                                      for name, case in DENIALS.items()])
def test_every_gap_points_at_an_outcome_of_the_flow_or_at_none(
        cast: Cast, scenario: Scenario) -> None:
    for gap in scenario(cast).gaps:
        assert gap.guide_outcome is None or gap.guide_outcome in OUTCOMES
        assert gap.fixer
        assert gap.text


def test_the_guide_outcomes_the_explanations_use_exist_in_the_flow() -> None:
    used = {access.OUTCOME_GRANT_EXECUTOR, access.OUTCOME_GRANT_MANAGER,
            access.OUTCOME_CONCLUDE_MANDATE, access.OUTCOME_ASK_MANAGER_RIGHT}
    assert used <= OUTCOMES


def test_a_denial_lists_a_gap_for_every_route_that_could_apply(cast: Cast) -> None:
    org = cast.world.organisation("Theater Tafel")
    denied = decision(cast.world, cast.outsider.id, org.party)
    assert [(g.route, g.code) for g in denied.gaps] == [
        (access.LEGAL_REPRESENTATIVE, "not_legal_representative"),
        (KIOSK, "no_work_relation"),
        (PROVIDER, "no_provider"),
    ]
    person = decision(cast.world, cast.outsider.id, cast.applicant.party)
    assert [(g.route, g.code) for g in person.gaps] == [(PERSON, "no_mandate"),
                                                        (PROVIDER, "no_provider")]


def test_a_provider_the_person_does_not_work_for_is_named_only_with_a_mandate_in_force(
        cast: Cast) -> None:
    world = cast.world
    in_force = world.mandate(cast.applicant, cast.provider)
    world.mandate(cast.applicant, cast.new_provider, "expired")
    denied = decision(world, cast.outsider.id, cast.applicant.party)
    assert [(g.code, g.organisation_id, g.mandate_id) for g in denied.gaps
            if g.route == PROVIDER] == [("no_work_relation", cast.provider.id, in_force.id)]


def test_a_member_of_a_providers_staff_is_told_what_that_provider_lacks_only(
        cast: Cast) -> None:
    cast.world.mandate(cast.applicant, cast.new_provider)
    denied = decision(cast.world, cast.mandate_executor.id, cast.applicant.party)
    assert [(g.code, g.organisation_id) for g in denied.gaps if g.route == PROVIDER] == [
        ("no_mandate", cast.provider.id)]


def test_several_providers_with_a_mandate_in_force_are_one_gap(cast: Cast) -> None:
    world = cast.world
    world.mandate(cast.applicant, cast.provider)
    world.mandate(cast.applicant, cast.new_provider)
    denied = decision(world, cast.outsider.id, cast.applicant.party)
    (gap,) = [g for g in denied.gaps if g.route == PROVIDER]
    assert (gap.code, gap.organisation_id, gap.guide_outcome) == \
        ("no_work_relation", None, GRANT_EXECUTOR)
    assert gap.text == (f"{cast.outsider.name} has no work relation with any of the 2 "
                        f"providers that hold a mandate of {cast.applicant.name} in force: "
                        f"{cast.provider.name}, {cast.new_provider.name}")
    assert gap.fixer.startswith("the local administrator of one of them must add")


def test_without_a_mandate_in_force_anywhere_the_person_needs_a_provider(cast: Cast) -> None:
    cast.world.mandate(cast.applicant, cast.provider, "stopped")
    denied = decision(cast.world, cast.outsider.id, cast.applicant.party)
    gap = _the_gap(denied, Expected(PROVIDER, "no_provider", "", ""))
    assert gap.text.startswith(f"{cast.applicant.name} has no mandate in force with an "
                               "external service provider, and")
    assert gap.guide_outcome == CONCLUDE


def test_a_gap_after_the_mandate_carries_the_links_that_hold(cast: Cast) -> None:
    mandate = cast.world.mandate(cast.applicant, cast.provider)
    denied = decision(cast.world, cast.colleague.id, cast.applicant.party)
    gap = _the_gap(denied, Expected(PROVIDER, "no_executor_right", "", ""))
    assert [link.kind for link in gap.links] == ["mandate", "work_relation"]
    assert gap.links[0].id == mandate.id
    assert (gap.mandate_id, gap.organisation_id) == (mandate.id, cast.provider.id)


# --- time: the decision depends on the day asked about ----------------------------------------


def test_the_same_mandate_allows_before_its_end_and_denies_after_it(cast: Cast) -> None:
    cast.world.mandate(cast.applicant, cast.provider, end=days(10))
    on_the_end = decision(cast.world, cast.mandate_executor.id, cast.applicant.party, days(10))
    after = decision(cast.world, cast.mandate_executor.id, cast.applicant.party, days(11))
    assert on_the_end.allowed
    assert not after.allowed
    assert "expired on 2025-03-13" in after.gaps[-1].text


def test_the_mandate_in_force_explains_the_decision_when_another_has_not_started(
        cast: Cast) -> None:
    helper = cast.world.person("Hanne Helper")
    signed = Signature(helper.id, moment(days(-1)))

    def mandate(mandate_id: str, start: date) -> Mandate:
        return Mandate(mandate_id, cast.applicant.party, helper.party, Period(start),
                       helper.id, moment(days(-1)), giver_signature=signed,
                       taker_signature=signed)

    facts = AccessFacts(helper, cast.applicant, (),
                        (mandate("M-later", days(30)), mandate("M-now", days(-1))))
    allowed = decide(facts, TODAY)
    assert allowed.allowed
    assert allowed.routes[0].links[0].id == "M-now"


def test_a_right_withdrawn_after_a_signature_no_longer_lets_its_holder_act(
        cast: Cast) -> None:
    world = cast.world
    world.mandate(cast.applicant, cast.provider)
    relation = world.relation(cast.provider, cast.mandate_executor)
    right = next(r for r in world.repo.rights_on([relation.id]))
    services.withdraw_right(world.uow, world.clock, cast.local_admin.id, right.id, days(1))
    assert decision(world, cast.mandate_executor.id, cast.applicant.party).allowed
    assert not decision(world, cast.mandate_executor.id, cast.applicant.party, days(1)).allowed
