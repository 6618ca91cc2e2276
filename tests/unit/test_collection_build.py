"""``ansible-galaxy collection build`` makes a clean artifact from a working checkout.

The checkout's files (what git knows) are copied to a temporary directory and dirtied the
way a developer's tree gets dirty (venv, build output, caches, demo files, test output);
the tarball must carry the collection and none of that.
"""

import json
import os
import shutil
import subprocess
import sys
import tarfile

import pytest
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ANSIBLE_GALAXY = os.path.join(os.path.dirname(sys.executable), "ansible-galaxy")

# What a working tree collects that must never ship (path -> content).
CLUTTER = {
    ".venv/bin/python": "",
    "venv/lib/site.py": "",
    "build/collections/ansible_collections/radiant/README": "",
    "build/sanity/ansible_collections/radiant/aws_onboarding/galaxy.yml": "",
    "tests/output/junit/result.xml": "",
    "demo/accounts.yml": "---\n",
    ".git/HEAD": "ref: refs/heads/main\n",
    ".pytest_cache/v/cache/lastfailed": "{}",
    ".ruff_cache/CACHEDIR.TAG": "",
    "plugins/module_utils/__pycache__/common.cpython-311.pyc": "",
    "tests/emulator/radiant_emulator.egg-info/PKG-INFO": "",
    ".ansible/collections/README": "",
    "playbooks/onboard.retry": "",
    "radiant-aws_onboarding-0.0.1.tar.gz": "",
}
FORBIDDEN_PREFIXES = (
    ".venv/", "venv/", "build/", "tests/output/", "demo/", ".git/", ".pytest_cache/",
    ".ruff_cache/", ".ansible/", "tests/emulator/radiant_emulator.egg-info/",
)


def _git_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, check=True, capture_output=True
    ).stdout.decode()
    return [path for path in listed.split("\0") if path and os.path.isfile(os.path.join(ROOT, path))]


@pytest.fixture(scope="module")
def artifact(tmp_path_factory):
    source = tmp_path_factory.mktemp("checkout")
    for path in _git_files():
        os.makedirs(source / os.path.dirname(path), exist_ok=True)
        shutil.copy2(os.path.join(ROOT, path), source / path)
    for path, content in CLUTTER.items():
        os.makedirs(source / os.path.dirname(path), exist_ok=True)
        (source / path).write_text(content)
    output = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [ANSIBLE_GALAXY, "collection", "build", "--output-path", str(output), str(source)],
        check=True, capture_output=True,
    )
    with open(os.path.join(ROOT, "galaxy.yml"), encoding="utf-8") as handle:
        galaxy = yaml.safe_load(handle)
    tarball = output / f"{galaxy['namespace']}-{galaxy['name']}-{galaxy['version']}.tar.gz"
    with tarfile.open(tarball) as archive:
        members = {member.name: member for member in archive.getmembers()}
        manifest = json.load(archive.extractfile("MANIFEST.json"))
    return galaxy, members, manifest


def test_artifact_carries_the_galaxy_metadata(artifact):
    galaxy, members, manifest = artifact
    info = manifest["collection_info"]
    assert "FILES.json" in members
    assert (info["namespace"], info["name"], info["version"]) == (
        galaxy["namespace"], galaxy["name"], galaxy["version"]
    )
    assert info["dependencies"] == galaxy["dependencies"]
    assert set(info["dependencies"]) == {"amazon.aws", "community.aws"}
    assert info["license"] == ["GPL-3.0-or-later"]


def test_artifact_carries_the_collection_content(artifact):
    _galaxy, members, _manifest = artifact
    for required in ("meta/runtime.yml", "plugins/module_utils/common.py", "README.md", "LICENSE"):
        assert required in members, required
    # Every plugin, role, playbook and doc of the checkout ships.
    shipped = [path for path in _git_files() if path.startswith(("plugins/", "roles/", "playbooks/", "docs/", "meta/"))]
    assert any(path.startswith("plugins/modules/") for path in shipped)
    missing = [path for path in shipped if path not in members]
    assert missing == []


def test_artifact_carries_no_clutter(artifact):
    _galaxy, members, _manifest = artifact
    offending = sorted(
        name for name in members
        if name.startswith(FORBIDDEN_PREFIXES)
        or "__pycache__" in name.split("/")
        or name.endswith((".pyc", ".retry", ".tar.gz"))
        or ".egg-info" in name
    )
    assert offending == []
    assert not any(member.issym() for member in members.values()), "symlinks in the artifact"
