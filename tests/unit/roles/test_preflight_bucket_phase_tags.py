"""preflight skips its bucket ownership check when the run's tags select no phase that writes to a bucket:
the tags it names must be onboard.yml's, or a renamed tag would turn the check off."""

import os

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def onboard_phase_tags():
    with open(os.path.join(ROOT, "playbooks", "onboard.yml")) as handle:
        plays = yaml.safe_load(handle)
    tags = {}

    def collect(tasks):
        for task in tasks:
            for section in ("block", "rescue", "always"):
                collect(task.get(section, []))
            role = (task.get("ansible.builtin.include_role") or {}).get("name", "")
            if role:
                tags.setdefault(role.rsplit(".", 1)[-1], set()).update(task.get("tags", []))

    for play in plays:
        collect(play.get("tasks", []))
    return tags


def test_every_bucket_phase_tag_selects_that_phase_in_onboard_yml():
    with open(os.path.join(ROOT, "roles", "preflight", "defaults", "main.yml")) as handle:
        bucket_tags = yaml.safe_load(handle)["preflight_bucket_phase_tags"]
    phases = onboard_phase_tags()
    # The phases that create, adopt or write to a bucket: the log buckets, and the findings bucket's notification.
    for phase in ("org_trail", "findings_export", "sns_wiring", "cross_account_logging"):
        assert phases[phase] & set(bucket_tags), "no tag of preflight_bucket_phase_tags runs {0}".format(phase)
    for tag in bucket_tags:
        assert any(tag in phase_tags for phase_tags in phases.values()), "{0} is no onboard.yml phase tag".format(tag)
    # The phases that write no bucket: their tags alone skip the check.
    for phase in ("guardduty_org", "radiant_iam", "handoff"):
        assert not phases[phase] & set(bucket_tags)
