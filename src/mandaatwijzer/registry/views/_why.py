""""Why can't I?": the access check for the person who asks, about one applicant, with the
gap that matters most first and, for each gap, what the person can do about it themself.

The decision and its explanation are the check's (`check`, `registry/access.py`); this read
adds the order and the fixes. A gap's fix is the registry's page where the person performs
it (grant a right, add a user, sign a mandate, ask for one), given only when the rules let
the person do it; otherwise the gap's `fixer` already names who can.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from .. import access, policy, queries, rules
from ..access import Gap
from ..model import MandateStatus, Organisation, Party, PartyKind, Person, RightKind
from ..ports import Repository
from ._access import Checked, check
from ._find import fold, search
from ._places import checker_choices


class FixKind(enum.StrEnum):
    """What the person can do about a gap, and so which page leads there."""

    #: Grant the right on a work relation (the grant confirmation); without a work relation:
    #: choose the user on the organisation's users page.
    GRANT = "grant"
    #: Add a user to the organisation (its users page).
    ADD_USER = "add_user"
    #: Sign the mandate for the side it awaits (that side's signatures page).
    SIGN = "sign"
    #: Ask the applicant for a (new) mandate (the side's mandates page).
    ASK_MANDATE = "ask_mandate"


@dataclass(frozen=True, slots=True)
class Fix:
    """A fix the person may perform: on the page of `party` (named `party_name`)."""

    kind: FixKind
    party: Party
    party_name: str
    work_relation_id: str | None = None
    right: RightKind | None = None
    mandate_id: str | None = None


@dataclass(frozen=True, slots=True)
class Reason:
    """A gap of the decision, and the person's own fix for it, if any."""

    gap: Gap
    fix: Fix | None


@dataclass(frozen=True, slots=True)
class Why:
    """The check for the person about the applicant; when denied, its gaps as reasons, the
    one that matters most first."""

    checked: Checked
    reasons: tuple[Reason, ...]

    @property
    def allowed(self) -> bool:
        return self.checked.decision.allowed


#: The right each gap code lacks (granted on the person's work relation).
_MISSING_RIGHT = {"no_executor_right": RightKind.MANDATE_EXECUTOR,
                  "no_kiosk_applicant_right": RightKind.KIOSK_APPLICANT}
#: The gaps a new mandate closes.
_RENEW = frozenset({"no_mandate", "mandate_stopped", "mandate_expired",
                    "mandate_transferred"})
_AWAITS = frozenset({"mandate_awaits_taker", "mandate_awaits_giver",
                     "mandate_awaits_taker_without_manager"})


class _Place:
    """What the person is, read once for all gaps: employers, signatures awaited."""

    def __init__(self, repo: Repository, person: Person, day: date) -> None:
        self.repo, self.person, self.day = repo, person, day
        self.relations = {r.organisation_id: r for r in repo.work_relations_of(person.id)
                          if r.active(day)}
        awaiting = queries.awaiting_signature(repo, person.id, day, 0, queries.MAX_PAGE)
        self.awaiting = {m.id: m for m in awaiting.items}

    def organisation(self, org_id: str | None) -> Organisation | None:
        return self.repo.organisation(org_id) if org_id is not None else None

    def authority(self, org: Organisation) -> bool:
        return policy.has_authority(self.repo, self.person, org, self.day)

    def signs(self, party: Party) -> bool:
        return self.person.has_eid and policy.signs_for(self.repo, self.person, party,
                                                        self.day)

    def employer(self, gap: Gap) -> bool:
        """The gap is about a provider the person works for (what their own one lacks)."""
        return gap.route == access.MANDATE_TO_PROVIDER and gap.organisation_id in self.relations


def _awaited_side(place: _Place, mandate_id: str) -> Party | None:
    """The side whose signature the mandate awaits, when the person may give it."""
    found = place.awaiting.get(mandate_id)
    if found is None:
        return None
    status = found.status(place.day)
    if status is MandateStatus.AWAITING_GIVER:
        return found.giver
    if status is MandateStatus.AWAITING_TAKER:
        return found.taker
    return None


def _fix(place: _Place, gap: Gap) -> Fix | None:
    """What the person can do about the gap themself, or None."""
    repo, person = place.repo, place.person
    org = place.organisation(gap.organisation_id)
    if gap.code in _MISSING_RIGHT and org is not None and place.authority(org):
        relation = place.relations.get(org.id)
        return Fix(FixKind.GRANT, org.party, org.name,
                   relation.id if relation is not None else None, _MISSING_RIGHT[gap.code])
    if gap.code == "no_work_relation" and org is not None and place.authority(org):
        return Fix(FixKind.ADD_USER, org.party, org.name)
    if gap.code in _AWAITS and gap.mandate_id is not None:
        side = _awaited_side(place, gap.mandate_id)
        if side is not None:
            name = person.name if side.kind is PartyKind.PERSON else \
                rules.organisation(repo, side.id).name
            return Fix(FixKind.SIGN, side, name, mandate_id=gap.mandate_id)
        if gap.code == "mandate_awaits_taker_without_manager" and org is not None \
                and place.authority(org):
            relation = place.relations.get(org.id)
            return Fix(FixKind.GRANT, org.party, org.name,
                       relation.id if relation is not None else None,
                       RightKind.MANDATE_MANAGER, gap.mandate_id)
        return None
    if gap.code in _RENEW:
        if gap.route == access.MANDATE_TO_PERSON:
            return Fix(FixKind.ASK_MANDATE, person.party, person.name,
                       mandate_id=gap.mandate_id)
        if gap.route == access.MANDATE_TO_PROVIDER and org is not None \
                and place.signs(org.party):
            return Fix(FixKind.ASK_MANDATE, org.party, org.name, mandate_id=gap.mandate_id)
    return None


def why(repo: Repository, person_id: str, applicant_id: str, day: date) -> Why:
    """Why the person may (not) manage the applicant's dossiers today, asked by themself.

    The order of the gaps: what a provider the person works for lacks first (they act
    through it), then the route nearest to holding (the most facts already in place), then
    a gap the person can fix themself, then the check's order."""
    person = rules.person(repo, person_id)
    checked = check(repo, person, person.id, applicant_id, day, day)
    if checked.decision.allowed:
        return Why(checked, ())
    place = _Place(repo, person, day)
    reasons = [Reason(gap, _fix(place, gap)) for gap in checked.decision.gaps]
    order = sorted(range(len(reasons)), key=lambda i: (
        not place.employer(reasons[i].gap), -len(reasons[i].gap.links),
        reasons[i].fix is None, i))
    return Why(checked, tuple(reasons[i] for i in order))


@dataclass(frozen=True, slots=True)
class Candidate:
    """An applicant the person may ask about, by name."""

    id: str
    name: str


def why_candidates(repo: Repository, person_id: str, day: date,
                   text: str = "") -> tuple[Candidate, ...]:
    """The applicants the person may ask about: themself, their organisations, the givers
    of the mandates they and their organisations hold, and those they may manage (the
    checker's choices); with `text`, those whose name holds it, and the persons and
    organisations the person may see that the search finds by it (an edge refuses a
    national number in an address before: `refuse_number_in_address`)."""
    person = rules.person(repo, person_id)
    found = {c["id"]: c["name"] for c in checker_choices(repo, person, day)["applicants"]}
    wanted = fold(text.strip())
    if wanted:
        found = {k: v for k, v in found.items() if wanted in fold(v)}
        hits = search(repo, person, text, day, 0, queries.MAX_PAGE)
        found.update({hit.id: hit.name for hit in hits.items})
    return tuple(Candidate(k, v) for k, v in sorted(found.items(),
                                                    key=lambda i: (fold(i[1]), i[0])))


__all__ = ["Candidate", "Fix", "FixKind", "Reason", "Why", "why", "why_candidates"]
