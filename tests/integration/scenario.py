"""One registry history, built through the use cases, to run on any unit of work.

`build` runs the same sequence of use cases on whatever unit of work it gets (the in-memory
fake or SQL) with predictable ids and a clock that moves on by the hour, so that two runs can
be compared value for value. `views` reads back everything the repository port and the query
use cases can say about it, as plain values.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from mandaatwijzer.registry import queries, services
from mandaatwijzer.registry.audit import snapshot
from mandaatwijzer.registry.errors import RegistryError
from mandaatwijzer.registry.identifiers import EnterpriseNumber, NationalNumber
from mandaatwijzer.registry.model import Party, PartyKind
from mandaatwijzer.registry.ports import Clock, Page, Repository, UnitOfWork

START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
DAYS = (date(2025, 3, 3), date(2025, 3, 20), date(2025, 5, 1))


def national_number(birth: str, serial: int) -> str:
    """A valid national register number for a birth date YYMMDD in the 1900s."""
    body = f"{birth}{serial:03d}"
    return f"{body}{97 - int(body) % 97:02d}"


def enterprise_number(body: int) -> str:
    """A valid 0-series enterprise number from eight digits."""
    return f"{body:08d}{97 - body % 97:02d}"


@contextlib.contextmanager
def predictable_ids(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Ids P-0001, O-0002, ... in the order the use cases make them, for every run."""
    counter = itertools.count(1)
    with monkeypatch.context() as patch:
        patch.setattr(services, "new_id", lambda prefix: f"{prefix}-{next(counter):04d}")
        yield


class Ticker:
    """A new fixed clock for every step, an hour after the previous one."""

    def __init__(self) -> None:
        self.moment = START

    def __call__(self, days: int = 0) -> Clock:
        self.moment += timedelta(days=days, hours=1)
        return Clock(self.moment)


@dataclass
class Scenario:
    persons: dict[str, str] = field(default_factory=dict)
    organisations: dict[str, str] = field(default_factory=dict)
    relations: list[str] = field(default_factory=list)
    rights: list[str] = field(default_factory=list)
    admins: list[str] = field(default_factory=list)
    mandates: list[str] = field(default_factory=list)
    dossiers: list[str] = field(default_factory=list)
    numbers: dict[str, str] = field(default_factory=dict)

    def person(self, name: str) -> Party:
        return Party(PartyKind.PERSON, self.persons[name])

    def org(self, name: str) -> Party:
        return Party(PartyKind.ORGANISATION, self.organisations[name])

    @property
    def parties(self) -> list[Party]:
        return ([Party(PartyKind.PERSON, i) for i in self.persons.values()]
                + [Party(PartyKind.ORGANISATION, i) for i in self.organisations.values()])


PEOPLE = [
    # key, name, birth, eid
    ("alice", "Alice Peeters", "800101", True),
    ("bob", "Bob Janssens", "810202", True),
    ("emile", "Émile Claes", "820303", True),
    ("zoe", "zoë Maes", "830404", True),
    ("dirk", "Dirk Wouters", "840505", False),
    ("fien", "Fien De Smet", "850606", True),
    ("gert", "Gert Vos", "860707", True),
    ("hanne", "Hanne Goossens", "870808", True),
    ("ilse", "ilse Leroy", "880909", True),
    ("karel", "Karel Aerts", "891010", True),
    ("anna", "Anna Aerts", "901111", True),
    ("anna2", "anna Aerts", "911212", True),
]


def build(uow: UnitOfWork) -> Scenario:
    """Register, appoint, employ, grant, mandate, sign, refuse, transfer, stop, withdraw."""
    tick, s = Ticker(), Scenario()
    for serial, (key, name, birth, eid) in enumerate(PEOPLE, start=1):
        s.numbers[key] = national_number(birth, serial * 2 + 1)
        s.persons[key] = services.register_person(uow, tick(), s.numbers[key], name, eid).id
    p = s.persons
    orgs = [("provider_a", "Boekhouding Aelvoet BV", "economic_actor", 4031707, ["alice"]),
            ("client_b", "Bakkerij Één", "economic_actor", 4123456, ["fien"]),
            ("provider_c", "Cijferwerk NV", "economic_actor", 4234567, ["hanne"]),
            ("town_d", "Gemeente Dilbeek", "local_government", 2071234, ["ilse"]),
            ("club_e", "Jeugdhuis De Kelder", "de_facto_association", None, [])]
    for key, name, group, number, reps in orgs:
        s.organisations[key] = services.register_organisation(
            uow, tick(), name, group, enterprise_number(number) if number else None,
            [p[r] for r in reps]).id
    o = s.organisations

    s.admins.append(services.appoint_local_admin(uow, tick(), p["alice"], o["provider_a"],
                                                 p["bob"]).id)
    s.admins.append(services.appoint_local_admin(uow, tick(), p["ilse"], o["town_d"],
                                                 p["karel"]).id)

    def employ(actor: str, org: str, person: str, *kinds: str,
               end: date | None = None) -> str:
        relation = services.add_work_relation(uow, tick(), p[actor], o[org], p[person],
                                              end=end).id
        s.relations.append(relation)
        for kind in kinds:
            s.rights.append(services.grant_right(uow, tick(), p[actor], relation, kind).id)
        return relation

    employ("bob", "provider_a", "bob", "SSM Mandaatbeheerder")
    employ("bob", "provider_a", "emile", "SSM Mandaatuitvoerder")
    employ("alice", "provider_a", "anna", "SSM Mandaatuitvoerder", end=date(2025, 4, 1))
    employ("fien", "client_b", "gert", "KIOSK Aanvrager")
    employ("hanne", "provider_c", "hanne", "SSM Mandaatuitvoerder")
    employ("karel", "town_d", "anna2", "KIOSK Aanvrager")
    employ("karel", "town_d", "dirk")

    def mandate(actor: str, giver: Party, taker: Party, end: date | None = None) -> str:
        made = services.create_mandate(uow, tick(), p[actor], giver, taker, end=end).id
        s.mandates.append(made)
        return made

    zoe_to_a = mandate("zoe", s.person("zoe"), s.org("provider_a"))
    services.sign_mandate(uow, tick(), p["bob"], zoe_to_a)
    mandate("hanne", s.person("dirk"), s.org("provider_c"))  # awaits Dirk, the giver
    zoe_to_gert = mandate("zoe", s.person("zoe"), s.person("gert"))
    services.sign_mandate(uow, tick(), p["gert"], zoe_to_gert)
    b_to_c = mandate("fien", s.org("client_b"), s.org("provider_c"))
    services.refuse_mandate(uow, tick(), p["hanne"], b_to_c)
    short = mandate("zoe", s.person("zoe"), s.person("emile"), end=date(2025, 3, 31))
    services.sign_mandate(uow, tick(), p["emile"], short)
    mandate("emile", s.person("emile"), s.org("provider_c"))  # awaits provider C

    # Zoë hands her mandate from provider A over to provider C, which accepts.
    services.transfer_mandate(uow, tick(1), p["zoe"], zoe_to_a, s.org("provider_c"))
    s.mandates.append(services.sign_mandate(uow, tick(), p["hanne"], zoe_to_a).id)
    # Client B gives provider C a mandate, then proposes moving it to provider A.
    b_to_c2 = mandate("fien", s.org("client_b"), s.org("provider_c"))
    services.sign_mandate(uow, tick(), p["hanne"], b_to_c2)
    services.transfer_mandate(uow, tick(), p["fien"], b_to_c2, s.org("provider_a"))

    services.stop_mandate(uow, tick(10), p["zoe"], zoe_to_gert)
    services.withdraw_right(uow, tick(), p["bob"], s.rights[1])

    for applicant, title in ((s.person("zoe"), "Jeugdkamp 2025"),
                             (s.org("client_b"), "Bakkersfeest"),
                             (s.org("client_b"), "Opleiding")):
        s.dossiers.append(services.add_dossier(uow, tick(), applicant, title).id)
    return s


def plain(value: Any) -> Any:
    """Entities as their snapshots, pages and sequences element by element."""
    if isinstance(value, Page):
        return {"items": [plain(i) for i in value.items], "total": value.total,
                "offset": value.offset, "limit": value.limit}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if value is None or isinstance(value, str | int | bool):
        return value
    if hasattr(value, "__dataclass_fields__"):
        return snapshot(value)
    raise TypeError(f"cannot compare {value!r}")


def _call(method: Callable[..., Any], *args: Any) -> Any:
    try:
        return plain(method(*args))
    except RegistryError as error:
        return f"{type(error).__name__}: {error}"


def repository_views(repo: Repository, s: Scenario) -> dict[str, Any]:
    """What every method of the repository port returns for the scenario's data."""
    views: dict[str, Any] = {}

    def view(name: str, *args: Any) -> None:
        views[f"{name}{args!r}"] = _call(getattr(repo, name), *args)

    for person in [*s.persons.values(), "P-missing"]:
        view("person", person)
        view("work_relations_of", person)
        view("local_admin_roles_of", person)
        view("organisations_represented_by", person)
    for number in s.numbers.values():
        view("person_by_number", NationalNumber(number))
    view("person_by_number", NationalNumber(national_number("700101", 1)))
    for org in [*s.organisations.values(), "O-missing"]:
        view("organisation", org)
        view("work_relations_at", org)
        view("local_admins_of", org)
    for number in (4031707, 4123456, 4999999):
        view("organisation_by_number", EnterpriseNumber(enterprise_number(number)))
    for relation in [*s.relations, "WR-missing"]:
        view("work_relation", relation)
    for right in [*s.rights, "R-missing"]:
        view("right", right)
    view("rights_on", s.relations)
    view("rights_on", list(reversed(s.relations[:3])))
    view("rights_on", [])
    for mandate in [*s.mandates, "M-missing"]:
        view("mandate", mandate)
    for party in [*s.parties, Party(PartyKind.PERSON, "P-missing")]:
        view("mandates_given_by", party)
        view("mandates_taken_by", party)
        view("mandates_pending_transfer_to", party)
        view("dossiers_of", party)
    for offset, limit in ((0, 5), (5, 5), (10, 5), (0, 100), (100, 5)):
        view("persons", offset, limit)
        view("organisations", offset, limit)
    return views


def query_views(repo: Repository, s: Scenario) -> dict[str, Any]:
    """What the query use cases answer, for every person, applicant and day."""
    views: dict[str, Any] = {}
    for day in DAYS:
        for person in s.persons.values():
            views[f"applicants_for {person} {day}"] = _call(
                queries.applicants_for, repo, person, day)
            views[f"awaiting_signature {person} {day}"] = _call(
                queries.awaiting_signature, repo, person, day)
            for applicant in s.parties:
                views[f"may_manage {person} {applicant} {day}"] = _call(
                    queries.may_manage, repo, person, applicant, day)
        for applicant in s.parties:
            views[f"persons_for {applicant} {day}"] = _call(
                queries.persons_for, repo, applicant, day)
    views["applicants_for paged"] = _call(queries.applicants_for, repo, s.persons["emile"],
                                          DAYS[0], 1, 1)
    return views
