"""The project's own how-to pages behind each "LEES HIER HOE JE DAT DOET" outcome."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path

from . import _yamldoc
from ._errors import FlowFormatError
from ._model import LANGUAGES


@dataclass(frozen=True, slots=True)
class HowTo:
    slug: str
    title: str
    intro: str
    before: tuple[str, ...]
    steps: tuple[str, ...]
    after: str


def _flat(text: str) -> str:
    return " ".join(text.split())


def load_howtos(folder: Path) -> Mapping[str, Mapping[str, HowTo]]:
    """How-to pages by language, then by slug."""
    pages: dict[str, dict[str, HowTo]] = {}
    for lang in LANGUAGES:
        path = folder / f"{lang}.yaml"
        try:
            doc = _yamldoc.read(path.read_text(encoding="utf-8"), str(path))
        except FileNotFoundError:
            raise FlowFormatError(str(path), 1, "(file)", "the file does not exist",
                                  "a how-to file per language") from None
        keys = doc.mapping({"language", "source", "pages"})
        keys["language"].choice((lang,))
        pages[lang] = {}
        for slug, value in keys["pages"].items():
            page = value.mapping({"title", "intro", "steps", "after"}, {"before"})
            pages[lang][slug] = HowTo(
                slug=slug,
                title=_flat(page["title"].scalar()),
                intro=_flat(page["intro"].scalar()),
                before=tuple(_flat(d.scalar()) for d in page["before"].sequence())
                if "before" in page else (),
                steps=tuple(_flat(d.scalar()) for d in page["steps"].sequence()),
                after=_flat(page["after"].scalar()),
            )
    return pages


@cache
def packaged() -> Mapping[str, Mapping[str, HowTo]]:
    return load_howtos(Path(str(files("mandaatwijzer.howto"))))
