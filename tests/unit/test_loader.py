"""The flow loader: well-formed files become the model; malformed ones fail precisely.

Every malformed case is written out in full below, so the line an error must name can be
counted by eye (line 1 is the first line of the text).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from mandaatwijzer import guide
from mandaatwijzer.guide import FlowFormatError, load_flow, load_glossary
from mandaatwijzer.guide._model import Condition

FLOW = """\
flow: test
start:
  first: vraag
questions:
  vraag:
    type: yes_no
    routes:
      - when: {vraag: ja}
        goto: einde
      - goto: einde
outcomes:
  einde:
    links:
      - kind: restart
"""

NL = """\
language: nl
source: seed
title: Test
nodes:
  vraag:
    text: Ik heb een Belgische eID.
  einde:
    text: Klaar.
"""

EN = """\
language: en
source: translation
title: Test
nodes:
  vraag:
    text: I have a Belgian eID.
  einde:
    text: Done.
"""


def write_flow(root: Path, flow: str = FLOW, nl: str | None = NL, en: str | None = EN,
               folder: str = "test") -> Path:
    """A flow folder under `root`; a text of None leaves that file out."""
    path = root / folder
    path.mkdir()
    for name, text in (("flow.yaml", flow), ("nl.yaml", nl), ("en.yaml", en)):
        if text is not None:
            (path / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def format_error(root: Path, **files: str) -> FlowFormatError:
    folder = write_flow(root, **files)
    with pytest.raises(FlowFormatError) as caught:
        load_flow(folder)
    return caught.value


# --- what a well-formed flow becomes ------------------------------------------------------


def test_a_well_formed_flow_loads_its_routing_and_texts(tmp_path: Path) -> None:
    flow = load_flow(write_flow(tmp_path))

    assert flow.id == "test"
    assert flow.file == str(tmp_path / "test" / "flow.yaml")
    assert flow.start.first == "vraag"
    question = flow.questions["vraag"]
    assert question.options == ("ja", "nee")
    assert [route.goto for route in question.routes] == ["einde", "einde"]
    assert question.routes[0].conditions == (Condition("vraag", frozenset({"ja"})),)
    assert question.routes[1].unconditional
    assert [link.kind for link in flow.outcomes["einde"].links] == ["restart"]
    assert flow.text("vraag", "nl") == "Ik heb een Belgische eID."
    assert flow.text("einde", "en") == "Done."


def test_lines_are_kept_for_nodes_and_routes(tmp_path: Path) -> None:
    flow = load_flow(write_flow(tmp_path))

    question = flow.questions["vraag"]
    assert question.line == 6  # the first key of the question's mapping
    assert [route.line for route in question.routes] == [8, 10]
    assert flow.texts["nl"].nodes["einde"].text is not None
    assert flow.texts["nl"].nodes["einde"].text.line == 8


def test_sources_are_inherited_unless_an_element_names_its_own(tmp_path: Path) -> None:
    flow = load_flow(write_flow(tmp_path, flow="""\
        flow: test
        source: seed
        start:
          first: keuze
          glossary: [mandaat, {term: aanvrager, source: inferred}]
        questions:
          keuze:
            type: choice
            source: inferred
            options: [een, twee]
            routes:
              - unless: {keuze: [een]}
                goto: einde
                source: seed
              - goto: einde
        outcomes:
          einde:
            links:
              - kind: howto
                href: hoe-het-moet
              - kind: restart
                source: project
        """, nl="""\
        language: nl
        source: seed
        title: Test
        nodes:
          keuze:
            text: {text: "  Kies:  ", source: inferred}
        """))

    assert [(ref.term, ref.source) for ref in flow.start.glossary] == [
        ("mandaat", "seed"), ("aanvrager", "inferred")]
    question = flow.questions["keuze"]
    assert question.source == "inferred"
    assert [route.source for route in question.routes] == ["seed", "inferred"]
    assert question.routes[0].conditions == (Condition("keuze", frozenset({"een"}), negated=True),)
    assert [(link.kind, link.href, link.source) for link in flow.outcomes["einde"].links] == [
        ("howto", "hoe-het-moet", "seed"), ("restart", None, "project")]
    text = flow.texts["nl"].nodes["keuze"].text
    assert text is not None
    assert (text.value, text.source) == ("Kies:", "inferred")


def test_a_missing_language_file_is_left_to_the_checker(tmp_path: Path) -> None:
    flow = load_flow(write_flow(tmp_path, en=None))

    assert list(flow.texts) == ["nl"]


def test_the_packaged_flow_and_glossary_load() -> None:
    flow = guide.flow("externe-dienstverlener")

    assert flow.start.first == "rol"
    assert len(flow.questions) == 7
    assert len(flow.outcomes) == 7
    assert set(flow.texts) == {"nl", "en"}
    assert guide.glossary().term("mandaat", "nl") is not None


# --- malformed flow.yaml ---------------------------------------------------------------------

MALFORMED_FLOWS = [
    pytest.param("""\
        flow: test
        start:
          first: vraag
        questions:
          vraag:
            type: yes_no
            routes:
              - when: {vraag: ja
                goto: einde
        """, 9, "(file)",
        "YAML syntax: did not find expected ',' or '}' "
        "(while parsing a flow mapping started on line 8)",
        "valid YAML", id="a YAML syntax error"),
    pytest.param("""\
        flow: test
        start:
          first: 'vraag
        questions: {}
        """, 5, "(file)",
        "YAML syntax: found unexpected end of stream "
        "(while scanning a quoted scalar started on line 3)",
        "valid YAML", id="an unclosed quote, with the line where it opened"),
    pytest.param("""\
        flow: test
        start:
          first: einde
        ---
        flow: test
        """, 4, "(file)",
        "YAML syntax: expected a single document in the stream, but found another document",
        "valid YAML", id="two YAML documents in one file"),
    pytest.param("""\
        flow: test
        start:
          first: vraag
        questions:
          - vraag
        outcomes: {}
        """, 5, "questions", "found a list", "a mapping of ids",
        id="a list where a mapping of ids is expected"),
    pytest.param("""\
        flow: test
        start:
          first: vraag
        questions:
          vraag:
            - type: yes_no
        outcomes: {}
        """, 6, "vraag", "found a list", "a mapping",
        id="a list where a mapping is expected"),
    pytest.param("""\
        flow: test
        start:
          first: rol
        questions:
          rol:
            type: choice
            options: [yes, no]
            routes:
              - goto: einde
        outcomes: {}
        """, 7, "rol", "found a yes/no value (quote it)", "a text",
        id="an unquoted yes or no where a text is expected"),
    pytest.param("""\
        flow: test
        start:
          first: vraag
        questions:
          vraag:
            type: yes_no
            routes:
              - goto:
        outcomes: {}
        """, 8, "vraag", "found nothing", "a text", id="an empty value where a text is expected"),
    pytest.param("""\
        flow: test
        start:
          first: vraag
        questions:
          vraag:
            type: yes_no
            titel: Ik heb een eID.
            routes:
              - goto: einde
        outcomes: {}
        """, 7, "vraag", "unknown key 'titel'",
        "one of: glossary, options, routes, source, type", id="an unknown key"),
    pytest.param("""\
        flow: test
        start:
          first: einde
        questions: {}
        outcomes:
          einde:
            glossary: [mandaat]
        """, 7, "einde", "missing key 'links'", "keys: links", id="a missing key"),
    pytest.param("""\
        flow: test
        start:
          first: vraag
        questions:
          vraag:
            source: inferred
        outcomes: {}
        """, 6, "vraag", "missing keys 'routes', 'type'", "keys: routes, type",
        id="two missing keys, named together"),
    pytest.param("""\
        flow: test
        start:
          first: vraag
        questions:
          vraag:
            type: yes_no
            routes:
              - goto: einde
            type: choice
        outcomes: {}
        """, 9, "vraag", "key 'type' appears twice", "each key once", id="a duplicate key"),
    pytest.param("""\
        flow: test
        start:
          first: vraag
        questions:
          vraag:
            type: yes_no
            routes:
              - goto: einde
          vraag:
            type: yes_no
            routes:
              - goto: einde
        outcomes: {}
        """, 9, "vraag", "id 'vraag' appears twice", "each id once",
        id="a duplicate question id"),
    pytest.param("""\
        flow: test
        start:
          first: vraag
        questions:
          vraag:
            type: yes_no
            routes:
              - goto: vraag
        outcomes:
          vraag:
            links:
              - kind: restart
        """, 10, "vraag", "id 'vraag' is both a question and an outcome", "unique node ids",
        id="an id used for a question and an outcome"),
    pytest.param("""\
        flow: toets
        start:
          first: einde
        questions: {}
        outcomes: {}
        """, 1, "flow", "flow id 'toets' in folder 'test'", "the folder's name 'test'",
        id="a flow id that is not the folder's name"),
    pytest.param("""\
        flow: test
        start:
          first: vraag
        questions:
          vraag:
            type: yes_no
            options: [ja, nee]
            routes:
              - goto: einde
        outcomes: {}
        """, 7, "vraag", "a yes_no question with `options`",
        "no `options` key (the options of yes_no are ja and nee)",
        id="a yes_no question with options"),
    pytest.param("""\
        flow: test
        start:
          first: rol
        questions:
          rol:
            type: choice
            routes:
              - goto: einde
        outcomes: {}
        """, 6, "rol", "a choice question without `options`", "an `options` list",
        id="a choice question without options"),
    pytest.param("""\
        flow: test
        start:
          first: vraag
        questions:
          vraag:
            type: multiple
            routes:
              - goto: einde
        outcomes: {}
        """, 6, "vraag", "found 'multiple'", "one of: yes_no, choice",
        id="an unknown question type"),
    pytest.param("""\
        flow: test
        start:
          first: einde
        questions: {}
        outcomes:
          einde:
            links:
              - kind: restart
                href: https://www.vlaanderen.be
        """, 9, "einde", "a restart link with an `href`",
        "no `href` key (restart goes back to the start)", id="a restart link with an href"),
    pytest.param("""\
        flow: test
        start:
          first: einde
        questions: {}
        outcomes:
          einde:
            links:
              - kind: restart
              - kind: howto
        """, 9, "einde", "a howto link without `href`",
        "an `href` (howto: a page slug; external: an https address)",
        id="a howto link without an href"),
    pytest.param("""\
        flow: test
        start:
          first: einde
        questions: {}
        outcomes:
          einde:
            links:
              - kind: external
                source: inferred
        """, 8, "einde", "an external link without `href`",
        "an `href` (howto: a page slug; external: an https address)",
        id="an external link without an href"),
    pytest.param("""\
        flow: test
        start:
          first: einde
        questions: {}
        outcomes:
          einde:
            source: guessed
            links:
              - kind: restart
        """, 7, "einde", "found 'guessed'", "one of: seed, inferred, translation, project",
        id="an invalid source"),
    pytest.param("""\
        flow: test
        start:
          first: vraag
        questions:
          vraag:
            type: yes_no
            routes:
              - when: {}
                goto: einde
              - goto: einde
        outcomes: {}
        """, 8, "vraag", "found no condition", "at least one `question: value`",
        id="an empty condition mapping"),
    pytest.param("""\
        flow: test
        start:
          first: vraag
        questions:
          vraag:
            type: yes_no
            routes:
              - when: {vraag: []}
                goto: einde
              - goto: einde
        outcomes: {}
        """, 8, "vraag", "found an empty list", "one or more answer values",
        id="an empty list of condition values"),
]


@pytest.mark.parametrize(("flow", "line", "node", "problem", "expected"), MALFORMED_FLOWS)
def test_a_malformed_flow_file_is_refused_saying_where_what_and_what_was_expected(
        tmp_path: Path, flow: str, line: int, node: str, problem: str, expected: str) -> None:
    error = format_error(tmp_path, flow=flow)

    file = str(tmp_path / "test" / "flow.yaml")
    assert (error.file, error.line, error.node) == (file, line, node)
    assert (error.problem, error.expected) == (problem, expected)
    assert error.message == f"{file}:{line}: {node}: {problem}; expected {expected}"


def test_a_date_is_not_mistaken_for_a_text(tmp_path: Path) -> None:
    error = format_error(tmp_path, nl="""\
        language: nl
        source: seed
        title: 2024-05-01
        nodes: {}
        """)

    assert (error.file, error.line, error.node) == (str(tmp_path / "test" / "nl.yaml"), 3, "title")
    assert (error.problem, error.expected) == ("found a date (quote it)", "a text")


def test_an_unquoted_yes_in_the_english_texts_is_refused(tmp_path: Path) -> None:
    error = format_error(tmp_path, en="""\
        language: en
        source: translation
        title: Test
        yes_no:
          ja: Yes
          nee: "No"
        nodes: {}
        """)

    assert (error.file, error.line, error.node) == (str(tmp_path / "test" / "en.yaml"), 5, "yes_no")
    assert (error.problem, error.expected) == ("found a yes/no value (quote it)", "a text")


def test_a_texts_file_for_another_language_is_refused(tmp_path: Path) -> None:
    error = format_error(tmp_path, en="""\
        # The Dutch texts, copied but not translated.
        language: nl
        source: seed
        title: Test
        nodes: {}
        """)

    assert (error.file, error.line, error.node) == (str(tmp_path / "test" / "en.yaml"), 2,
                                                    "language")
    assert error.problem == "language 'nl' in a file named en.yaml"
    assert error.expected == "language 'en'"


def test_a_node_text_of_the_wrong_type_names_the_node(tmp_path: Path) -> None:
    error = format_error(tmp_path, nl="""\
        language: nl
        source: seed
        title: Test
        nodes:
          vraag: Ik heb een Belgische eID.
        """)

    assert (error.file, error.line, error.node) == (str(tmp_path / "test" / "nl.yaml"), 5, "vraag")
    assert (error.problem, error.expected) == ("found a text", "a mapping")


@pytest.mark.parametrize("text", ["", "# only a comment\n"], ids=["nothing", "only a comment"])
def test_an_empty_file_is_refused(tmp_path: Path, text: str) -> None:
    error = format_error(tmp_path, flow=text)

    assert (error.file, error.line, error.node) == (str(tmp_path / "test" / "flow.yaml"), 1,
                                                    "(file)")
    assert (error.problem, error.expected) == ("the file is empty", "a mapping")


def test_a_missing_flow_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "test").mkdir()
    with pytest.raises(FlowFormatError) as caught:
        load_flow(tmp_path / "test")

    error = caught.value
    assert (error.file, error.line, error.node) == (str(tmp_path / "test" / "flow.yaml"), 1,
                                                    "(file)")
    assert (error.problem, error.expected) == ("the file does not exist", "a readable file")


def test_a_flow_file_that_cannot_be_read_is_refused(tmp_path: Path) -> None:
    (tmp_path / "test" / "flow.yaml").mkdir(parents=True)
    with pytest.raises(FlowFormatError) as caught:
        load_flow(tmp_path / "test")

    error = caught.value
    assert (error.file, error.line, error.node) == (str(tmp_path / "test" / "flow.yaml"), 1,
                                                    "(file)")
    assert (error.problem, error.expected) == ("the file cannot be read (Is a directory)",
                                               "a readable file")


def test_a_file_that_is_not_utf8_is_refused_at_the_line_of_the_bad_byte(tmp_path: Path) -> None:
    folder = write_flow(tmp_path)
    (folder / "nl.yaml").write_bytes(
        "language: nl\nsource: seed\ntitle: Caf\u00e9\nnodes: {}\n".encode("latin-1"))
    with pytest.raises(FlowFormatError) as caught:
        load_flow(folder)

    error = caught.value
    assert (error.file, error.line, error.node) == (str(folder / "nl.yaml"), 3, "(file)")
    assert error.problem == "not UTF-8 (invalid continuation byte: byte 0xe9 at column 11)"
    assert error.expected == "UTF-8 text"


def test_a_control_character_is_refused_at_its_line(tmp_path: Path) -> None:
    error = format_error(tmp_path, en="language: en\nsource: translation\n\ntitle: Te\x07st\n")

    assert (error.file, error.line, error.node) == (str(tmp_path / "test" / "en.yaml"), 4,
                                                    "(file)")
    assert error.problem == "character #x0007: control characters are not allowed"
    assert error.expected == "printable text"


# --- the glossary ------------------------------------------------------------------------------


def test_a_glossary_file_for_another_language_is_refused(tmp_path: Path) -> None:
    (tmp_path / "en.yaml").write_text(textwrap.dedent("""\
        language: nl
        source: project
        terms:
          mandaat:
            term: mandaat
            definition: Een volmacht.
        """), encoding="utf-8")
    with pytest.raises(FlowFormatError) as caught:
        load_glossary(tmp_path)

    error = caught.value
    assert (error.file, error.line, error.node) == (str(tmp_path / "en.yaml"), 1, "language")
    assert error.problem == "language 'nl' in a file named en.yaml"
    assert error.expected == "language 'en'"


def test_a_glossary_term_without_a_definition_is_refused(tmp_path: Path) -> None:
    (tmp_path / "nl.yaml").write_text(textwrap.dedent("""\
        language: nl
        source: project
        terms:
          mandaat:
            term: mandaat
        """), encoding="utf-8")
    with pytest.raises(FlowFormatError) as caught:
        load_glossary(tmp_path)

    error = caught.value
    assert (error.file, error.line, error.node) == (str(tmp_path / "nl.yaml"), 5, "mandaat")
    assert (error.problem, error.expected) == ("missing key 'definition'", "keys: definition, term")


def test_a_glossary_definition_is_read_as_one_line(tmp_path: Path) -> None:
    (tmp_path / "nl.yaml").write_text(textwrap.dedent("""\
        language: nl
        source: project
        official: https://www.vlaanderen.be/begrippen
        terms:
          mandaat:
            term: mandaat
            code: MANDAAT
            definition: |
              Een volmacht
              om namens iemand te handelen.
        """), encoding="utf-8")

    glossary = load_glossary(tmp_path)

    term = glossary.term("mandaat", "nl")
    assert term is not None
    assert (term.term, term.code, term.line) == ("mandaat", "MANDAAT", 6)
    assert term.definition == "Een volmacht om namens iemand te handelen."
    assert glossary.texts["nl"].official == "https://www.vlaanderen.be/begrippen"
    assert glossary.term("mandaat", "en") is None
