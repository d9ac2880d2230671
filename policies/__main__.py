"""CrossGuard entry point: `pulumi preview --policy-pack policies`.

The CLI runs ``python -m pulumi.policy ENGINE_ADDRESS .`` in the pack's folder, and a published
pack is installed under a folder named after the pack and its version: so this file loads its
own folder as a package under a fixed name, whatever the folder is called, and the rule modules
import each other relatively.

Constructing a PolicyPack starts the analyzer server and never returns, so this is the only
module that does it.
"""

import importlib
import importlib.util
import sys
from pathlib import Path

PACKAGE = "mwaaform_policy_pack"


def _load_package(folder: Path):
    spec = importlib.util.spec_from_file_location(PACKAGE, folder / "__init__.py", submodule_search_locations=[str(folder)])
    package = importlib.util.module_from_spec(spec)
    sys.modules[PACKAGE] = package
    spec.loader.exec_module(package)
    return importlib.import_module(f"{PACKAGE}.pack")


if __name__ == "__main__":
    from pulumi_policy import PolicyPack

    pack = _load_package(Path(__file__).resolve().parent)
    PolicyPack(name=pack.NAME, policies=pack.policies())
