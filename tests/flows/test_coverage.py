"""Every packaged flow is fully covered by path tests: each node and each route is taken."""

from __future__ import annotations

import pytest

from mandaatwijzer import guide

from .seed_paths import SEED_PATHS

#: The path table each packaged flow is tested with. A new flow needs its table here.
PATH_TABLES = {"externe-dienstverlener": SEED_PATHS}


def test_every_packaged_flow_has_a_path_table() -> None:
    assert set(guide.flow_ids()) == set(PATH_TABLES)


@pytest.mark.parametrize("flow_id", sorted(PATH_TABLES))
def test_path_tests_cover_every_node_and_every_route(flow_id: str) -> None:
    flow = guide.flow(flow_id)
    nodes: set[str] = set()
    routes: set[tuple[str, int]] = set()
    for answers, outcome in PATH_TABLES[flow_id]:
        state = guide.start(flow)
        nodes.add(state.node.id)
        for question_id, value in answers:
            question = flow.questions[question_id]
            given = {**state.answers, question_id: value}
            route, _ = question.route(given)
            assert route is not None
            routes.add((question_id, question.routes.index(route)))
            state = guide.answer(state, question_id, value)
            nodes.add(state.node.id)
        assert state.node.id == outcome
    all_routes = {(q.id, i) for q in flow.questions.values() for i in range(len(q.routes))}
    assert nodes == {node.id for node in flow.nodes}, "nodes no path test reaches"
    assert routes == all_routes, f"routes no path test takes: {sorted(all_routes - routes)}"
