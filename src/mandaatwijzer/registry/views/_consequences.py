"""What a change that cannot be undone would do (`registry/consequences.py`), as a viewer may
ask it before confirming.

A right's withdrawal: for whoever administers its organisation (the users and rights of an
organisation are theirs to see). A mandate's stop, signature, refusal or transfer: for whoever
acts for one of its sides (`policy.require_sees_mandate`). The persons named are only those whose
access runs through the right or the mandate itself: what the change takes or gives.
"""

from __future__ import annotations

from datetime import date, datetime

from .. import consequences, policy, rules
from ..consequences import (
    Granting,
    Refusal,
    Signing,
    SignSide,
    Stopping,
    Transferring,
    Withdrawal,
)
from ..errors import NotFoundError
from ..model import Party, RightKind
from ..policy import Viewer
from ..ports import Repository
from ._mandates import mandate


def _actor(viewer: Viewer) -> str:
    """Who the change's copy names as its author (the system's actor, as in `services`)."""
    return viewer.id if viewer is not None else "system"


def withdrawal(repo: Repository, viewer: Viewer, right_id: str, on: date,
               today: date) -> Withdrawal:
    """What withdrawing the right from `on` would take away, and from whom."""
    right = repo.right(right_id)
    relation = repo.work_relation(right.work_relation_id) if right is not None else None
    if relation is None:
        raise NotFoundError("right", right_id)
    org = rules.organisation(repo, relation.organisation_id)
    policy.require_administers(repo, viewer, org, today)
    return consequences.withdrawal(repo, right_id, on, _actor(viewer))


def granting(repo: Repository, viewer: Viewer, work_relation_id: str, kind: RightKind,
             start: date, end: date | None, today: date) -> Granting:
    """Who would gain access once the right is granted, for whoever administers its
    organisation."""
    relation = repo.work_relation(work_relation_id)
    if relation is None:
        raise NotFoundError("work relation", work_relation_id)
    org = rules.organisation(repo, relation.organisation_id)
    policy.require_administers(repo, viewer, org, today)
    return consequences.granting(repo, work_relation_id, kind, start, end, _actor(viewer))


def stopping(repo: Repository, viewer: Viewer, mandate_id: str, now: datetime) -> Stopping:
    """What stopping the mandate now would end, and who would lose access."""
    mandate(repo, viewer, mandate_id, now.date())
    return consequences.stopping(repo, mandate_id, now, _actor(viewer))


def _sees_transferred(repo: Repository, viewer: Viewer, mandate_id: str, day: date) -> None:
    """The mandate, for whoever acts for one of its sides; a mandate handed over also for
    whoever sees the mandate that replaced it (the new taker, after accepting)."""
    found = repo.mandate(mandate_id)
    successor = repo.mandate(found.successor_id) if found and found.successor_id else None
    if viewer is not None and successor is not None and \
            policy.may_see_mandate(repo, viewer, successor, day):
        return
    mandate(repo, viewer, mandate_id, day)


def signing(repo: Repository, viewer: Viewer, mandate_id: str, now: datetime,
            side: SignSide | None = None) -> Signing:
    """The mandate in full, and who would gain access once the viewer signs it."""
    _sees_transferred(repo, viewer, mandate_id, now.date())
    return consequences.signing(repo, mandate_id, now, _actor(viewer), side)


def refusal(repo: Repository, viewer: Viewer, mandate_id: str, now: datetime,
            side: SignSide | None = None) -> Refusal:
    """The mandate in full, and what refusing to sign it would change."""
    mandate(repo, viewer, mandate_id, now.date())
    return consequences.refusal(repo, mandate_id, now, _actor(viewer), side)


def transferring(repo: Repository, viewer: Viewer, mandate_id: str, new_taker: Party,
                 now: datetime) -> Transferring:
    """The mandate in full, and who would gain and lose access once `new_taker` accepts."""
    mandate(repo, viewer, mandate_id, now.date())
    return consequences.transferring(repo, mandate_id, new_taker, now, _actor(viewer))
