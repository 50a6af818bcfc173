"""The guide's pre-answers match the registry (issue 14), for a generated registry: every
combination of local administrator or not, SSM Mandaatuitvoerder and SSM Mandaatbeheerder or
not, a Belgian eID or not (and signed in with it, without it, or unknown), and one provider or
two; and the outcomes' shortcuts follow from them."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from mandaatwijzer.adapters.memory import MemoryUnitOfWork
from mandaatwijzer.registry import services, views
from mandaatwijzer.registry.model import RightKind
from mandaatwijzer.registry.ports import Clock

from .scenario import TODAY, enterprise_number, national_number

CLOCK = Clock(datetime(2025, 3, 3, 9, tzinfo=UTC))
COMBINATIONS = list(itertools.product([False, True], [False, True], [False, True],
                                      [False, True], [None, False, True], [1, 2]))


def _registry(local_admin: bool, executor: bool, manager: bool, eid: bool,
              providers: int) -> tuple[MemoryUnitOfWork, str, list[str]]:
    uow = MemoryUnitOfWork()
    boss = services.register_person(uow, CLOCK, national_number(1), "Bea Baas")
    person = services.register_person(uow, CLOCK, national_number(2), "Pim Persoon", eid)
    orgs = [services.register_organisation(uow, CLOCK, f"Provider {i}", "economic_actor",
                                           enterprise_number(i), [boss.id]).id
            for i in range(1, providers + 1)]
    relation = services.add_work_relation(uow, CLOCK, boss.id, orgs[0], person.id)
    for held, kind in ((executor, RightKind.MANDATE_EXECUTOR),
                       (manager, RightKind.MANDATE_MANAGER)):
        if held:
            services.grant_right(uow, CLOCK, boss.id, relation.id, kind.value)
    if local_admin:
        services.appoint_local_admin(uow, CLOCK, boss.id, orgs[0], person.id)
    for org in orgs[1:]:
        services.add_work_relation(uow, CLOCK, boss.id, org, person.id)
    return uow, person.id, orgs


@pytest.mark.parametrize(("local_admin", "executor", "manager", "eid", "signed_in", "providers"),
                         COMBINATIONS)
def test_the_pre_answers_are_what_the_registry_holds(
        local_admin: bool, executor: bool, manager: bool, eid: bool, signed_in: bool | None,
        providers: int) -> None:
    uow, person, orgs = _registry(local_admin, executor, manager, eid, providers)
    found = views.guidance(uow.repo, person, None, signed_in, TODAY)
    answers = {q: k.answer for q, k in found.known.items()}
    assert answers["eid"] == ("ja" if signed_in or eid else "nee")
    if providers == 2:
        # Several providers: the person chooses first; only the eID is known until then.
        assert found.must_choose
        assert [c.name for c in found.choices] == ["Provider 1", "Provider 2"]
        assert set(answers) == {"eid"}
        found = views.guidance(uow.repo, person, orgs[0], signed_in, TODAY)
        answers = {q: k.answer for q, k in found.known.items()}
    assert found.organisation is not None
    assert found.organisation.id == orgs[0]
    assert answers["is-lokale-beheerder"] == ("ja" if local_admin else "nee")
    assert answers["is-mandaatbeheerder"] == ("ja" if manager else "nee")
    role = {(True, False): "lokale-beheerder", (False, True): "mandaatbeheerder"}.get(
        (local_admin, manager))
    assert answers.get("rol") == role
    # The executor right answers no statement of this flow.
    assert "uitvoerder-recht" not in answers
    shortcuts = {s.outcome for s in views.shortcuts(found)}
    if answers["eid"] == "nee":
        assert shortcuts == set()
    else:
        expected = {"mandaat-afsluiten" if manager else "vraag-recht"}
        if local_admin:
            expected |= {"recht-mandaatuitvoerder", "recht-mandaatbeheerder"}
        assert shortcuts == expected


def test_a_provider_the_person_does_not_act_for_is_not_chosen() -> None:
    uow, person, orgs = _registry(True, False, False, True, 1)
    other = services.register_person(uow, CLOCK, national_number(3), "Olaf Ander")
    stranger = services.register_organisation(uow, CLOCK, "Vreemd BV", "economic_actor",
                                              enterprise_number(9), [other.id])
    found = views.guidance(uow.repo, person, stranger.id, True, TODAY)
    # Not one of theirs: the one they act for.
    assert found.organisation is not None
    assert found.organisation.id == orgs[0]
