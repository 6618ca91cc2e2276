"""unaccepted_invitations: only the outside accounts and Regions the administrator does not list Enabled."""

from ansible_collections.radiant.aws_onboarding.plugins.filter.unaccepted_invitations import unaccepted_invitations

OUTSIDE = [{"account_id": "999000000001", "role_arn": "arn:aws:iam::999000000001:role/r"},
           {"account_id": 999000000002, "role_arn": "arn:aws:iam::999000000002:role/r"}]  # YAML may give an int


def region(statuses, ready=True):
    """A guardduty_organization Region result whose members step lists these account -> status."""
    members = [{"account_id": account_id, "relationship_status": status} for account_id, status in statuses.items()]
    return {"ready": ready, "members": {"members": members}}


def test_every_member_enabled_everywhere_leaves_nothing_to_accept():
    regions = {name: region({"999000000001": "Enabled", "999000000002": "Enabled", "111111111111": "Enabled"})
               for name in ("us-east-1", "eu-west-1")}
    assert unaccepted_invitations(regions, OUTSIDE) == {"accounts": [], "regions": []}


def test_an_account_invited_or_resigned_somewhere_is_asked_in_those_regions_only():
    regions = {
        "us-east-1": region({"999000000001": "Enabled", "999000000002": "Enabled"}),
        "eu-west-1": region({"999000000001": "Invited", "999000000002": "Enabled"}),
        "ap-south-1": region({"999000000001": "Enabled", "999000000002": "Resigned"}),
    }
    assert unaccepted_invitations(regions, OUTSIDE) == {"accounts": OUTSIDE, "regions": ["eu-west-1", "ap-south-1"]}


def test_an_account_the_administrator_does_not_list_is_unaccepted():
    regions = {"us-east-1": region({"999000000001": "Enabled"})}
    assert unaccepted_invitations(regions, OUTSIDE) == {"accounts": OUTSIDE[1:], "regions": ["us-east-1"]}


def test_a_region_whose_members_step_did_not_report_counts_every_account():
    regions = {"us-east-1": {"ready": True, "error": "the members of administrator account ...: AccessDenied"},
               "eu-west-1": region({"999000000001": "Enabled", "999000000002": "Enabled"})}
    assert unaccepted_invitations(regions, OUTSIDE) == {"accounts": OUTSIDE, "regions": ["us-east-1"]}


def test_a_region_not_ready_is_left_out():
    regions = {"us-east-1": region({}, ready=False), "eu-west-1": {"ready": False}}
    assert unaccepted_invitations(regions, OUTSIDE) == {"accounts": [], "regions": []}
