"""Mandates as a person sees them (with the parties' names), and the applicants' dossiers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from .. import policy, queries, rules
from ..errors import NotFoundError
from ..model import Dossier, Mandate, MandateStatus, Party
from ..policy import Viewer
from ..ports import Repository
from ._names import name_of, party_of

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
    pending = mandate.pending_transfer_to
    return MandateRow(mandate, mandate.status(day), name_of(repo, mandate.giver),
                      name_of(repo, mandate.taker),
                      name_of(repo, pending) if pending is not None else None)


def mandates_of_party(repo: Repository, party: Party) -> list[Mandate]:
    """What a person or organisation gave, took, or is offered by a transfer; oldest first."""
    return by_creation([*repo.mandates_given_by(party), *repo.mandates_taken_by(party),
                        *repo.mandates_pending_transfer_to(party)])


def mandates_of_sides(repo: Repository, sides: Iterable[Party], day: date) -> list[MandateRow]:
    """The mandates the parties gave or took, oldest first."""
    mandates = [m for side in sides
                for m in [*repo.mandates_given_by(side), *repo.mandates_taken_by(side)]]
    return [mandate_row(repo, m, day) for m in by_creation(mandates)]


def given_by(repo: Repository, party: Party, day: date) -> list[MandateRow]:
    return [mandate_row(repo, m, day) for m in by_creation(repo.mandates_given_by(party))]


def taken_by(repo: Repository, party: Party, day: date) -> list[MandateRow]:
    """The mandates the party took (a provider's clients'), oldest first."""
    return [mandate_row(repo, m, day) for m in by_creation(repo.mandates_taken_by(party))]


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
    return [mandate_row(repo, m, day) for m in awaiting.items if _awaits(m, party, day)]


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
        policy.require_manages_dossiers(viewer, applicant, allowed)
    return list(repo.dossiers_of(applicant))
