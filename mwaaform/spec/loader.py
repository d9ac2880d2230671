"""Load spec files into validated models, reporting every problem of every file with its place.

Pipeline per file: bytes -> Jinja2 -> YAML with positions (:mod:`.source`) -> stage defaults
overlaid (``_defaults.yaml`` beside the spec) -> Pydantic models -> cross-field rules
(:mod:`.rules`). Then fleet-wide rules across files. Nothing here imports pulumi.
"""

from __future__ import annotations

import difflib
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from mwaaform.spec import rules
from mwaaform.spec.facts import accepted_airflow_versions, airflow_versions
from mwaaform.spec.models import StackSpec
from mwaaform.spec.source import Position, Source, SourceError, read_source
from mwaaform.spec.values import STAGES

DEFAULTS_FILE = "_defaults.yaml"
SPEC_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem, printed as ``file:line:col path: message``."""

    position: Position
    path: str
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = f"{self.position} {self.path}:" if self.path else f"{self.position}:"
        label = "warning: " if self.severity == "warning" else ""
        return f"{where} {label}{self.message}"


@dataclass(frozen=True)
class LoadedStack:
    """A valid spec: one Pulumi stack."""

    name: str
    path: Path
    spec: StackSpec
    source: Source


@dataclass
class LoadResult:
    stacks: list[LoadedStack] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors


class UsageError(Exception):
    """A path that does not exist or holds no spec: the command line is wrong, not a spec."""


def spec_files(paths: Sequence[str | Path]) -> list[Path]:
    """Spec files named by ``paths`` (files, or folders searched one level deep), sorted, deduplicated.

    A file named ``_defaults.yaml`` is never a spec, even when named explicitly (as by the shell
    glob ``environments/*.yaml``): it holds stage defaults (see :func:`defaults_files`)."""
    found: list[Path] = []
    defaults = False
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(
                sorted(p for p in path.iterdir() if p.suffix in SPEC_SUFFIXES and not p.name.startswith("_") and p.is_file())
            )
        elif path.is_file():
            if path.name == DEFAULTS_FILE:
                defaults = True
                continue
            found.append(path)
        else:
            raise UsageError(f"no such file or folder: {raw}")
    unique = list(dict.fromkeys(found))
    if not unique and not defaults:
        raise UsageError(f"no spec files (*.yaml) in {', '.join(str(p) for p in paths)}")
    return unique


def defaults_files(paths: Sequence[str | Path]) -> list[Path]:
    """The ``_defaults.yaml`` files named explicitly among ``paths``: checked as defaults."""
    return list(dict.fromkeys(Path(raw) for raw in paths if Path(raw).name == DEFAULTS_FILE and Path(raw).is_file()))


def load(paths: Sequence[str | Path]) -> LoadResult:
    """Load and validate every spec under ``paths``; never raises for a spec's content."""
    result = LoadResult()
    defaults_cache: dict[Path, Source | SourceError | None] = {}
    for path in spec_files(paths):
        stack, diagnostics = load_file(path, defaults_cache)
        result.diagnostics.extend(diagnostics)
        if stack is not None:
            result.stacks.append(stack)
    for path in defaults_files(paths):
        try:
            read_defaults(path)
        except SourceError as exc:
            result.diagnostics.append(Diagnostic(exc.position, "", exc.message))
    result.diagnostics.extend(_fleet_rules(result.stacks))
    # A broken _defaults.yaml is reported by every spec that uses it: once is enough.
    result.diagnostics = list(dict.fromkeys(result.diagnostics))
    if not result.ok:
        result.stacks = [s for s in result.stacks if not any(d.position.file == _display(s.path) and d.severity == "error" for d in result.diagnostics)]
    return result


def load_file(path: Path, defaults_cache: dict[Path, Source | SourceError | None] | None = None) -> tuple[LoadedStack | None, list[Diagnostic]]:
    """One spec file: the stack when valid, and its diagnostics (warnings even when valid)."""
    cache = defaults_cache if defaults_cache is not None else {}
    try:
        source = read_source(path, _display(path))
        defaults = _defaults_for(path, cache)
    except SourceError as exc:
        return None, [Diagnostic(exc.position, "", exc.message)]
    data, positions = _apply_defaults(source, defaults)
    merged = Source(source.file, data, positions, source.written)
    try:
        spec = StackSpec.model_validate(data)
    except ValidationError as exc:
        return None, sorted(_from_pydantic(exc, merged))
    issues = rules.check(spec, rules.RuleContext(base_dir=path.parent))
    if defaults is None:
        issues += _no_defaults(spec)
    diagnostics = sorted(_diagnostic(merged, issue.loc, issue.message, issue.severity) for issue in issues)
    if any(d.severity == "error" for d in diagnostics):
        return None, diagnostics
    return LoadedStack(path.stem, path, spec, merged), diagnostics


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


# --- stage defaults ------------------------------------------------------------------------


def _defaults_for(path: Path, cache: dict[Path, Source | SourceError | None]) -> Source | None:
    """The nearest ``_defaults.yaml``: in the spec's folder or above it, up to the project root
    (the folder holding ``Pulumi.yaml`` or ``.git``). A broken one is an error for every spec
    that would use it, never silently no defaults."""
    folder = path.parent.resolve()
    if folder not in cache:
        cache[folder] = None
        for candidate_folder in (folder, *folder.parents):
            candidate = candidate_folder / DEFAULTS_FILE
            if candidate.is_file():
                try:
                    cache[folder] = read_defaults(candidate)
                except SourceError as exc:
                    cache[folder] = exc
                break
            if (candidate_folder / "Pulumi.yaml").is_file() or (candidate_folder / ".git").exists():
                break
    found = cache[folder]
    if isinstance(found, SourceError):
        raise found
    return found


def _no_defaults(spec: StackSpec) -> list[rules.Issue]:
    """Stages whose defaults matter most must not lose them silently."""
    return [
        rules.Issue(
            ("environments", index, "stage"),
            f"no {DEFAULTS_FILE} in this folder or above it: the {env.stage} stage defaults (key, retention, "
            "protection, alarms) do not apply to this environment",
            "warning",
        )
        for index, env in enumerate(spec.environments)
        if env.stage in ("stage", "prod")
    ]


def read_defaults(path: Path) -> Source:
    """Read a ``_defaults.yaml``: ``stages: {<stage>: {environment: {...}, network: {...}}}``."""
    source = read_source(path, _display(path))
    data = source.data
    if set(data) != {"stages"} or not isinstance(data["stages"], dict):
        raise SourceError(source.position(()), "a defaults file holds one key, 'stages', mapping each stage to its defaults")
    for stage, sections in data["stages"].items():
        if stage not in STAGES:
            raise SourceError(source.position(("stages", stage)), f"unknown stage {stage!r}; stages are {', '.join(STAGES)}")
        if not isinstance(sections, dict) or not set(sections) <= {"environment", "network"}:
            raise SourceError(source.position(("stages", stage)), "stage defaults hold 'environment' and/or 'network' mappings")
    return source


def _apply_defaults(source: Source, defaults: Source | None) -> tuple[Any, dict]:
    data, positions = source.data, dict(source.positions)
    if defaults is None or not isinstance(data, dict):
        return data, positions
    stages = defaults.data["stages"]
    data = dict(data)
    environments = data.get("environments")
    env_stages: list[str] = []
    if isinstance(environments, list):
        merged_envs = []
        for index, env in enumerate(environments):
            stage = env.get("stage") if isinstance(env, dict) else None
            section = stages.get(stage, {}).get("environment") if isinstance(stage, str) else None
            if stage in STAGES:
                env_stages.append(stage)
            if isinstance(section, dict) and isinstance(env, dict):
                env = _overlay(section, env, ("stages", stage, "environment"), ("environments", index), defaults, positions)
            merged_envs.append(env)
        data["environments"] = merged_envs
    if env_stages and isinstance(data.get("network"), dict):
        stage = max(env_stages, key=STAGES.index)
        section = stages.get(stage, {}).get("network")
        if isinstance(section, dict):
            data["network"] = _overlay(section, data["network"], ("stages", stage, "network"), ("network",), defaults, positions)
    return data, positions


def _overlay(default: Any, value: Any, from_path: tuple, to_path: tuple, defaults: Source, positions: dict) -> Any:
    """``value`` over ``default``: mappings merge key by key, anything else (lists too) replaces."""
    if not (isinstance(default, dict) and isinstance(value, dict)):
        return value
    merged = dict(value)
    for key, default_value in default.items():
        if key in value:
            merged[key] = _overlay(default_value, value[key], (*from_path, key), (*to_path, key), defaults, positions)
            continue
        merged[key] = default_value
        prefix = (*from_path, key)
        for path, position in defaults.positions.items():
            if path[: len(prefix)] == prefix:
                positions[(*to_path, key, *path[len(prefix):])] = position
    return merged


# --- diagnostics ---------------------------------------------------------------------------


def format_path(loc: Iterable[str | int]) -> str:
    """``("environments", 0, "workers", "max")`` -> ``environments[0].workers.max``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _diagnostic(source: Source, loc: tuple, message: str, severity: Literal["error", "warning"] = "error") -> Diagnostic:
    position = source.position(loc)
    if position.file != source.file:
        # The value is inherited from stage defaults: point at the spec's place that inherits it
        # (the environment or the network) and name the defaults line the value came from.
        for end in range(len(loc) - 1, -1, -1):
            own = source.positions.get(tuple(loc[:end]))
            if own is not None and own.file == source.file:
                return Diagnostic(own, format_path(loc), f"{message} (inherited from the stage defaults at {position})", severity)
    return Diagnostic(position, format_path(loc), message, severity)


def _from_pydantic(exc: ValidationError, source: Source) -> Iterable[Diagnostic]:
    for error in exc.errors(include_url=False):
        loc = tuple(part for part in error["loc"] if part != "[key]")
        yield _diagnostic(source, loc, _message(error, loc, source.written.get(loc)))


def _message(error: dict, loc: tuple, written: str | None = None) -> str:
    kind = error["type"]
    value = error.get("input")
    if loc and loc[-1] == "airflow_version" and isinstance(value, str):
        info = airflow_versions().get(value)
        if info is not None and not info.accepted:
            newest = accepted_airflow_versions()[-1]
            return (
                f"Apache Airflow {value} reached end of support on MWAA on {info.end_of_support}: CreateEnvironment "
                f"no longer accepts it; upgrade (newest: {newest!r})"
            )
    if written is not None and not isinstance(value, str) and _wants_text(error):
        if kind != "literal_error" or written in _choices(error):
            return _quote_hint(value, written)
        # 2.10 for "2.10.3": quoting alone does not help, but the number is what misleads.
        near = [c for c in _choices(error) if c.startswith(f"{written}.")] or difflib.get_close_matches(written, _choices(error), n=1)
        if near:
            return f"{_quote_hint(value, written)}, and complete it: {' or '.join(repr(c) for c in near)}"
    if kind == "extra_forbidden":
        key = loc[-1]
        hint = _did_you_mean(str(key), _fields_at(loc[:-1]))
        return f"unknown key {key!r}{hint}"
    if kind == "missing":
        return f"required key {loc[-1]!r} is missing"
    if kind == "string_type" and isinstance(value, (int, float, bool)) or kind == "literal_error" and isinstance(value, bool):
        return f"expected text, got {value!r} ({type(value).__name__}): quote the value in YAML"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        choices = _choices(error)
        if isinstance(value, (int, float)) and all(c.lstrip("-").isdigit() for c in choices):
            nearest = sorted(choices, key=lambda c: abs(int(c) - value))[:2]
            return f"{value!r} is not one of {expected} (nearest: {' or '.join(sorted(nearest, key=int))})"
        if len(choices) > 12:
            return f"{value!r} is not a valid {loc[-1]}{_did_you_mean(str(value), choices)} (valid values: docs/spec.md)"
        return f"{value!r} is not one of {expected}{_did_you_mean(str(value), choices)}"
    if kind == "string_pattern_mismatch":
        return f"{value!r} is not valid here: {_describe(loc)}"
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    return message


def _choices(error: dict) -> list[str]:
    expected = error.get("ctx", {}).get("expected", "")
    return [c.strip().strip("'") for c in expected.replace(" or ", ", ").split(",")]


def _wants_text(error: dict) -> bool:
    """A field that expects text (or a closed set of texts) got a number, boolean or null."""
    if error["type"] == "string_type":
        return True
    if error["type"] == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return expected.startswith("'")
    return False


def _quote_hint(value: Any, written: str) -> str:
    """YAML read ``written`` as something else than text: say what, and how to keep the text."""
    kind = "null" if value is None else f"the {'boolean' if isinstance(value, bool) else 'number'} {value!r}"
    if isinstance(value, bool):
        kind = f"the boolean {str(value).lower()}"
    if written == str(value) or isinstance(value, bool) and written in ("true", "false"):
        return f"expected text, got {kind}: quote it (\"{written}\")"
    return f"expected text, but YAML reads {written} as {kind}: quote it (\"{written}\")"


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""


def _model_at(loc: tuple) -> Any:
    """The spec model class found at ``loc`` (list indexes skipped), or None."""
    model: Any = StackSpec
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)) or part not in model.model_fields:
            return None
        model = _model_in(model.model_fields[part].annotation)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _fields_at(loc: tuple) -> list[str]:
    model = _model_at(loc)
    return list(model.model_fields) if model else []


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _describe(loc: tuple) -> str:
    """What a pattern-checked value expects: the description of the closest field."""
    for index in range(len(loc) - 1, -1, -1):
        if isinstance(loc[index], str):
            model = _model_at(loc[:index])
            info = model.model_fields.get(loc[index]) if model else None
            if info is not None and info.description:
                return info.description
    return "see docs/spec.md"


# --- fleet rules ---------------------------------------------------------------------------


def _fleet_rules(stacks: list[LoadedStack]) -> list[Diagnostic]:
    """Environment names are unique across the fleet; stack names (file stems) too."""
    diagnostics: list[Diagnostic] = []
    names: dict[str, LoadedStack] = {}
    stack_names: dict[str, LoadedStack] = {}
    for stack in stacks:
        if stack.name in stack_names:
            diagnostics.append(Diagnostic(stack.source.position(()), "", f"stack name {stack.name!r} is also {stack_names[stack.name].path}"))
        stack_names.setdefault(stack.name, stack)
        for index, env in enumerate(stack.spec.environments):
            other = names.get(env.name.lower())  # IAM role names, which carry it, ignore case
            if other is not None and other is not stack:
                diagnostics.append(
                    _diagnostic(stack.source, ("environments", index, "name"), f"environment name {env.name!r} is already used in {other.source.file}")
                )
            names.setdefault(env.name.lower(), stack)
    return diagnostics
