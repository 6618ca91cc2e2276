"""No reference leaves the repository: the product specification is cited through docs/requirements.md's
sections, never by the numbers of files the repository does not hold ("seed 000".."seed 004") nor by a
design page outside it (DESIGN.md). docs/requirements.md names the numbered specification only on its
"Source:" lines, and every section a reference names exists there."""

import pathlib
import re
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
REQUIREMENTS = "docs/requirements.md"
OUTSIDE_REFERENCE = re.compile(r"(?i:\bseeds? 00[0-4]\b|\bthe seeds'|\bthe seeds name\b)|(?<![/\w])DESIGN\.md\b")
SECTION_REFERENCE = re.compile(r"docs/requirements\.md#([a-z0-9-]+)")
# Written by antsibull-changelog from changelogs/fragments/ and the roles' and plugins' documentation.
GENERATED = {"CHANGELOG.md", "changelogs/changelog.yaml", "changelogs/.plugin-cache.yaml"}


def tracked_files():
    output = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True).stdout
    names = [name for name in output.decode().split("\0") if name and (ROOT / name).is_file()]
    if not names:
        pytest.fail("git ls-files listed no file under {0}".format(ROOT))
    return names


def text_of(name):
    try:
        return (ROOT / name).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None


def outside_references(name, text):
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        if name == REQUIREMENTS and line.startswith("Source:"):
            continue
        if OUTSIDE_REFERENCE.search(line):
            found.append("{0}:{1}: {2}".format(name, number, line.strip()))
    return found


def test_no_reference_leaves_the_repository():
    found = []
    for name in tracked_files():
        if name in GENERATED or name == pathlib.Path(__file__).relative_to(
                ROOT).as_posix():
            continue
        text = text_of(name)
        if text is not None:
            found.extend(outside_references(name, text))
    assert not found, "cite docs/requirements.md's sections instead:\n" + "\n".join(found)


def test_the_check_finds_each_form_of_outside_reference():
    for line in ("GuardDuty (seed 000 step 10)", "Seed 004's CSV", "(seeds 000-004)", "see DESIGN.md, scale rule",
                 "the seeds' RS_CREDENTIAL_ID", "every resource the seeds name"):
        assert outside_references("roles/x/README.md", line), line
    assert not outside_references("roles/x/README.md", "GuardDuty (docs/requirements.md#guardduty)")
    assert not outside_references("README.md", "[docs/design.md](docs/design.md) is the map")
    assert not outside_references("tests/benchmarks/faults.py", "runs more seeds at 10% throttling")
    assert not outside_references(REQUIREMENTS, "Source: seed 000, \"Create and configure AWS CloudTrail\".")
    assert outside_references(REQUIREMENTS, "As seed 000 says, the trail is organization-wide.")


def test_every_cited_section_exists():
    anchors = set(re.findall(r'<a id="([a-z0-9-]+)"></a>', (ROOT / REQUIREMENTS).read_text(encoding="utf-8")))
    assert {"organization-trail", "guardduty", "findings-export", "sns-wiring", "radiant-iam-roles",
            "outside-accounts", "preflight", "verify", "handoff", "offboard"} <= anchors
    missing = []
    for name in tracked_files():
        text = text_of(name)
        if text is None:
            continue
        missing.extend("{0}: #{1}".format(name, anchor) for anchor in SECTION_REFERENCE.findall(text)
                       if anchor not in anchors)
    assert not missing, "no such section in docs/requirements.md:\n" + "\n".join(missing)
