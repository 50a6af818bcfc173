"""The same access rules in pycasbin and in Cedar (cedarpy), and a plain-dict floor: bench only.

All three answer yes or no for (person, applicant) on one day over the data of the generated
registry (read from its SQLite file). The routes are those of `registry/access.py`:

- the person is the applicant;
- legal representative of the applicant organisation (listed in the KBO);
- `KIOSK Aanvrager` on an active work relation with the applicant organisation (an economic
  actor or local government), with a Belgian eID;
- a mandate from the applicant to the person, in force on the day, with a Belgian eID;
- a mandate from the applicant (a person or an economic actor) to a service provider P, in
  force on the day, and `SSM Mandaatuitvoerder` on an active work relation at P.

"In force" is: both sides signed, not stopped, not transferred, start <= day <= end. A right
is active when start <= day <= end and not withdrawn by the day; a work relation when
start <= day <= end.

What each encoding can and cannot express is said where it is built, and in
docs/performance.md.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from mandaatwijzer.registry.model import Party, PartyKind

EXECUTOR, KIOSK = "SSM Mandaatuitvoerder", "KIOSK Aanvrager"
USER_MANAGED = ("economic_actor", "local_government")


def _day(text: str | None) -> int | None:
    return None if text is None else date.fromisoformat(text).toordinal()


@dataclass
class Tables:
    """The stored facts the rules look at, in memory (dates as day numbers)."""

    persons: dict[str, bool] = field(default_factory=dict)            # id -> has eID
    orgs: dict[str, tuple[str, bool]] = field(default_factory=dict)   # id -> group, provider
    representatives: dict[str, set[str]] = field(default_factory=dict)
    relations: dict[str, tuple[str, str, int, int | None]] = field(default_factory=dict)
    rights: list[tuple[str, str, str, int, int | None, int | None]] = field(default_factory=list)
    #: id, giver kind, giver, taker kind, taker, start, end, both signed, stopped, transferred
    mandates: list[tuple[str, str, str, str, str, int, int | None, bool, bool, bool]] = field(
        default_factory=list)


def load(path: str, mandate_limit: int | None = None) -> Tables:
    """Read the generated registry; `mandate_limit` keeps only the first N mandates (by seq)."""
    connection = sqlite3.connect(path)
    tables = Tables()
    for key, has_eid in connection.execute("SELECT id, has_eid FROM persons"):
        tables.persons[key] = bool(has_eid)
    for key, group, number in connection.execute(
            "SELECT id, entity_group, enterprise_number FROM organisations"):
        tables.orgs[key] = (group, group == "economic_actor" and number is not None)
    for org, person in connection.execute(
            "SELECT organisation_id, person_id FROM legal_representatives"):
        tables.representatives.setdefault(org, set()).add(person)
    for key, person, org, start, end in connection.execute(
            "SELECT id, person_id, organisation_id, start_on, end_on FROM work_relations "
            "ORDER BY seq"):
        tables.relations[key] = (person, org, _day(start) or 0, _day(end))
    for key, relation, kind, start, end, withdrawn in connection.execute(
            "SELECT id, work_relation_id, kind, start_on, end_on, withdrawn_on FROM rights "
            "ORDER BY seq"):
        tables.rights.append((key, relation, kind, _day(start) or 0, _day(end),
                              _day(withdrawn)))
    limit = "" if mandate_limit is None else f" WHERE seq <= {int(mandate_limit)}"
    for (key, giver_kind, giver, taker_kind, taker, start, end, giver_signed, taker_signed,
         stopped, successor) in connection.execute(
            "SELECT id, giver_kind, giver_id, taker_kind, taker_id, start_on, end_on, "
            "giver_signed_by, taker_signed_by, stopped_at, successor_id FROM mandates"
            f"{limit} AND type = 'KIOSK' ORDER BY seq" if limit else
            "SELECT id, giver_kind, giver_id, taker_kind, taker_id, start_on, end_on, "
            "giver_signed_by, taker_signed_by, stopped_at, successor_id FROM mandates "
            "WHERE type = 'KIOSK' ORDER BY seq"):
        tables.mandates.append((key, giver_kind, giver, taker_kind, taker, _day(start) or 0,
                                _day(end), giver_signed is not None and taker_signed is not None,
                                stopped is not None, successor is not None))
    connection.close()
    return tables


def _within(day: int, start: int, end: int | None) -> bool:
    return start <= day and (end is None or day <= end)


# --- one day, materialised: what the dict floor and casbin load ----------------------------------


@dataclass
class Graph:
    """Who reaches which applicant on one day: direct links, and through a provider."""

    direct: dict[str, set[str]] = field(default_factory=dict)     # person -> applicants
    executes_at: dict[str, set[str]] = field(default_factory=dict)  # person -> providers
    clients: dict[str, set[str]] = field(default_factory=dict)     # provider -> applicants


def materialise(tables: Tables, day: date) -> Graph:
    """Apply every date and state rule for `day` (what neither encoding can do cheaply)."""
    d = day.toordinal()
    graph = Graph()
    for org, people in tables.representatives.items():
        for person in people:
            graph.direct.setdefault(person, set()).add(org)
    active_relations = {key: (person, org) for key, (person, org, start, end)
                        in tables.relations.items() if _within(d, start, end)}
    for _, relation, kind, start, end, withdrawn in tables.rights:
        if relation not in active_relations or not _within(d, start, end) or \
                (withdrawn is not None and d >= withdrawn):
            continue
        person, org = active_relations[relation]
        group, provider = tables.orgs[org]
        if kind == KIOSK and group in USER_MANAGED and tables.persons[person]:
            graph.direct.setdefault(person, set()).add(org)
        elif kind == EXECUTOR and provider:
            graph.executes_at.setdefault(person, set()).add(org)
    for (_, giver_kind, giver, taker_kind, taker, start, end, signed, stopped,
         transferred) in tables.mandates:
        if not signed or stopped or transferred or not _within(d, start, end):
            continue
        if taker_kind == "person":
            if giver_kind == "person" and tables.persons[taker]:
                graph.direct.setdefault(taker, set()).add(giver)
        elif tables.orgs[taker][1] and taker != giver and (
                giver_kind == "person" or tables.orgs[giver][0] == "economic_actor"):
            graph.clients.setdefault(taker, set()).add(giver)
    return graph


class DictFloor:
    """The floor: three dict lookups over the materialised graph (no dates, no explanation)."""

    def __init__(self, graph: Graph) -> None:
        self.direct = graph.direct
        self.executes_at = graph.executes_at
        self.clients = graph.clients

    def check(self, person: str, applicant: Party) -> bool:
        target = applicant.id
        if person == target or target in self.direct.get(person, ()):
            return True
        clients = self.clients
        return any(target in clients.get(p, ()) for p in self.executes_at.get(person, ()))


# --- pycasbin -----------------------------------------------------------------------------

CASBIN_MODEL = """
[request_definition]
r = sub, obj, person, applicant

[policy_definition]
p = sub, obj

[role_definition]
g = _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = r.person == r.applicant || g(r.sub, r.obj)
"""


def casbin_links(graph: Graph) -> Iterator[tuple[str, str]]:
    """Role links: user -> applicant (direct routes), user -> executor-at-P -> applicant.

    The names are prefixed so that links do not chain where the rules do not: a person who
    may manage another person's dossiers does not inherit that person's mandates.
    """
    for person, applicants in graph.direct.items():
        for applicant in applicants:
            yield f"u:{person}", f"a:{applicant}"
    for person, providers in graph.executes_at.items():
        for provider in providers:
            yield f"u:{person}", f"x:{provider}"
    for provider, applicants in graph.clients.items():
        for applicant in applicants:
            yield f"x:{provider}", f"a:{applicant}"


class Casbin:
    """pycasbin, RBAC with a role hierarchy: `g` links are the facts in force on one day.

    Casbin's role links carry no dates (its conditional role manager needs a condition
    function per link, checked against the current time, not a given day), and a policy per
    mandate with dates in its fields is scanned linearly at every check; so the dates and states
    are applied when the links are loaded, for one day: a new day, a withdrawn right or a signed
    mandate means adding or removing links. No explanation beyond true or false.
    """

    def __init__(self, graph: Graph) -> None:
        import casbin
        from casbin.model import Model

        logging.getLogger("casbin").setLevel(logging.ERROR)
        model = Model()
        model.load_model_from_text(CASBIN_MODEL)
        self.enforcer = casbin.Enforcer(model, enable_log=False)
        self.enforcer.add_named_grouping_policies("g", [list(link)
                                                        for link in casbin_links(graph)])

    def check(self, person: str, applicant: Party) -> bool:
        return bool(self.enforcer.enforce(f"u:{person}", f"a:{applicant.id}", person,
                                          applicant.id))


# --- Cedar --------------------------------------------------------------------------------

CEDAR_POLICIES = """
@id("self")
permit (principal, action == Action::"manage", resource)
when { principal == resource };

@id("legal_representative")
permit (principal, action == Action::"manage", resource is Organisation)
when { resource.legal_representatives.contains(principal) };

@id("kiosk_applicant_right")
permit (principal, action == Action::"manage", resource is Organisation)
when {
  ["economic_actor", "local_government"].contains(resource.group) && principal.has_eid &&
  context has right && context has relation &&
  context.right.kind == "KIOSK Aanvrager" && context.right.relation == context.relation &&
  context.relation.person == principal && context.relation.org == resource &&
  context.relation.start <= context.day &&
  (!(context.relation has end) || context.day <= context.relation.end) &&
  context.right.start <= context.day &&
  (!(context.right has end) || context.day <= context.right.end) &&
  (!(context.right has withdrawn) || context.day < context.right.withdrawn)
};

@id("mandate_to_person")
permit (principal, action == Action::"manage", resource is Person)
when {
  principal.has_eid && context has mandate &&
  context.mandate.giver == resource && context.mandate.taker == principal &&
  context.mandate.signed && !context.mandate.stopped && !context.mandate.transferred &&
  context.mandate.start <= context.day &&
  (!(context.mandate has end) || context.day <= context.mandate.end)
};

@id("mandate_to_provider")
permit (principal, action == Action::"manage", resource)
when {
  (resource is Person || resource.group == "economic_actor") &&
  context has mandate && context has right && context has relation &&
  context.mandate.giver == resource && context.mandate.taker == context.relation.org &&
  context.relation.org.provider && context.relation.org != resource &&
  context.mandate.signed && !context.mandate.stopped && !context.mandate.transferred &&
  context.mandate.start <= context.day &&
  (!(context.mandate has end) || context.day <= context.mandate.end) &&
  context.right.kind == "SSM Mandaatuitvoerder" && context.right.relation == context.relation &&
  context.relation.person == principal &&
  context.relation.start <= context.day &&
  (!(context.relation has end) || context.day <= context.relation.end) &&
  context.right.start <= context.day &&
  (!(context.right has end) || context.day <= context.right.end) &&
  (!(context.right has withdrawn) || context.day < context.right.withdrawn)
};
"""


def _ref(kind: str, key: str) -> dict[str, str]:
    return {"type": kind, "id": key}


def _entity(kind: str, key: str) -> dict[str, dict[str, str]]:
    """An entity reference as an attribute or context value (not a record)."""
    return {"__entity": {"type": kind, "id": key}}


def _optional(attrs: dict[str, Any], name: str, value: int | None) -> dict[str, Any]:
    if value is not None:
        attrs[name] = value
    return attrs


def cedar_entities(tables: Tables) -> Iterator[dict[str, Any]]:
    for key, has_eid in tables.persons.items():
        yield {"uid": _ref("Person", key), "attrs": {"has_eid": has_eid}, "parents": []}
    for key, (group, provider) in tables.orgs.items():
        yield {"uid": _ref("Organisation", key), "parents": [], "attrs": {
            "group": group, "provider": provider, "legal_representatives": [
                _entity("Person", p) for p in sorted(tables.representatives.get(key, ()))]}}
    for key, (person, org, start, end) in tables.relations.items():
        yield {"uid": _ref("WorkRelation", key), "parents": [], "attrs": _optional({
            "person": _entity("Person", person), "org": _entity("Organisation", org),
            "start": start}, "end", end)}
    for key, relation, kind, start, end, withdrawn in tables.rights:
        attrs = _optional({"relation": _entity("WorkRelation", relation), "kind": kind,
                           "start": start}, "end", end)
        yield {"uid": _ref("Right", key), "parents": [],
               "attrs": _optional(attrs, "withdrawn", withdrawn)}
    kinds = {"person": "Person", "organisation": "Organisation"}
    for (key, giver_kind, giver, taker_kind, taker, start, end, signed, stopped,
         transferred) in tables.mandates:
        yield {"uid": _ref("Mandate", key), "parents": [], "attrs": _optional({
            "giver": _entity(kinds[giver_kind], giver), "taker": _entity(kinds[taker_kind], taker),
            "start": start, "signed": signed, "stopped": stopped, "transferred": transferred},
            "end", end)}


class Cedar:
    """Cedar (cedarpy): every entity parsed once into an `Entities` handle, policies once.

    Cedar has no joins and no quantifiers: a policy cannot say "there is a mandate from the
    resource to a provider where the principal holds a right". So the application finds the
    candidate paths in an index of its own (the applicant's mandates, the person's rights) and
    asks Cedar about each, in one batch: Cedar checks every condition, dates and states
    included, and answers which policy permitted. It says nothing about what is missing.
    """

    def __init__(self, tables: Tables) -> None:
        import cedarpy

        self.cedarpy = cedarpy
        self.policies = cedarpy.PolicySet.from_str(CEDAR_POLICIES)
        text = json.dumps(list(cedar_entities(tables)))
        self.entity_bytes = len(text)
        self.entities = cedarpy.Entities.from_json_str(text)
        del text
        self.mandates_of: dict[str, list[tuple[str, str, str]]] = {}
        for key, _, giver, taker_kind, taker, *_ in tables.mandates:
            self.mandates_of.setdefault(giver, []).append((key, taker_kind, taker))
        self.rights_of: dict[str, list[tuple[str, str, str, str]]] = {}
        for key, relation, kind, *_ in tables.rights:
            person, org, _, _ = tables.relations[relation]
            self.rights_of.setdefault(person, []).append((key, relation, org, kind))
        self.kinds = dict.fromkeys(tables.persons, "Person")
        self.kinds.update(dict.fromkeys(tables.orgs, "Organisation"))

    def requests(self, person: str, applicant: Party, day: int) -> list[dict[str, Any]]:
        principal = _ref("Person", person)
        resource = _ref("Person" if applicant.kind is PartyKind.PERSON else "Organisation",
                        applicant.id)
        action = _ref("Action", "manage")
        contexts: list[dict[str, Any]] = [{"day": day}]
        rights = self.rights_of.get(person, ())
        for key, relation, org, kind in rights:
            if org == applicant.id and kind == KIOSK:
                contexts.append({"day": day, "right": _entity("Right", key),
                                 "relation": _entity("WorkRelation", relation)})
        executor_at = {org: (key, relation) for key, relation, org, kind in rights
                       if kind == EXECUTOR}
        for mandate, taker_kind, taker in self.mandates_of.get(applicant.id, ()):
            if taker_kind == "person" and taker == person:
                contexts.append({"day": day, "mandate": _entity("Mandate", mandate)})
            elif taker in executor_at:
                key, relation = executor_at[taker]
                contexts.append({"day": day, "mandate": _entity("Mandate", mandate),
                                 "right": _entity("Right", key),
                                 "relation": _entity("WorkRelation", relation)})
        return [{"principal": principal, "action": action, "resource": resource,
                 "context": context} for context in contexts]

    def check(self, person: str, applicant: Party, day: date) -> bool:
        results = self.cedarpy.is_authorized_batch(
            self.requests(person, applicant, day.toordinal()), self.policies, self.entities)
        return any(result.allowed for result in results)
