"""Mandates as a person sees them (with the parties' names), and the applicants' dossiers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from .. import policy, queries, rules
from ..errors import NotFoundError
from ..model import Dossier, Mandate, MandateStatus, Organisation, Party, PartyKind, Person
from ..phrases import N_, Phrase
from ..policy import Viewer
from ..ports import Repository
from ._names import name_of, names_of, party_of

#: The states in which a mandate can still be stopped.
OPEN_STATES = (MandateStatus.ACTIVE, MandateStatus.AWAITING_GIVER, MandateStatus.AWAITING_TAKER)


def by_creation(mandates: Iterable[Mandate]) -> list[Mandate]:
    """Oldest first; each mandate once."""
    found = {m.id: m for m in mandates}
    return sorted(found.values(), key=lambda m: (m.created_at, m.id))


@dataclass(frozen=True, slots=True)
class MandateRow:
    """A mandate on a day, with the names of its parties."""

    mandate: Mandate
    status: MandateStatus
    giver_name: str
    taker_name: str
    #: The provider a proposed transfer would hand it to.
    pending_name: str | None

    @property
    def id(self) -> str:
        return self.mandate.id

    @property
    def since(self) -> date:
        return self.mandate.period.start

    @property
    def until(self) -> date | None:
        return self.mandate.period.end


def mandate_row(repo: Repository, mandate: Mandate, day: date) -> MandateRow:
    return mandate_rows(repo, (mandate,), day)[0]


def mandate_rows(repo: Repository, mandates: Iterable[Mandate], day: date) -> list[MandateRow]:
    """The rows of the mandates, in their order, their parties' names read at once (a
    provider's thousand mandates would read each side's entity on its own)."""
    listed = list(mandates)
    names = names_of(repo, [side for m in listed
                            for side in (m.giver, m.taker, m.pending_transfer_to)])
    return [MandateRow(m, m.status(day), names[m.giver], names[m.taker],
                       None if m.pending_transfer_to is None else names[m.pending_transfer_to])
            for m in listed]


def mandates_of_party(repo: Repository, party: Party) -> list[Mandate]:
    """What a person or organisation gave, took, or is offered by a transfer; oldest first."""
    return by_creation([*repo.mandates_given_by(party), *repo.mandates_taken_by(party),
                        *repo.mandates_pending_transfer_to(party)])


def mandates_of_sides(repo: Repository, sides: Iterable[Party], day: date) -> list[MandateRow]:
    """The mandates the parties gave or took, oldest first."""
    mandates = [m for side in sides
                for m in [*repo.mandates_given_by(side), *repo.mandates_taken_by(side)]]
    return mandate_rows(repo, by_creation(mandates), day)


def given_by(repo: Repository, party: Party, day: date) -> list[MandateRow]:
    return mandate_rows(repo, by_creation(repo.mandates_given_by(party)), day)


def taken_by(repo: Repository, party: Party, day: date) -> list[MandateRow]:
    """The mandates the party took (a provider's clients'), oldest first."""
    return mandate_rows(repo, by_creation(repo.mandates_taken_by(party)), day)


@dataclass(frozen=True, slots=True)
class Side:
    """A party a person signs for, by name."""

    party: Party
    name: str


def signing_side(repo: Repository, viewer_id: str, party_id: str, day: date) -> Side:
    """The party, once the viewer may sign for it (`rules.require_signer`)."""
    viewer = rules.person(repo, viewer_id)
    party = party_of(repo, party_id)
    rules.require_signer(repo, viewer, party, day)
    return Side(party, name_of(repo, party))


def _awaits(mandate: Mandate, party: Party, day: date) -> bool:
    """Whether the mandate waits for `party`'s signature (or its acceptance of a transfer)."""
    status = mandate.status(day)
    if mandate.pending_transfer_to is not None and status is MandateStatus.ACTIVE:
        return mandate.pending_transfer_to == party
    if status is MandateStatus.AWAITING_GIVER:
        return mandate.giver == party
    return status is MandateStatus.AWAITING_TAKER and mandate.taker == party


def awaiting_from(repo: Repository, viewer_id: str, party: Party, day: date) -> list[MandateRow]:
    """The mandates that await the viewer's signature for `party`, oldest first."""
    awaiting = queries.awaiting_signature(repo, viewer_id, day, 0, queries.MAX_PAGE)
    return mandate_rows(repo, [m for m in awaiting.items if _awaits(m, party, day)], day)


@dataclass(frozen=True, slots=True)
class Counterpart:
    """The other party of a mandate a side would make, as the side finds it by number: and
    whether the side may give it a mandate (`give_refusal` None) or take one from it
    (`ask_refusal` None), the rule's sentence otherwise."""

    party: Party
    name: str
    #: Its enterprise number formatted, or its national register number masked.
    number: str
    is_service_provider: bool
    give_refusal: Phrase | None
    ask_refusal: Phrase | None

    @property
    def is_person(self) -> bool:
        return self.party.kind is PartyKind.PERSON


def _entity(repo: Repository, party: Party) -> Person | Organisation:
    if party.kind is PartyKind.PERSON:
        return rules.person(repo, party.id)
    return rules.organisation(repo, party.id)


def _mandate_refusal(giver: Person | Organisation,
                     taker: Person | Organisation) -> Phrase | None:
    """Why `giver` may not give `taker` a KIOSK mandate (`rules.mandate_refusal`), or None."""
    refusal = rules.mandate_refusal(giver if isinstance(giver, Organisation) else None,
                                    taker if isinstance(taker, Person) else None,
                                    taker if isinstance(taker, Organisation) else None)
    return refusal.message if refusal is not None else None


def counterpart(repo: Repository, side: Party, other: Person | Organisation) -> Counterpart:
    """`other`, found by number for a mandate with `side`, and which way one may go."""
    own = _entity(repo, side)
    if isinstance(other, Person):
        number, provider = other.national_number.masked, False
    else:
        found = other.enterprise_number
        number, provider = (found.formatted if found else ""), other.is_service_provider
    if other.party == side:
        itself = N_("{name} cannot give a mandate to itself", name=own.name)
        return Counterpart(other.party, other.name, number, provider, itself, itself)
    ask = _mandate_refusal(other, own)
    if ask is None and isinstance(other, Person) and not other.has_eid:
        # The rules let one ask, but the giver could never sign (`rules.require_eid`).
        ask = N_("{name} has no Belgian eID, which is needed to {doing}", name=other.name,
                 doing=N_("sign a mandate"))
    return Counterpart(other.party, other.name, number, provider,
                       _mandate_refusal(own, other), ask)


def finds_persons(repo: Repository, side: Party) -> bool:
    """Whether a mandate between `side` and a person can exist: a person gives to or takes
    from persons; a service provider takes from them; another organisation never deals with
    one."""
    entity = _entity(repo, side)
    return isinstance(entity, Person) or entity.is_service_provider


def mandate(repo: Repository, viewer: Viewer, mandate_id: str, day: date) -> Mandate:
    found = repo.mandate(mandate_id)
    if found is None:
        raise NotFoundError("mandate", mandate_id)
    policy.require_sees_mandate(repo, viewer, found, day)
    return found


def dossiers(repo: Repository, viewer: Viewer, applicant: Party, day: date) -> list[Dossier]:
    """The applicant's dossiers, for whoever may manage them (and the system)."""
    if viewer is not None:
        allowed = queries.may_manage(repo, viewer.id, applicant, day).allowed
        policy.require_manages_dossiers(viewer, name_of(repo, applicant), allowed)
    return list(repo.dossiers_of(applicant))


#: A dossier's status in words; one the KIOSK sends that is not here is shown as it is.
DOSSIER_STATUSES: dict[str, Phrase] = {
    "draft": N_("draft"),
    "submitted": N_("submitted"),
    "in_treatment": N_("being handled"),
    "approved": N_("approved"),
    "rejected": N_("rejected"),
    "closed": N_("closed"),
}


@dataclass(frozen=True, slots=True)
class DossierRow:
    """A KIOSK dossier as a page lists it: its title and its status in words."""

    id: str
    title: str
    status: Phrase


@dataclass(frozen=True, slots=True)
class ApplicantDossiers:
    """An applicant's dossiers, for a person who may manage them, by title."""

    applicant: Party
    name: str
    rows: tuple[DossierRow, ...]


def applicant_dossiers(repo: Repository, viewer: Viewer, applicant_id: str,
                       day: date) -> ApplicantDossiers:
    """The applicant's dossiers with their statuses in words, for whoever may manage them."""
    applicant = party_of(repo, applicant_id)
    rows = [DossierRow(d.id, d.title, DOSSIER_STATUSES.get(d.status, Phrase(d.status,
                                                                            literal=True)))
            for d in dossiers(repo, viewer, applicant, day)]
    rows.sort(key=lambda r: (r.title.lower(), r.id))
    return ApplicantDossiers(applicant, name_of(repo, applicant), tuple(rows))
