"""A thin reader over PyYAML's node tree that keeps line numbers for precise errors."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import NoReturn

import yaml

from ._errors import FlowFormatError

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
#: Scalars YAML reads as something other than text unless quoted (`no`, `1.0`, `2024-01-01`).
_UNQUOTED = {
    "tag:yaml.org,2002:bool": "a yes/no value",
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:timestamp": "a date",
}
_TAG_NAMES = {
    **_UNQUOTED,
    _NULL: "nothing",
    "tag:yaml.org,2002:merge": "a merge key (<<)",
    "tag:yaml.org,2002:map": "a mapping",
    "tag:yaml.org,2002:seq": "a list",
    _STR: "a text",
}

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader


@dataclass(frozen=True, slots=True)
class Doc:
    """One YAML node of `file`, read as the data of flow node `where`."""

    node: yaml.Node
    file: str
    where: str

    @property
    def line(self) -> int:
        return int(self.node.start_mark.line) + 1

    def at(self, where: str) -> Doc:
        return Doc(self.node, self.file, where)

    def fail(self, problem: str, expected: str) -> NoReturn:
        raise FlowFormatError(self.file, self.line, self.where, problem, expected)

    def _kind(self) -> str:
        tag = str(self.node.tag)
        return _TAG_NAMES.get(tag, f"a value tagged {tag}")

    def mapping(
        self, required: frozenset[str] | set[str], optional: frozenset[str] | set[str] = frozenset()
    ) -> dict[str, Doc]:
        if not isinstance(self.node, yaml.MappingNode):
            self.fail(f"found {self._kind()}", "a mapping")
        allowed = required | optional
        found: dict[str, Doc] = {}
        for key_node, value_node in self.node.value:
            key = Doc(key_node, self.file, self.where)
            name = key.scalar()
            if name in found:
                key.fail(f"key {name!r} appears twice", "each key once")
            if allowed and name not in allowed:
                key.fail(f"unknown key {name!r}", "one of: " + ", ".join(sorted(allowed)))
            found[name] = Doc(value_node, self.file, self.where)
        missing = sorted(required - found.keys())
        if missing:
            names = ", ".join(repr(name) for name in missing)
            self.fail(f"missing key{'s' if len(missing) > 1 else ''} {names}",
                      "keys: " + ", ".join(sorted(required)))
        return found

    def items(self) -> Iterator[tuple[str, Doc]]:
        """A mapping with free keys (ids), in file order."""
        if not isinstance(self.node, yaml.MappingNode):
            self.fail(f"found {self._kind()}", "a mapping of ids")
        seen: set[str] = set()
        for key_node, value_node in self.node.value:
            key = Doc(key_node, self.file, self.where)
            name = key.scalar()
            if name in seen:
                key.at(name).fail(f"id {name!r} appears twice", "each id once")
            seen.add(name)
            yield name, Doc(value_node, self.file, name)

    def sequence(self) -> list[Doc]:
        if not isinstance(self.node, yaml.SequenceNode):
            self.fail(f"found {self._kind()}", "a list")
        return [Doc(item, self.file, self.where) for item in self.node.value]

    def scalar(self) -> str:
        if not isinstance(self.node, yaml.ScalarNode) or self.node.tag != _STR:
            hint = " (quote it)" if self.node.tag in _UNQUOTED else ""
            self.fail(f"found {self._kind()}{hint}", "a text")
        value = str(self.node.value)
        if not value.strip():
            self.fail("found an empty text", "a non-empty text")
        return value

    def choice(self, allowed: tuple[str, ...]) -> str:
        value = self.scalar()
        if value not in allowed:
            self.fail(f"found {value!r}", "one of: " + ", ".join(allowed))
        return value


def read(text: str, file: str) -> Doc:
    """Parse `text`; a syntax error becomes a FlowFormatError with its line."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = int(mark.line) + 1 if mark else 1
        problem = str(error.problem or error.context or "invalid YAML")
        if error.context and error.problem and error.context_mark:
            if error.context.startswith("while "):  # where the unfinished thing began
                problem += f" ({error.context} started on line {error.context_mark.line + 1})"
            else:
                problem = f"{error.context}, {problem}"
        raise FlowFormatError(file, line, "(file)", f"YAML syntax: {problem}",
                              "valid YAML") from None
    except yaml.reader.ReaderError as error:
        # Raised before any mark exists: the position is an index into `text`.
        line = text.count("\n", 0, int(error.position)) + 1
        raise FlowFormatError(file, line, "(file)",
                              f"character #x{int(error.character):04x}: {error.reason}",
                              "printable text") from None
    if node is None:
        raise FlowFormatError(file, 1, "(file)", "the file is empty", "a mapping")
    return Doc(node, file, "(file)")
