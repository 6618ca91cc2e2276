"""execution-environment.yml builds its context offline, and the context holds what the build needs.

ansible-builder's ``create`` writes the Containerfile and the ``_build`` directory that
``podman build`` / ``docker build`` consume. The test runs it with every proxy pointing at a
closed port (any network access fails), then checks the context the way the build will use it:
the collection tarball where the Galaxy requirements say, the dependency ranges galaxy.yml
declares, ansible-core pinned as in requirements/runtime.txt, and ansible-builder's own
introspection finding the collection's Python and system requirements inside the tarball.
"""

import os
import re
import shutil
import subprocess
import sys
import tarfile

import pytest
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.path.dirname(sys.executable)
OFFLINE = {
    **os.environ,
    "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9",
    "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9", "no_proxy": "",
}


def _read_yaml(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _pins(path):
    pins = {}
    with open(path, encoding="utf-8") as handle:
        for raw in handle:
            line = raw.split("#", 1)[0].strip()
            if "==" in line:
                name, version = line.split("==", 1)
                pins[name.strip().lower()] = version.strip()
    return pins


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    checkout = tmp_path_factory.mktemp("checkout")
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, check=True, capture_output=True
    ).stdout.decode()
    for path in filter(None, listed.split("\0")):
        if os.path.isfile(os.path.join(ROOT, path)):
            os.makedirs(checkout / os.path.dirname(path), exist_ok=True)
            shutil.copy2(os.path.join(ROOT, path), checkout / path)
    # What 'make ee' does before ansible-builder: the collection tarball under its unversioned name.
    dist = checkout / "build" / "dist"
    subprocess.run(
        [os.path.join(BIN, "ansible-galaxy"), "collection", "build", "--output-path", str(dist), str(checkout)],
        check=True, capture_output=True, env=OFFLINE,
    )
    (built,) = dist.glob("radiant-aws_onboarding-*.tar.gz")
    shutil.copy(built, dist / "radiant-aws_onboarding.tar.gz")
    build_context = tmp_path_factory.mktemp("ee")
    subprocess.run(
        [os.path.join(BIN, "ansible-builder"), "create", "-f", str(checkout / "execution-environment.yml"),
         "-c", str(build_context), "--output-filename", "Containerfile"],
        check=True, capture_output=True, cwd=checkout, env=OFFLINE,
    )
    return checkout, build_context


def test_definition_is_version_3_with_pinned_core_and_runner(context):
    checkout = context[0]
    definition = _read_yaml(checkout / "execution-environment.yml")
    assert definition["version"] == 3
    runtime = _pins(os.path.join(ROOT, "requirements", "runtime.txt"))
    assert definition["dependencies"]["ansible_core"]["package_pip"] == f"ansible-core=={runtime['ansible-core']}"
    assert re.fullmatch(r"ansible-runner==\d+\.\d+\.\d+", definition["dependencies"]["ansible_runner"]["package_pip"])


def test_containerfile_installs_the_pinned_core(context):
    build_context = context[1]
    containerfile = (build_context / "Containerfile").read_text()
    runtime = _pins(os.path.join(ROOT, "requirements", "runtime.txt"))
    assert f"ansible-core=={runtime['ansible-core']}" in containerfile
    assert "ansible-galaxy collection install" in containerfile
    assert "introspect.py introspect" in containerfile


def test_galaxy_requirements_match_galaxy_yml_and_point_into_the_context(context):
    build_context = context[1]
    requirements = _read_yaml(build_context / "_build" / "requirements.yml")["collections"]
    galaxy = _read_yaml(os.path.join(ROOT, "galaxy.yml"))
    by_name = {entry["name"]: entry for entry in requirements}
    for name, version in galaxy["dependencies"].items():
        assert by_name[name]["version"] == version, name
    local = [entry for entry in requirements if entry.get("type") == "file"]
    assert len(local) == 1
    # The Containerfile copies _build to /build before 'ansible-galaxy collection install'.
    in_context = build_context / "_build" / os.path.relpath(local[0]["name"], "/build")
    with tarfile.open(in_context) as archive:
        names = set(archive.getnames())
    assert {"MANIFEST.json", "meta/runtime.yml", "meta/execution-environment.yml",
            "requirements/python.txt", "bindep.txt"} <= names


def test_builder_introspection_finds_the_collection_requirements(context, tmp_path):
    build_context = context[1]
    collections = tmp_path / "ansible_collections" / "radiant" / "aws_onboarding"
    collections.mkdir(parents=True)
    with tarfile.open(build_context / "_build" / "collections" / "radiant-aws_onboarding.tar.gz") as archive:
        archive.extractall(collections, filter="data")
    pip_out, bindep_out = tmp_path / "requirements.txt", tmp_path / "bindep.txt"
    subprocess.run(
        [sys.executable, str(build_context / "_build" / "scripts" / "introspect.py"), "introspect", str(tmp_path),
         "--write-pip", str(pip_out), "--write-bindep", str(bindep_out)],
        check=True, capture_output=True, env=OFFLINE,
    )
    python = _pins(os.path.join(ROOT, "requirements", "python.txt"))
    assert python, "requirements/python.txt pins nothing"
    written = pip_out.read_text()
    for name, version in python.items():
        assert re.search(rf"^{re.escape(name)}=={re.escape(version)}\s+# from collection radiant\.aws_onboarding",
                         written, re.MULTILINE | re.IGNORECASE), written
    assert "python3-venv [platform:dpkg]" in bindep_out.read_text()
