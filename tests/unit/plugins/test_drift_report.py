"""drift_report: the coverage read from verify.yml's registered results, and the HTML page built from it."""

import re
from html.parser import HTMLParser

from ansible_collections.radiant.aws_onboarding.plugins.filter.drift_report import FilterModule
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.drift_report import (
    DRIFT_COLOUR,
    MAX_CLEAN_ROWS,
    MAX_FINDING_ROWS,
    api_roles_coverage,
    destinations_coverage,
    drift_coverage,
    finding_account,
    guardduty_region_coverage,
    render_html,
)

FEATURES = [{"name": "S3_DATA_EVENTS"}, {"name": "EKS_AUDIT_LOGS", "status": "ENABLED"},
            {"name": "RDS_LOGIN_EVENTS", "status": "DISABLED"}]
MANAGEMENT, ADMIN, MEMBER = "123456789012", "201750716932", "933691170010"
INVITED, OUTSIDE = "039450104535", "990000000001"


def detector(features, changed=False):
    """guardduty_detector's result: GuardDuty's feature list in ``detector``, the name-keyed view in the diff."""
    listed = {"detector_id": "d1", "features": [{"name": name, "status": status} for name, status in features.items()]}
    view = {"detector_id": "d1", "features": dict((name, {"status": status, "additional_configuration": {}})
                                                  for name, status in features.items())}
    return {"changed": changed, "detector_id": "d1", "detector": listed, "diff": {"before": view, "after": view}}


DISABLED = {"status": "DISABLED", "additional_configuration": {}}
ENABLED = {"status": "ENABLED", "additional_configuration": {}}


def membership():
    """guardduty_members in check mode with a diff: the invited account has not accepted, MEMBER lost a plan."""
    return {
        "changed": True,
        "members": [{"account_id": a, "relationship_status": "Enabled"} for a in (MANAGEMENT, MEMBER, INVITED)],
        "diff": {
            "before": {"relationship_status": {MANAGEMENT: "Enabled", MEMBER: "Enabled", INVITED: "Invited"},
                       "member_features": {MEMBER: {"S3_DATA_EVENTS": DISABLED}}},
            "after": {"relationship_status": {MANAGEMENT: "Enabled", MEMBER: "Enabled", INVITED: "Enabled"},
                      "member_features": {MEMBER: {"S3_DATA_EVENTS": ENABLED}}},
        },
    }


def region_coverage(region="us-east-1"):
    return guardduty_region_coverage(
        membership(), region, FEATURES, management_account_id=MANAGEMENT,
        management_detector=detector({"S3_DATA_EVENTS": "ENABLED", "EKS_AUDIT_LOGS": "DISABLED"}),
        admin_account_id=ADMIN, admin_detector=detector({"S3_DATA_EVENTS": "ENABLED", "EKS_AUDIT_LOGS": "ENABLED"}))


def test_guardduty_coverage_reads_what_aws_has_not_what_check_mode_predicts():
    found = region_coverage()
    assert found["plans"] == ["S3_DATA_EVENTS", "EKS_AUDIT_LOGS"]  # a plan wanted DISABLED is not coverage
    assert found["accounts"][INVITED] == {"member": "Invited", "detector": False, "plans_off": None}
    assert found["accounts"][MEMBER] == {"member": "Enabled", "detector": True, "plans_off": ["S3_DATA_EVENTS"]}
    # The management account is a member with a detector of its own, read from the detector's live state.
    assert found["accounts"][MANAGEMENT] == {"member": "Enabled", "detector": True, "plans_off": ["EKS_AUDIT_LOGS"]}
    assert found["accounts"][ADMIN] == {"member": "administrator", "detector": True, "plans_off": []}
    without_diff = guardduty_region_coverage({}, "us-east-1", FEATURES, admin_account_id=ADMIN, admin_detector=dict(
        detector({"S3_DATA_EVENTS": "ENABLED", "EKS_AUDIT_LOGS": "DISABLED"}), diff=None))
    assert without_diff["accounts"][ADMIN]["plans_off"] == ["EKS_AUDIT_LOGS"]


def test_guardduty_coverage_without_a_diff_uses_the_members_only_when_nothing_changed():
    unchanged = {"changed": False, "members": [{"account_id": MEMBER, "relationship_status": "Enabled"}]}
    assert guardduty_region_coverage(unchanged, "eu-west-1", FEATURES)["accounts"] == {
        MEMBER: {"member": "Enabled", "detector": True, "plans_off": []}}
    assert guardduty_region_coverage(dict(unchanged, changed=True), "eu-west-1", FEATURES)["accounts"] == {}
    # An administrator detector check mode would create is not in place.
    missing = {"changed": True, "detector_id": None,
               "detector": {"features": [{"name": "S3_DATA_EVENTS", "status": "ENABLED"}]},
               "diff": {"before": None, "after": {"features": {}}}}
    found = guardduty_region_coverage({}, "eu-west-1", FEATURES, admin_account_id=ADMIN, admin_detector=missing)
    assert found["accounts"][ADMIN]["detector"] is False
    assert found["accounts"][ADMIN]["plans_off"] == ["S3_DATA_EVENTS", "EKS_AUDIT_LOGS"]


def test_destinations_and_api_roles():
    # As the modules report them: the diff's before has no status, the result has the live one.
    admin_check = {
        "destinations": [
            {"account_id": ADMIN, "region": "us-east-1", "changed": False, "destination_id": "d",
             "status": "PUBLISHING"},
            {"account_id": ADMIN, "region": "us-west-2", "changed": True, "destination_id": None, "status": "PENDING"},
            {"account_id": ADMIN, "region": "eu-west-1", "changed": False, "error": "UNABLE_TO_PUBLISH"},
        ],
        "diff": {"before": {ADMIN + "/us-west-2": None}, "after": {ADMIN + "/us-west-2": {"destination_id": None}}},
    }
    member_check = {
        "destinations": [
            {"account_id": MEMBER, "region": "us-east-1", "changed": False, "destination_id": "x",
             "status": "PUBLISHING"},
            {"account_id": MEMBER, "region": "us-west-2", "changed": True, "destination_id": None, "status": None},
            {"account_id": OUTSIDE, "region": "us-east-1", "error": "no detector", "changed": False},
        ],
        "diff": {"before": {MEMBER + "/us-west-2": None}, "after": {MEMBER + "/us-west-2": {"destination_id": None}}},
    }
    assert destinations_coverage(admin_check, member_check) == {
        (ADMIN, "us-east-1"): "PUBLISHING", (ADMIN, "us-west-2"): "missing", (ADMIN, "eu-west-1"): "error",
        (MEMBER, "us-east-1"): "PUBLISHING", (MEMBER, "us-west-2"): "missing", (OUTSIDE, "us-east-1"): "error"}
    roles = api_roles_coverage(
        {"roles": [{"account_id": MANAGEMENT, "changed": False}, {"account_id": OUTSIDE, "changed": True}]},
        {"instances": [{"account": MEMBER, "status": "CURRENT"}, {"account": INVITED, "status": "OUTDATED"}]})
    assert roles == {MANAGEMENT: "present", OUTSIDE: "missing or differs", MEMBER: "present", INVITED: "OUTDATED"}
    # One iam_role_with_policy run for every directly managed account.
    roles = api_roles_coverage({"changed": True, "roles": [
        {"account_id": MANAGEMENT, "changed": False, "error": None},
        {"account_id": OUTSIDE, "changed": True, "error": None},
        {"account_id": INVITED, "changed": False, "error": "account {0}: could not assume".format(INVITED)}]})
    assert roles == {MANAGEMENT: "present", OUTSIDE: "missing or differs", INVITED: "error"}


def test_drift_coverage_collects_regions_and_names():
    coverage = FilterModule().filters()["drift_coverage"]({
        "guardduty": [region_coverage("us-east-1"), region_coverage("us-west-2")],
        "regions": ["us-east-1"],
        "accounts": [{"id": MEMBER, "name": "web <prod>", "status": "ACTIVE"},
                     {"id": "306746258260", "name": "old", "status": "SUSPENDED"}],
        "outside_accounts": [{"aws_account_id": OUTSIDE, "aws_account_name": "partner & co"}],
        "unknown_key": "ignored",
    })
    assert coverage["regions"] == ["us-east-1", "us-west-2"]
    assert coverage["accounts"][MEMBER] == {"name": "web <prod>", "kind": "ACTIVE"}
    assert coverage["accounts"][OUTSIDE] == {"name": "partner & co", "kind": "outside"}
    assert set(coverage["guardduty"]) == {"us-east-1", "us-west-2"}


def test_member_findings_belong_to_the_member_not_the_administrator():
    assert finding_account({"account": ADMIN, "resource": "members",
                            "field": "member_features." + MEMBER + ".S3_DATA_EVENTS.status"}) == MEMBER
    assert finding_account({"account": ADMIN, "resource": "members",
                            "field": "relationship_status." + INVITED}) == INVITED
    assert finding_account({"account": ADMIN, "resource": "detector", "field": "features.x"}) == ADMIN


class Cells(HTMLParser):
    """Rows of the table with the given id: lists of (class, text) per cell."""

    def __init__(self, table_id):
        super().__init__()
        self.table_id, self.inside, self.rows, self.cell, self.tags = table_id, False, [], None, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag == "table":
            self.inside = attrs.get("id") == self.table_id
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("td", "th"):
            self.cell = [attrs.get("class") or "", ""]

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif self.inside and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(tuple(self.cell))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[1] += data


def parse(page, table_id):
    cells = Cells(table_id)
    cells.feed(page)
    return cells


def sample_page():
    coverage = drift_coverage(
        guardduty=[region_coverage("us-east-1"), region_coverage("us-west-2")],
        accounts=[{"id": MEMBER, "name": "<script>alert(1)</script>", "status": "ACTIVE"},
                  {"id": MANAGEMENT, "name": "management", "status": "ACTIVE"},
                  {"id": ADMIN, "name": "security & audit", "status": "ACTIVE"},
                  {"id": INVITED, "name": "invited", "status": "ACTIVE"}],
        api_roles=[{"item": {"account_id": MANAGEMENT}, "changed": False}])
    drift = [{"account": ADMIN, "region": "us-west-2", "phase": "guardduty_org", "resource": "members",
              "field": "member_features." + MEMBER + ".S3_DATA_EVENTS.status", "expected": "ENABLED",
              "actual": "</td><b>DISABLED</b>"}]
    return render_html(drift, coverage, generated="2026-12-06T08:00:00")


def test_the_page_escapes_every_value():
    page = sample_page()
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "security &amp; audit" in page
    assert "<b>" not in page and "&lt;/td&gt;&lt;b&gt;DISABLED" in page
    assert "http" not in page.lower().replace('http-equiv', '')  # nothing fetched from the network
    assert DRIFT_COLOUR in page


def test_the_matrix_puts_drifted_accounts_first_and_highlights_their_cells():
    page = sample_page()
    matrix = parse(page, "matrix").rows
    header = [text for _class, text in matrix[0]]
    assert header[:2] == ["Account", "drift"] and header[-2:] == ["us-east-1", "us-west-2"]
    first = matrix[1]
    assert first[0][1].startswith(MEMBER) and "drift" in first[0][0]
    east, west = first[-2], first[-1]
    assert "drift" in west[0] and west[1].startswith("DRIFT")
    assert "drift" not in east[0] and east[1] == "Enabled 1/2"  # S3_DATA_EVENTS off, still in place elsewhere
    guardduty_column = header.index("GuardDuty")
    assert first[guardduty_column] == ("c drift", "1")
    # The invited account is not covered: no drift, but listed (partly covered) before fully covered ones.
    invited = [row for row in matrix[1:] if row[0][1].startswith(INVITED)][0]
    assert invited[-1] == ("c missing", "Invited plans ?")
    assert matrix.index(invited) < min(matrix.index(row) for row in matrix[1:] if row[1][1] == "0"
                                       and "partial" not in "".join(c for c, _text in row)
                                       and "missing" not in "".join(c for c, _text in row))


def test_findings_table_lists_every_finding():
    rows = parse(sample_page(), "findings").rows
    assert len(rows) == 2
    expected = ["us-west-2", "guardduty_org", "members", "member_features." + MEMBER + ".S3_DATA_EVENTS.status"]
    assert [text for _class, text in rows[1]][1:5] == expected


def test_no_drift_says_so():
    page = render_html([], drift_coverage(guardduty=[region_coverage()]))
    assert 'id="no-drift"' in page and "0 drift finding(s)" in page
    assert not [cell for row in parse(page, "matrix").rows for cell in row if "drift" in cell[0]]
    assert 'id="findings"' not in page


def test_thousands_of_clean_accounts_are_summarised_and_findings_capped():
    accounts = ["{0:012d}".format(100000000000 + number) for number in range(3000)]
    cell = {"member": "Enabled", "detector": True, "plans_off": []}
    coverage = {"regions": ["us-east-1"], "plans": ["S3_DATA_EVENTS"],
                "accounts": dict((a, {"name": "n" + a, "kind": "ACTIVE"}) for a in accounts),
                "guardduty": {"us-east-1": dict((a, dict(cell)) for a in accounts)}}
    drift = [{"account": accounts[7], "region": "us-east-1", "phase": "findings_export", "resource": "r",
              "field": "f{0}".format(number), "expected": 1, "actual": 2} for number in range(MAX_FINDING_ROWS + 5)]
    page = render_html(drift, coverage)
    matrix = parse(page, "matrix").rows
    assert len(matrix) == 2 and matrix[1][0][1].startswith(accounts[7])  # header + the drifted account
    summary = re.search(r'<details id="clean-accounts"><summary>([0-9]+) account', page)
    assert summary and int(summary.group(1)) == len(accounts) - 1 > MAX_CLEAN_ROWS
    assert len(parse(page, "findings").rows) == MAX_FINDING_ROWS + 1
    assert "5 more finding(s) are in the JSON report" in page
