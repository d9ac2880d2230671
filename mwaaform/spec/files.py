"""Local files a spec names (requirements, plugins, startup script): where they may be, how big.

A spec is untrusted input: ``requirements: ../../../etc/passwd``, an absolute path or a symlink
out of the repository would otherwise have the plan upload that file to the DAG bucket. A local
file must therefore resolve, after symlinks, inside the spec's folder or the project root (the
nearest folder above the spec holding ``Pulumi.yaml`` or ``.git``), be a regular file, and stay
under a size limit. Every spec field that names a local file goes through :func:`check_local_file`.
"""

from __future__ import annotations

from pathlib import Path

# Our limits, not AWS's (MWAA documents none for these files): a requirements file or a startup
# script of more than a megabyte is a wrong file, and a plugins archive of gigabytes slows every
# plan (hashed) and every environment update (unpacked on each worker).
MAX_BYTES = {
    "requirements": 1_000_000,
    "startup_script": 1_000_000,
    "plugins": 500_000_000,
}
DEFAULT_MAX_BYTES = 1_000_000


def project_root(folder: Path) -> Path:
    """The nearest folder at or above ``folder`` holding ``Pulumi.yaml`` or ``.git``; else ``folder``."""
    folder = folder.resolve()
    for candidate in (folder, *folder.parents):
        if (candidate / "Pulumi.yaml").is_file() or (candidate / ".git").exists():
            return candidate
    return folder


def check_local_file(field: str, value: str, base_dir: Path) -> str | None:
    """The problem with the local file ``value`` named by ``field``, or None when it may be used."""
    if "\x00" in value:
        return f"{field} {value!r} is not a file name"
    if Path(value).is_absolute() or value.startswith("~"):
        return f"{field} must be a path relative to the spec file, not {value!r}"
    base = base_dir.resolve()
    root = project_root(base)
    path = base / value
    try:
        resolved = path.resolve(strict=True)
    except FileNotFoundError:
        return f"{field} file {value!r} not found (looked for {path})"
    except (OSError, RuntimeError) as exc:  # a symlink loop, a name too long
        return f"{field} file {value!r} cannot be read: {getattr(exc, 'strerror', None) or exc}"
    if not (resolved.is_relative_to(base) or resolved.is_relative_to(root)):
        return (
            f"{field} file {value!r} resolves to {resolved}, outside the spec's folder and the project "
            f"root ({root}): a spec may only name files of its project"
        )
    if not resolved.is_file():
        return f"{field} {value!r} is not a regular file"
    size = resolved.stat().st_size
    limit = MAX_BYTES.get(field, DEFAULT_MAX_BYTES)
    if size > limit:
        return f"{field} file {value!r} is {size:,} bytes, more than the {limit:,} allowed"
    return None
