"""Read a spec file into plain data plus a map of where every value came from.

YAML alone loses positions and silently accepts things a hand-written spec must not contain
(a duplicate key keeps the last value, a BOM-less Latin-1 file turns into garbage). This module
reads bytes, renders the optional Jinja2 layer, parses YAML node by node and returns:

- ``data``: the plain Python value (dicts, lists, scalars);
- ``positions``: ``{path: Position}`` for every mapping key and list item, where ``path`` is a
  tuple like ``("environments", 0, "workers", "max")``.

Problems are raised as :class:`SourceError` with a position, never as a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Path_ = tuple[str | int, ...]


@dataclass(frozen=True, order=True)
class Position:
    """A place in a file: 1-based line and column."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Source:
    """A parsed spec file: its data and where each value came from."""

    file: str
    data: Any
    positions: dict[Path_, Position]
    # How each scalar that YAML did not read as text was written (``2.10`` read as 2.1), for hints.
    written: dict[Path_, str] = field(default_factory=dict)

    def position(self, path: Path_) -> Position:
        """The position of ``path``, or of its closest ancestor that has one."""
        for end in range(len(path), -1, -1):
            found = self.positions.get(tuple(path[:end]))
            if found is not None:
                return found
        return Position(self.file, 1, 1)


class SourceError(Exception):
    """A file that cannot be read as a spec, with the place to look at."""

    def __init__(self, position: Position, message: str):
        super().__init__(f"{position}: {message}")
        self.position = position
        self.message = message


_JINJA_MARKERS = ("{{", "{%", "{#")
_LEADING_TAB = re.compile(r"^( *)\t", re.MULTILINE)

# Limits that keep a hostile or broken spec from exhausting the machine that validates it.
MAX_SPEC_BYTES = 1_000_000  # a spec is a page of YAML; a megabyte is a wrong file, not a spec
MAX_DEPTH = 40  # mapping/list nesting; the deepest real spec path is under 10 levels
# Characters a spec may contain: YAML's printable set (YAML 1.2, 5.1 "Character Set") without
# the line breaks other than \n (NEL, LS, PS: editors, Jinja and YAML would count lines
# differently) and without the two noncharacters the template line map uses.
_NOT_ALLOWED = re.compile("[^\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufdcf\ufdf0-\ufffd\U00010000-\U0010ffff]")


def read_source(path: Path, display: str | None = None) -> Source:
    """Read, render and parse one spec file."""
    name = display or str(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_SPEC_BYTES + 1)
    except OSError as exc:
        raise SourceError(Position(name, 1, 1), f"cannot read the file: {exc.strerror or exc}") from None
    if len(raw) > MAX_SPEC_BYTES:
        raise SourceError(Position(name, 1, 1), f"the file is larger than {MAX_SPEC_BYTES:,} bytes: not a spec")
    text = _decode(raw, name)
    lines = None
    if any(marker in text for marker in _JINJA_MARKERS):
        from mwaaform.spec.template import render

        text, lines = render(text, name)
    return parse_yaml(text, name, lines)


def _decode(raw: bytes, name: str) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SourceError(
            Position(name, line, col),
            f"the file is not UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8",
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    _check_characters(text, _Where(name, None))
    return text


def _check_characters(text: str, where: _Where) -> None:
    bad = _NOT_ALLOWED.search(text)
    if bad:
        line = text.count("\n", 0, bad.start())
        col = bad.start() - (text.rfind("\n", 0, bad.start()) + 1)
        raise SourceError(
            where.at(line, col),
            f"character U+{ord(bad.group()):04X} is not allowed in a spec (control characters and unusual line breaks); "
            "write it as an escape in a double-quoted string if a value needs it",
        )


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader with a nesting limit: its composer recurses once per level."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):  # noqa: ANN001 - PyYAML's signature
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise yaml.composer.ComposerError(None, None, f"values nested more than {MAX_DEPTH} levels deep", mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def parse_yaml(text: str, name: str, lines: list[int] | None = None) -> Source:
    """Parse YAML text into data and positions, rejecting what YAML would silently accept.

    ``lines`` maps each line of ``text`` (a rendered template) to its line in the source file.
    """
    where = _Where(name, lines)
    _check_characters(text.replace("\r\n", "\n").replace("\r", "\n"), where)  # also what a template produced
    tab = _LEADING_TAB.search(text)
    if tab:
        raise SourceError(
            where.at(text.count("\n", 0, tab.start()), len(tab.group(1))),
            "a tab in the indentation: YAML indents with spaces only",
        )
    node = _compose_fast(text)
    if node is _SLOW:
        node = _compose(text, where)
    if node is None:
        raise SourceError(where.at(0, 0), "the file is empty: a spec is a mapping (account, tags, network, environments)")
    if not isinstance(node, yaml.MappingNode):
        raise SourceError(where.node(node), f"a spec is a mapping of keys to values, not a {_kind(node)}")
    positions: dict[Path_, Position] = {(): where.node(node)}
    budget = _Budget()
    data = _build(node, (), positions, where, yaml.SafeLoader(""), budget)
    return Source(name, data, positions, budget.written)


_SLOW = object()
# Where libyaml and PyYAML differ: libyaml accepts tabs between tokens and '?' keys inside flow
# collections, and does not count a byte order mark inside the text as a column.
_LIBYAML_DIFFERS = re.compile("[\t?\ufeff]")


def _compose_fast(text: str) -> Any:
    """The node tree through libyaml's composer (some ten times faster), or ``_SLOW`` when the
    pure-Python composer must decide: any error (its messages are the ones we report), nesting near
    :data:`MAX_DEPTH`, or an alias (a node reached twice). Both build the same tree from the same
    valid text; libyaml missing from PyYAML's build also means ``_SLOW``."""
    loader_class = getattr(yaml, "CSafeLoader", None)
    if loader_class is None or _LIBYAML_DIFFERS.search(text):
        return _SLOW
    loader = None
    try:
        loader = loader_class(text)
        node = loader.get_single_node()
    except Exception:  # noqa: BLE001 - whatever libyaml refuses, the pure-Python composer explains
        return _SLOW
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        return None
    seen: set[int] = set()
    stack = [(node, 1)]
    while stack:
        current, depth = stack.pop()
        if id(current) in seen or depth >= MAX_DEPTH:
            return _SLOW
        seen.add(id(current))
        if isinstance(current, yaml.MappingNode):
            stack.extend((child, depth + 1) for pair in current.value for child in pair)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in current.value)
    return node


def _compose(text: str, where: _Where) -> Any:
    """The node tree through PyYAML's pure-Python composer, whose errors we report."""
    loader = None
    try:
        loader = _Loader(text)  # PyYAML's reader checks the characters here
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        position = where.at(mark.line, mark.column) if mark else where.at(0, 0)
        raise SourceError(position, f"invalid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:  # a reader error without a mark: the characters are checked before
        raise SourceError(where.at(0, 0), f"invalid YAML: {exc}") from None
    except RecursionError:
        raise SourceError(where.at(0, 0), "invalid YAML: values nested too deeply") from None
    finally:
        if loader is not None:
            loader.dispose()
    return node


class _Where:
    """Positions in the source file, through the template line map when there is one."""

    def __init__(self, name: str, lines: list[int] | None):
        self.name = name
        self.lines = lines

    def at(self, line: int, column: int) -> Position:
        """``line`` and ``column`` are 0-based, in the parsed text."""
        if self.lines:
            line = self.lines[min(line, len(self.lines) - 1)] - 1
        return Position(self.name, line + 1, column + 1)

    def node(self, node: yaml.Node) -> Position:
        return self.at(node.start_mark.line, node.start_mark.column)


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "list"
    return "single value"


class _Budget:
    """Guards against YAML aliases: a cycle, or a few lines that expand to millions of values."""

    LIMIT = 100_000

    def __init__(self) -> None:
        self.left = self.LIMIT
        self.ancestors: set[int] = set()
        self.written: dict[Path_, str] = {}


def _build(
    node: yaml.Node, path: Path_, positions: dict[Path_, Position], where: _Where, constructor: yaml.SafeLoader, budget: _Budget
) -> Any:
    budget.left -= 1
    if budget.left < 0:
        raise SourceError(where.node(node), f"the file expands to more than {_Budget.LIMIT:,} values (YAML aliases?)")
    if id(node) in budget.ancestors:
        raise SourceError(where.node(node), "a YAML alias refers to a value that contains it")
    if not isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
        value = _scalar(node, where, constructor)
        if not isinstance(value, str):
            budget.written[path] = node.value
        return value
    budget.ancestors.add(id(node))
    try:
        return _collection(node, path, positions, where, constructor, budget)
    finally:
        budget.ancestors.discard(id(node))


def _collection(
    node: yaml.Node, path: Path_, positions: dict[Path_, Position], where: _Where, constructor: yaml.SafeLoader, budget: _Budget
) -> Any:
    if isinstance(node, yaml.MappingNode):
        try:
            constructor.flatten_mapping(node)  # resolves YAML merge keys (<<: *anchor)
        except yaml.MarkedYAMLError as exc:
            merged = f" (the value on line {where.at(exc.problem_mark.line, 0).line})" if exc.problem_mark else ""
            raise SourceError(where.node(node), f"invalid merge key (<<): {exc.problem}{merged}") from None
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise SourceError(where.node(key_node), "a mapping key must be a plain value")
            key = _scalar(key_node, where, constructor)
            if not isinstance(key, str):
                raise SourceError(
                    where.node(key_node),
                    f"the key {key_node.value!r} reads as {_yaml_type(key)}, not text: quote it",
                )
            child = (*path, key)
            if key in result:
                first = positions[child]
                raise SourceError(
                    where.node(key_node),
                    f"duplicate key {key!r} (first defined on line {first.line}); YAML would keep only the last value",
                )
            positions[child] = where.node(key_node)
            result[key] = _build(value_node, child, positions, where, constructor, budget)
        return result
    items = []
    for index, item in enumerate(node.value):
        child = (*path, index)
        positions[child] = where.node(item)
        items.append(_build(item, child, positions, where, constructor, budget))
    return items


def _yaml_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    return f"a {type(value).__name__}"


def _scalar(node: yaml.Node, where: _Where, constructor: yaml.SafeLoader) -> Any:
    try:
        return constructor.construct_object(node)
    except yaml.constructor.ConstructorError as exc:
        raise SourceError(where.node(node), f"invalid value: {exc.problem}") from None
    except Exception:  # noqa: BLE001 - a malformed tagged scalar (!!int x, !!timestamp y): the spec's mistake
        raise SourceError(where.node(node), f"invalid value {node.value!r} for tag {node.tag}") from None
