"""The whole flow as a standalone SVG diagram, laid out and drawn in pure Python.

`render_svg` returns one `<svg>` element: no script, no style attribute or element, no external
reference, so it can be served inline under a strict Content-Security-Policy. Presentation
attributes (fill, stroke, ...) make it readable on its own; classes let a stylesheet restyle it:

- `node start` / `node question` / `node outcome` on each node group (`id="node-<id>"`);
- `edge` on each arrow group (`data-from`, `data-to`), `start-edge` on the arrow from the start;
- `edge-label` on the label of an arrow;
- `on-path` on the nodes and arrows of the current path, `current` on the node reached.

The layout is a layered (Sugiyama-style) drawing: back edges reversed, longest-path layers from
the start, dummy nodes on edges that skip layers, barycenter sweeps against crossings, and
x-positions pulled towards the neighbours under minimum gaps (an isotonic regression per layer).
Text widths are estimated per character, on the wide side, so text stays inside its box.
"""

from __future__ import annotations

import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from typing import Literal

from ._engine import State
from ._export import plain_route_label
from ._model import Flow, Question

FONT_SIZE = 13
LINE_HEIGHT = 18
LABEL_FONT_SIZE = 12
LABEL_LINE_HEIGHT = 16
#: Node texts and arrow labels are wrapped at this many characters.
WRAP = 30
LABEL_WRAP = 26
#: Arrow labels may be bold (on the path): their boxes are this much wider than regular text.
BOLD = 1.12
PAD_X = 12
PAD_Y = 9
LABEL_PAD_X = 5
#: How far the left and right points of a question's hexagon stick out beyond its text area.
HEX_INSET = 14
MIN_WIDTH = 110
NODE_GAP = 44
DUMMY_WIDTH = 14
LAYER_GAP = 76
MARGIN = 14
ARROW = 9
#: The ring around the current node lies this far outside its shape.
RING = 5
LOOP = 34

TEXT = "#1b1b1b"
LABEL_FILL = "#ffffff"
EDGE = "#5c5c5c"
EDGE_ON = "#0b4f8a"
FILLS = {"start": "#fdf0c4", "question": "#e4eef9", "outcome": "#e9f3e5"}
FILLS_ON = {"start": "#f9e29a", "question": "#c9def4", "outcome": "#cfe6c6"}
STROKES = {"start": "#7a5b00", "question": "#1f4e79", "outcome": "#2d5a27"}
STROKE_ON = "#0b4f8a"

_WORDS = {
    "nl": {"title": "Stroomdiagram", "question": ("vraag", "vragen"),
           "outcome": ("uitkomst", "uitkomsten"), "here": "hier ben je", "path": "op je pad",
           "summary": "{questions} en {outcomes}, met een pijl voor elk antwoord.",
           "state": " Je pad is gemarkeerd; je bent bij: {text}"},
    "en": {"title": "Flow diagram", "question": ("question", "questions"),
           "outcome": ("outcome", "outcomes"), "here": "you are here", "path": "on your path",
           "summary": "{questions} and {outcomes}, with an arrow for each answer.",
           "state": " Your path is highlighted; you are at: {text}"},
}

_START = "(start)"
_NARROW = frozenset(" fijlrtI.,:;'!|()[]{}-/`\"\u2018\u2019\u201a")
_WIDE = frozenset("mwMW@%&#\u2014\u2026")

Kind = Literal["start", "question", "outcome", "dummy"]
Point = tuple[float, float]
#: A cubic Bézier segment: start, two control points, end. A line has its controls at its ends.
Segment = tuple[Point, Point, Point, Point]
Rect = tuple[float, float, float, float]  # left, top, right, bottom


@cache
def _char_em(char: str) -> float:
    if char in _NARROW:
        return 0.42
    if char in _WIDE or unicodedata.east_asian_width(char) in "WF":
        return 1.0
    if char.isupper():
        return 0.78
    return 0.64


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """A generous estimate of the width of `text` in a sans-serif font of `size` px."""
    return sum(_char_em(char) for char in text) * size


def wrap(text: str, limit: int = WRAP) -> list[str]:
    """Greedy word wrap at `limit` characters; a longer word is cut after hyphens or hard."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        if len(word) > limit:
            if line:
                lines.append(line)
            *full, line = _cut(word, limit)
            lines.extend(full)
        elif not line:
            line = word
        elif len(line) + 1 + len(word) <= limit:
            line += " " + word
        else:
            lines.append(line)
            line = word
    return [*lines, line] if line or not lines else lines


def _cut(word: str, limit: int) -> list[str]:
    parts = [p + "-" for p in word.split("-")]
    parts[-1] = parts[-1][:-1]
    pieces: list[str] = []
    piece = ""
    for part in parts:
        while len(part) > limit:
            if piece:
                pieces.append(piece)
                piece = ""
            pieces.append(part[:limit])
            part = part[limit:]
        if len(piece) + len(part) > limit:
            pieces.append(piece)
            piece = ""
        piece += part
    return [*pieces, piece] if piece else pieces


@dataclass(slots=True)
class _Node:
    key: str
    kind: Kind
    text: str = ""
    lines: list[str] = field(default_factory=list)
    width: float = DUMMY_WIDTH
    height: float = 0.0
    layer: int = 0
    x: float = 0.0  # centre
    y: float = 0.0  # top
    loop: bool = False

    @property
    def rect(self) -> Rect:
        return (self.x - self.width / 2, self.y, self.x + self.width / 2, self.y + self.height)

    @property
    def text_span(self) -> float:
        """The width available to the text: a hexagon's pointed ends hold none."""
        return self.width - 2 * (PAD_X + (HEX_INSET if self.kind == "question" else 0))


@dataclass(slots=True)
class _Edge:
    source: str
    target: str
    labels: list[str]
    #: Keys from the upper end to the lower end, dummies between; reversed if drawn upwards.
    chain: list[str] = field(default_factory=list)
    reversed: bool = False
    segments: list[Segment] = field(default_factory=list)
    label_lines: list[str] = field(default_factory=list)
    label_rect: Rect | None = None

    @property
    def label(self) -> str:
        return " / ".join(self.labels)


@dataclass(slots=True)
class _Layout:
    nodes: dict[str, _Node]
    edges: list[_Edge]
    layers: list[list[str]]
    width: float = 0.0
    height: float = 0.0
    left: float = 0.0
    top: float = 0.0


def render_svg(flow: Flow, lang: str, state: State | None = None) -> str:
    """The whole flow as an `<svg>` element in `lang`; with `state`, its path highlighted.

    `lang` must be one of the flow's languages. The element ids (`diagram-title`, `node-<id>`,
    `diagram-arrow`, ...) are fixed, so put at most one diagram on a page.
    """
    layout = _layout(flow, lang)
    on_nodes: set[str] = set()
    on_edges: set[tuple[str, str]] = set()
    current = None
    if state is not None:
        current = state.node.id
        path = [_START, *(step.question.id for step in state.steps), current]
        on_nodes = set(path)
        on_edges = set(pairwise(path))
    return _draw(flow, lang, layout, on_nodes, on_edges, current)


# Layout ---------------------------------------------------------------------------------------


def _layout(flow: Flow, lang: str) -> _Layout:
    nodes: dict[str, _Node] = {}
    title = flow.texts[lang].title
    nodes[_START] = _text_node(_START, "start", title.value if title else flow.id)
    for node in flow.nodes:
        kind: Kind = "question" if isinstance(node, Question) else "outcome"
        nodes[node.id] = _text_node(node.id, kind, flow.text(node.id, lang) or node.id)
    edges: dict[tuple[str, str], _Edge] = {}
    if flow.node(flow.start.first) is not None:
        edges[_START, flow.start.first] = _Edge(_START, flow.start.first, [])
    for question in flow.questions.values():
        for route in question.routes:
            if route.goto is None or flow.node(route.goto) is None:
                continue
            edge = edges.setdefault((question.id, route.goto), _Edge(question.id, route.goto, []))
            label = plain_route_label(flow, question.id, route, lang)
            if label not in edge.labels:
                edge.labels.append(label)
    layout = _Layout(nodes, list(edges.values()), [])
    _assign_layers(layout)
    _order_layers(layout)
    _place_x(layout)
    _place_y(layout)
    _route_edges(layout)
    _place_labels(layout)
    _bounds(layout)
    return layout


def _text_node(key: str, kind: Kind, text: str) -> _Node:
    lines = wrap(text)
    inner = max(text_width(line) for line in lines)
    extra = 2 * PAD_X + (2 * HEX_INSET if kind == "question" else 0)
    extra += 16 if kind == "start" else 0
    width = max(MIN_WIDTH, inner + extra)
    return _Node(key, kind, text, lines, round(width), len(lines) * LINE_HEIGHT + 2 * PAD_Y)


def _assign_layers(layout: _Layout) -> None:
    """Longest-path layers over the graph with its back edges reversed, dummies on long edges."""
    nodes = layout.nodes
    out: dict[str, list[str]] = {key: [] for key in nodes}
    for edge in layout.edges:
        out[edge.source].append(edge.target)
    # Depth-first from the start, then from whatever it does not reach, in flow order.
    seen: dict[str, int] = {}  # 1: on the stack, 2: done
    back: set[tuple[str, str]] = set()
    for root in nodes:
        if root in seen:
            continue
        seen[root] = 1
        stack: list[tuple[str, Iterator[str]]] = [(root, iter(out[root]))]
        while stack:
            key, targets = stack[-1]
            for target in targets:
                if target not in seen:
                    seen[target] = 1
                    stack.append((target, iter(out[target])))
                    break
                if seen[target] == 1:
                    back.add((key, target))
            else:
                seen[key] = 2
                stack.pop()
    down: dict[str, list[str]] = {key: [] for key in nodes}
    for edge in layout.edges:
        if edge.source == edge.target:
            nodes[edge.source].loop = True
            continue
        edge.reversed = (edge.source, edge.target) in back
        upper, lower = (edge.target, edge.source) if edge.reversed else (edge.source, edge.target)
        edge.chain = [upper, lower]
        down[upper].append(lower)
    indegree = dict.fromkeys(nodes, 0)
    for lowers in down.values():
        for lower in lowers:
            indegree[lower] += 1
    ready = [key for key in nodes if indegree[key] == 0]
    while ready:
        key = ready.pop(0)
        for target in down[key]:
            nodes[target].layer = max(nodes[target].layer, nodes[key].layer + 1)
            indegree[target] -= 1
            if indegree[target] == 0:
                ready.append(target)
    count = 0
    for edge in layout.edges:
        if not edge.chain:
            continue
        upper, lower = edge.chain
        chain = [upper]
        for layer in range(nodes[upper].layer + 1, nodes[lower].layer):
            count += 1
            dummy = _Node(f"({count})", "dummy", layer=layer)
            nodes[dummy.key] = dummy
            chain.append(dummy.key)
        edge.chain = [*chain, lower]


def _neighbours(layout: _Layout) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    up: dict[str, list[str]] = {key: [] for key in layout.nodes}
    down: dict[str, list[str]] = {key: [] for key in layout.nodes}
    for edge in layout.edges:
        for upper, lower in pairwise(edge.chain):
            down[upper].append(lower)
            up[lower].append(upper)
    return up, down


def _order_layers(layout: _Layout) -> None:
    """Depth-first order first, then barycenter sweeps; the order with fewest crossings wins."""
    nodes = layout.nodes
    up, down = _neighbours(layout)
    layers: list[list[str]] = [[] for _ in range(max(n.layer for n in nodes.values()) + 1)]
    placed: set[str] = set()
    for root in nodes:
        stack = [root]
        while stack:
            key = stack.pop()
            if key in placed:
                continue
            placed.add(key)
            layers[nodes[key].layer].append(key)
            stack.extend(reversed(down[key]))
    best = [list(layer) for layer in layers]
    fewest = _crossings(layers, down)
    position = {key: i for layer in layers for i, key in enumerate(layer)}
    for sweep in range(8):
        downwards = sweep % 2 == 0
        indices = range(1, len(layers)) if downwards else range(len(layers) - 2, -1, -1)
        around = up if downwards else down
        for index in indices:
            def barycenter(key: str, around: dict[str, list[str]] = around) -> float:
                others = around[key]
                if not others:
                    return position[key]
                return sum(position[other] for other in others) / len(others)

            layers[index].sort(key=barycenter)
            position.update((key, i) for i, key in enumerate(layers[index]))
        crossings = _crossings(layers, down)
        if crossings < fewest:
            best, fewest = [list(layer) for layer in layers], crossings
    layout.layers = best


def _crossings(layers: list[list[str]], down: dict[str, list[str]]) -> int:
    count = 0
    for upper, lower in pairwise(layers):
        position = {key: i for i, key in enumerate(lower)}
        pairs = [(i, position[t]) for i, key in enumerate(upper) for t in down[key]]
        for n, (a1, b1) in enumerate(pairs):
            for a2, b2 in pairs[n + 1:]:
                if (a1 - a2) * (b1 - b2) < 0:
                    count += 1
    return count


def _gap(left: _Node, right: _Node) -> float:
    gap = NODE_GAP if left.kind != "dummy" and right.kind != "dummy" else NODE_GAP / 2
    return left.width / 2 + right.width / 2 + gap + (LOOP if left.loop else 0)


def _place_x(layout: _Layout) -> None:
    """Pack each layer, then pull nodes towards their neighbours, keeping order and gaps."""
    nodes = layout.nodes
    up, down = _neighbours(layout)
    for layer in layout.layers:
        x = 0.0
        for i, key in enumerate(layer):
            if i:
                x += _gap(nodes[layer[i - 1]], nodes[key])
            nodes[key].x = x

    def pull(layer: list[str], *arounds: dict[str, list[str]]) -> None:
        wanted = []
        for key in layer:
            others = [other for around in arounds for other in around[key]]
            mean = sum(nodes[o].x for o in others) / len(others) if others else nodes[key].x
            wanted.append(mean)
        gaps = [_gap(nodes[a], nodes[b]) for a, b in pairwise(layer)]
        for key, x in zip(layer, _spread(wanted, gaps), strict=True):
            nodes[key].x = x

    # Ending upwards centres each question over the answers below it, as in a tree.
    for _ in range(4):
        for layer in layout.layers[1:]:
            pull(layer, up)
        for layer in reversed(layout.layers[:-1]):
            pull(layer, down)
    left = min(n.x - n.width / 2 for n in nodes.values())
    for node in nodes.values():
        node.x = round(node.x - left, 1)


def _spread(wanted: list[float], gaps: list[float]) -> list[float]:
    """The positions nearest (least squares) to `wanted` that keep at least `gaps` in order.

    Shifted by the cumulative gaps this is an isotonic regression: pool adjacent violators.
    """
    offsets = [0.0]
    for gap in gaps:
        offsets.append(offsets[-1] + gap)
    blocks: list[list[float]] = []  # [mean, count]
    for want, offset in zip(wanted, offsets, strict=True):
        blocks.append([want - offset, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean, count = blocks.pop()
            total = blocks[-1][1] + count
            blocks[-1] = [(blocks[-1][0] * blocks[-1][1] + mean * count) / total, total]
    values = [mean for mean, count in blocks for _ in range(int(count))]
    return [value + offset for value, offset in zip(values, offsets, strict=True)]


def _place_y(layout: _Layout) -> None:
    y = 0.0
    for layer in layout.layers:
        band = max((layout.nodes[key].height for key in layer), default=0.0)
        for key in layer:
            layout.nodes[key].y = y
            if layout.nodes[key].kind == "dummy":
                layout.nodes[key].height = band
        y += band + LAYER_GAP


def _route_edges(layout: _Layout) -> None:
    """Ports spread over the bottom and top of each node; S-curves across the gaps."""
    nodes = layout.nodes
    band = {
        index: max(nodes[key].y + nodes[key].height for key in layer) if layer else 0.0
        for index, layer in enumerate(layout.layers)
    }
    bottoms: dict[str, list[tuple[float, int, _Edge]]] = {key: [] for key in nodes}
    tops: dict[str, list[tuple[float, int, _Edge]]] = {key: [] for key in nodes}
    for number, edge in enumerate(layout.edges):
        if len(edge.chain) < 2:
            continue
        upper, lower = edge.chain[0], edge.chain[-1]
        bottoms[upper].append((nodes[edge.chain[1]].x, number, edge))
        tops[lower].append((nodes[edge.chain[-2]].x, number, edge))
    ports: dict[tuple[int, str], float] = {}  # (edge number, end): x
    for key, node in nodes.items():
        for end, sides in (("bottom", bottoms[key]), ("top", tops[key])):
            sides.sort(key=lambda side: side[:2])
            usable = max(0.0, node.text_span - 16)
            step = min(36.0, usable / (len(sides) - 1)) if len(sides) > 1 else 0.0
            for i, (_, number, _) in enumerate(sides):
                ports[number, end] = node.x + (i - (len(sides) - 1) / 2) * step
    for number, edge in enumerate(layout.edges):
        if len(edge.chain) < 2:
            edge.segments = _loop(nodes[edge.source])
            continue
        high, low = nodes[edge.chain[0]], nodes[edge.chain[-1]]
        x = ports[number, "bottom"]
        point = (x, high.y + high.height)
        segments: list[Segment] = []
        if point[1] < band[high.layer] and not edge.reversed:  # an arrowhead needs a bend
            segments.append(_line(point, (x, band[high.layer])))
        for key in edge.chain[1:-1]:
            dummy = nodes[key]
            segments.append(_curve(segments[-1][3] if segments else point, (dummy.x, dummy.y)))
            segments.append(_line((dummy.x, dummy.y), (dummy.x, dummy.y + dummy.height)))
        start = segments[-1][3] if segments else point
        segments.append(_curve(start, (ports[number, "top"], low.y)))
        if edge.reversed:
            segments = [(d, c, b, a) for a, b, c, d in reversed(segments)]
        # Stop short of the node: the arrowhead fills the rest.
        edge.segments = _shorten(segments, ARROW, edge.reversed)


def _shorten(segments: list[Segment], by: float, upwards: bool) -> list[Segment]:
    """The path with its (vertical) last segment ending `by` before its end."""
    a, b, c, (x, y) = segments[-1]
    end = (x, y + by if upwards else y - by)
    last = _line(a, end) if (b, c) == (a, (x, y)) else _curve(a, end)
    return [*segments[:-1], last]


def _line(a: Point, b: Point) -> Segment:
    return (a, a, b, b)


def _curve(a: Point, b: Point) -> Segment:
    half = (b[1] - a[1]) / 2
    return (a, (a[0], a[1] + half), (b[0], b[1] - half), b)


def _loop(node: _Node) -> list[Segment]:
    right, middle = node.x + node.width / 2, node.y + node.height / 2
    start, end = (right, middle - 10), (right + ARROW, middle + 10)
    return [(start, (right + LOOP, middle - 30), (right + LOOP, middle + 30), end)]


def _at(segment: Segment, t: float) -> Point:
    (ax, ay), (bx, by), (cx, cy), (dx, dy) = segment
    u = 1 - t
    return (u**3 * ax + 3 * u * u * t * bx + 3 * u * t * t * cx + t**3 * dx,
            u**3 * ay + 3 * u * u * t * by + 3 * u * t * t * cy + t**3 * dy)


def _overlap(a: Rect, b: Rect) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside(point: Point, rect: Rect) -> bool:
    return rect[0] <= point[0] <= rect[2] and rect[1] <= point[1] <= rect[3]


#: Where a label may go on its arrow's first bend, best first: how far along, and whether centred
#: on the arrow (0) or beside it, left (-1) or right (1).
_SPOTS = [(t, side) for side in (0, 1, -1) for t in (0.5, 0.38, 0.62, 0.26, 0.74)]


def _place_labels(layout: _Layout) -> None:
    """Each label on its arrow's first bend, where it meets the fewest labels, nodes and arrows."""
    boxes = [_grow(node.rect, RING + 2) for node in layout.nodes.values() if node.kind != "dummy"]
    # Points along each arrow, with their bounding box to skip the arrows far away.
    samples: list[tuple[Rect, list[Point]]] = []
    for edge in layout.edges:
        points = [_at(segment, i / 16) for segment in edge.segments for i in range(17)]
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        samples.append(((min(xs), min(ys), max(xs), max(ys)), points))
    placed: list[Rect] = []
    for number, edge in enumerate(layout.edges):
        if not edge.labels:
            continue
        edge.label_lines = wrap(edge.label, LABEL_WRAP)
        width = max(text_width(line, LABEL_FONT_SIZE) for line in edge.label_lines) * BOLD
        width, height = width + 2 * LABEL_PAD_X, len(edge.label_lines) * LABEL_LINE_HEIGHT + 4
        bends = [s for s in edge.segments if s[1] != s[0]] or edge.segments
        xs, ys = [p[0] for p in bends[0]], [p[1] for p in bends[0]]
        near = (min(xs) - 2 * width, min(ys) - height, max(xs) + 2 * width, max(ys) + height)
        obstacles = [r for r in (*boxes, *placed) if _overlap(r, near)]
        points = [p for n, (bounds, along) in enumerate(samples)
                  if n != number and _overlap(bounds, near) for p in along if _inside(p, near)]
        best: tuple[float, Rect] | None = None
        for rank, (t, side) in enumerate(_SPOTS):
            x, y = _at(bends[0], t)
            x += side * (width / 2 + 3)
            rect = (x - width / 2, y - height / 2, x + width / 2, y + height / 2)
            cost = rank + 1000 * sum(_overlap(rect, other) for other in obstacles)
            left, top, right, bottom = rect
            cost += 20 * sum(left <= px <= right and top <= py <= bottom for px, py in points)
            if best is None or cost < best[0]:
                best = (cost, rect)
        assert best is not None
        left, top, right, bottom = best[1]
        edge.label_rect = (round(left, 1), round(top, 1), round(right, 1), round(bottom, 1))
        placed.append(best[1])


def _grow(rect: Rect, by: float) -> Rect:
    return (rect[0] - by, rect[1] - by, rect[2] + by, rect[3] + by)


def _bounds(layout: _Layout) -> None:
    rects = [_grow(n.rect, RING + 2) for n in layout.nodes.values() if n.kind != "dummy"]
    rects += [e.label_rect for e in layout.edges if e.label_rect]
    points = [p for e in layout.edges for s in e.segments for p in s]
    xs = [r[0] for r in rects] + [r[2] for r in rects] + [p[0] for p in points]
    ys = [r[1] for r in rects] + [r[3] for r in rects] + [p[1] for p in points]
    layout.left, layout.top = min(xs) - MARGIN, min(ys) - MARGIN
    layout.width = max(xs) + MARGIN - layout.left
    layout.height = max(ys) + MARGIN - layout.top


# Drawing --------------------------------------------------------------------------------------


def _num(value: float) -> str:
    value = round(value, 1)
    return str(int(value)) if value == int(value) else f"{value:.1f}"


def _points(points: Iterable[Point]) -> str:
    return " ".join(f"{_num(x)},{_num(y)}" for x, y in points)


def _path(segments: list[Segment]) -> str:
    parts = [f"M{_points([segments[0][0]])}"]
    for a, b, c, d in segments:
        if b == a and c == d:
            parts.append(f"L{_points([d])}")
        else:
            parts.append(f"C{_points([b, c, d])}")
    return " ".join(parts)


def _hexagon(rect: Rect, inset: float) -> list[Point]:
    left, top, right, bottom = rect
    middle = (top + bottom) / 2
    return [(left, middle), (left + inset, top), (right - inset, top), (right, middle),
            (right - inset, bottom), (left + inset, bottom)]


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k.rstrip("_").replace("_", "-"): v
                                          for k, v in attrib.items()})
    element.text = text
    return element


def _text(parent: ET.Element, lines: list[str], x: float, top: float, size: int,
          line_height: int, **attrib: str) -> None:
    text = _sub(parent, "text", None, x=_num(x), font_size=str(size), fill=TEXT,
                text_anchor="middle", **attrib)
    # The baseline of each line sits near the bottom of its line box.
    baseline = top + (line_height - size) / 2 + size * 0.8
    for i, line in enumerate(lines):
        _sub(text, "tspan", line, x=_num(x), y=_num(baseline + i * line_height))


def _draw(flow: Flow, lang: str, layout: _Layout, on_nodes: set[str],
          on_edges: set[tuple[str, str]], current: str | None) -> str:
    words = _WORDS.get(lang, _WORDS["en"])
    nodes = layout.nodes
    svg = ET.Element("svg", {
        "xmlns": "http://www.w3.org/2000/svg",
        "viewBox": " ".join(_num(v) for v in (layout.left, layout.top, layout.width,
                                              layout.height)),
        # Its own size in px: the page fits it to a wide column, or shows it at this size (its
        # words readable) and lets it scroll on a narrow screen (style.css, "Diagram").
        "width": _num(layout.width),
        "height": _num(layout.height),
        "role": "img",
        "aria-labelledby": "diagram-title diagram-desc",
        "class": "flow-diagram",
        "font-family": "sans-serif",
    })
    _sub(svg, "title", f"{words['title']}: {nodes[_START].text}", id="diagram-title")
    counts = {}
    for kind, many in (("question", len(flow.questions)), ("outcome", len(flow.outcomes))):
        singular, plural = words[kind]
        counts[kind + "s"] = f"{many} {singular if many == 1 else plural}"
    summary = str(words["summary"]).format(**counts)
    summary = summary[:1].upper() + summary[1:]
    if current is not None:
        summary += str(words["state"]).format(text=nodes[current].text)
    _sub(svg, "desc", summary, id="diagram-desc")
    defs = _sub(svg, "defs")
    for marker_id, colour in (("diagram-arrow", EDGE), ("diagram-arrow-on", EDGE_ON)):
        marker = _sub(defs, "marker", id=marker_id, viewBox="0 0 10 10",
                      refX=_num(10 - ARROW), refY="5", markerWidth="10", markerHeight="10",
                      markerUnits="userSpaceOnUse", orient="auto")
        _sub(marker, "path", d="M0,0.5 L10,5 L0,9.5 z", fill=colour)

    edges = _sub(svg, "g", class_="edges")
    for edge in layout.edges:
        on = (edge.source, edge.target) in on_edges
        classes = "edge" + (" start-edge" if edge.source == _START else "")
        group = _sub(edges, "g", class_=classes + (" on-path" if on else ""),
                     id="diagram-start-edge" if edge.source == _START
                     else f"edge-{edge.source}--{edge.target}",
                     data_from="" if edge.source == _START else edge.source,
                     data_to=edge.target)
        segments = edge.segments
        if edge.target == current and edge.source != edge.target:
            segments = _shorten(segments, RING, edge.reversed)  # the ring around it stays clear
        _sub(group, "path", d=_path(segments), fill="none",
             stroke=EDGE_ON if on else EDGE, stroke_width="3" if on else "1.5",
             marker_end=f"url(#{'diagram-arrow-on' if on else 'diagram-arrow'})")
        if edge.label_rect is not None:
            left, top, right, bottom = edge.label_rect
            label = _sub(group, "g", class_="edge-label")
            _sub(label, "rect", x=_num(left), y=_num(top), width=_num(right - left),
                 height=_num(bottom - top), rx="3", fill=LABEL_FILL)
            weight = {"font_weight": "bold"} if on else {}
            _text(label, edge.label_lines, (left + right) / 2, top + 2, LABEL_FONT_SIZE,
                  LABEL_LINE_HEIGHT, **weight)

    group_of_nodes = _sub(svg, "g", class_="nodes")
    for key, node in nodes.items():
        if node.kind == "dummy":
            continue
        on, here = key in on_nodes, key == current
        classes = f"node {node.kind}" + (" on-path" if on else "") + (" current" if here else "")
        group = _sub(group_of_nodes, "g", class_=classes,
                     id="diagram-start" if key == _START else f"node-{key}")
        _sub(group, "title", node.text)
        if on:
            _sub(group, "desc", str(words["here" if here else "path"]))
        paint = {"fill": (FILLS_ON if on else FILLS)[node.kind],
                 "stroke": STROKE_ON if on else STROKES[node.kind],
                 "stroke_width": "4" if here else "3" if on else "1.5"}
        _shape(group, node, node.rect, "shape", **paint)
        if here:
            _shape(group, node, _grow(node.rect, RING), "ring", fill="none", stroke=STROKE_ON,
                   stroke_width="2")
        _text(group, node.lines, node.x, node.y + PAD_Y, FONT_SIZE, LINE_HEIGHT)
    return ET.tostring(svg, encoding="unicode")


def _shape(parent: ET.Element, node: _Node, rect: Rect, role: str, **paint: str) -> None:
    left, top, right, bottom = rect
    if node.kind == "question":
        _sub(parent, "polygon", class_=role, points=_points(_hexagon(rect, HEX_INSET)), **paint)
        return
    radius = min((bottom - top) / 2, 18) if node.kind == "start" else 4
    _sub(parent, "rect", class_=role, x=_num(left), y=_num(top), width=_num(right - left),
         height=_num(bottom - top), rx=_num(radius), **paint)
