"""The optional Jinja2 layer of a spec: sandboxed, bounded, and mapped back to source lines.

A spec may use Jinja2 for values repeated in one file. A spec under review is untrusted input,
so rendering is:

- **sandboxed** (no attribute access to Python internals) and **strict** (an undefined name is
  an error);
- **self-contained**: ``{% include %}``, ``{% import %}``, ``{% from %}`` and ``{% extends %}``
  are refused (a spec is one file; a template must not read others);
- **bounded**: at most :data:`MAX_RANGE` loop items from ``range()`` over the whole file,
  strings and lists built by ``*``/``%``/padding of at most :data:`MAX_OUTPUT` characters, an
  output of at most :data:`MAX_OUTPUT` characters and :data:`MAX_SECONDS` of rendering; the only
  global is ``range`` (no ``namespace``, ``lipsum``, ``cycler``, ``joiner`` or ``dict``).

**Line map.** A ``{% for %}`` or a multi-line value changes the number of lines, so positions in
the rendered YAML are not positions in the file. Before rendering, every source line that starts
outside a Jinja tag gets an invisible marker carrying its line number (two Unicode noncharacters
around the number, which a spec may not contain); after rendering, each output line takes the
line of the first marker on it (or of the line above when it has none, e.g. the second line of a
multi-line value), and the markers are removed. An error in a loop body therefore points at the
body's line in the file. Lines next to whitespace control (``{%-``, ``-%}``) get no marker, so
that the marker never changes what whitespace control strips; they take the line above. Nor do
the lines of a ``{% set x %}...{% endset %}`` or ``{% filter %}`` block, whose text is a value.
"""

from __future__ import annotations

import re
import signal
import threading
import time
import traceback
from collections.abc import Iterator
from typing import Any

from mwaaform.spec.source import Position, SourceError

MAX_OUTPUT = 1_000_000  # characters of rendered text, and of any one string or list built
MAX_RANGE = 10_000  # loop items from range() over the whole file
MAX_SECONDS = 2.0

_OPEN, _CLOSE = "\ufdd0", "\ufdd1"
_MARKER = re.compile(f"{_OPEN}(\\d+){_CLOSE}")
_REFUSED_TAGS = {"Include": "include", "Import": "import", "FromImport": "from ... import", "Extends": "extends"}
_INSIDE_TAG = {"data"}  # token types whose newlines start lines outside any tag
_STRIPPED_BEFORE = ("{%-", "{{-", "{#-")
_STRIPPED_AFTER = ("-%}", "-}}", "-#}")
_WIDTH_IN_FORMAT = re.compile(r"(\d{5,}|\*)")


class TemplateLimit(Exception):
    """A template that exceeds a limit; reported as a spec error at its line."""


def render(text: str, name: str) -> tuple[str, list[int]]:
    """The rendered text and, for each of its lines, the line of ``text`` it came from."""
    import jinja2

    env = _environment()
    try:
        tree = env.parse(text)
        for node in tree.find_all(tuple(getattr(jinja2.nodes, kind) for kind in _REFUSED_TAGS)):
            tag = _REFUSED_TAGS[type(node).__name__]
            raise SourceError(
                Position(name, node.lineno, 1),
                f"template error: {{% {tag} %}} is not allowed: a spec is one self-contained file",
            )
        template = env.from_string(_with_markers(text, env))
    except jinja2.TemplateSyntaxError as exc:
        raise SourceError(Position(name, exc.lineno or 1, 1), f"template error: {exc.message}") from None
    except RecursionError:
        raise SourceError(Position(name, 1, 1), "template error: expressions nested too deeply") from None
    try:
        with _deadline(MAX_SECONDS):
            rendered = "".join(_chunks(template.generate()))
    except Exception as exc:  # noqa: BLE001 - anything raised while rendering is the template's doing
        raise SourceError(Position(name, _template_line(exc), 1), f"template error: {_describe(exc)}") from None
    return _strip_markers(rendered)


def _environment():
    import jinja2
    import jinja2.sandbox

    class Limited(jinja2.sandbox.ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**", "%"})

        def call_binop(self, context: Any, op: str, left: Any, right: Any) -> Any:
            if op == "*":
                for seq, times in ((left, right), (right, left)):
                    if isinstance(seq, (str, list, tuple)) and isinstance(times, int) and len(seq) * times > MAX_OUTPUT:
                        raise TemplateLimit(f"'*' would build {len(seq) * times:,} items, more than {MAX_OUTPUT:,}")
            if op == "**" and isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 256:
                raise TemplateLimit(f"exponent {right} is too large (at most 256)")
            if op == "%" and isinstance(left, str) and _WIDTH_IN_FORMAT.search(left):
                raise TemplateLimit("a format with a width of 10,000 or more, or '*', is not allowed")
            return super().call_binop(context, op, left, right)

        def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's signature
            _check_call(__obj, args, kwargs)
            return super().call(__context, __obj, *args, **kwargs)

    env = Limited(undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False)
    env.globals = {"range": _Range()}
    for name in ("center", "indent", "format", "wordwrap", "truncate", "replace", "join"):
        env.filters[name] = _checked_filter(env.filters[name], name)
    return env


class _Range:
    """``range()`` with a budget of items over the whole file."""

    def __init__(self) -> None:
        self.left = MAX_RANGE

    def __call__(self, *args: int) -> range:
        result = range(*args)
        self.left -= len(result)
        if self.left < 0:
            raise TemplateLimit(f"range() is limited to {MAX_RANGE:,} items in a file")
        return result


def _check_call(obj: Any, args: tuple, kwargs: dict) -> None:
    """String methods that can build far more text than they are given."""
    obj = getattr(obj, "__wrapped__", obj)  # the sandbox wraps str.format
    subject = getattr(obj, "__self__", None)
    if isinstance(subject, str):
        _refuse_large(getattr(obj, "__name__", ""), _estimate(getattr(obj, "__name__", ""), subject, args, kwargs))


def _estimate(name: str, subject: Any, args: tuple, kwargs: dict) -> int:
    """The size of what ``subject.name(*args)`` (or the filter ``name``) would build, roughly."""
    text = subject if isinstance(subject, str) else ""
    first = args[0] if args else next(iter(kwargs.values()), None)
    number = first if isinstance(first, int) and not isinstance(first, bool) else 0
    if name in ("center", "ljust", "rjust", "zfill", "wordwrap", "truncate"):
        return number
    if name == "expandtabs":
        return len(text) + text.count("\t") * (number or 8)
    if name == "indent":
        width = len(first) if isinstance(first, str) else number or 4
        return len(text) + (text.count("\n") + 1) * width
    if name == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
        count = text.count(args[0]) if args[0] else len(text) + 1
        return len(text) + count * len(args[1])
    if name == "join":
        if isinstance(subject, str):  # "sep".join(items)
            return len(subject) * len(first) if hasattr(first, "__len__") else 0
        sep = first if isinstance(first, str) else ""
        return len(sep) * len(subject) if hasattr(subject, "__len__") else 0
    if name in ("format", "format_map") and _WIDTH_IN_FORMAT.search(text):
        return MAX_OUTPUT + 1
    return 0


def _refuse_large(name: str, size: int) -> None:
    if size > MAX_OUTPUT:
        raise TemplateLimit(f"{name}() would build about {size:,} characters, more than {MAX_OUTPUT:,}")


def _checked_filter(original, name: str):
    """A filter that refuses first when its result would be too large."""
    import jinja2

    def checked(*args: Any, **kwargs: Any) -> Any:
        data = [a for a in args if not isinstance(a, (jinja2.nodes.EvalContext, jinja2.Environment))]
        if data:
            _refuse_large(name, _estimate(name, data[0], tuple(data[1:]), kwargs))
        return original(*args, **kwargs)

    for attribute in ("jinja_pass_arg", "__name__"):
        if hasattr(original, attribute):
            setattr(checked, attribute, getattr(original, attribute))
    return checked


class OutputTooLarge(TemplateLimit):
    def __init__(self, line: int):
        super().__init__(f"the rendered file is larger than {MAX_OUTPUT:,} characters")
        self.line = line


def _chunks(generator: Iterator[str]) -> Iterator[str]:
    size = 0
    line = 1
    for chunk in generator:
        size += len(chunk)
        markers = _MARKER.findall(chunk)
        if markers:
            line = int(markers[-1])
        if size > MAX_OUTPUT:
            raise OutputTooLarge(line)
        yield chunk


class _deadline:
    """Raise :class:`TemplateLimit` in the main thread after ``seconds`` (no-op elsewhere)."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.active = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")

    def __enter__(self) -> None:
        if self.active:
            self.started = time.monotonic()
            self.previous = signal.signal(signal.SIGALRM, self._expire)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def _expire(self, signum: int, frame: Any) -> None:
        raise TemplateLimit(f"the template took more than {self.seconds:g} s to render")

    def __exit__(self, *exc: object) -> None:
        if self.active:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)


def _with_markers(text: str, env: Any) -> str:
    """``text`` with a line marker at the start of every line that starts outside a tag."""
    inside: set[int] = set()
    captured = 0  # inside {% set x %}...{% endset %} or {% filter %}: the text is a value, not output
    tag: list[str] = []  # the names and operators of the block tag being read
    for lineno, kind, value in env.lex(text):
        if kind == "block_begin":
            tag = []
        elif kind in ("name", "operator"):
            tag.append(value)
        elif kind == "block_end" and tag:
            if tag[0] == "filter" or tag[0] == "set" and "=" not in tag:
                captured += 1
            elif tag[0] in ("endset", "endfilter"):
                captured = max(0, captured - 1)
        if (kind not in _INSIDE_TAG or captured) and "\n" in value:
            inside.update(range(lineno + 1, lineno + value.count("\n") + 1))
    lines = text.split("\n")
    # What whitespace control next to each line start could strip: the last non-blank text
    # before it and the first non-blank text after it.
    after: list[str] = [""] * (len(lines) + 1)
    for index in range(len(lines) - 1, -1, -1):
        stripped = lines[index].lstrip()
        after[index] = stripped if stripped else after[index + 1]
    out = []
    before = ""
    for index, line in enumerate(lines):
        number = index + 1
        marked = number not in inside and not before.endswith(_STRIPPED_AFTER) and not after[index].startswith(_STRIPPED_BEFORE)
        out.append(f"{_OPEN}{number}{_CLOSE}{line}" if marked else line)
        if line.strip():
            before = line.rstrip()
    return "\n".join(out)


def _strip_markers(rendered: str) -> tuple[str, list[int]]:
    lines: list[int] = []
    out: list[str] = []
    current = 1
    for line in rendered.split("\n"):
        found = _MARKER.search(line)
        if found:
            current = int(found.group(1))
        lines.append(current)
        out.append(_MARKER.sub("", line))
    return "\n".join(out), lines


def _template_line(exc: BaseException) -> int:
    line = exc.line if isinstance(exc, OutputTooLarge) else 1
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == "<template>":
            line = frame.lineno or line
    return line


def _describe(exc: Exception) -> str:
    import jinja2

    if isinstance(exc, jinja2.UndefinedError):
        return f"{exc} (a value that must keep its {{{{ }}}} for Airflow goes between {{% raw %}} and {{% endraw %}})"
    if isinstance(exc, (jinja2.TemplateError, TemplateLimit)):
        return str(exc)
    if isinstance(exc, RecursionError):
        return "recursion too deep (a macro calling itself?)"
    if isinstance(exc, OverflowError):
        return f"number too large ({exc})"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__

