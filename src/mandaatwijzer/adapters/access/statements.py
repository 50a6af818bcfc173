"""The access reader's statements, written once for SQLite and PostgreSQL.

Each statement is one `UNION ALL` of arms sharing one row shape: a tag naming the arm, two sort
keys (an arm's rows come in any order; sorted by the keys, in the order they were made), then
`WIDTH` text columns padded with NULL, in one form on both databases (days `YYYY-MM-DD`,
moments naive UTC `YYYY-MM-DD HH:MM:SS.ffffff`, flags `1` or `0`). Named parameters:
`PARAMETERS` (`:id` and `:seq` for the access index's). Why: docs/adr/0007-access-index.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

PARAMETERS = ("person", "applicant", "kind", "day", "organisation", "id", "seq", "persons",
              "organisations")

#: Text columns after the tag and the two sort keys.
WIDTH = 22


@dataclass(frozen=True, slots=True)
class Dialect:
    postgresql: bool

    def day_text(self, expression: str) -> str:
        """A day as `YYYY-MM-DD` (SQLite stores it so; PostgreSQL's own text of a date
        follows the session's `DateStyle`)."""
        return f"to_char({expression}, 'YYYY-MM-DD')" if self.postgresql else expression

    def moment(self, expression: str) -> str:
        if not self.postgresql:
            return expression
        return f"to_char({expression} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"

    def flag(self, expression: str) -> str:
        return f"CASE WHEN {expression} THEN '1' ELSE '0' END"

    def day(self) -> str:
        return "CAST(:day AS date)" if self.postgresql else ":day"

    def listed(self, parameter: str) -> str:
        """The ids of a parameter that holds them as a JSON array of texts, as a subquery (one
        statement, prepared once, for any number of ids)."""
        if self.postgresql:
            return f"SELECT json_array_elements_text(CAST(:{parameter} AS json))"
        return f"SELECT value FROM json_each(:{parameter})"

    def parameters(self, statement: str) -> str:
        """`:name` parameters in the driver's style (psycopg: `%(name)s`)."""
        if not self.postgresql:
            return statement
        return re.sub(rf"(?<!:):({'|'.join(PARAMETERS)})\b", r"%(\1)s", statement)


def _arm(tag: str, keys: tuple[str, str], values: Sequence[str], rest: str) -> str:
    assert len(values) <= WIDTH
    padded = [*values, *["NULL"] * (WIDTH - len(values))]
    return f"SELECT '{tag}', {keys[0]}, {keys[1]}, {', '.join(padded)}\n{rest}"


def _union(*arms: str) -> str:
    # No ORDER BY: sorting every row in the database costs more than sorting the few arms
    # that need it by their keys afterwards (`reader._by_tag`).
    return "\nUNION ALL\n".join(arms) + "\n"


def _active(table: str, day: str, withdrawn: bool = True) -> str:
    text = f"{table}.start_on <= {day} AND ({table}.end_on IS NULL OR {day} <= {table}.end_on)"
    if withdrawn:
        text += f" AND ({table}.withdrawn_on IS NULL OR {day} < {table}.withdrawn_on)"
    return text


def mandate_values(d: Dialect) -> list[str]:
    t, m = d.day_text, d.moment
    return ["m.id", "m.taker_kind", "m.taker_id", t("m.start_on"), t("m.end_on"),
            "m.created_by", m("m.created_at"), "m.giver_signed_by", m("m.giver_signed_at"),
            "m.taker_signed_by", m("m.taker_signed_at"), "m.stopped_by", m("m.stopped_at"),
            "m.transferred_to_kind", "m.transferred_to_id", "m.successor_id",
            "m.pending_transfer_to_kind", "m.pending_transfer_to_id", "m.predecessor_id"]


_GIVEN = "m.giver_id = :applicant AND m.giver_kind = :kind AND m.type = 'KIOSK'"
def _employers_of(persons: str) -> str:
    """The organisations of the work relations of the persons whose ids meet `persons`."""
    return f"SELECT organisation_id FROM work_relations WHERE person_id {persons}"


_EMPLOYERS = _employers_of("= :person")
_APPLICANT_ORGANISATION = \
    "SELECT id FROM organisations WHERE id = :applicant AND :kind = 'organisation'"
#: The organisations whose people a denial names: the takers (any type of mandate: a superset,
#: read from the index alone), the person's employers, the applicant.
_INVOLVED = ("SELECT taker_id FROM mandates WHERE giver_id = :applicant AND giver_kind = :kind "
             f"AND taker_kind = 'organisation' UNION {_EMPLOYERS} UNION {_APPLICANT_ORGANISATION}")


def _employments_arm(d: Dialect, persons: str = "= :person") -> str:
    """The work relations of the person (`persons`: the condition on their id), each with its
    organisation and rights, and the person's id last (tag E)."""
    t = d.day_text
    return _arm("E", ("w.seq", "COALESCE(r.seq, 0)"),
                ["w.id", "w.organisation_id", t("w.start_on"), t("w.end_on"), "w.user_type",
                 "o.name", "o.entity_group", "o.enterprise_number", "r.id", "r.kind",
                 "r.granted_by", t("r.start_on"), t("r.end_on"), t("r.withdrawn_on"),
                 "r.withdrawn_by", "w.person_id"],
                "FROM work_relations w JOIN organisations o ON o.id = w.organisation_id\n"
                f" LEFT JOIN rights r ON r.work_relation_id = w.id WHERE w.person_id {persons}")


def _route_facts(d: Dialect, persons: str = "= :person") -> str:
    """What every decision reads (tags P, A, O, R, E, M): of the person `:person`, or of the
    persons whose ids meet `persons` (many persons on one applicant, `persons_facts`)."""
    person = ["id", "national_number", "name", d.flag("has_eid")]
    employers = _employers_of(persons)
    return _union(
        _arm("P", ("0", "0"), person, f"FROM persons WHERE id {persons}"),
        _arm("A", ("0", "0"), person,
             "FROM persons WHERE id = :applicant AND :kind = 'person'"),
        _arm("O", ("0", "0"), ["id", "enterprise_number", "name", "NULL", "entity_group"],
             "FROM organisations WHERE id = :applicant AND :kind = 'organisation'"),
        _arm("R", ("0", "0"), ["organisation_id", "person_id"],
             f"FROM legal_representatives WHERE organisation_id IN "
             f"({_APPLICANT_ORGANISATION} UNION {employers})"),
        _employments_arm(d, persons),
        # The mandates that can open a route: to the person, or to an organisation the person
        # has a work relation with (seeks on mandates (giver_id, giver_kind, taker_kind,
        # taker_id)).
        _arm("M", ("m.seq", "0"), mandate_values(d),
             f"FROM mandates m WHERE {_GIVEN} AND m.taker_kind = 'person' "
             f"AND m.taker_id {persons}"),
        _arm("M", ("m.seq", "0"), mandate_values(d),
             f"FROM mandates m WHERE {_GIVEN} AND m.taker_kind = 'organisation' "
             f"AND m.taker_id IN ({employers})"))


def _many_facts(d: Dialect) -> str:
    """What every decision of one person on many applicants reads, at once (tags P, A, O, R,
    E, M): the applicants `:persons` and `:organisations` (JSON arrays of ids), and each
    mandate's giver after its values."""
    person = ["id", "national_number", "name", d.flag("has_eid")]
    persons, organisations = d.listed("persons"), d.listed("organisations")
    given = (f"m.type = 'KIOSK' AND (m.giver_kind = 'person' AND m.giver_id IN ({persons})"
             f" OR m.giver_kind = 'organisation' AND m.giver_id IN ({organisations}))")
    values = [*mandate_values(d), "m.giver_kind", "m.giver_id"]
    return _union(
        _arm("P", ("0", "0"), person, "FROM persons WHERE id = :person"),
        _arm("A", ("0", "0"), person, f"FROM persons WHERE id IN ({persons})"),
        _arm("O", ("0", "0"), ["id", "enterprise_number", "name", "NULL", "entity_group"],
             f"FROM organisations WHERE id IN ({organisations})"),
        _arm("R", ("0", "0"), ["organisation_id", "person_id"],
             f"FROM legal_representatives WHERE organisation_id IN "
             f"({organisations} UNION {_EMPLOYERS})"),
        _employments_arm(d),
        _arm("M", ("m.seq", "0"), values,
             f"FROM mandates m WHERE m.taker_kind = 'person' AND m.taker_id = :person "
             f"AND {given}"),
        _arm("M", ("m.seq", "0"), values,
             f"FROM mandates m WHERE m.taker_kind = 'organisation' "
             f"AND m.taker_id IN ({_EMPLOYERS}) AND {given}"))


def _managers_arm(d: Dialect, organisations: str) -> str:
    """The holders of an active `SSM Mandaatbeheerder` on an active work relation (tag G)."""
    day = d.day()
    return _arm("G", ("0", "0"), ["w.organisation_id", "p.name"],
                "FROM work_relations w JOIN persons p ON p.id = w.person_id\n"
                f" WHERE w.organisation_id {organisations}\n"
                f"   AND {_active('w', day, withdrawn=False)}\n"
                "   AND EXISTS (SELECT 1 FROM rights r WHERE r.work_relation_id = w.id\n"
                f"     AND r.kind = 'SSM Mandaatbeheerder' AND {_active('r', day)})")


def _denial_facts(d: Dialect) -> str:
    """What only a denial's explanation reads (tags M, T, R, L, G)."""
    arms = [
        _arm("M", ("m.seq", "0"), mandate_values(d), f"FROM mandates m WHERE {_GIVEN}"),
        # Each organisation involved once (a join per mandate would read a taker's row as
        # many times as it took a mandate).
        _arm("T", ("0", "0"), ["o.id", "o.name", "o.entity_group", "o.enterprise_number"],
             "FROM organisations o WHERE o.id IN (SELECT id FROM involved)"),
        _arm("R", ("0", "0"), ["l.organisation_id", "l.person_id"],
             "FROM legal_representatives l WHERE l.organisation_id IN (SELECT id FROM involved)"),
        _arm("L", ("0", "0"), ["a.organisation_id", "p.name"],
             "FROM local_admins a JOIN persons p ON p.id = a.person_id\n"
             " WHERE a.organisation_id IN (SELECT id FROM involved)"
             f" AND {_active('a', d.day())}")]
    if d.postgresql:
        # The mandate administrators of the takers of a mandate that awaits their signature
        # (signed by the giver, not stopped, not replaced), whom the explanation names: on
        # PostgreSQL in the same round trip; on SQLite a lookup when named costs less than
        # this arm costs every denial.
        arms.append(_managers_arm(
            d, "IN (SELECT taker_id FROM mandates m WHERE " + _GIVEN +
            " AND m.taker_kind = 'organisation' AND m.giver_signed_at IS NOT NULL"
            " AND m.taker_signed_at IS NULL AND m.stopped_at IS NULL"
            " AND m.successor_id IS NULL)"))
    return "WITH involved(id) AS MATERIALIZED (" + _INVOLVED + ")\n" + _union(*arms)


@dataclass(frozen=True, slots=True)
class Statements:
    route_facts: str
    #: `route_facts` of one person on many applicants.
    many_facts: str
    #: `route_facts` of many persons on one applicant.
    persons_facts: str
    denial_facts: str
    #: The mandate administrators of one organisation (`:organisation`), same row shape.
    mandate_managers: str


@cache
def statements(postgresql: bool) -> Statements:
    d = Dialect(postgresql)
    return Statements(
        d.parameters(_route_facts(d)), d.parameters(_many_facts(d)),
        d.parameters(_route_facts(d, f"IN ({d.listed('persons')})")),
        d.parameters(_denial_facts(d)),
        d.parameters(_union(_managers_arm(d, "= :organisation"))))


__all__ = ["WIDTH", "Statements", "statements"]
