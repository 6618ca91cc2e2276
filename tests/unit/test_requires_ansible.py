"""meta/runtime.yml claims no ansible-core that make test does not run: the lowest version requires_ansible
admits is the minor release of the ansible-core pinned in requirements/constraints.txt."""

import os
import re

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def test_requires_ansible_starts_at_the_tested_core():
    with open(os.path.join(ROOT, "meta", "runtime.yml"), encoding="utf-8") as handle:
        claim = yaml.safe_load(handle)["requires_ansible"]
    with open(os.path.join(ROOT, "requirements", "constraints.txt"), encoding="utf-8") as handle:
        tested = re.search(r"^ansible-core==(\d+)\.(\d+)\.\d+$", handle.read(), re.M)
    lowest = re.fullmatch(r">=(\d+)\.(\d+)\.0(,.*)?", claim.replace(" ", ""))
    assert tested and lowest, (claim, tested)
    assert lowest.group(1, 2) == tested.group(1, 2), (
        "meta/runtime.yml admits ansible-core {0}.{1}, but make test runs {2}.{3} only".format(
            *(lowest.group(1, 2) + tested.group(1, 2))))
