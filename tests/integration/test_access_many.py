"""One person's decisions on many applicants at once (`Repository.access_facts_many`, what the
listing of a provider's clients reads) are the decisions one at a time, explanations included;
and the listing names every party the decision allows, and no other.

On the small generated registry of test_access_sql.py, on SQLite and PostgreSQL: the reader on
its own connection, and a unit of work with and without the access index.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from operator import methodcaller
from pathlib import Path

import pytest
from sqlalchemy import Engine

from mandaatwijzer.adapters.access import AccessIndex, AccessReader
from mandaatwijzer.adapters.database import session_factory
from mandaatwijzer.adapters.sql import SqlUnitOfWork
from mandaatwijzer.registry import consequences, queries, services
from mandaatwijzer.registry.access import AccessFacts, Decision, allows, decide
from mandaatwijzer.registry.errors import NotFoundError
from mandaatwijzer.registry.model import Party, PartyKind, RightKind
from mandaatwijzer.registry.ports import Clock, Repository

from . import generated

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench" / "registry"))

import dataset
import sample

DAYS = (dataset.DAY, dataset.DAY - timedelta(days=400), dataset.DAY + timedelta(days=400))
MISSING = (Party(PartyKind.PERSON, "P-9999999"), Party(PartyKind.ORGANISATION, "O-9999999"),
           Party(PartyKind.ORGANISATION, "P-0000001"))  # a person's id as an organisation's


@pytest.fixture
def reader(engine: Engine) -> Iterator[AccessReader]:
    generated.fill(engine, seed=11)
    opened = AccessReader.connect(generated.url(engine))
    yield opened
    opened.close()


def _units(engine: Engine) -> dict[str, SqlUnitOfWork]:
    return {"reader": SqlUnitOfWork(session_factory(engine)),
            "index": SqlUnitOfWork(session_factory(engine), AccessIndex.for_engine(engine))}


def _asked(reader: AccessReader) -> dict[str, list[Party]]:
    """Per person: the applicants of their sampled pairs (every route, most gaps), and those
    of other persons' pairs (mostly denials)."""
    pairs = sample.pairs(reader.connection, 250, seed=9)
    others = [applicant for _, applicant in pairs[:40]]
    asked: dict[str, list[Party]] = {}
    for person_id, applicant in pairs:
        asked.setdefault(person_id, []).append(applicant)
    return {person_id: [*mine, *others] for person_id, mine in list(asked.items())[:12]}


def _decide_as_one_at_a_time(expected: list[Decision], day: date,
                             units: dict[str, SqlUnitOfWork], own: Sequence[AccessFacts],
                             read: Callable[[Repository], Sequence[AccessFacts]],
                             asked: object) -> None:
    """The facts read at once (`own`, on the reader's own connection; `read`, through each
    unit of work) decide as the decisions one at a time did (`expected`), explanations
    included, and `allows` says what each decision says."""
    assert [decide(f, day) for f in own] == expected, (asked, day)
    for name, uow in units.items():
        with uow:
            found = read(uow.repo)
            assert [allows(f, day) for f in found] == [d.allowed for d in expected]
            assert [decide(f, day) for f in found] == expected, (name, asked, day)


def test_the_decisions_at_once_are_those_one_at_a_time(reader: AccessReader,
                                                       engine: Engine) -> None:
    units = _units(engine)
    allowed = denied = 0
    for day in DAYS:
        for person_id, applicants in _asked(reader).items():
            # Each applicant once, in the order asked; those the registry lacks left out.
            asked = [*MISSING[:1], *applicants, applicants[0], *MISSING[1:]]
            expected = [reader.may_manage(person_id, a, day) for a in dict.fromkeys(applicants)]
            _decide_as_one_at_a_time(
                expected, day, units, reader.facts_many(person_id, asked, day),
                methodcaller("access_facts_many", person_id, asked, day), person_id)
            allowed += sum(d.allowed for d in expected)
            denied += sum(not d.allowed for d in expected)
    assert allowed > 100  # both outcomes, many times
    assert denied > 100


def test_an_unknown_person_is_not_found_whoever_is_asked_about(reader: AccessReader,
                                                               engine: Engine) -> None:
    for asked in ([], [Party(PartyKind.PERSON, "P-0000001")]):
        with pytest.raises(NotFoundError, match="P-9999999"):
            reader.facts_many("P-9999999", asked, dataset.DAY)
        for uow in _units(engine).values():
            with uow, pytest.raises(NotFoundError, match="P-9999999"):
                uow.repo.access_facts_many("P-9999999", asked, dataset.DAY)


def test_the_listing_names_every_party_the_decision_allows(reader: AccessReader,
                                                           engine: Engine) -> None:
    """`queries.applicants_for` gathers candidates and keeps those allowed: compared here with
    a decision on every person and organisation of the registry, for persons of every kind
    (a provider's staff with many clients, representatives, applicants with a mandate)."""
    persons = [row[0] for row in reader.connection.execute(
        "SELECT id FROM persons ORDER BY seq").fetchall()]
    parties = [*(Party(PartyKind.PERSON, p) for p in persons),
               *(Party(PartyKind.ORGANISATION, row[0]) for row in reader.connection.execute(
                   "SELECT id FROM organisations ORDER BY seq").fetchall())]
    chosen = list(dict.fromkeys(person for person, _ in
                                sample.pairs(reader.connection, 250, seed=9)))[:6]
    units = _units(engine)
    for person_id in chosen:
        for day in DAYS[:2]:
            expected = {a for a in parties if reader.may_manage(person_id, a, day).allowed}
            for name, uow in units.items():
                with uow:
                    page = queries.applicants_for(uow.repo, person_id, day, 0, queries.MAX_PAGE)
                assert page.total == len(expected) < queries.MAX_PAGE
                assert {a.party for a in page.items} == expected, (name, person_id, day)


def _executor_with_most_clients(reader: AccessReader) -> tuple[str, str, str, str]:
    """(right, work relation, holder, an active local administrator of the provider) of an
    active `SSM Mandaatuitvoerder` at the provider that took the most mandates."""
    day = dataset.DAY.isoformat()
    found = reader.connection.execute(
        "SELECT r.id, w.id, w.person_id, a.person_id FROM rights r"
        " JOIN work_relations w ON w.id = r.work_relation_id"
        " JOIN local_admins a ON a.organisation_id = w.organisation_id"
        " WHERE r.kind = 'SSM Mandaatuitvoerder' AND r.withdrawn_on IS NULL"
        f" AND r.start_on <= '{day}' AND (r.end_on IS NULL OR r.end_on >= '{day}')"
        f" AND w.start_on <= '{day}' AND (w.end_on IS NULL OR w.end_on >= '{day}')"
        " AND a.withdrawn_on IS NULL AND a.person_id <> w.person_id"
        " ORDER BY (SELECT count(*) FROM mandates m WHERE m.taker_id = w.organisation_id"
        "           AND m.taker_kind = 'organisation') DESC, r.id").fetchone()
    assert found is not None
    right_id, relation_id, holder, admin = found
    return right_id, relation_id, holder, admin


def test_a_withdrawal_and_a_grant_name_exactly_whose_dossiers_change_hands(
        reader: AccessReader, engine: Engine) -> None:
    """The confirmations of a right withdrawn and granted again (which read the facts of all
    the holder's applicants at once) name exactly the applicants the holder loses and then
    gains when the change is made: the listing before and after, compared."""
    right_id, relation_id, holder, admin = _executor_with_most_clients(reader)
    clock = Clock(datetime.combine(dataset.DAY, time(9), UTC))
    day = dataset.DAY
    units = _units(engine)

    def listed(uow: SqlUnitOfWork) -> set[Party]:
        with uow:
            return {a.party for a in queries.every_applicant_for(uow.repo, holder, day)}

    def named(access: tuple[consequences.Access, ...]) -> set[Party]:
        assert {a.person_id for a in access} <= {holder}
        return {a.party for found in access for a in found.applicants}

    before = listed(units["index"])
    lost = {}
    for name, uow in units.items():
        with uow:
            lost[name] = named(consequences.withdrawal(uow.repo, right_id, day, admin).lost)
    services.withdraw_right(units["reader"], clock, admin, right_id, day)
    after = listed(units["index"])
    assert lost["index"] == lost["reader"] == before - after
    assert len(before - after) > 20  # a provider's clients, not the holder's own

    gained = {}
    for name, uow in units.items():
        with uow:
            gained[name] = named(consequences.granting(
                uow.repo, relation_id, RightKind.MANDATE_EXECUTOR, day, None, admin).gained)
    services.grant_right(units["reader"], clock, admin, relation_id,
                         RightKind.MANDATE_EXECUTOR.value, day)
    assert gained["index"] == gained["reader"] == listed(units["index"]) - after == before - after


def test_a_stop_names_exactly_who_loses_the_applicants_dossiers(reader: AccessReader,
                                                                engine: Engine) -> None:
    """The confirmation of a mandate stopped (each executor's facts read through
    `access_facts_many`, the mandate swapped for its stopped copy) names exactly the persons
    who may no longer manage its giver's dossiers once it is stopped: of a mandate in force
    whose stop takes someone's access (a giver's other mandates often keep it)."""
    day = dataset.DAY.isoformat()
    candidates = reader.connection.execute(
        "SELECT m.id, m.giver_id FROM mandates m JOIN persons p ON p.id = m.giver_id"
        " WHERE m.giver_kind = 'person' AND m.taker_kind = 'organisation'"
        " AND m.type = 'KIOSK' AND p.has_eid AND m.giver_signed_at IS NOT NULL"
        " AND m.taker_signed_at IS NOT NULL AND m.stopped_at IS NULL"
        " AND m.successor_id IS NULL AND m.pending_transfer_to_id IS NULL"
        f" AND m.start_on <= '{day}' AND (m.end_on IS NULL OR m.end_on >= '{day}')"
        " ORDER BY m.seq").fetchall()
    now = datetime.combine(dataset.DAY, time(9), UTC)
    units = _units(engine)

    def lost(uow: SqlUnitOfWork, mandate_id: str, giver: Party) -> set[str]:
        with uow:
            access = consequences.stopping(uow.repo, mandate_id, now, giver.id).lost
        assert all([a.party for a in found.applicants] == [giver] for found in access)
        return {found.person_id for found in access}

    def persons(uow: SqlUnitOfWork, giver: Party) -> set[str]:
        with uow:
            return {p.id for p in queries.every_person_for(uow.repo, giver, dataset.DAY)}

    for mandate_id, giver_id in candidates[:40]:
        giver = Party(PartyKind.PERSON, giver_id)
        named = lost(units["index"], mandate_id, giver)
        if named:
            break
    else:
        pytest.fail("no mandate among the first 40 whose stop takes anyone's access")
    assert lost(units["reader"], mandate_id, giver) == named
    before = persons(units["index"], giver)
    services.stop_mandate(units["reader"], Clock(now), giver_id, mandate_id)
    assert before - persons(units["index"], giver) == named


def test_the_decisions_of_many_persons_at_once_are_those_one_at_a_time(
        reader: AccessReader, engine: Engine) -> None:
    """`access_facts_of_persons`, the other way round: one applicant, many persons (a
    mandate's executors, the persons who may manage an applicant's dossiers)."""
    pairs = sample.pairs(reader.connection, 250, seed=9)
    asked: dict[Party, list[str]] = {}
    for person_id, applicant in pairs:
        asked.setdefault(applicant, []).append(person_id)
    others = [person_id for person_id, _ in pairs[:40]]
    known = {row[0] for row in reader.connection.execute("SELECT id FROM persons").fetchall()}
    units = _units(engine)
    allowed = denied = 0
    for day in DAYS:
        for applicant, mine in list(asked.items())[:12]:
            persons = ["P-9999999", *mine, *others, mine[0], applicant.id]
            expected = [reader.may_manage(p, applicant, day)
                        for p in dict.fromkeys([*mine, *others, applicant.id]) if p in known]
            _decide_as_one_at_a_time(
                expected, day, units, reader.facts_of_persons(persons, applicant, day),
                methodcaller("access_facts_of_persons", persons, applicant, day),
                applicant)
            allowed += sum(d.allowed for d in expected)
            denied += sum(not d.allowed for d in expected)
    assert allowed > 30  # both outcomes, many times
    assert denied > 100
    for missing in MISSING:
        with pytest.raises(NotFoundError, match=missing.id):
            reader.facts_of_persons(["P-0000001"], missing, dataset.DAY)
        for uow in units.values():
            with uow, pytest.raises(NotFoundError, match=missing.id):
                uow.repo.access_facts_of_persons([], missing, dataset.DAY)


def test_the_listing_of_persons_names_every_person_the_decision_allows(
        reader: AccessReader, engine: Engine) -> None:
    persons = [row[0] for row in reader.connection.execute(
        "SELECT id FROM persons ORDER BY seq").fetchall()]
    chosen = list(dict.fromkeys(applicant for _, applicant in
                                sample.pairs(reader.connection, 250, seed=9)))[:6]
    units = _units(engine)
    for applicant in chosen:
        expected = {p for p in persons if reader.may_manage(p, applicant, dataset.DAY).allowed}
        for name, uow in units.items():
            with uow:
                found = queries.every_person_for(uow.repo, applicant, dataset.DAY)
            assert {p.id for p in found} == expected, (name, applicant)
