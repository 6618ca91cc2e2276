"""unaccepted_invitations: only the outside accounts and Regions the administrator does not list Enabled."""

import pytest

from ansible_collections.radiant.aws_onboarding.plugins.filter.unaccepted_invitations import unaccepted_invitations

OUTSIDE = [{"account_id": "999000000001", "role_arn": "arn:aws:iam::999000000001:role/r"},
           {"account_id": 999000000002, "role_arn": "arn:aws:iam::999000000002:role/r"}]  # YAML may give an int


def region(statuses, ready=True, report="not_enabled"):
    """A guardduty_organization Region result whose members step lists these account -> status, the way the
    module reports it (``not_enabled``: the managed accounts, outside ones included, that are not Enabled) or
    with the members list alone."""
    members = [{"account_id": account_id, "relationship_status": status} for account_id, status in statuses.items()]
    managed = set(statuses) | set(str(account["account_id"]) for account in OUTSIDE)
    not_enabled = sorted(account_id for account_id in managed if statuses.get(account_id) != "Enabled")
    return {"ready": ready, "members": {"members": members, "not_enabled": not_enabled} if report == "not_enabled"
            else {"members": members}}


REPORTS = pytest.mark.parametrize("report", ["not_enabled", "members"])


@REPORTS
def test_every_member_enabled_everywhere_leaves_nothing_to_accept(report):
    everyone = {"999000000001": "Enabled", "999000000002": "Enabled", "111111111111": "Enabled"}
    regions = {name: region(everyone, report=report) for name in ("us-east-1", "eu-west-1")}
    assert unaccepted_invitations(regions, OUTSIDE) == {"accounts": [], "regions": []}


@REPORTS
def test_an_account_invited_or_resigned_somewhere_is_asked_in_those_regions_only(report):
    regions = {
        "us-east-1": region({"999000000001": "Enabled", "999000000002": "Enabled"}, report=report),
        "eu-west-1": region({"999000000001": "Invited", "999000000002": "Enabled"}, report=report),
        "ap-south-1": region({"999000000001": "Enabled", "999000000002": "Resigned"}, report=report),
    }
    assert unaccepted_invitations(regions, OUTSIDE) == {"accounts": OUTSIDE, "regions": ["eu-west-1", "ap-south-1"]}


@REPORTS
def test_an_account_the_administrator_does_not_list_is_unaccepted(report):
    regions = {"us-east-1": region({"999000000001": "Enabled"}, report=report)}
    assert unaccepted_invitations(regions, OUTSIDE) == {"accounts": OUTSIDE[1:], "regions": ["us-east-1"]}


@REPORTS
def test_a_region_whose_members_step_did_not_report_counts_every_account(report):
    regions = {"us-east-1": {"ready": True, "error": "the members of administrator account ...: AccessDenied"},
               "eu-west-1": region({"999000000001": "Enabled", "999000000002": "Enabled"}, report=report)}
    assert unaccepted_invitations(regions, OUTSIDE) == {"accounts": OUTSIDE, "regions": ["us-east-1"]}


def test_a_region_not_ready_is_left_out():
    regions = {"us-east-1": region({}, ready=False), "eu-west-1": {"ready": False}}
    assert unaccepted_invitations(regions, OUTSIDE) == {"accounts": [], "regions": []}
