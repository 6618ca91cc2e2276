"""Every plugin's ``version_added`` (and its options') names a version of this collection that exists: one
released in changelogs/changelog.yaml or the one galaxy.yml is about to release, never a later one.
antsibull-changelog lists a plugin as new in the release its version_added names."""

import ast
import importlib
import os

import pytest
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PLUGINS = os.path.join(ROOT, "plugins")
# Plugin types whose files carry documentation (action plugins are documented by their module).
DOCUMENTED = ("modules", "inventory", "filter", "lookup", "test", "callback", "connection")


def version_tuple(version):
    return tuple(int(part) for part in str(version).split("."))


def known_versions():
    with open(os.path.join(ROOT, "galaxy.yml"), encoding="utf-8") as handle:
        current = str(yaml.safe_load(handle)["version"])
    with open(os.path.join(ROOT, "changelogs", "changelog.yaml"), encoding="utf-8") as handle:
        released = set(str(version) for version in (yaml.safe_load(handle).get("releases") or {}))
    return current, released | {current}


def documentation(path):
    """The DOCUMENTATION of a plugin file (Python constant or YAML sidecar), or None."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if path.endswith(".yml"):
        return (yaml.safe_load(text) or {}).get("DOCUMENTATION")
    for node in ast.parse(text).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "DOCUMENTATION" for t in node.targets):
            return yaml.safe_load(node.value.value)
    return None


def documented_plugins():
    found = []
    for kind in DOCUMENTED:
        folder = os.path.join(PLUGINS, kind)
        if not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            if name.endswith((".py", ".yml")) and name != "__init__.py":
                found.append(os.path.join(kind, name))
    return found


def version_fields(doc, where="plugin"):
    """(where, version_added) for the plugin and every option at any depth."""
    yield where, doc.get("version_added")
    for name, option in (doc.get("options") or doc.get("suboptions") or {}).items():
        if isinstance(option, dict):
            for inner in version_fields(option, where + " option " + name):
                if inner[1] is not None:
                    yield inner


def test_plugins_are_found():
    plugins = documented_plugins()
    assert "modules/guardduty_detector.py" in plugins and "filter/drift_report_html.yml" in plugins


@pytest.mark.parametrize("relative", documented_plugins())
def test_version_added_names_a_version_of_this_collection(relative):
    current, versions = known_versions()
    doc = documentation(os.path.join(PLUGINS, relative))
    if doc is None:
        # A filter file holding several filters is documented by a YAML file per filter.
        assert relative.startswith("filter/") and relative.endswith(".py"), relative + " has no DOCUMENTATION"
        module = importlib.import_module("ansible_collections.radiant.aws_onboarding.plugins.filter."
                                         + os.path.basename(relative)[:-3])
        for name in module.FilterModule().filters():
            assert os.path.exists(os.path.join(PLUGINS, "filter", name + ".yml")), name + " has no documentation"
        return
    assert doc.get("version_added") is not None, relative + ": no version_added"
    for where, version in version_fields(doc):
        assert str(version) in versions, (
            "{0}: {1} says version_added {2}, but this collection's versions are {3} (galaxy.yml: {4})".format(
                relative, where, version, sorted(versions, key=version_tuple), current))
        assert version_tuple(version) <= version_tuple(current)
