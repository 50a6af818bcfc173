"""The (person, applicant) pairs every access benchmark checks: the same pairs for every engine.

Drawn with a fixed seed from the stored data, so that both outcomes occur often:

- 50%: a random mandate, its giver as the applicant and, as the person, its taker (a person)
  or a random member of staff of the taking provider (allowed when the mandate is in force and
  that person holds `SSM Mandaatuitvoerder` there; denied otherwise);
- 10%: a random legal representative and their organisation (allowed);
- 10%: a random work relation at an applicant organisation (allowed with `KIOSK Aanvrager`);
- 30%: a random employee and a random applicant (nearly always denied).
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

from mandaatwijzer.registry.model import Party, PartyKind

Pair = tuple[str, Party]


def _query(connection: Any) -> Callable[[str, Sequence[Any]], list[Any]]:
    if isinstance(connection, sqlite3.Connection):
        return lambda sql, params: connection.execute(sql, params).fetchall()

    def run(sql: str, params: Sequence[Any]) -> list[Any]:
        rows = connection.execute(sql.replace("?", "%s"), params).fetchall()
        connection.commit()
        return rows
    return run


def pairs(connection: Any, count: int, seed: int = 7) -> list[Pair]:
    query = _query(connection)
    rng = random.Random(seed)
    (mandates,) = query("SELECT max(seq) FROM mandates", ())[0]
    staff: dict[str, list[str]] = {}
    for org_id, person_id in query(
            "SELECT organisation_id, person_id FROM work_relations ORDER BY seq", ()):
        staff.setdefault(org_id, []).append(person_id)
    representatives = query(
        "SELECT organisation_id, person_id FROM legal_representatives "
        "ORDER BY organisation_id, person_id", ())
    employees = sorted({p for people in staff.values() for p in people})
    persons = [p for (p,) in query("SELECT id FROM persons ORDER BY seq", ())]
    orgs = [o for (o,) in query("SELECT id FROM organisations ORDER BY seq", ())]
    applicant_orgs = sorted(o for o, _ in representatives)
    applicant_org_set = set(applicant_orgs)  # once: at 10M mandates 400,000 of them
    kiosk = [(p, o) for o, people in sorted(staff.items()) if o in applicant_org_set
             for p in people]
    employee_set = set(employees)
    applicant_persons = [p for p in persons if p not in employee_set]
    found: list[Pair] = []
    while len(found) < count:
        r = rng.random()
        if r < 0.5:
            seq = rng.randint(1, mandates)
            row = query("SELECT giver_kind, giver_id, taker_kind, taker_id FROM mandates "
                        "WHERE seq = ?", (seq,))
            if not row:
                continue
            giver_kind, giver_id, taker_kind, taker_id = row[0]
            person = taker_id if taker_kind == "person" else rng.choice(staff[taker_id])
            found.append((person, Party(PartyKind(giver_kind), giver_id)))
        elif r < 0.6:
            org_id, person_id = rng.choice(representatives)
            found.append((person_id, Party(PartyKind.ORGANISATION, org_id)))
        elif r < 0.7 and kiosk:
            person_id, org_id = rng.choice(kiosk)
            found.append((person_id, Party(PartyKind.ORGANISATION, org_id)))
        else:
            person_id = rng.choice(employees)
            if rng.random() < 0.6:
                found.append((person_id, Party(PartyKind.PERSON,
                                               rng.choice(applicant_persons))))
            else:
                found.append((person_id, Party(PartyKind.ORGANISATION,
                                               rng.choice(applicant_orgs or orgs))))
    return found
