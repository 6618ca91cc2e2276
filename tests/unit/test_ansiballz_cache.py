"""The test suite's shared AnsiballZ payload cache (tests/harness/ansiballz_cache.py): runs of the same sources
share one directory, an edited module or module_utils file starts another, and a run's link into it leaves the
shared payloads in place when ansible-core removes its temporary directory."""

import os
import pathlib
import shutil
import subprocess
import sys
import types

HARNESS = pathlib.Path(__file__).resolve().parents[1] / "harness"
sys.path.insert(0, str(HARNESS))

import ansiballz_cache  # noqa: E402 - the harness module under test

# A Python that loads ansible.constants with the cache installed, as an ansible-playbook would, and prints
# where the run's payload cache leads.
LOAD_CONSTANTS = """
import os, sys
sys.path.insert(0, {harness!r})
import ansiballz_cache
ansiballz_cache.install({cache!r})
import ansible.constants as C
print(os.path.realpath(os.path.join(C.DEFAULT_LOCAL_TMP, "ansiballz_cache")))
"""


def _collection(tmp_path, module_source="def main():\n    pass\n"):
    root = tmp_path / "collections" / "ansible_collections" / "acme" / "things"
    (root / "plugins" / "modules").mkdir(parents=True, exist_ok=True)
    (root / "plugins" / "module_utils").mkdir(parents=True, exist_ok=True)
    (root / "plugins" / "modules" / "thing.py").write_text(module_source)
    (root / "plugins" / "module_utils" / "helpers.py").write_text("VALUE = 1\n")
    return root


def test_the_key_changes_with_a_module_or_a_module_util_and_nothing_else(tmp_path):
    root = _collection(tmp_path)
    paths = [str(tmp_path / "collections")]
    first = ansiballz_cache.sources_key(paths, "2.19.0")
    assert ansiballz_cache.sources_key(paths, "2.19.0") == first
    (root / "README.md").write_text("not part of any payload\n")
    assert ansiballz_cache.sources_key(paths, "2.19.0") == first

    (root / "plugins" / "module_utils" / "helpers.py").write_text("VALUE = 2\n")
    edited_util = ansiballz_cache.sources_key(paths, "2.19.0")
    assert edited_util != first
    (root / "plugins" / "modules" / "thing.py").write_text("def main():\n    return 1\n")
    edited_module = ansiballz_cache.sources_key(paths, "2.19.0")
    assert edited_module not in (first, edited_util)
    assert ansiballz_cache.sources_key(paths, "2.20.0") != edited_module


def test_a_run_links_its_cache_into_the_shared_directory_and_its_cleanup_keeps_the_payloads(tmp_path):
    _collection(tmp_path)
    run_tmp = tmp_path / "ansible-local-1"
    run_tmp.mkdir()
    constants = types.SimpleNamespace(COLLECTIONS_PATHS=[str(tmp_path / "collections")],
                                      DEFAULT_LOCAL_TMP=str(run_tmp))
    shared = ansiballz_cache.share_run_cache(constants, str(tmp_path / "cache"))
    link = run_tmp / "ansiballz_cache"
    assert link.is_symlink() and os.path.realpath(link) == os.path.realpath(shared)
    (link / "acme.things.thing-ZIP_DEFLATED-none").write_bytes(b"payload")

    shutil.rmtree(run_tmp)  # what ansible-core does at exit
    assert (pathlib.Path(shared) / "acme.things.thing-ZIP_DEFLATED-none").read_bytes() == b"payload"


def test_ansible_constants_loaded_with_the_cache_installed_leads_to_the_shared_directory(tmp_path):
    _collection(tmp_path)
    cache = tmp_path / "cache"
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(tmp_path / "collections"),
               ANSIBLE_LOCAL_TEMP=str(tmp_path / "local"))
    env.pop("RADIANT_ANSIBALLZ_CACHE", None)
    script = LOAD_CONSTANTS.format(harness=str(HARNESS), cache=str(cache))
    runs = [subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
            for _attempt in range(2)]
    targets = [run.stdout.strip() for run in runs]
    assert targets[0] == targets[1]
    assert pathlib.Path(targets[0]).parent == cache.resolve()
    assert not any("not shared" in run.stderr for run in runs)
