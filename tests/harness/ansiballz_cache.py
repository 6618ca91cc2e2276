"""A payload cache shared by every ansible-playbook of the test suite: the suite's ccache for AnsiballZ.

To run a module, the controller builds its AnsiballZ payload: it parses the module and every
module_utils file it imports (recursively, with ``ast``) and zips them. ansible-core caches the
payload only for the run (under its ``ansible-local-*`` directory), so every ansible-playbook
builds again each module it uses: 0.3-0.5 s of CPU a module, about a seventh of an onboarding's
CPU (py-spy, docs/testing.md). The test suite runs hundreds of playbooks over the same sources, so
it keeps ansible-core's cache directory for all of them: ``ansiballz_cache`` inside each run's
local temporary directory becomes a link to a directory of this cache.

That directory is named after everything a payload is built from: the Python and ansible-core
versions, the ``ansible`` package's version (amazon.aws, community.aws and the other bundled
collections), and the text of every module and module_utils file of the collections on
``COLLECTIONS_PATHS`` (this checkout). An edit to any of them starts a new directory, so a payload
is always built from the sources it would be built from now. Modules outside a collection (a play's
``library/``) are not in the digest: the test suite has none. ansible-core's own locking (one
builder per payload, written whole then renamed) keeps concurrent runs safe.

Only the test suite uses it: the test venv's ``radiant-test-caches.pth`` (Makefile) installs it in a
Python started with RADIANT_ANSIBALLZ_CACHE set (scripts/integration.sh and scripts/molecule.sh set
it). Benchmarks, the demo and users' runs build their payloads as ansible-core does.
"""

import hashlib
import importlib.abc
import importlib.util
import os
import sys

_CONSTANTS = "ansible.constants"
# ansible-core keeps the run's payloads here, inside C.DEFAULT_LOCAL_TMP (executor/module_common.py).
_RUN_CACHE_NAME = "ansiballz_cache"
_PAYLOAD_SOURCES = (os.path.join("plugins", "modules"), os.path.join("plugins", "module_utils"))


def _installed_version(distribution):
    try:
        from importlib.metadata import PackageNotFoundError, version
    except ImportError:  # pragma: no cover - Python < 3.8
        return ""
    try:
        return version(distribution)
    except PackageNotFoundError:
        return ""


def _collection_roots(collections_paths):
    """Each collection directory (``ansible_collections/<namespace>/<name>``) on the given paths."""
    for base in collections_paths:
        top = os.path.join(base, "ansible_collections")
        for namespace in sorted(os.listdir(top)) if os.path.isdir(top) else ():
            namespace_dir = os.path.join(top, namespace)
            for name in sorted(os.listdir(namespace_dir)) if os.path.isdir(namespace_dir) else ():
                yield os.path.join(namespace_dir, name)


def sources_key(collections_paths, ansible_version):
    """A digest of everything the payloads are built from (see the module's docstring)."""
    digest = hashlib.sha256()
    for part in (sys.version, ansible_version, _installed_version("ansible")):
        digest.update(part.encode("utf-8") + b"\0")
    for root in _collection_roots(collections_paths):
        for sources in _PAYLOAD_SOURCES:
            for directory, subdirectories, files in os.walk(os.path.join(root, sources), followlinks=True):
                subdirectories.sort()
                for name in sorted(files):
                    path = os.path.join(directory, name)
                    digest.update(os.path.relpath(path, root).encode("utf-8") + b"\0")
                    with open(path, "rb") as source:
                        digest.update(hashlib.sha256(source.read()).digest())
    return digest.hexdigest()[:32]


def share_run_cache(constants, directory):
    """Link the run's payload cache to the shared directory for the current sources."""
    from ansible.release import __version__ as ansible_core_version

    shared = os.path.join(directory, sources_key(constants.COLLECTIONS_PATHS, ansible_core_version))
    os.makedirs(shared, exist_ok=True)
    # ansible-core removes its local temporary directory at exit; removing a link leaves its target.
    os.symlink(shared, os.path.join(constants.DEFAULT_LOCAL_TMP, _RUN_CACHE_NAME))
    return shared


class _AfterConstants(importlib.abc.MetaPathFinder):
    """Runs share_run_cache once ``ansible.constants`` (which creates the run's temporary directory) is loaded."""

    def __init__(self, directory):
        self.directory = directory

    def find_spec(self, fullname, path, target=None):
        if fullname != _CONSTANTS:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None:
            return spec
        load = spec.loader.exec_module
        directory = self.directory

        def exec_module(module):
            load(module)
            try:
                share_run_cache(module, directory)
            except (OSError, AttributeError, ImportError) as e:
                # The run builds its payloads as usual; say why once.
                sys.stderr.write("ansiballz_cache: not shared ({0})\n".format(e))

        spec.loader.exec_module = exec_module
        return spec


def install(directory):
    """Share the payloads of every ansible-playbook this Python becomes under ``directory`` (once per process)."""
    if not any(isinstance(finder, _AfterConstants) for finder in sys.meta_path):
        sys.meta_path.insert(0, _AfterConstants(os.path.abspath(directory)))
