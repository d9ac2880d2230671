"""The specs as they are at a git ref, copied into a temporary folder; the work tree is never touched.

What is copied: every file under the named spec folders and the folders of the named spec files (so
the local files a spec names, usually beside it, come along), the ``_defaults.yaml`` of each folder above them up to
the repository root, and ``Pulumi.yaml``. A spec that names a file outside these folders finds it
missing, and the review says so.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path, PurePosixPath

from mwaaform.spec.loader import DEFAULTS_FILE, UsageError


def _git(args: Sequence[str], cwd: Path) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError as exc:
        raise UsageError("--base needs git, and git is not installed") from exc
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise UsageError(f"git {' '.join(args[:2])}: {message[-1] if message else 'failed'}")
    return done.stdout


def repository_root(cwd: Path | None = None) -> Path:
    where = cwd or Path.cwd()
    try:
        return Path(_git(["rev-parse", "--show-toplevel"], where).decode().strip())
    except UsageError as exc:
        raise UsageError(f"--base needs a git repository: {where} is not in one ({exc})") from None


def repository_paths(paths: Sequence[str], root: Path) -> list[str]:
    """``paths`` (relative to the working folder) relative to the repository root, POSIX style."""
    found = []
    for raw in paths:
        absolute = (Path.cwd() / raw).resolve()
        try:
            found.append(absolute.relative_to(root.resolve()).as_posix() or ".")
        except ValueError:
            raise UsageError(f"{raw} is outside the git repository {root}") from None
    return found


def _tree(ref: str, root: Path) -> dict[str, str]:
    """Every file at ``ref``: path -> blob id."""
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], root)
    except UsageError:
        raise UsageError(f"--base {ref}: no such commit, branch or tag in {root} (a shallow clone may need `git fetch` of it)") from None
    listing = _git(["ls-tree", "-r", "-z", "--full-tree", ref], root).decode()
    files = {}
    for entry in filter(None, listing.split("\0")):
        meta, path = entry.split("\t", 1)
        mode, kind, blob = meta.split()
        if kind == "blob" and mode != "120000":  # symlinks are not followed
            files[path] = blob
    return files


def _wanted(files: dict[str, str], paths: Sequence[str]) -> list[str]:
    chosen: set[str] = set()
    for path in paths:
        # A spec file brings its whole folder: the local files it names are usually beside it.
        folder = PurePosixPath(path).parent if path in files else PurePosixPath(path)
        prefix = "" if str(folder) == "." else folder.as_posix() + "/"
        chosen.update(p for p in files if p.startswith(prefix))
        for parent in (folder, *folder.parents):
            candidate = (parent / DEFAULTS_FILE).as_posix().removeprefix("./")
            if candidate in files:
                chosen.add(candidate)
    if "Pulumi.yaml" in files:
        chosen.add("Pulumi.yaml")
    return sorted(chosen)


@contextlib.contextmanager
def checkout(ref: str, paths: Sequence[str], root: Path) -> Iterator[tuple[Path, list[str]]]:
    """A temporary folder holding ``paths`` (repository-relative) as they are at ``ref``.

    Yields the folder and the paths that exist at ``ref`` (a spec folder or file added since then
    does not: everything in it is new).
    """
    files = _tree(ref, root)
    existing = [p for p in paths if p == "." or p in files or any(f.startswith(p.rstrip("/") + "/") for f in files)]
    with tempfile.TemporaryDirectory(prefix="mwaaform-base-") as folder:
        base = Path(folder)
        # The loader looks for stage defaults up to the project root; this marks it.
        (base / ".git").write_text("")
        wanted = _wanted(files, existing)
        if wanted:
            for path, content in zip(wanted, _read_blobs([files[p] for p in wanted], root), strict=True):
                target = base / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
        yield base, existing


def _read_blobs(blobs: Sequence[str], root: Path) -> list[bytes]:
    """The contents of ``blobs``, read in one ``git cat-file --batch``."""
    done = subprocess.run(["git", "cat-file", "--batch"], cwd=root, input=("\n".join(blobs) + "\n").encode(), capture_output=True, check=False)
    if done.returncode != 0:
        raise UsageError(f"git cat-file: {done.stderr.decode(errors='replace').strip() or 'failed'}")
    out, contents, at = done.stdout, [], 0
    for _ in blobs:
        header_end = out.index(b"\n", at)
        size = int(out[at:header_end].split()[2])
        start = header_end + 1
        contents.append(out[start : start + size])
        at = start + size + 1
    return contents


@contextlib.contextmanager
def working_folder(folder: Path) -> Iterator[None]:
    """Run with ``folder`` as the working folder (plans record file paths relative to it)."""
    previous = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(previous)
