"""The `{lang:lang}` path convertor: a path segment that is one of the guide's languages.

Page routes start with it, so a request for /api/... or /static/... fails them after one
regular-expression test; imported by every module that declares page routes.
"""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor

from ..guide import LANGUAGES


class LanguageConvertor(Convertor[str]):
    regex = "|".join(LANGUAGES)

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("lang", LanguageConvertor())
