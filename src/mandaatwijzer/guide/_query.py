"""Answers as one canonical, sorted query string, so that every state is a shareable link."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode

from ._errors import MalformedQueryError


def parse_query(query: str, known: Mapping[str, object] | frozenset[str]) -> dict[str, str]:
    """Answers from `query`, keeping only keys in `known` (the flow's questions).

    A key given twice, a part without `=` or an empty value is malformed.
    """
    query = query.strip().removeprefix("?")
    if not query:
        return {}
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise MalformedQueryError(
            f"malformed answers {_preview(query)!r}; expected question=value pairs "
            "joined by '&', for example 'eid=ja&rol=mandaatbeheerder'"
        ) from None
    answers: dict[str, str] = {}
    for key, value in pairs:
        if key not in known:
            continue
        if key in answers:
            raise MalformedQueryError(f"question {key!r} is answered twice; expected one answer")
        if not value:
            raise MalformedQueryError(f"question {key!r} has an empty answer; expected a value")
        answers[key] = value
    return answers


def parse_query_lenient(
    query: str, known: Mapping[str, object] | frozenset[str]
) -> tuple[dict[str, str], bool]:
    """The answers that can be read from `query`, and whether some had to be dropped.

    For a link a person follows (the web pages), where a damaged query should still lead
    somewhere: when `parse_query` finds it malformed, each known question keeps its first
    non-empty answer and parts that cannot be read are left out.
    """
    try:
        return parse_query(query, known), False
    except MalformedQueryError:
        answers: dict[str, str] = {}
        for key, value in parse_qsl(query):
            if key in known and value:
                answers.setdefault(key, value)
        return answers, True


def to_query(answers: Mapping[str, str]) -> str:
    """The canonical form: keys sorted, values percent-encoded."""
    return urlencode(sorted(answers.items()))


def _preview(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
