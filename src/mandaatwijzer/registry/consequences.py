"""What a change that cannot be undone would do, before it is made: who gains or loses access
to which applicants' dossiers, from which day, and which mandate ends.

Pure reads over the repository, like `queries.py`. Nothing here decides access itself: for
each person a change can affect, the facts the access decision reads (`queries.gather_facts`)
are read as they are, and once more as the change would leave them (the one entity the use
case in `services.py` changes, changed the same way, in a copy), and `access.decide` answers
for both. A person is listed when the answers differ, so a confirmation page never says more
or less than the check will say after the change.

The functions take no viewer: `views` applies the read policy (`views.withdrawal`,
`views.stopping`, `views.signing`, `views.refusal`).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from . import queries, rules
from .access import AccessFacts, allows
from .errors import NotFoundError
from .model import (
    Mandate,
    MandateStatus,
    Organisation,
    Party,
    PartyKind,
    Period,
    Person,
    Right,
    RightKind,
    Signature,
    new_id,
)
from .ports import Repository

#: Rewrites the facts of one decision as they would be after the change.
Change = Callable[[AccessFacts], AccessFacts]


class SignSide(enum.StrEnum):
    """Which signature a signing or a refusal gives: a side's, or the new taker's of a
    proposed transfer."""

    GIVER = "giver"
    TAKER = "taker"
    TRANSFER = "transfer"


@dataclass(frozen=True, slots=True)
class Access:
    """A person, and the applicants whose dossiers they gain or lose access to."""

    person_id: str
    person_name: str
    applicants: tuple[queries.Applicant, ...]

    @property
    def applicant_names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.applicants)


@dataclass(frozen=True, slots=True)
class PartyFacts:
    """A side of a mandate: its name, and its number as it may be shown (an enterprise
    number formatted, a national number masked)."""

    party: Party
    name: str
    number: str | None

    @property
    def is_person(self) -> bool:
        return self.party.kind is PartyKind.PERSON


@dataclass(frozen=True, slots=True)
class SignatureFacts:
    """Who signed for a side, and when."""

    side: SignSide
    by_name: str
    at: datetime


@dataclass(frozen=True, slots=True)
class MandateFacts:
    """A mandate as a confirmation page shows it in full."""

    id: str
    type: str
    giver: PartyFacts
    taker: PartyFacts
    start: date
    end: date | None
    status: MandateStatus
    signatures: tuple[SignatureFacts, ...]
    pending_transfer_to: PartyFacts | None
    stopped_at: datetime | None
    stopped_by_name: str | None


@dataclass(frozen=True, slots=True)
class Withdrawal:
    """Withdrawing a right: from `day` on, `lost` (the holder, or nobody)."""

    right_id: str
    kind: RightKind
    holder_id: str
    holder_name: str
    organisation_id: str
    organisation_name: str
    #: The day the right stops holding: the withdrawal day (or the right's start, if later).
    day: date
    lost: tuple[Access, ...]
    #: Set when the right was withdrawn already (a second submit): from that day.
    withdrawn_on: date | None


@dataclass(frozen=True, slots=True)
class Stopping:
    """Stopping a mandate: from `day` on, `lost`; a proposed transfer is dropped with it."""

    mandate: MandateFacts
    #: The day of the stop (today), and the day from which access is lost (the mandate's
    #: start, when it lies ahead).
    on: date
    day: date
    lost: tuple[Access, ...]
    #: The provider a proposed transfer would have handed the mandate to.
    cancels_transfer_to: str | None

    @property
    def already(self) -> bool:
        """The mandate was stopped already (by a stop or a refusal)."""
        return self.mandate.status is MandateStatus.STOPPED


@dataclass(frozen=True, slots=True)
class Signing:
    """Signing for `side`: who gains (and, for a transfer, loses) access from `day` on."""

    mandate: MandateFacts
    #: The signature asked for: the side the mandate awaits, or the one confirmed.
    side: SignSide | None
    side_name: str | None
    day: date
    gained: tuple[Access, ...]
    lost: tuple[Access, ...]
    #: The side that must still sign after this signature (the mandate is not in force yet).
    still_awaits: PartyFacts | None
    #: The signature was given already (a second submit), or the transfer accepted.
    already: bool


@dataclass(frozen=True, slots=True)
class Refusal:
    """Refusing to sign for `side`: the mandate never becomes active (or a proposed transfer
    is dropped, the mandate staying with its taker); `lost` is almost always empty."""

    mandate: MandateFacts
    side: SignSide | None
    side_name: str | None
    day: date
    lost: tuple[Access, ...]
    #: The mandate (or the transfer) was refused already (a second submit).
    already: bool


@dataclass(frozen=True, slots=True)
class Granting:
    """Granting a right from `start` (to `end`): who gains access from `start` on."""

    work_relation_id: str
    kind: RightKind
    holder_id: str
    holder_name: str
    organisation_id: str
    organisation_name: str
    start: date
    end: date | None
    gained: tuple[Access, ...]


@dataclass(frozen=True, slots=True)
class Transferring:
    """Proposing to hand an active mandate to `new_taker`: nothing changes until the new
    taker's signers accept; from the day they do, `gained` and `lost` (as they would be
    today)."""

    mandate: MandateFacts
    new_taker: PartyFacts
    gained: tuple[Access, ...]
    lost: tuple[Access, ...]
    #: The transfer to this provider was proposed already (a second submit), or accepted.
    already: bool


# --- the facts of a decision, as a change would leave them ------------------------------------


def _with_right(right: Right) -> Change:
    """The facts with `right` replaced by its changed copy."""

    def change(facts: AccessFacts) -> AccessFacts:
        employments = tuple(
            replace(e, rights=tuple(right if r.id == right.id else r for r in e.rights))
            for e in facts.employments)
        return replace(facts, employments=employments)

    return change


def _with_new_right(right: Right) -> Change:
    """The facts with `right` granted besides, on its work relation."""

    def change(facts: AccessFacts) -> AccessFacts:
        employments = tuple(
            replace(e, rights=(*e.rights, right)) if e.relation.id == right.work_relation_id
            else e for e in facts.employments)
        return replace(facts, employments=employments)

    return change


def _with_mandates(changed: Mandate, *added: Mandate,
                   takers: Iterable[Organisation] = ()) -> Change:
    """The facts with `changed` replaced by its changed copy, and `added` given besides."""

    def swap(mandates: Iterable[Mandate], applicant: Person | Organisation) -> list[Mandate]:
        found = [changed if m.id == changed.id else m for m in mandates]
        return found + [m for m in added if m.giver == applicant.party]

    new_takers = {org.id: org for org in takers}

    def change(facts: AccessFacts) -> AccessFacts:
        route = facts.route_mandates
        return replace(facts, mandates=tuple(swap(facts.mandates, facts.applicant)),
                       route_mandates=None if route is None else
                       tuple(swap(route, facts.applicant)),
                       takers=_Over(new_takers, facts.takers) if new_takers else facts.takers)

    return change


class _Over(Mapping[str, Organisation]):
    """`added` over `base`, read only: the access index's takers are every organisation of
    the registry, not to be copied for each pair."""

    def __init__(self, added: Mapping[str, Organisation],
                 base: Mapping[str, Organisation]) -> None:
        self.added, self.base = added, base

    def __getitem__(self, key: str) -> Organisation:
        found = self.added.get(key)
        return self.base[key] if found is None else found

    def __iter__(self) -> Iterator[str]:
        yield from self.added
        yield from (key for key in self.base if key not in self.added)

    def __len__(self) -> int:
        return len(self.added) + sum(1 for key in self.base if key not in self.added)


def _differences(repo: Repository, pairs: Iterable[tuple[str, Party]], day: date,
                 change: Change, *, gained: bool) -> tuple[Access, ...]:
    """For each (person, applicant): kept when the change turns a yes into a no (`gained`
    False) or a no into a yes (`gained` True); grouped by person, by name.

    Each pair's facts are read once, and decided on as they are and as the change would leave
    them: a person's applicants at once (`Repository.access_facts_many`), or, when the pairs
    share their applicants rather than their persons (a mandate's executors), an applicant's
    persons at once (`access_facts_of_persons`)."""
    listed = list(dict.fromkeys(pairs))
    by_person: dict[str, list[Party]] = {}
    by_applicant: dict[Party, list[str]] = {}
    for person_id, applicant in listed:
        by_person.setdefault(person_id, []).append(applicant)
        by_applicant.setdefault(applicant, []).append(person_id)
    reads: Iterable[Sequence[AccessFacts]] = (
        (repo.access_facts_of_persons(persons, applicant, day)
         for applicant, persons in by_applicant.items())
        if len(by_applicant) < len(by_person) else
        (repo.access_facts_many(person_id, applicants, day)
         for person_id, applicants in by_person.items()))
    found: dict[tuple[str, str], list[queries.Applicant]] = {}
    for read in reads:
        for facts in read:
            after = allows(change(facts), day)
            if after is gained and allows(facts, day) is not after:
                found.setdefault((facts.person.id, facts.person.name), []).append(
                    queries.Applicant(facts.applicant.party, facts.applicant.name))
    accesses = []
    for (person_id, name), kept in found.items():
        kept.sort(key=lambda a: (a.name.lower(), a.party.id))
        accesses.append(Access(person_id, name, tuple(kept)))
    return tuple(sorted(accesses, key=lambda a: (a.person_name.lower(), a.person_id)))


def _name(repo: Repository, party: Party) -> str:
    entity = repo.person(party.id) if party.kind is PartyKind.PERSON \
        else repo.organisation(party.id)
    return entity.name if entity is not None else party.id


def _managers_of(repo: Repository, applicant: Party, day: date) -> list[tuple[str, Party]]:
    """(person, applicant) for everyone who may manage the applicant's dossiers on `day`."""
    return [(p.id, applicant) for p in queries.every_person_for(repo, applicant, day)]


def _staff_of(repo: Repository, taker: Party, applicant: Party,
              day: date) -> list[tuple[str, Party]]:
    """(person, applicant) for whoever could act through `taker`: the person, or the staff of
    the organisation on `day`."""
    if taker.kind is PartyKind.PERSON:
        return [(taker.id, applicant)]
    return [(r.person_id, applicant) for r in repo.work_relations_at(taker.id) if r.active(day)]


# --- the mandate in full ----------------------------------------------------------------------


def _party_facts(repo: Repository, party: Party) -> PartyFacts:
    if party.kind is PartyKind.PERSON:
        person = repo.person(party.id)
        return PartyFacts(party, person.name if person else party.id,
                          person.national_number.masked if person else None)
    org = repo.organisation(party.id)
    number = org.enterprise_number if org is not None else None
    return PartyFacts(party, org.name if org else party.id,
                      number.formatted if number is not None else None)


def _person_name(repo: Repository, person_id: str | None) -> str | None:
    if person_id is None:
        return None
    found = repo.person(person_id)
    return found.name if found is not None else person_id


def mandate_facts(repo: Repository, mandate: Mandate, day: date) -> MandateFacts:
    signatures = [SignatureFacts(side, _person_name(repo, signature.by) or signature.by,
                                 signature.at)
                  for side, signature in ((SignSide.GIVER, mandate.giver_signature),
                                          (SignSide.TAKER, mandate.taker_signature))
                  if signature is not None]
    pending = mandate.pending_transfer_to
    return MandateFacts(
        mandate.id, mandate.type, _party_facts(repo, mandate.giver),
        _party_facts(repo, mandate.taker), mandate.period.start, mandate.period.end,
        mandate.status(day), tuple(sorted(signatures, key=lambda s: s.at)),
        _party_facts(repo, pending) if pending is not None else None, mandate.stopped_at,
        _person_name(repo, mandate.stopped_by))


def _mandate(repo: Repository, mandate_id: str) -> Mandate:
    found = repo.mandate(mandate_id)
    if found is None:
        raise NotFoundError("mandate", mandate_id)
    return found


def awaited_side(mandate: Mandate, day: date) -> SignSide | None:
    """The signature the mandate awaits on `day`, as `services.sign_mandate` reads it."""
    status = mandate.status(day)
    if mandate.pending_transfer_to is not None and status is MandateStatus.ACTIVE:
        return SignSide.TRANSFER
    if status is MandateStatus.AWAITING_GIVER:
        return SignSide.GIVER
    if status is MandateStatus.AWAITING_TAKER:
        return SignSide.TAKER
    return None


def side_party(mandate: Mandate, side: SignSide) -> Party | None:
    if side is SignSide.GIVER:
        return mandate.giver
    if side is SignSide.TAKER:
        return mandate.taker
    return mandate.pending_transfer_to


# --- one read per action ------------------------------------------------------------------------


def withdrawal(repo: Repository, right_id: str, on: date, actor_id: str) -> Withdrawal:
    """Withdrawing the right from `on` (as `services.withdraw_right` would)."""
    right = repo.right(right_id)
    if right is None:
        raise NotFoundError("right", right_id)
    relation = repo.work_relation(right.work_relation_id)
    if relation is None:
        raise NotFoundError("work relation", right.work_relation_id)
    holder = rules.person(repo, relation.person_id)
    org = rules.organisation(repo, relation.organisation_id)
    day = max(on, right.period.start)
    lost: tuple[Access, ...] = ()
    if right.withdrawn_on is None:
        withdrawn = replace(right, withdrawn_on=on, withdrawn_by=actor_id)
        applicants = queries.every_applicant_for(repo, holder.id, day)
        lost = _differences(repo, [(holder.id, a.party) for a in applicants], day,
                            _with_right(withdrawn), gained=False)
    return Withdrawal(right.id, right.kind, holder.id, holder.name, org.id, org.name, day,
                      lost, right.withdrawn_on)


def granting(repo: Repository, work_relation_id: str, kind: RightKind, start: date,
             end: date | None, actor_id: str) -> Granting:
    """Granting the right on the work relation (as `services.grant_right` would): whose
    dossiers its holder may manage from `start` on that they may not manage without it (the
    givers of the organisation's mandates, and the organisation itself)."""
    relation = repo.work_relation(work_relation_id)
    if relation is None:
        raise NotFoundError("work relation", work_relation_id)
    holder = rules.person(repo, relation.person_id)
    org = rules.organisation(repo, relation.organisation_id)
    right = Right(new_id("R"), relation.id, kind, actor_id, Period(start, end))
    applicants = [org.party, *repo.givers_to(org.party)]
    gained = _differences(repo, [(holder.id, a) for a in applicants], start,
                          _with_new_right(right), gained=True)
    return Granting(relation.id, kind, holder.id, holder.name, org.id, org.name, start, end,
                    gained)


def stopping(repo: Repository, mandate_id: str, now: datetime, actor_id: str) -> Stopping:
    """Stopping the mandate now (as `services.stop_mandate` would)."""
    mandate = _mandate(repo, mandate_id)
    today = now.date()
    day = max(today, mandate.period.start)
    facts = mandate_facts(repo, mandate, today)
    if mandate.status(today) is MandateStatus.STOPPED:
        return Stopping(facts, today, day, (), None)
    stopped = replace(mandate, stopped_by=actor_id, stopped_at=now, pending_transfer_to=None)
    lost = _differences(repo, _managers_of(repo, mandate.giver, day), day,
                        _with_mandates(stopped), gained=False)
    pending = mandate.pending_transfer_to
    return Stopping(facts, today, day, lost,
                    _name(repo, pending) if pending is not None else None)


def _already_signed(mandate: Mandate, side: SignSide) -> bool:
    if side is SignSide.GIVER:
        return mandate.giver_signature is not None
    if side is SignSide.TAKER:
        return mandate.taker_signature is not None
    return mandate.successor_id is not None


def _signed(mandate: Mandate, side: SignSide, actor_id: str, now: datetime) -> Mandate:
    signature = Signature(actor_id, now)
    if side is SignSide.GIVER:
        return replace(mandate, giver_signature=signature)
    return replace(mandate, taker_signature=signature)


def signing(repo: Repository, mandate_id: str, now: datetime, actor_id: str,
            side: SignSide | None = None) -> Signing:
    """Signing the side the mandate awaits now (as `services.sign_mandate` would); `side`,
    when given, is the signature confirmed: `already` says whether it was given before."""
    mandate = _mandate(repo, mandate_id)
    today = now.date()
    facts = mandate_facts(repo, mandate, today)
    awaited = awaited_side(mandate, today)
    if side is not None and _already_signed(mandate, side):
        party = side_party(mandate, side) or mandate.transferred_to
        return Signing(facts, side, _name(repo, party) if party else None, today, (), (),
                       None, True)
    if awaited is None or (side is not None and side is not awaited):
        # Nothing to sign (stopped, expired, transferred), or another signature is awaited
        # than the one confirmed: the use case refuses, or the page asks again.
        return Signing(facts, awaited, None, today, (), (), None, False)
    party = side_party(mandate, awaited)
    assert party is not None
    if awaited is SignSide.TRANSFER:
        return _transfer(repo, mandate, facts, party, now, actor_id)
    signed = _signed(mandate, awaited, actor_id, now)
    day = max(today, mandate.period.start)
    other = mandate.taker if awaited is SignSide.GIVER else mandate.giver
    if signed.status(today) is not MandateStatus.ACTIVE:
        return Signing(facts, awaited, _name(repo, party), day, (), (),
                       _party_facts(repo, other), False)
    gained = _differences(repo, _staff_of(repo, mandate.taker, mandate.giver, day), day,
                          _with_mandates(signed), gained=True)
    return Signing(facts, awaited, _name(repo, party), day, gained, (), None, False)


def _transfer(repo: Repository, mandate: Mandate, facts: MandateFacts, new_taker: Party,
              now: datetime, actor_id: str) -> Signing:
    """Accepting a proposed transfer: the mandate ends, a new one to `new_taker` begins."""
    today = now.date()
    successor = Mandate(new_id("M"), mandate.giver, new_taker,
                        Period(max(today, mandate.period.start), mandate.period.end),
                        actor_id, now, giver_signature=mandate.giver_signature,
                        taker_signature=Signature(actor_id, now), predecessor_id=mandate.id)
    handed_over = replace(mandate, transferred_to=new_taker, successor_id=successor.id,
                          pending_transfer_to=None)
    org = repo.organisation(new_taker.id)
    change = _with_mandates(handed_over, successor, takers=[org] if org is not None else [])
    day = successor.period.start
    lost = _differences(repo, _managers_of(repo, mandate.giver, day), day, change,
                        gained=False)
    gained = _differences(repo, _staff_of(repo, new_taker, mandate.giver, day), day, change,
                          gained=True)
    return Signing(facts, SignSide.TRANSFER, _name(repo, new_taker), day, gained, lost, None,
                   False)


def transferring(repo: Repository, mandate_id: str, new_taker: Party, now: datetime,
                 actor_id: str) -> Transferring:
    """Proposing the transfer (as `services.transfer_mandate` would), and what its acceptance
    would change if the new taker signed today."""
    mandate = _mandate(repo, mandate_id)
    today = now.date()
    facts = mandate_facts(repo, mandate, today)
    target = _party_facts(repo, new_taker)
    if new_taker in (mandate.pending_transfer_to, mandate.transferred_to):
        return Transferring(facts, target, (), (), True)
    if mandate.status(today) is not MandateStatus.ACTIVE or new_taker == mandate.taker \
            or new_taker.kind is not PartyKind.ORGANISATION:
        # The use case refuses it: the page says why when it is asked.
        return Transferring(facts, target, (), (), False)
    proposed = replace(mandate, pending_transfer_to=new_taker)
    accepted = _transfer(repo, proposed, facts, new_taker, now, actor_id)
    return Transferring(facts, target, accepted.gained, accepted.lost, False)


def refusal(repo: Repository, mandate_id: str, now: datetime, actor_id: str,
            side: SignSide | None = None) -> Refusal:
    """Refusing the signature the mandate awaits now (as `services.refuse_mandate` would);
    `side`, when given, is the refusal confirmed: `already` says whether it was made before."""
    mandate = _mandate(repo, mandate_id)
    today = now.date()
    facts = mandate_facts(repo, mandate, today)
    awaited = awaited_side(mandate, today)
    if side is not None and side is not awaited:
        already = (mandate.status(today) is MandateStatus.ACTIVE
                   and mandate.pending_transfer_to is None
                   and mandate.successor_id is None) if side is SignSide.TRANSFER else \
            (mandate.status(today) is MandateStatus.STOPPED and mandate.activated_at is None)
        return Refusal(facts, side, None, today, (), already)
    if awaited is None:
        return Refusal(facts, None, None, today, (), False)
    party = side_party(mandate, awaited)
    assert party is not None
    if awaited is SignSide.TRANSFER:
        refused = replace(mandate, pending_transfer_to=None)
    else:
        refused = replace(mandate, stopped_by=actor_id, stopped_at=now)
    day = max(today, mandate.period.start)
    lost = _differences(repo, _managers_of(repo, mandate.giver, day), day,
                        _with_mandates(refused), gained=False)
    return Refusal(facts, awaited, _name(repo, party), day, lost, False)


__all__ = [
    "Access",
    "Granting",
    "MandateFacts",
    "PartyFacts",
    "Refusal",
    "SignSide",
    "SignatureFacts",
    "Signing",
    "Stopping",
    "Transferring",
    "Withdrawal",
    "awaited_side",
    "granting",
    "mandate_facts",
    "refusal",
    "side_party",
    "signing",
    "stopping",
    "transferring",
    "withdrawal",
]
