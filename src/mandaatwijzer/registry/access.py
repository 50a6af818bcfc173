"""The central query: may this person manage that applicant's dossiers, and why (not)?

`decide` is pure: it reasons over `AccessFacts`, which a repository gathers in one go. An
allowed decision lists every route that holds, each as a chain of facts with ids and dates; a
denied one lists, for every route that could apply, the first missing link, who can fix it and
the guide outcome that describes the fix.

The facts and the decision's parts are values: nothing changes them once made. They are plain
slotted dataclasses rather than frozen ones because a check makes a dozen of them, and a frozen
dataclass sets each field through `object.__setattr__`, a call per field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from .model import (
    EntityGroup,
    Mandate,
    MandateStatus,
    Organisation,
    PartyKind,
    Person,
    Right,
    RightKind,
    WorkRelation,
)
from .phrases import _

# Route names.
SELF = "self"
LEGAL_REPRESENTATIVE = "legal_representative"
KIOSK_APPLICANT_RIGHT = "kiosk_applicant_right"
MANDATE_TO_PERSON = "mandate_to_person"
MANDATE_TO_PROVIDER = "mandate_to_provider"
#: Not a route in the user management: de facto associations and foreign organisations
#: appoint their representatives inside KIOSK (only used to explain a denial).
INSIDE_KIOSK = "inside_kiosk"

# Guide outcomes (flow externe-dienstverlener) that describe a fix.
OUTCOME_GRANT_EXECUTOR = "recht-mandaatuitvoerder"
OUTCOME_GRANT_MANAGER = "recht-mandaatbeheerder"
OUTCOME_CONCLUDE_MANDATE = "mandaat-afsluiten"
OUTCOME_ASK_MANAGER_RIGHT = "vraag-recht"


@dataclass(frozen=True, slots=True)
class Employment:
    """A work relation of the person, its organisation, and the rights granted on it."""

    relation: WorkRelation
    organisation: Organisation
    rights: tuple[Right, ...]


@dataclass(slots=True)
class AccessFacts:
    person: Person
    applicant: Person | Organisation
    #: The person's work relations (every organisation), with their rights.
    employments: tuple[Employment, ...]
    #: KIOSK mandates the applicant gave (to the person, or to organisations). Read only to
    #: explain a denial when `route_mandates` is given.
    mandates: Sequence[Mandate]
    #: The organisations that take those mandates, by id.
    takers: Mapping[str, Organisation] = field(default_factory=dict)
    #: Local administrators and mandate managers of the relevant organisations (names by org).
    local_admins: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    mandate_managers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: Optional: those of `mandates` that can open a route, that is every mandate to the
    #: person or to an organisation of one of `employments`. A reader that gives them may load
    #: `mandates`, `takers` and the names lazily: `decide` reads those only for a denial.
    route_mandates: Sequence[Mandate] | None = None


@dataclass(slots=True)
class Link:
    """One fact in a chain: what it is, its id, and the dates it holds between."""

    kind: str
    id: str
    text: str
    since: date | None = None
    until: date | None = None


@dataclass(slots=True)
class Route:
    name: str
    links: tuple[Link, ...]


@dataclass(slots=True)
class Gap:
    """The first missing link of a route, who can fix it, and where the guide explains how."""

    route: str
    code: str
    text: str
    fixer: str
    guide_outcome: str | None = None
    organisation_id: str | None = None
    mandate_id: str | None = None
    links: tuple[Link, ...] = ()


#: Works out the gaps of one route, when a decision turns out to be a denial.
Gaps = Callable[[], Iterable[Gap]]


@dataclass(slots=True)
class Decision:
    person_id: str
    applicant_id: str
    day: date
    routes: tuple[Route, ...]
    gaps: tuple[Gap, ...]

    @property
    def allowed(self) -> bool:
        return bool(self.routes)


def _names(names: Sequence[str]) -> str:
    return f" ({', '.join(names)})" if names else ""


def _day(value: date) -> date:
    """A day for a sentence: written as the reader's language writes days (`phrases`), ISO
    8601 outside a translated block."""
    return value


def _right_link(right: Right, holder: str, org: Organisation) -> Link:
    return Link("right", right.id, _("{holder} holds ‘{right}’ at {organisation}",
                                     holder=holder, right=right.kind, organisation=org.name),
                right.period.start, right.period.end)


def _relation_link(employment: Employment, holder: str) -> Link:
    relation = employment.relation
    return Link("work_relation", relation.id,
                _("{holder} has a work relation with {organisation}", holder=holder,
                  organisation=employment.organisation.name),
                relation.period.start, relation.period.end)


def _mandate_link(mandate: Mandate, giver: str, taker: str) -> Link:
    activated = mandate.activated_at
    return Link("mandate", mandate.id,
                _("{giver} gave {taker} a KIOSK mandate, active since {since}",
                  giver=giver, taker=taker,
                  since=_day(activated.date()) if activated else "?"),
                mandate.period.start, mandate.period.end)


def _active_right(employment: Employment, kind: RightKind, day: date) -> Right | None:
    return next((r for r in employment.rights if r.kind is kind and r.active(day)), None)


def _lapsed_right(employment: Employment, kind: RightKind, day: date) -> Right | None:
    """The latest grant of `kind` that does not hold on `day` (withdrawn, ended, or future)."""
    lapsed = [r for r in employment.rights if r.kind is kind and not r.active(day)]
    return max(lapsed, key=lambda r: r.period.start, default=None)


def _side_signers(name: str, is_person: bool) -> str:
    if is_person:
        return name
    return _("a legal representative of {organisation} or a holder of ‘{right}’ there",
             organisation=name, right=RightKind.MANDATE_MANAGER)


def _mandate_gap(route: str, mandate: Mandate, facts: AccessFacts, taker_name: str,
                 day: date) -> Gap | None:
    """What keeps an existing mandate from being in force on `day`, if anything."""
    status = mandate.status(day)
    giver_name = facts.applicant.name
    to_provider = mandate.taker.kind is PartyKind.ORGANISATION
    # The guide's outcomes are about mandates to external service providers.
    conclude = OUTCOME_CONCLUDE_MANDATE if to_provider else None
    gap = partial(Gap, route=route, mandate_id=mandate.id,
                  organisation_id=mandate.taker.id if to_provider else None)
    if status is MandateStatus.AWAITING_TAKER:
        managers = facts.mandate_managers.get(mandate.taker.id, ())
        if to_provider and not managers:
            admins = facts.local_admins.get(mandate.taker.id, ())
            return gap(code="mandate_awaits_taker_without_manager",
                       text=_("the mandate to {taker} awaits the signature of a mandate "
                              "administrator of {taker}, and {taker} has none",
                              taker=taker_name),
                       fixer=_("the local administrator of {taker}{names} must grant someone "
                               "‘{right}’ to sign it (or a legal representative of {taker} "
                               "signs it)", taker=taker_name, names=_names(admins),
                               right=RightKind.MANDATE_MANAGER),
                       guide_outcome=OUTCOME_GRANT_MANAGER)
        if to_provider:
            return gap(code="mandate_awaits_taker",
                       text=_("the mandate to {taker} awaits the signature of a mandate "
                              "administrator of {taker}", taker=taker_name),
                       fixer=_("a mandate administrator of {taker}{names} must sign it in SSM",
                               taker=taker_name, names=_names(managers)),
                       guide_outcome=OUTCOME_CONCLUDE_MANDATE)
        return gap(code="mandate_awaits_taker",
                   text=_("the mandate to {taker} awaits the signature of {taker}",
                          taker=taker_name),
                   fixer=_("{taker} must sign it in SSM", taker=taker_name))
    if status is MandateStatus.AWAITING_GIVER:
        signers = _side_signers(giver_name, isinstance(facts.applicant, Person))
        return gap(code="mandate_awaits_giver",
                   text=_("the mandate to {taker} awaits the signature of {giver}",
                          taker=taker_name, giver=giver_name),
                   fixer=_("{signers} must sign it in SSM", signers=signers),
                   guide_outcome=conclude)
    renew = _("{giver} must give {taker} a new mandate", giver=giver_name, taker=taker_name)
    if status is MandateStatus.STOPPED:
        when = _day(mandate.stopped_at.date()) if mandate.stopped_at else "?"
        text = (_("the mandate to {taker} was stopped on {day}", taker=taker_name, day=when)
                if mandate.activated_at is not None else
                _("the mandate to {taker} was refused on {day}", taker=taker_name, day=when))
        return gap(code="mandate_stopped", text=text, fixer=renew, guide_outcome=conclude)
    if status is MandateStatus.EXPIRED:
        assert mandate.period.end is not None
        return gap(code="mandate_expired",
                   text=_("the mandate to {taker} expired on {day}", taker=taker_name,
                          day=_day(mandate.period.end)),
                   fixer=renew, guide_outcome=conclude)
    if status is MandateStatus.TRANSFERRED:
        new_taker = mandate.transferred_to
        successor = facts.takers.get(new_taker.id) if new_taker is not None else None
        return gap(code="mandate_transferred",
                   text=_("the mandate to {taker} was transferred to {new_taker}",
                          taker=taker_name,
                          new_taker=successor.name if successor else new_taker),
                   fixer=renew, guide_outcome=conclude)
    if not mandate.period.contains(day):
        start = _day(mandate.period.start)
        return gap(code="mandate_not_started",
                   text=_("the mandate to {taker} starts on {day}", taker=taker_name,
                          day=start),
                   fixer=_("nobody: it takes effect on {day}", day=start))
    return None


_ORDER = {status: rank for rank, status in enumerate((
    MandateStatus.ACTIVE, MandateStatus.AWAITING_TAKER, MandateStatus.AWAITING_GIVER,
    MandateStatus.EXPIRED, MandateStatus.STOPPED, MandateStatus.TRANSFERRED))}


def _rank(mandate: Mandate, day: date) -> tuple[bool, int]:
    """Prefer the mandate closest to being in force when explaining (`in_force`, with the
    status worked out once)."""
    status = mandate.status(day)
    in_force = status is MandateStatus.ACTIVE and mandate.period.contains(day)
    return not in_force, _ORDER[status]


def _closest(mandates: Sequence[Mandate], day: date) -> Mandate | None:
    """The mandate an explanation is about: the best ranked, the first made among equals.

    The first one in force when there is one (it ranks best): ranking them all is for when
    none is, which is a denial."""
    if len(mandates) < 2:
        return mandates[0] if mandates else None
    for mandate in mandates:
        if mandate.in_force(day):
            return mandate
    return min(mandates, key=lambda m: _rank(m, day))


def decide(facts: AccessFacts, day: date) -> Decision:
    """Every route that holds; or, when none does, the first missing link of each route.

    The gaps are worked out only for a denial (an allowed decision carries none), and only
    then are `facts.mandates`, `facts.takers` and the names read when `facts.route_mandates`
    is given, so a reader may load those on demand.
    """
    person, applicant = facts.person, facts.applicant
    routes, gaps = _routes(facts, day)
    if routes:
        return Decision(person.id, applicant.id, day, tuple(routes), ())
    return Decision(person.id, applicant.id, day, (),
                    tuple(gap for found in gaps for gap in found()))


def allows(facts: AccessFacts, day: date) -> bool:
    """Whether `decide` allows, without working out a denial's explanation (a listing keeps
    the applicants this allows; a denial reads nothing more)."""
    return bool(_routes(facts, day)[0])


def _routes(facts: AccessFacts, day: date) -> tuple[list[Route], list[Gaps]]:
    """The routes that hold, and the gaps of those that do not, each worked out on call."""
    person, applicant = facts.person, facts.applicant
    routes: list[Route] = []
    gaps: list[Gaps] = []
    applicant_is_person = isinstance(applicant, Person)

    # 1. Self: a person always manages their own dossiers.
    if applicant_is_person and applicant.id == person.id:
        routes.append(Route(SELF, (Link("self", person.id, _(
            "{person} is the applicant themself", person=person.name)),)))

    if isinstance(applicant, Organisation):
        group = applicant.entity_group
        # 2. Legal representative (listed in the KBO).
        if person.id in applicant.legal_representatives:
            routes.append(Route(LEGAL_REPRESENTATIVE, (Link(
                "legal_representative", applicant.id,
                _("{person} is a legal representative of {organisation}", person=person.name,
                  organisation=applicant.name)),)))
        elif group in (EntityGroup.ECONOMIC_ACTOR, EntityGroup.LOCAL_GOVERNMENT):
            gaps.append(partial(_not_legal_representative, person, applicant))
        # 3. The right KIOSK Aanvrager on a work relation with the applicant.
        if group in (EntityGroup.ECONOMIC_ACTOR, EntityGroup.LOCAL_GOVERNMENT):
            _kiosk_route(facts, day, routes, gaps)
        else:
            gaps.append(partial(_outside_user_management, applicant, person.name))

    # 4. A mandate from the applicant to the person.
    if applicant_is_person and applicant.id != person.id:
        _person_mandate_route(facts, day, routes, gaps)

    # 5. A mandate from the applicant to a provider P, and SSM Mandaatuitvoerder at P.
    if applicant_is_person or (isinstance(applicant, Organisation)
                               and applicant.entity_group is EntityGroup.ECONOMIC_ACTOR):
        _provider_route(facts, day, routes, gaps)
    elif isinstance(applicant, Organisation) and \
            applicant.entity_group is EntityGroup.LOCAL_GOVERNMENT:
        gaps.append(partial(_local_government, applicant))

    return routes, gaps


def _not_legal_representative(person: Person, applicant: Organisation) -> tuple[Gap]:
    return (Gap(LEGAL_REPRESENTATIVE, "not_legal_representative",
                _("{person} is not a legal representative of {organisation}",
                  person=person.name, organisation=applicant.name),
                _("the KBO lists the legal representatives; only a change there fixes this")),)


def _local_government(applicant: Organisation) -> tuple[Gap]:
    return (Gap(MANDATE_TO_PROVIDER, "local_government_gives_no_mandate",
                _("{organisation} is a local government, which cannot give a mandate to an "
                  "external service provider", organisation=applicant.name),
                _("nobody: the rules exclude it")),)


def _outside_user_management(applicant: Organisation, who: str) -> tuple[Gap]:
    """Why the user management and SSM cannot give `who` access to this applicant."""
    if applicant.entity_group is EntityGroup.ORGANISING_AUTHORITY:
        return (Gap(INSIDE_KIOSK, "route_not_documented",
                    _("{organisation} is a department of an organising authority; how it "
                      "appoints representatives is not documented",
                      organisation=applicant.name),
                    _("DCJM (the KIOSK helpdesk) can say how; report it at least 7 calendar "
                      "days before a submission deadline"), organisation_id=applicant.id),)
    if applicant.entity_group is EntityGroup.DE_FACTO_ASSOCIATION:
        text = _("{organisation} is a de facto association, whose representatives are "
                 "appointed inside KIOSK, not through the user management or SSM",
                 organisation=applicant.name)
        fixer = _("the main representative of {organisation} must appoint {person} inside "
                  "KIOSK; without one, a board member applies for registration and DCJM "
                  "decides within 10 days", organisation=applicant.name, person=who)
    else:
        text = _("{organisation} is a foreign organisation, whose representatives are "
                 "appointed inside KIOSK, not through the user management or SSM",
                 organisation=applicant.name)
        fixer = _("the main representative of {organisation} must appoint {person} inside "
                  "KIOSK; without one, a delegate applies for registration and DCJM decides "
                  "within 10 days", organisation=applicant.name, person=who)
    return (Gap(INSIDE_KIOSK, "managed_inside_kiosk", text, fixer,
                organisation_id=applicant.id),)


def _no_relation_text(facts: AccessFacts, org: Organisation, day: date) -> str:
    """'X has no work relation with O', saying when a former (or future) one ends (starts)."""
    person = facts.person.name
    other = max((e.relation for e in facts.employments if e.organisation.id == org.id),
                key=lambda r: r.period.start, default=None)
    if other is None:
        return _("{person} has no work relation with {organisation}", person=person,
                 organisation=org.name)
    if other.period.start > day:
        return _("{person} has no work relation with {organisation} yet (it starts on {day})",
                 person=person, organisation=org.name, day=_day(other.period.start))
    assert other.period.end is not None
    return _("{person} has no work relation with {organisation} any more (it ended on {day})",
             person=person, organisation=org.name, day=_day(other.period.end))


def _kiosk_route(facts: AccessFacts, day: date, routes: list[Route], gaps: list[Gaps]) -> None:
    person, applicant = facts.person, facts.applicant
    assert isinstance(applicant, Organisation)
    employment = next((e for e in facts.employments
                       if e.organisation.id == applicant.id and e.relation.active(day)), None)
    right = None if employment is None else \
        _active_right(employment, RightKind.KIOSK_APPLICANT, day)
    if employment is None or right is None:
        gaps.append(partial(_kiosk_gap, facts, applicant, employment, day))
    elif not person.has_eid:
        gaps.append(partial(_no_eid, person))
    else:
        routes.append(Route(KIOSK_APPLICANT_RIGHT, (
            _relation_link(employment, person.name),
            _right_link(right, person.name, applicant))))


def _kiosk_gap(facts: AccessFacts, applicant: Organisation, employment: Employment | None,
               day: date) -> tuple[Gap]:
    person = facts.person
    names = _names(facts.local_admins.get(applicant.id, ()))
    if employment is None:
        return (Gap(KIOSK_APPLICANT_RIGHT, "no_work_relation",
                    _no_relation_text(facts, applicant, day),
                    _("the local administrator of {organisation}{names} must add {person} as "
                      "a user", organisation=applicant.name, names=names, person=person.name),
                    organisation_id=applicant.id),)
    lapsed = _lapsed_right(employment, RightKind.KIOSK_APPLICANT, day)
    kiosk = RightKind.KIOSK_APPLICANT
    text = _("{person} does not hold ‘{right}’ at {organisation}{lapse}", person=person.name,
             right=kiosk, organisation=applicant.name,
             lapse=_lapse(lapsed) if lapsed is not None else "")
    return (Gap(KIOSK_APPLICANT_RIGHT, "no_kiosk_applicant_right", text,
                _("the local administrator of {organisation}{names} must grant {person} "
                  "‘{right}’", organisation=applicant.name, names=names, person=person.name,
                  right=kiosk),
                organisation_id=applicant.id),)


def _no_eid(person: Person, mandate_id: str | None = None,
            route: str = KIOSK_APPLICANT_RIGHT) -> tuple[Gap]:
    return (Gap(route, "no_eid", _("{person} has no Belgian eID", person=person.name),
                _("{person} must get a Belgian eID", person=person.name),
                mandate_id=mandate_id),)


def _lapse(right: Right) -> str:
    if right.withdrawn_on is not None:
        return _(" (that right was withdrawn on {day})", day=_day(right.withdrawn_on))
    if right.period.end is not None:
        return _(" (that right ended on {day})", day=_day(right.period.end))
    return _(" (that right starts on {day})", day=_day(right.period.start))


def _route_mandates(facts: AccessFacts) -> Sequence[Mandate]:
    return facts.mandates if facts.route_mandates is None else facts.route_mandates


def _person_mandate_route(facts: AccessFacts, day: date, routes: list[Route],
                          gaps: list[Gaps]) -> None:
    person, applicant = facts.person, facts.applicant
    mine = _closest([m for m in _route_mandates(facts)
                     if m.taker.kind is PartyKind.PERSON and m.taker.id == person.id], day)
    route = MANDATE_TO_PERSON
    if mine is None:
        gaps.append(lambda: (Gap(route, "no_mandate", _(
            "{giver} gave {taker} no mandate", giver=applicant.name, taker=person.name), _(
            "{giver} must give {taker} a mandate in SSM", giver=applicant.name,
            taker=person.name)),))
    elif not mine.in_force(day):
        gaps.append(partial(_mandate_gaps, route, mine, facts, person.name, day))
    elif not person.has_eid:
        # A mandate taker who is a person logs in to KIOSK with a Belgian eID.
        gaps.append(partial(_no_eid, person, mine.id, route))
    else:
        routes.append(Route(route, (_mandate_link(mine, applicant.name, person.name),)))


def _mandate_gaps(route: str, mandate: Mandate, facts: AccessFacts, taker_name: str,
                  day: date) -> tuple[Gap, ...]:
    gap = _mandate_gap(route, mandate, facts, taker_name, day)
    return () if gap is None else (gap,)


def _provider_route(facts: AccessFacts, day: date, routes: list[Route],
                    gaps: list[Gaps]) -> None:
    """Routes through the person's employers; the other takers only explain a denial."""
    person, applicant = facts.person, facts.applicant
    route = MANDATE_TO_PROVIDER
    # An organisation does not give itself a mandate: its own staff use the routes above.
    employers = {e.organisation.id: e for e in facts.employments
                 if e.relation.active(day) and e.organisation.is_service_provider
                 and e.organisation.id != applicant.id}
    to_employers: dict[str, list[Mandate]] = {}
    for made in _route_mandates(facts):
        if made.taker.kind is PartyKind.ORGANISATION and made.taker.id in employers:
            to_employers.setdefault(made.taker.id, []).append(made)
    for org_id, employment in employers.items():
        org = employment.organisation
        mandate = _closest(to_employers.get(org_id, ()), day)
        if mandate is None:
            gaps.append(partial(_no_mandate_to, facts, org))
            continue
        if not mandate.in_force(day):
            gaps.append(partial(_mandate_gaps, route, mandate, facts, org.name, day))
            continue
        right = _active_right(employment, RightKind.MANDATE_EXECUTOR, day)
        if right is None:
            gaps.append(partial(_no_executor_right, facts, employment, mandate, day))
            continue
        routes.append(Route(route, (_mandate_link(mandate, applicant.name, org.name),
                                    _relation_link(employment, person.name),
                                    _right_link(right, person.name, org))))
    if not employers:
        # A member of a provider's staff acts through that provider: the gaps above say what
        # it lacks. Only someone who works for no provider is told which ones hold a mandate.
        gaps.append(partial(_other_takers, facts, day))


def _no_mandate_to(facts: AccessFacts, org: Organisation) -> tuple[Gap]:
    applicant = facts.applicant
    managers = facts.mandate_managers.get(org.id, ())
    return (Gap(MANDATE_TO_PROVIDER, "no_mandate",
                _("{giver} gave {taker} no mandate", giver=applicant.name, taker=org.name),
                _("{giver} must give {taker} a mandate in SSM, and a mandate administrator "
                  "of {taker}{names} must sign it", giver=applicant.name, taker=org.name,
                  names=_names(managers)),
                guide_outcome=OUTCOME_CONCLUDE_MANDATE, organisation_id=org.id),)


def _no_executor_right(facts: AccessFacts, employment: Employment, mandate: Mandate,
                       day: date) -> tuple[Gap]:
    person, org = facts.person, employment.organisation
    admins = facts.local_admins.get(org.id, ())
    lapsed = _lapsed_right(employment, RightKind.MANDATE_EXECUTOR, day)
    executor = RightKind.MANDATE_EXECUTOR
    return (Gap(MANDATE_TO_PROVIDER, "no_executor_right",
                _("{person} does not hold ‘{right}’ at {organisation}{lapse}",
                  person=person.name, right=executor, organisation=org.name,
                  lapse=_lapse(lapsed) if lapsed else ""),
                _("the local administrator of {organisation}{names} must grant {person} "
                  "‘{right}’", organisation=org.name, names=_names(admins),
                  person=person.name, right=executor),
                guide_outcome=OUTCOME_GRANT_EXECUTOR, organisation_id=org.id,
                mandate_id=mandate.id,
                links=(_mandate_link(mandate, facts.applicant.name, org.name),
                       _relation_link(employment, person.name))),)


def _other_takers(facts: AccessFacts, day: date) -> list[Gap]:
    """For a person who works for no provider now: the providers holding a mandate of the
    applicant in force, through one of which the person could act as a member of its staff.

    Mandates to providers that are not in force are not listed: what they lack (a signature, a
    new mandate) concerns those providers and the applicant, not the person.
    """
    person, applicant = facts.person, facts.applicant
    organisation = PartyKind.ORGANISATION
    in_force: dict[str, Mandate] = {}
    gave_any = False
    for made in facts.mandates:
        taker = made.taker
        if taker.kind is organisation:
            gave_any = True
            if taker.id not in in_force and made.in_force(day):
                in_force[taker.id] = made
    takers = facts.takers
    holders = [(takers[org_id], made) for org_id, made in in_force.items() if org_id in takers]
    if not holders:
        return [_no_provider(facts, gave_any)]
    route, executor = MANDATE_TO_PROVIDER, RightKind.MANDATE_EXECUTOR
    if len(holders) == 1:
        ((org, made),) = holders
        admins = facts.local_admins.get(org.id, ())
        return [Gap(route, "no_work_relation", _no_relation_text(facts, org, day),
                    _("the local administrator of {organisation}{names} must add {person} as "
                      "a user and grant ‘{right}’", organisation=org.name,
                      names=_names(admins), person=person.name, right=executor),
                    guide_outcome=OUTCOME_GRANT_EXECUTOR, organisation_id=org.id,
                    mandate_id=made.id,
                    links=(_mandate_link(made, applicant.name, org.name),))]
    # Several: one gap naming them (the person needs only one), without a link per mandate.
    names = ", ".join(org.name for org, _made in holders)
    return [Gap(route, "no_work_relation",
                _("{person} has no work relation with any of the {count} providers that hold "
                  "a mandate of {giver} in force: {providers}", person=person.name,
                  count=len(holders), giver=applicant.name, providers=names),
                _("the local administrator of one of them must add {person} as a user and "
                  "grant ‘{right}’", person=person.name, right=executor),
                guide_outcome=OUTCOME_GRANT_EXECUTOR)]


def _no_provider(facts: AccessFacts, gave_any: bool) -> Gap:
    person, applicant = facts.person, facts.applicant
    text = (_("{giver} has no mandate in force with an external service provider, and "
              "{person} works for no provider that could take one", giver=applicant.name,
              person=person.name) if gave_any else
            _("{giver} gave no external service provider a mandate, and {person} works for "
              "no provider that could take one", giver=applicant.name, person=person.name))
    return Gap(MANDATE_TO_PROVIDER, "no_provider", text,
               _("{giver} must give a provider a mandate, whose local administrator grants "
                 "{person} ‘{right}’", giver=applicant.name, person=person.name,
                 right=RightKind.MANDATE_EXECUTOR),
               guide_outcome=OUTCOME_CONCLUDE_MANDATE)


__all__ = ["AccessFacts", "Decision", "Employment", "Gap", "Link", "Route", "allows", "decide"]
