# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn the diff of a check-mode run into drift findings, so every verify.yml reports alike."""

DOCUMENTATION = r"""
name: drift_findings
short_description: Drift findings from the before/after diff of a check-mode module run
version_added: 0.1.0
description:
  - Takes a module result registered with C(check_mode=true) and C(diff=true) and returns one finding per
    value that differs between C(diff.before) (what AWS has) and C(diff.after) (what the onboarding wants),
    as the items of the shared C(radiant_drift) list - C(account), C(region), C(phase), C(resource), C(field),
    C(expected), C(actual).
  - Dictionaries are compared key by key and lists of dictionaries with a C(name) key (protection plans,
    additional configuration) item by item, so a finding names the exact field, for example
    V(features.S3_DATA_EVENTS.status). Other values are compared whole.
  - A result that changed without a diff gives one finding for the whole resource.
options:
  _input:
    description: The registered module result.
    type: dict
    required: true
  account:
    description: The account the resource lives in.
    type: str
  region:
    description: The region (empty for global resources).
    type: str
  phase:
    description: The onboarding phase (role) that owns the resource.
    type: str
  resource:
    description: What the resource is, for example V(detector) or V(bucket example-guardduty-radiantsecurity).
    type: str
  ignore:
    description: Field names (at any depth) never reported, for example timestamps.
    type: list
    elements: str
author:
  - Radiant Security onboarding engineers
"""

EXAMPLES = r"""
- name: Record how the detector drifted
  ansible.builtin.set_fact:
    radiant_drift: >-
      {{ radiant_drift | default([]) + (detector_check | radiant.aws_onboarding.drift_findings(
           account=admin_id, region=region, phase='guardduty_org', resource='detector')) }}
"""

RETURN = r"""
_value:
  description: The findings, each with C(account), C(region), C(phase), C(resource), C(field), C(expected), C(actual).
  type: list
  elements: dict
"""

DEFAULT_IGNORED = ("updated_at", "created_at")


def _by_name(value):
    """A list of dicts that all carry 'name' compares item by item; anything else compares whole."""
    if isinstance(value, list) and value and all(isinstance(item, dict) and "name" in item for item in value):
        return dict((item["name"], dict((k, v) for k, v in item.items() if k != "name")) for item in value)
    return value


def _differences(before, after, path, ignored):
    before, after = _by_name(before), _by_name(after)
    if isinstance(before, dict) and isinstance(after, dict):
        found = []
        for key in sorted(set(before) | set(after), key=str):
            if key in ignored:
                continue
            child = "{0}.{1}".format(path, key) if path else str(key)
            found.extend(_differences(before.get(key), after.get(key), child, ignored))
        return found
    if before == after:
        return []
    return [(path or "(resource)", after, before)]


def _whole_resource(base, phase):
    return dict(base, field="(resource)", expected="as configured by {0}".format(phase or "the onboarding"),
                actual="differs")


def drift_findings(result, account="", region="", phase="", resource="", ignore=None):
    if not isinstance(result, dict) or not result.get("changed"):
        return []
    base = {"account": account, "region": region, "phase": phase, "resource": resource}
    diff = result.get("diff")
    if isinstance(diff, list):  # Ansible lists diffs of looped or multi-diff results
        diff = diff[0] if len(diff) == 1 else None
    if not isinstance(diff, dict) or ("before" not in diff and "after" not in diff):
        return [_whole_resource(base, phase)]
    ignored = set(DEFAULT_IGNORED) | set(ignore or [])
    before = diff.get("before")
    after = diff.get("after")
    if before in (None, {}, "") and after not in (None, {}, ""):
        return [dict(base, field="(resource)", expected="present", actual="missing")]
    if after in (None, {}, "") and before not in (None, {}, ""):
        return [dict(base, field="(resource)", expected="absent", actual="present")]
    findings = [dict(base, field=field, expected=expected, actual=actual)
                for field, expected, actual in _differences(before, after, "", ignored)]
    if not findings:  # changed, but nothing visible in the diff: still drift
        findings.append(_whole_resource(base, phase))
    return findings


class FilterModule(object):
    def filters(self):
        return {"drift_findings": drift_findings}
