"""Build an MWAA plugins.zip that carries the wheels its requirements.txt installs offline.

    python scripts/build_plugins.py environments/files/prod-data/plugins-wheels.txt \
        environments/files/prod-data/plugins.zip

The wheels file pins one ``name==version`` per line; each is downloaded from PyPI as a wheel for
MWAA's platform (Amazon Linux, x86_64, CPython 3.11 for Airflow 2.10.3:
https://docs.aws.amazon.com/mwaa/latest/userguide/best-practices-dependencies.html), without
dependencies (a dependency that is not preinstalled must be pinned in the file too). The zip
holds the wheels and ``constraints.txt`` (the pins), at its root, where MWAA unpacks it to
/usr/local/airflow/plugins. Same inputs, same bytes: entries are sorted and dated 1980-01-01.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

EPOCH = (1980, 1, 1, 0, 0, 0)


def pins(path: Path) -> list[str]:
    lines = [line.split("#", 1)[0].strip() for line in path.read_text().splitlines()]
    found = [line for line in lines if line]
    bad = [line for line in found if "==" not in line]
    if bad:
        raise SystemExit(f"{path}: pin every wheel as name==version: {', '.join(bad)}")
    return found


def download(requirements: list[str], into: Path, python_version: str, platform: str) -> list[Path]:
    command = [
        sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
        "--python-version", python_version, "--platform", platform, "--dest", str(into), *requirements,
    ]
    subprocess.run(command, check=True)
    return sorted(into.glob("*.whl"))


def write_zip(out: Path, wheels: list[Path], constraints: str) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        entries = [("constraints.txt", constraints.encode())] + [(wheel.name, wheel.read_bytes()) for wheel in wheels]
        for name, data in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=EPOCH)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("wheels", type=Path, help="file of name==version pins")
    parser.add_argument("out", type=Path, help="plugins.zip to write")
    parser.add_argument("--python-version", default="3.11")
    parser.add_argument("--platform", default="manylinux2014_x86_64")
    args = parser.parse_args(argv)
    requirements = pins(args.wheels)
    with tempfile.TemporaryDirectory() as tmp:
        wheels = download(requirements, Path(tmp), args.python_version, args.platform)
        write_zip(args.out, wheels, "".join(f"{pin}\n" for pin in requirements))
    print(f"wrote {args.out}: {len(wheels)} wheels and constraints.txt")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
