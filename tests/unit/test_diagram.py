"""The flow as an SVG diagram: every node and arrow, the path highlighted, safe to inline."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
import yaml

from mandaatwijzer import guide
from mandaatwijzer.guide._diagram import (
    FONT_SIZE,
    LABEL_FONT_SIZE,
    render_svg,
    text_width,
    wrap,
)
from mandaatwijzer.guide._export import plain_route_label as route_label

FLOW = guide.flow("externe-dienstverlener")
EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "toegang"
SVG = "{http://www.w3.org/2000/svg}"
QUERY = "eid=ja&rol=mandaatbeheerder&wil-mandaat=nee"

Box = tuple[float, float, float, float]  # left, top, right, bottom


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def with_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if name in g.get("class", "").split()]


def joined(element: ET.Element) -> str:
    return " ".join(tspan.text or "" for tspan in element.iter(f"{SVG}tspan"))


def node_group(root: ET.Element, node_id: str) -> ET.Element:
    found = [g for g in root.iter(f"{SVG}g") if g.get("id") == f"node-{node_id}"]
    assert len(found) == 1, node_id
    return found[0]


def edge_groups(root: ET.Element, source: str, target: str) -> list[ET.Element]:
    return [g for g in with_class(root, "edge")
            if g.get("data-from") == source and g.get("data-to") == target]


def shape(group: ET.Element) -> ET.Element:
    return next(child for child in group if child.get("class") == "shape")


def box(element: ET.Element) -> Box:
    if element.tag == f"{SVG}polygon":
        points = [tuple(map(float, p.split(","))) for p in element.get("points", "").split()]
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        return min(xs), min(ys), max(xs), max(ys)
    x, y = float(element.get("x", "0")), float(element.get("y", "0"))
    return x, y, x + float(element.get("width", "0")), y + float(element.get("height", "0"))


def text_span(element: ET.Element) -> tuple[float, float]:
    """The narrowest horizontal extent of a shape: a hexagon's flat top, a rectangle's width."""
    if element.tag == f"{SVG}polygon":
        points = [tuple(map(float, p.split(","))) for p in element.get("points", "").split()]
        top = min(p[1] for p in points)
        xs = [p[0] for p in points if p[1] == top]
        return min(xs), max(xs)
    left, _, right, _ = box(element)
    return left, right


def overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def contrast(one: str, other: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def example_copy(tmp_path: Path, flow: dict[str, Any] | None = None,
                 nl: dict[str, Any] | None = None) -> guide.Flow:
    """The docs example flow, copied to `tmp_path` with parts of its YAML replaced."""
    folder = tmp_path / "toegang"
    shutil.copytree(EXAMPLE, folder)
    for name, changes in (("flow.yaml", flow), ("nl.yaml", nl)):
        data = yaml.safe_load((folder / name).read_text(encoding="utf-8"))
        for key, value in (changes or {}).items():
            target = data
            *path, last = key.split("/")
            for part in path:
                target = target[part]
            target[last] = value
        (folder / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return guide.load_flow(folder)


@pytest.mark.parametrize("lang", guide.LANGUAGES)
def test_every_node_appears_once_with_its_whole_text(lang: str) -> None:
    root = parse(render_svg(FLOW, lang))
    for node in FLOW.nodes:
        group = node_group(root, node.id)
        kind = "question" if isinstance(node, guide.Question) else "outcome"
        assert group.get("class", "").split()[:2] == ["node", kind]
        assert joined(group) == FLOW.text(node.id, lang)
        assert group.findtext(f"{SVG}title") == FLOW.text(node.id, lang)
    assert len(with_class(root, "node")) == len(FLOW.nodes) + 1


def test_questions_and_outcomes_have_different_shapes() -> None:
    root = parse(render_svg(FLOW, "nl"))
    assert {shape(node_group(root, q)).tag for q in FLOW.questions} == {f"{SVG}polygon"}
    assert {shape(node_group(root, o)).tag for o in FLOW.outcomes} == {f"{SVG}rect"}


@pytest.mark.parametrize("lang", guide.LANGUAGES)
def test_the_diagram_starts_at_the_flow_title_with_an_arrow_to_the_first_question(
        lang: str) -> None:
    root = parse(render_svg(FLOW, lang))
    [start] = with_class(root, "start")
    title = FLOW.texts[lang].title
    assert title is not None
    assert joined(start) == title.value
    [arrow] = with_class(root, "start-edge")
    assert arrow.get("data-to") == FLOW.start.first
    assert joined(arrow) == ""


@pytest.mark.parametrize("lang", guide.LANGUAGES)
def test_every_route_is_an_arrow_labelled_as_in_the_outline(lang: str) -> None:
    root = parse(render_svg(FLOW, lang))
    routes = [(q, r) for q in FLOW.questions.values() for r in q.routes]
    for question, route in routes:
        assert route.goto is not None
        [edge] = edge_groups(root, question.id, route.goto)
        path = edge.find(f"{SVG}path")
        assert path is not None
        assert path.get("marker-end", "").startswith("url(#diagram-arrow")
        assert route_label(FLOW, question.id, route, lang) in joined(edge).split(" / ")
    assert len(with_class(root, "edge")) == len(routes) + 1
    markers = {m.get("id") for m in root.iter(f"{SVG}marker")}
    assert markers == {"diagram-arrow", "diagram-arrow-on"}


def test_a_state_highlights_exactly_its_path_and_marks_where_you_are() -> None:
    root = parse(render_svg(FLOW, "nl", guide.from_query(FLOW, QUERY)))
    on_nodes = {g.get("id") for g in with_class(root, "node") if "on-path" in g.get("class", "")}
    assert on_nodes == {"diagram-start", "node-rol", "node-eid", "node-wil-mandaat",
                        "node-geen-mandaat"}
    on_edges = {(g.get("data-from"), g.get("data-to")) for g in with_class(root, "on-path")
                if "edge" in g.get("class", "").split()}
    assert on_edges == {("", "rol"), ("rol", "eid"), ("eid", "wil-mandaat"),
                        ("wil-mandaat", "geen-mandaat")}
    assert [g.get("id") for g in with_class(root, "current")] == ["node-geen-mandaat"]


def test_the_highlight_does_not_rely_on_colour_alone() -> None:
    root = parse(render_svg(FLOW, "nl", guide.from_query(FLOW, QUERY)))
    for edge in with_class(root, "edge"):
        path = edge.find(f"{SVG}path")
        assert path is not None
        on = "on-path" in edge.get("class", "")
        assert float(path.get("stroke-width", "0")) == (3 if on else 1.5)
        for text in edge.iter(f"{SVG}text"):
            assert (text.get("font-weight") == "bold") == on
    current = node_group(root, "geen-mandaat")
    assert [c.get("class") for c in current if c.get("class")] == ["shape", "ring"]
    assert current.findtext(f"{SVG}desc") == "hier ben je"
    assert node_group(root, "eid").findtext(f"{SVG}desc") == "op je pad"
    assert float(shape(node_group(root, "eid")).get("stroke-width", "0")) == 3


def test_without_a_state_nothing_is_highlighted() -> None:
    svg = render_svg(FLOW, "nl")
    assert "on-path" not in svg
    assert "current" not in svg
    root = parse(svg)
    assert not [e for e in root.iter() if e.get("class") == "ring"]


def test_the_first_question_is_current_at_the_start() -> None:
    root = parse(render_svg(FLOW, "en", guide.start(FLOW)))
    assert [g.get("id") for g in with_class(root, "current")] == ["node-rol"]
    assert [g.get("id") for g in with_class(root, "on-path")] == [
        "diagram-start-edge", "diagram-start", "node-rol"]


def test_the_svg_has_an_accessible_name_and_description() -> None:
    root = parse(render_svg(FLOW, "nl"))
    assert root.get("role") == "img"
    ids = root.get("aria-labelledby", "").split()
    assert ids == ["diagram-title", "diagram-desc"]
    title, desc = (next(e for e in root if e.get("id") == i) for i in ids)
    assert title.tag == f"{SVG}title"
    assert title.text == "Stroomdiagram: Externe dienstverlener"
    assert desc.tag == f"{SVG}desc"
    assert desc.text == "7 vragen en 7 uitkomsten, met een pijl voor elk antwoord."
    state = guide.from_query(FLOW, QUERY)
    en = parse(render_svg(FLOW, "en", state))
    assert en.findtext(f"{SVG}title") == "Flow diagram: External service provider"
    assert en.findtext(f"{SVG}desc") == (
        "7 questions and 7 outcomes, with an arrow for each answer. Your path is highlighted; "
        f"you are at: {FLOW.text('geen-mandaat', 'en')}")


def test_text_with_markup_characters_is_escaped_and_comes_back_unchanged(
        tmp_path: Path) -> None:
    title = 'Toegang <script>alert("x")</script> & \'co\''
    text = 'Heb je een "eID" <b>&amp;</b>?'
    flow = example_copy(tmp_path, nl={
        "title": title, "nodes/heeft-eid/text": text,
        "nodes/rol/options": {"aanvrager": "A & <B>", "dienstverlener": "D \"q\""}})
    svg = render_svg(flow, "nl", guide.start(flow))
    assert "<script" not in svg
    assert "<b>" not in svg
    root = parse(svg)
    [start] = with_class(root, "start")
    assert joined(start) == title
    assert joined(node_group(root, "heeft-eid")) == text
    route = flow.questions["rol"].routes[0]
    assert "A & <B>" in route_label(flow, "rol", route, "nl")
    assert joined(edge_groups(root, "rol", "zelf-doen")[0]) == route_label(flow, "rol", route, "nl")
    assert root.findtext(f"{SVG}title") == f"Stroomdiagram: {title}"
    assert text in (root.findtext(f"{SVG}desc") or "")


def test_cycles_loops_and_routes_sharing_a_target_still_draw_every_route(
        tmp_path: Path) -> None:
    routes = [
        {"when": {"rol": "aanvrager", "heeft-eid": "ja"}, "goto": "zelf-doen"},
        {"when": {"rol": "aanvrager"}, "goto": "zelf-doen"},
        {"when": {"rol": "dienstverlener"}, "goto": "heeft-eid"},
        {"goto": "rol"},
    ]
    flow = example_copy(tmp_path, flow={"questions/rol/routes": routes})
    root = parse(render_svg(flow, "nl"))
    for route in flow.questions["rol"].routes:
        assert route.goto is not None
        [edge] = edge_groups(root, "rol", route.goto)
        assert route_label(flow, "rol", route, "nl") in joined(edge).split(" / ")
    assert_nothing_overlaps(root)


def assert_nothing_overlaps(root: ET.Element) -> None:
    nodes = [box(shape(g)) for g in with_class(root, "node")]
    labels = [box(next(iter(g))) for g in with_class(root, "edge-label")]
    for a, b in combinations(nodes, 2):
        assert not overlap(a, b), (a, b)
    for a, b in combinations(labels, 2):
        assert not overlap(a, b), (a, b)
    for label in labels:
        for node in nodes:
            assert not overlap(label, node), (label, node)


@pytest.mark.parametrize("lang", guide.LANGUAGES)
def test_no_node_boxes_or_labels_overlap(lang: str, tmp_path: Path) -> None:
    assert_nothing_overlaps(parse(render_svg(FLOW, lang, guide.from_query(FLOW, QUERY))))
    assert_nothing_overlaps(parse(render_svg(guide.load_flow(EXAMPLE), lang)))


@pytest.mark.parametrize("lang", guide.LANGUAGES)
def test_every_line_of_text_fits_inside_its_box_by_the_width_estimate(lang: str) -> None:
    root = parse(render_svg(FLOW, lang))
    groups = [(g, FONT_SIZE) for g in with_class(root, "node")]
    groups += [(g, LABEL_FONT_SIZE) for g in with_class(root, "edge-label")]
    for group, size in groups:
        outline = next(c for c in group if c.tag in (f"{SVG}rect", f"{SVG}polygon"))
        left, right = text_span(outline)
        _, top, _, bottom = box(outline)
        for tspan in group.iter(f"{SVG}tspan"):
            x, y = float(tspan.get("x", "0")), float(tspan.get("y", "0"))
            half = text_width(tspan.text or "", size) / 2
            assert left < x - half, tspan.text
            assert x + half < right, tspan.text
            assert top < y - size * 0.8, tspan.text
            assert y + size * 0.25 < bottom, tspan.text


def test_node_text_is_wrapped_at_about_thirty_characters() -> None:
    root = parse(render_svg(FLOW, "nl"))
    lengths = [len(t.text or "") for g in with_class(root, "node") for t in g.iter(f"{SVG}tspan")]
    assert max(lengths) <= 30
    assert max(len(list(g.iter(f"{SVG}tspan"))) for g in with_class(root, "node")) >= 4


def test_wrap_keeps_words_whole_and_cuts_only_words_longer_than_a_line() -> None:
    assert wrap("een twee drie", 8) == ["een twee", "drie"]
    assert wrap("", 8) == [""]
    assert wrap("a mandaatuitvoerder-recht b", 12) == ["a", "mandaatuitvo", "erder-recht", "b"]
    assert all(len(line) <= 12 for line in wrap("x" * 40 + " y", 12))


def test_the_width_estimate_errs_wide_for_capitals_and_narrow_letters_alike() -> None:
    assert text_width("MANDAAT") > text_width("mandaat") > text_width("illi")
    assert text_width("") == 0


@pytest.mark.parametrize("lang", guide.LANGUAGES)
def test_the_svg_is_self_contained_without_script_style_or_external_reference(lang: str) -> None:
    svg = render_svg(FLOW, lang, guide.from_query(FLOW, QUERY))
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" ')
    assert svg.count("http") == 1  # the namespace
    root = parse(svg)
    tags = {element.tag.removeprefix(SVG) for element in root.iter()}
    assert tags <= {"svg", "title", "desc", "defs", "marker", "path", "g", "rect", "polygon",
                    "text", "tspan"}
    for element in root.iter():
        for name, value in element.attrib.items():
            assert name != "style"
            assert not name.startswith("on")
            assert "href" not in name
            assert not value.startswith("url(") or re.fullmatch(r"url\(#[\w-]+\)", value)


def test_the_svg_carries_its_own_size_for_the_page_to_fit_or_scroll() -> None:
    root = parse(render_svg(FLOW, "nl"))
    left, top, width, height = map(float, root.get("viewBox", "").split())
    # Its own size: a narrow page shows it at this size (its words readable) and scrolls it.
    assert float(root.get("width", "0")) == pytest.approx(width, abs=0.1)
    assert float(root.get("height", "0")) == pytest.approx(height, abs=0.1)
    boxes = [box(shape(g)) for g in with_class(root, "node")]
    assert left <= min(b[0] for b in boxes)
    assert max(b[2] for b in boxes) <= left + width
    assert top <= min(b[1] for b in boxes)
    assert max(b[3] for b in boxes) <= top + height


def test_the_same_input_gives_the_same_svg() -> None:
    state = guide.from_query(FLOW, QUERY)
    assert render_svg(FLOW, "nl", state) == render_svg(FLOW, "nl", state)
    assert render_svg(FLOW, "en") == render_svg(FLOW, "en")


def test_text_and_arrows_meet_wcag_aa_contrast() -> None:
    for state in (None, guide.from_query(FLOW, QUERY)):
        root = parse(render_svg(FLOW, "nl", state))
        for group in [*with_class(root, "node"), *with_class(root, "edge-label")]:
            fill = next(c for c in group if c.tag in (f"{SVG}rect", f"{SVG}polygon")).get("fill")
            for text in group.iter(f"{SVG}text"):
                assert contrast(text.get("fill", ""), fill or "") >= 4.5
        for path in root.iter(f"{SVG}path"):
            if path.get("stroke"):
                assert contrast(path.get("stroke", ""), "#ffffff") >= 3


#: Every arrow of the flow in plain words: the answers that take it, by their labels.
PLAIN_LABELS = {
    "nl": {("rol", "eid"): "Elk antwoord", ("eid", "geen-eid"): "Nee",
           ("eid", "is-lokale-beheerder"): "Ja (eerder gekozen: Lokale beheerder)",
           ("eid", "wil-mandaat"): "Ja (eerder gekozen: Mandaatbeheerder)",
           ("is-lokale-beheerder", "uitvoerder-recht"): "Ja",
           ("is-lokale-beheerder", "wil-mandaat"): "Nee",
           ("wil-mandaat", "geen-mandaat"): "Nee", ("wil-mandaat", "is-mandaatbeheerder"): "Ja"},
    "en": {("rol", "eid"): "Any answer", ("eid", "geen-eid"): "No",
           ("eid", "is-lokale-beheerder"): "Yes (chosen before: Local administrator)",
           ("eid", "wil-mandaat"): "Yes (chosen before: Mandate administrator)",
           ("is-lokale-beheerder", "wil-mandaat"): "No"},
}


@pytest.mark.parametrize("lang", guide.LANGUAGES)
def test_the_arrows_speak_plainly_in_the_words_of_the_answers(lang: str) -> None:
    root = parse(render_svg(FLOW, lang))
    for (source, target), label in PLAIN_LABELS[lang].items():
        [edge] = edge_groups(root, source, target)
        assert joined(edge) == label
    words = " / ".join(joined(edge) for edge in with_class(root, "edge-label"))
    for jargon in ("anders", "otherwise", "=", "≠", "rol", "&"):
        assert jargon not in words.split()
        assert f" {jargon} " not in f" {words} "


def test_answers_that_are_not_one_choice_per_question_are_all_other_cases(
        tmp_path: Path) -> None:
    routes = [
        {"when": {"rol": "aanvrager", "heeft-eid": "ja"}, "goto": "zelf-doen"},
        {"goto": "mandaat-nodig"},
    ]
    flow = example_copy(tmp_path, flow={"questions/rol/routes": routes})
    first, rest = flow.questions["rol"].routes
    assert route_label(flow, "rol", first, "nl") == "Aanvrager (eerder gekozen: Ja)"
    assert route_label(flow, "rol", rest, "nl") == "In alle andere gevallen"
    assert route_label(flow, "rol", rest, "en") == "In all other cases"
