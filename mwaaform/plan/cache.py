"""A content-addressed cache of recorded stack plans: a stack that did not change is not planned again.

The key is a SHA-256 of everything that can change a plan: the stack's name and folder, its spec
with the stage defaults merged in (as validated), the bytes of every local file it uploads,
mwaaform's own source (``mwaaform/``, ``components/``, ``policies/``: code and data files) and the
versions of Python, pulumi, pulumi-aws and policy_sentry. A plan is stored under its key with
``pickle`` (it is plain data) and written atomically, so concurrent workers and interrupted runs
leave either a whole entry or none; an unreadable entry is a miss.

The cache lives in ``$MWAAFORM_CACHE_DIR``, else ``$XDG_CACHE_HOME/mwaaform``, else
``~/.cache/mwaaform``; ``--no-cache`` bypasses it; deleting the folder empties it.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import tempfile
from importlib import metadata
from pathlib import Path

from mwaaform.plan.model import Plan
from mwaaform.spec.loader import LoadedStack

FORMAT = b"mwaaform-plan-cache-2"  # 2: RecordedResource.import_id and custom_timeouts
ROOT = Path(__file__).resolve().parents[2]
SOURCE_FOLDERS = ("mwaaform", "components", "policies")
SOURCE_SUFFIXES = {".py", ".yaml", ".yml", ".json"}
DISTRIBUTIONS = ("pulumi", "pulumi-aws", "policy-sentry")


def default_folder() -> Path:
    if folder := os.environ.get("MWAAFORM_CACHE_DIR"):
        return Path(folder)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "mwaaform"


@functools.lru_cache(maxsize=1)
def toolchain_digest() -> str:
    """mwaaform's source and data, and the versions of what it runs on."""
    digest = hashlib.sha256(FORMAT)
    for name in DISTRIBUTIONS:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "absent"
        digest.update(f"\0{name}={version}".encode())
    digest.update(f"\0python={os.sys.version}".encode())
    for folder in SOURCE_FOLDERS:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in SOURCE_SUFFIXES and "__pycache__" not in path.parts and path.is_file():
                digest.update(f"\0{path.relative_to(ROOT).as_posix()}\0".encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def uploaded_files(stack: LoadedStack) -> list[Path]:
    """The local files the stack's environments upload (requirements, plugins, startup script)."""
    from mwaaform.resolve import UPLOAD_KEYS

    base = stack.path.parent
    return [base / relative for env in stack.spec.environments for kind in UPLOAD_KEYS if isinstance(relative := getattr(env, kind, None), str)]


def key(stack: LoadedStack) -> str:
    digest = hashlib.sha256(toolchain_digest().encode())
    digest.update(f"\0{stack.name}\0{os.path.normpath(stack.path.parent)}\0".encode())
    digest.update(stack.spec.model_dump_json().encode())
    for path in uploaded_files(stack):
        digest.update(f"\0{path}\0".encode())
        try:
            digest.update(path.read_bytes())
        except OSError:  # the plan reports the missing file; nothing to cache by
            digest.update(b"\0missing")
    return digest.hexdigest()


class PlanCache:
    """Recorded plans, and the policy pack's default review of each (what ``review`` compares)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or default_folder()

    def _path(self, digest: str, kind: str = "plan") -> Path:
        return self.folder / "plans" / digest[:2] / f"{digest}.{kind}.pickle"

    def get(self, stack: LoadedStack) -> Plan | None:
        plan = self._read(self._path(key(stack)))
        return plan if isinstance(plan, Plan) else None

    def put(self, stack: LoadedStack, plan: Plan) -> None:
        self._write(self._path(key(stack)), plan)

    def get_findings(self, stack: LoadedStack) -> list | None:
        """The default review of the stack's plan (the pack's source is part of the key)."""
        findings = self._read(self._path(key(stack), "findings"))
        return findings if isinstance(findings, list) else None

    def put_findings(self, stack: LoadedStack, findings: list) -> None:
        self._write(self._path(key(stack), "findings"), findings)

    @staticmethod
    def _read(path: Path) -> object:
        try:
            with open(path, "rb") as handle:
                return pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            return None

    @staticmethod
    def _write(path: Path, value: object) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".tmp-", delete=False) as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(handle.name, path)
        except OSError:
            pass  # a cache that cannot be written is only slower
