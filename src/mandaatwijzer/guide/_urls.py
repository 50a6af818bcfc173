"""The guide's addresses: the one place that writes them, so that links agree everywhere.

The web pages, the JSON views, the API and the terminal all take their links from here; the
web application's route table (`web/_app.py`) serves exactly these paths, which
`tests/unit/test_guide_front_door.py` checks. `query` is a canonical answers string
(`to_query`, `State.query`), written after `?` only when there are answers.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode


def _with(path: str, query: str) -> str:
    return f"{path}?{query}" if query else path


def start_href(flow_id: str, lang: str) -> str:
    """The flow's start page."""
    return f"/{lang}/flows/{flow_id}"


def step_href(flow_id: str, lang: str, query: str = "") -> str:
    """The page the answers in `query` lead to: the next question or the outcome."""
    return _with(f"/{lang}/flows/{flow_id}/step", query)


def change_href(flow_id: str, lang: str, question_id: str, query: str) -> str:
    """The page to change the answer to `question_id`, the other answers kept."""
    return _with(f"/{lang}/flows/{flow_id}/change/{question_id}", query)


def howto_href(flow_id: str, lang: str, slug: str, query: str = "") -> str:
    """A how-to page; with `query`, its back link returns to the outcome of those answers."""
    return _with(f"/{lang}/flows/{flow_id}/howto/{slug}", query)


def diagram_href(flow_id: str, lang: str, query: str = "") -> str:
    """The flow as a diagram; with `query`, the path of those answers highlighted."""
    return _with(f"/{lang}/flows/{flow_id}/diagram", query)


def organisation_href(flow_id: str, lang: str, organisation_id: str = "") -> str:
    """For a signed-in person: be guided for the organisation `organisation_id`, or without
    one, be asked again for which."""
    path = f"/{lang}/flows/{flow_id}/organisation"
    return f"{path}?{urlencode({'id': organisation_id})}" if organisation_id else path


def glossary_href(lang: str, term_id: str = "", *, back: str = "") -> str:
    """The glossary, at `term_id` if given; `back` is the guide page its back link returns to."""
    path = f"/{lang}/glossary" + (f"?back={quote(back, safe='')}" if back else "")
    return f"{path}#{term_id}" if term_id else path


def api_state_href(flow_id: str) -> str:
    """The JSON API's state of the flow (the answers go in its `answers` parameter)."""
    return f"/api/flows/{flow_id}/state"
