"""The registry's objects as plain values: the fields the JSON API answers, its schemas
validate and the command line's `--json` prints (national numbers masked).

Free of the web framework, so that a command imports what it prints and no more (issue 15:
`api.registry` imports FastAPI); the API re-exports these as `api.registry.*_view`.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from functools import cache
from typing import Any

from .registry import views
from .registry.access import Decision, Link
from .registry.model import (
    Dossier,
    LocalAdmin,
    Mandate,
    Organisation,
    Party,
    Person,
    Right,
    WorkRelation,
)
from .registry.ports import Page

GUIDE_FLOW = "externe-dienstverlener"
View = dict[str, Any]


def guide_href(outcome: str | None, lang: str) -> str | None:
    """The guide page that shows `outcome`, its answers in the address (the flow's kept first
    answers: no YAML read, `guide.first_answers`)."""
    from .guide import step_href

    queries = _first_answers()
    if outcome is None or outcome not in queries:
        return None
    return step_href(GUIDE_FLOW, lang, queries[outcome])


@cache
def _first_answers() -> dict[str, str]:
    from .guide import first_answers

    return first_answers(GUIDE_FLOW)


def party(value: Party | None) -> View | None:
    return None if value is None else {"kind": value.kind.value, "id": value.id}


def person(value: Person) -> View:
    return {"id": value.id, "name": value.name, "has_eid": value.has_eid,
            "national_number": value.national_number.masked}


def organisation(value: Organisation) -> View:
    number = value.enterprise_number
    return {"id": value.id, "name": value.name, "entity_group": value.entity_group.value,
            "enterprise_number": number.formatted if number else None,
            "is_service_provider": value.is_service_provider,
            "legal_representatives": sorted(value.legal_representatives)}


def right(value: Right, day: date) -> View:
    return {"id": value.id, "work_relation_id": value.work_relation_id,
            "kind": value.kind.value, "granted_by": value.granted_by,
            "since": value.period.start, "until": value.period.end,
            "withdrawn_on": value.withdrawn_on, "withdrawn_by": value.withdrawn_by,
            "active": value.active(day)}


def work_relation(value: WorkRelation, holder: Person, rights: list[Right],
                  day: date) -> View:
    return {"id": value.id, "person": person(holder), "organisation_id": value.organisation_id,
            "since": value.period.start, "until": value.period.end,
            "user_type": value.user_type, "active": value.active(day),
            "rights": [right(r, day) for r in rights]}


def local_admin(value: LocalAdmin, day: date) -> View:
    return {"id": value.id, "organisation_id": value.organisation_id,
            "person_id": value.person_id, "appointed_by": value.appointed_by,
            "since": value.period.start, "until": value.period.end,
            "withdrawn_on": value.withdrawn_on, "active": value.active(day)}


def mandate(value: Mandate, day: date) -> View:
    def signature(sig: Any) -> View | None:
        return None if sig is None else {"by": sig.by, "at": sig.at}

    return {"id": value.id, "type": value.type, "giver": party(value.giver),
            "taker": party(value.taker), "since": value.period.start,
            "until": value.period.end, "status": value.status(day).value,
            "created_by": value.created_by, "created_at": value.created_at,
            "giver_signature": signature(value.giver_signature),
            "taker_signature": signature(value.taker_signature),
            "activated_at": value.activated_at, "stopped_by": value.stopped_by,
            "stopped_at": value.stopped_at,
            "pending_transfer_to": party(value.pending_transfer_to),
            "transferred_to": party(value.transferred_to),
            "successor_id": value.successor_id, "predecessor_id": value.predecessor_id}


def dossier(value: Dossier) -> View:
    return {"id": value.id, "applicant": party(value.applicant), "title": value.title,
            "status": value.status}


def _link(value: Link) -> View:
    return {"kind": value.kind, "id": value.id, "text": value.text, "since": value.since,
            "until": value.until}


def decision(value: Decision, lang: str) -> View:
    return {
        "person_id": value.person_id, "applicant_id": value.applicant_id, "at": value.day,
        "allowed": value.allowed,
        "routes": [{"name": r.name, "links": [_link(k) for k in r.links]} for r in value.routes],
        "gaps": [{"route": g.route, "code": g.code, "text": g.text, "fixer": g.fixer,
                  "guide_outcome": g.guide_outcome,
                  "guide_href": guide_href(g.guide_outcome, lang),
                  "organisation_id": g.organisation_id, "mandate_id": g.mandate_id,
                  "links": [_link(k) for k in g.links]} for g in value.gaps],
    }


def page(value: Page[Any], items: list[View]) -> View:
    return {"offset": value.offset, "limit": value.limit, "total": value.total, "items": items}


def fix(fix: views.Fix | None) -> View | None:
    if fix is None:
        return None
    return {"kind": fix.kind.value, "party": party(fix.party), "party_name": fix.party_name,
            "work_relation_id": fix.work_relation_id,
            "right": fix.right.value if fix.right is not None else None,
            "mandate_id": fix.mandate_id}


def why(found: views.Why, lang: str) -> View:
    """The check's view (`decision_view`), its gaps in the order that matters, each with the
    person's fix; said in the language of the block it is read in (the gaps' texts are)."""
    checked = found.checked
    ordered = dataclasses.replace(checked.decision,
                                  gaps=tuple(reason.gap for reason in found.reasons))
    view = decision(ordered, lang)
    for gap, reason in zip(view["gaps"], found.reasons, strict=True):
        gap["fix"] = fix(reason.fix)
    view["applicant_name"] = checked.applicant_name
    return view


def todo(found: views.Todo, day: date) -> View:
    def signature(item: views.Signature) -> View:
        return {"mandate": mandate(item.row.mandate, day), "side": party(item.side),
                "side_name": item.side_name}

    return {"count": found.count,
            "signatures": [signature(s) for s in found.signatures],
            "transfers": [signature(s) for s in found.transfers],
            "rights_ending": [{"right": right(e.right, day), "holder_name": e.holder_name,
                               "organisation_id": e.organisation_id,
                               "organisation_name": e.organisation_name, "ends": e.ends}
                              for e in found.rights_ending],
            "mandates_ending": [{"mandate": mandate(e.row.mandate, day), "ends": e.ends}
                                for e in found.mandates_ending],
            "requests": [{"id": r.id, "person_id": r.request.person_id,
                          "person_name": r.person_name,
                          "organisation_id": r.request.organisation_id,
                          "organisation_name": r.organisation_name,
                          "kind": r.request.kind.value, "requested_at": r.request.requested_at}
                         for r in found.requests]}


__all__ = ["GUIDE_FLOW", "View", "decision", "dossier", "fix", "guide_href", "local_admin",
           "mandate", "organisation", "page", "party", "person", "right", "todo", "why",
           "work_relation"]
