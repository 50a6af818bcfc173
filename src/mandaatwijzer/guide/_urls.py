"""The guide's own addresses, shared by every interface so that links agree everywhere."""

from __future__ import annotations


def start_href(flow_id: str, lang: str) -> str:
    return f"/{lang}/flows/{flow_id}"


def step_href(flow_id: str, lang: str, query: str = "") -> str:
    return f"/{lang}/flows/{flow_id}/step" + (f"?{query}" if query else "")


def howto_href(flow_id: str, lang: str, slug: str) -> str:
    return f"/{lang}/flows/{flow_id}/howto/{slug}"


def glossary_href(lang: str, term_id: str) -> str:
    return f"/{lang}/glossary#{term_id}"
