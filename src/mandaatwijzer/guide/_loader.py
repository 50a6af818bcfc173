"""Read a flow folder (flow.yaml + one texts file per language) and the glossary into the model.

The loader refuses what is malformed (wrong types, unknown or missing keys); what is
well-formed but wrong as a flow (an unknown target, a cycle, a missing text) is left to the
checker, which reports every such problem at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

import yaml

from . import _yamldoc
from ._errors import FlowFormatError
from ._model import (
    LANGUAGES,
    SOURCES,
    YES_NO,
    Condition,
    Flow,
    FlowTexts,
    Glossary,
    GlossaryRef,
    GlossaryTexts,
    Link,
    LinkKind,
    NodeTexts,
    Outcome,
    Question,
    QuestionType,
    Route,
    Source,
    Start,
    Term,
    Text,
)
from ._yamldoc import Doc

LINK_KINDS: tuple[str, ...] = ("restart", "howto", "external")


def _source(doc: Doc | None, default: Source) -> Source:
    return cast(Source, doc.choice(SOURCES)) if doc else default


def _read(path: Path) -> Doc:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FlowFormatError(str(path), 1, "(file)", "the file does not exist",
                              "a readable file") from None
    except UnicodeDecodeError as error:
        # The reason alone ("invalid start byte") does not say where: find the byte's line.
        data = error.object
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise FlowFormatError(str(path), line, "(file)",
                              f"not UTF-8 ({error.reason}: byte 0x{data[error.start]:02x} "
                              f"at column {column})", "UTF-8 text") from None
    except OSError as error:
        raise FlowFormatError(str(path), 1, "(file)",
                              f"the file cannot be read ({error.strerror or error})",
                              "a readable file") from None
    return _yamldoc.read(text, str(path))


# --- routing -------------------------------------------------------------------------------


def _glossary_refs(doc: Doc | None, default: Source) -> tuple[GlossaryRef, ...]:
    if doc is None:
        return ()
    refs = []
    for item in doc.sequence():
        if isinstance(item.node, yaml.MappingNode):
            keys = item.mapping({"term"}, {"source"})
            refs.append(GlossaryRef(keys["term"].scalar(), _source(keys.get("source"), default),
                                    item.line))
        else:
            refs.append(GlossaryRef(item.scalar(), default, item.line))
    return tuple(refs)


def _conditions(doc: Doc, negated: bool) -> list[Condition]:
    conditions = []
    for question, value in doc.items():
        value = value.at(doc.where)
        if isinstance(value.node, yaml.SequenceNode):
            values = frozenset(v.scalar() for v in value.sequence())
            if not values:
                value.fail("found an empty list", "one or more answer values")
        else:
            values = frozenset({value.scalar()})
        conditions.append(Condition(question, values, negated))
    if not conditions:
        doc.fail("found no condition", "at least one `question: value`")
    return conditions


def _route(doc: Doc, default: Source) -> Route:
    keys = doc.mapping(set(), {"when", "unless", "goto", "source"})
    conditions = []
    if "when" in keys:
        conditions += _conditions(keys["when"], negated=False)
    if "unless" in keys:
        conditions += _conditions(keys["unless"], negated=True)
    goto = keys["goto"].scalar() if "goto" in keys else None
    return Route(tuple(conditions), goto, _source(keys.get("source"), default), doc.line)


def _question(qid: str, doc: Doc, default: Source) -> Question:
    keys = doc.mapping({"type", "routes"}, {"options", "glossary", "source"})
    source = _source(keys.get("source"), default)
    qtype = cast(QuestionType, keys["type"].choice(("yes_no", "choice")))
    if qtype == "yes_no":
        if "options" in keys:
            keys["options"].fail("a yes_no question with `options`",
                                 "no `options` key (the options of yes_no are ja and nee)")
        options: tuple[str, ...] = YES_NO
    else:
        if "options" not in keys:
            doc.fail("a choice question without `options`", "an `options` list")
        options = tuple(item.scalar() for item in keys["options"].sequence())
    routes = tuple(_route(item, source) for item in keys["routes"].sequence())
    return Question(qid, qtype, options, routes, _glossary_refs(keys.get("glossary"), source),
                    source, doc.line)


def _link(doc: Doc, default: Source) -> Link:
    keys = doc.mapping({"kind"}, {"href", "source"})
    kind = cast(LinkKind, keys["kind"].choice(LINK_KINDS))
    href = keys["href"].scalar() if "href" in keys else None
    if kind == "restart" and href is not None:
        keys["href"].fail("a restart link with an `href`",
                          "no `href` key (restart goes back to the start)")
    if kind != "restart" and href is None:
        doc.fail(f"{'an' if kind == 'external' else 'a'} {kind} link without `href`",
                 "an `href` (howto: a page slug; external: an https address)")
    return Link(kind, href, _source(keys.get("source"), default), doc.line)


def _outcome(oid: str, doc: Doc, default: Source) -> Outcome:
    keys = doc.mapping({"links"}, {"glossary", "source"})
    source = _source(keys.get("source"), default)
    links = tuple(_link(item, source) for item in keys["links"].sequence())
    return Outcome(oid, links, _glossary_refs(keys.get("glossary"), source), source, doc.line)


# --- texts ---------------------------------------------------------------------------------


def _text(doc: Doc | None, default: Source) -> Text | None:
    if doc is None:
        return None
    if isinstance(doc.node, yaml.MappingNode):
        keys = doc.mapping({"text"}, {"source"})
        return Text(keys["text"].scalar().strip(), _source(keys.get("source"), default), doc.line)
    return Text(doc.scalar().strip(), default, doc.line)


def _text_map(doc: Doc | None, default: Source) -> dict[str, Text]:
    if doc is None:
        return {}
    return {key: cast(Text, _text(value.at(doc.where), default)) for key, value in doc.items()}


def _node_texts(doc: Doc, default: Source) -> NodeTexts:
    keys = doc.mapping(set(), {"text", "note", "options", "links", "after"})
    return NodeTexts(
        text=_text(keys.get("text"), default),
        note=_text(keys.get("note"), default),
        options=_text_map(keys.get("options"), default),
        links=_text_map(keys.get("links"), default),
        after=_text_map(keys.get("after"), default),
        line=doc.line,
    )


def _top(doc: Doc, required: set[str], optional: set[str]) -> dict[str, Doc]:
    """The keys of a whole file; each value reports its key as the place of its problems."""
    return {key: value.at(key) for key, value in doc.mapping(required, optional).items()}


def load_texts(path: Path) -> FlowTexts:
    doc = _read(path)
    keys = _top(doc, {"language", "source", "title", "nodes"},
                {"intro", "scope_note", "start_button", "yes_no"})
    language = keys["language"].scalar()
    if language != path.stem:
        keys["language"].fail(f"language {language!r} in a file named {path.name}",
                              f"language {path.stem!r}")
    source = _source(keys["source"], "seed")
    return FlowTexts(
        language=language,
        source=source,
        file=str(path),
        title=_text(keys["title"], source),
        intro=_text(keys.get("intro"), source),
        scope_note=_text(keys.get("scope_note"), source),
        start_button=_text(keys.get("start_button"), source),
        yes_no=_text_map(keys.get("yes_no"), source),
        nodes={nid: _node_texts(value, source) for nid, value in keys["nodes"].items()},
    )


# --- public --------------------------------------------------------------------------------


def load_flow(folder: Path) -> Flow:
    """Load the flow in `folder`: `flow.yaml` and every `<language>.yaml` beside it."""
    path = folder / "flow.yaml"
    doc = _read(path)
    keys = _top(doc, {"flow", "start", "questions", "outcomes"}, {"source"})
    flow_id = keys["flow"].scalar()
    if flow_id != folder.name:
        keys["flow"].fail(f"flow id {flow_id!r} in folder {folder.name!r}",
                          f"the folder's name {folder.name!r}")
    source = _source(keys.get("source"), "seed")
    start_keys = keys["start"].mapping({"first"}, {"glossary"})
    start = Start(start_keys["first"].scalar(), _glossary_refs(start_keys.get("glossary"), source),
                  keys["start"].line)
    questions = {qid: _question(qid, value, source) for qid, value in keys["questions"].items()}
    outcomes = {oid: _outcome(oid, value, source) for oid, value in keys["outcomes"].items()}
    # items() above made sure `outcomes` is a mapping of text ids; the key's line is the place.
    for key_node, _ in keys["outcomes"].node.value:
        key = Doc(key_node, str(path), str(key_node.value))
        if key.scalar() in questions:
            key.fail(f"id {key.scalar()!r} is both a question and an outcome", "unique node ids")
    texts = {lang: load_texts(folder / f"{lang}.yaml")
             for lang in LANGUAGES if (folder / f"{lang}.yaml").exists()}
    return Flow(flow_id, str(path), start, questions, outcomes, texts, source)


def load_glossary(folder: Path) -> Glossary:
    texts = {}
    for lang in LANGUAGES:
        path = folder / f"{lang}.yaml"
        if not path.exists():
            continue
        doc = _read(path)
        keys = _top(doc, {"language", "source", "terms"}, {"official"})
        language = keys["language"].scalar()
        if language != lang:
            keys["language"].fail(f"language {language!r} in a file named {path.name}",
                                  f"language {lang!r}")
        _source(keys["source"], "project")
        terms = {}
        for term_id, value in keys["terms"].items():
            entry = value.mapping({"term", "definition"}, {"code"})
            terms[term_id] = Term(term_id, entry["term"].scalar(),
                                  " ".join(entry["definition"].scalar().split()),
                                  entry["code"].scalar() if "code" in entry else None, value.line)
        official = keys["official"].scalar() if "official" in keys else None
        texts[lang] = GlossaryTexts(lang, str(path), official, terms)
    return Glossary(texts)
