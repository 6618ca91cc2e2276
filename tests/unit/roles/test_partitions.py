"""No role or playbook writes an ARN of the aws partition: ARNs come from radiant_partition (the
caller's partition) through the arn filter, and every policy a role builds is built in it."""

import glob
import os
import re

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
# Builders whose documents name no ARN of the customer's partition (Radiant's own principal, the
# role ARNs given, or Sids only).
NO_PARTITION = ("radiant_trust_policy", "cross_account_reader_trust_policy", "guardduty_export_stale_statements")
# Documentation (README, argument_specs) may quote ARNs; task files, defaults and playbooks may not.


def task_files():
    files = glob.glob(os.path.join(ROOT, "roles", "*", "tasks", "*.yml"))
    files += glob.glob(os.path.join(ROOT, "roles", "*", "defaults", "*.yml"))
    files += glob.glob(os.path.join(ROOT, "playbooks", "*.yml"))
    return sorted(files)


@pytest.mark.parametrize("path", task_files(), ids=lambda path: os.path.relpath(path, ROOT))
def test_no_arn_of_the_aws_partition_is_written_out(path):
    lines = [number for number, line in enumerate(open(path).read().splitlines(), 1)
             if "arn:aws:" in line and not line.lstrip().startswith("#")]
    assert lines == [], "{0}: arn:aws: on lines {1}; use radiant_partition | radiant.aws_onboarding.arn(...)".format(
        path, lines)


@pytest.mark.parametrize("path", task_files(), ids=lambda path: os.path.relpath(path, ROOT))
def test_every_policy_a_role_builds_is_built_in_the_callers_partition(path):
    text = open(path).read()
    missing = []
    for call in re.finditer(r"'(\w+)' \| radiant\.aws_onboarding\.radiant_policy\(", text):
        depth, end = 1, call.end()
        while depth:
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            end += 1
        if call.group(1) not in NO_PARTITION and "partition=radiant_partition" not in text[call.end():end]:
            missing.append(call.group(1))
    assert missing == []
