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
import traceback
from dataclasses import dataclass
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


def read_source(path: Path, display: str | None = None) -> Source:
    """Read, render and parse one spec file."""
    name = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SourceError(Position(name, 1, 1), f"cannot read the file: {exc.strerror}") from None
    text = _decode(raw, name)
    if any(marker in text for marker in _JINJA_MARKERS):
        text = _render(text, name)
    return parse_yaml(text, name)


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
    return text


def _render(text: str, name: str) -> str:
    """Render the Jinja2 layer with strict undefined; errors point at the template line."""
    import jinja2
    import jinja2.sandbox

    # Sandboxed: a spec under review must not run code on the reviewer's machine or in CI.
    env = jinja2.sandbox.ImmutableSandboxedEnvironment(
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    try:
        template = env.from_string(text)
        template.filename = name
        return template.render()
    except jinja2.TemplateSyntaxError as exc:
        raise SourceError(Position(name, exc.lineno or 1, 1), f"template error: {exc.message}") from None
    except jinja2.TemplateError as exc:
        line = 1
        for frame in traceback.extract_tb(exc.__traceback__):
            if frame.filename == "<template>" or frame.filename == name:
                line = frame.lineno or line
        hint = ""
        if isinstance(exc, jinja2.UndefinedError):
            hint = " (a value that must keep its {{ }} for Airflow goes between {% raw %} and {% endraw %})"
        raise SourceError(Position(name, line, 1), f"template error: {exc}{hint}") from None


def parse_yaml(text: str, name: str) -> Source:
    """Parse YAML text into data and positions, rejecting what YAML would silently accept."""
    tab = _LEADING_TAB.search(text)
    if tab:
        line = text.count("\n", 0, tab.start()) + 1
        raise SourceError(
            Position(name, line, len(tab.group(1)) + 1),
            "a tab in the indentation: YAML indents with spaces only",
        )
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Position(name, mark.line + 1, mark.column + 1) if mark else Position(name, 1, 1)
        raise SourceError(where, f"invalid YAML: {exc.problem or exc.context}") from None
    finally:
        loader.dispose()
    if node is None:
        raise SourceError(Position(name, 1, 1), "the file is empty: a spec is a mapping (account, tags, network, environments)")
    if not isinstance(node, yaml.MappingNode):
        raise SourceError(_mark(name, node), f"a spec is a mapping of keys to values, not a {_kind(node)}")
    positions: dict[Path_, Position] = {(): _mark(name, node)}
    data = _build(node, (), positions, name, yaml.SafeLoader(""), _Budget())
    return Source(name, data, positions)


def _mark(name: str, node: yaml.Node) -> Position:
    return Position(name, node.start_mark.line + 1, node.start_mark.column + 1)


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


def _build(
    node: yaml.Node, path: Path_, positions: dict[Path_, Position], name: str, constructor: yaml.SafeLoader, budget: _Budget
) -> Any:
    budget.left -= 1
    if budget.left < 0:
        raise SourceError(_mark(name, node), f"the file expands to more than {_Budget.LIMIT:,} values (YAML aliases?)")
    if id(node) in budget.ancestors:
        raise SourceError(_mark(name, node), "a YAML alias refers to a value that contains it")
    if not isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
        return _scalar(node, name, constructor)
    budget.ancestors.add(id(node))
    try:
        return _collection(node, path, positions, name, constructor, budget)
    finally:
        budget.ancestors.discard(id(node))


def _collection(
    node: yaml.Node, path: Path_, positions: dict[Path_, Position], name: str, constructor: yaml.SafeLoader, budget: _Budget
) -> Any:
    if isinstance(node, yaml.MappingNode):
        constructor.flatten_mapping(node)  # resolves YAML merge keys (<<: *anchor)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise SourceError(_mark(name, key_node), "a mapping key must be a plain value")
            key = constructor.construct_object(key_node)
            child = (*path, key)
            if key in result:
                first = positions[child]
                raise SourceError(
                    _mark(name, key_node),
                    f"duplicate key {key!r} (first defined on line {first.line}); YAML would keep only the last value",
                )
            positions[child] = _mark(name, key_node)
            result[key] = _build(value_node, child, positions, name, constructor, budget)
        return result
    items = []
    for index, item in enumerate(node.value):
        child = (*path, index)
        positions[child] = _mark(name, item)
        items.append(_build(item, child, positions, name, constructor, budget))
    return items


def _scalar(node: yaml.Node, name: str, constructor: yaml.SafeLoader) -> Any:
    try:
        return constructor.construct_object(node)
    except yaml.constructor.ConstructorError as exc:
        raise SourceError(_mark(name, node), f"invalid value: {exc.problem}") from None
