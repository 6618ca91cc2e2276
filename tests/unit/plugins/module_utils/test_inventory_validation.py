"""Preflight's static checks: a table of bad inventories and settings, each with the exact
problem line that must name the host (or variable) and the field."""

import copy

import pytest

from ansible_collections.radiant.aws_onboarding.plugins.module_utils import inventory_validation as iv


def _accounts():
    return [
        {"host": "management", "groups": ["management_account"], "aws_account_id": "123456789012",
         "aws_account_email": "master@example.com"},
        {"host": "log-archive", "groups": ["log_account"], "aws_account_id": "035214638394"},
        {"host": "member-0001", "groups": ["organization_members"], "aws_account_id": "642399127792",
         "aws_account_email": "aws+member-0001@example.test"},
        {"host": "outside-01", "groups": ["outside_accounts"], "aws_account_id": "990000000001",
         "aws_account_email": "root+outside-01@partner1.test"},
    ]


def _settings():
    return {
        "regions": ["us-east-1", "us-west-2"],
        "company_name": "example",
        "bucket_names": {"radiant_findings_bucket_name": "example-guardduty-radiantsecurity"},
        "external_id": "rs-credential-0123",
        "management_account_id": "123456789012",
        "log_account_id": None,
        "guardduty_admin_account_id": None,
        "excluded_account_ids": [],
    }


def test_a_good_inventory_has_no_problems_and_resolves_the_role_accounts():
    problems, resolved = iv.validate_inventory(_accounts(), _settings())
    assert problems == []
    assert resolved == {"management_account_id": "123456789012", "log_account_id": "035214638394",
                        "guardduty_admin_account_id": "035214638394"}


def _edit_host(host, **changes):
    def edit(accounts, settings):
        for account in accounts:
            if account["host"] == host:
                account.update(changes)
    return edit


def _edit_setting(**changes):
    def edit(accounts, settings):
        settings.update(changes)
    return edit


def _add_host(**account):
    def edit(accounts, settings):
        accounts.append(account)
    return edit


BAD_CASES = [
    ("id too short", _edit_host("member-0001", aws_account_id="64239912779"),
     "host 'member-0001': aws_account_id must be a 12-digit account id, got '64239912779'"),
    ("id lost its leading zero in YAML", _edit_host("log-archive", aws_account_id=35214638394),
     "host 'log-archive': aws_account_id must be a 12-digit account id, got the number 35214638394 (11 digits; "
     "quote account ids in YAML so leading zeros survive)"),
    ("id missing", _edit_host("member-0001", aws_account_id=None),
     "host 'member-0001': aws_account_id is missing"),
    ("id with letters", _edit_host("member-0001", aws_account_id="64239912779x"),
     "host 'member-0001': aws_account_id must be a 12-digit account id, got '64239912779x'"),
    ("duplicate id", _add_host(host="member-0002", groups=["organization_members"], aws_account_id="642399127792"),
     "hosts 'member-0001', 'member-0002': aws_account_id 642399127792 is used by more than one host"),
    ("bad member email", _edit_host("member-0001", aws_account_email="not-an-email"),
     "host 'member-0001' (account 642399127792): aws_account_email 'not-an-email' is not a valid email address"),
    ("outside account without email", _edit_host("outside-01", aws_account_email=None),
     "host 'outside-01' (account 990000000001): aws_account_email is missing (GuardDuty invites an account "
     "outside the organization by its root email)"),
    ("outside account with two @", _edit_host("outside-01", aws_account_email="a@b@c.test"),
     "host 'outside-01' (account 990000000001): aws_account_email 'a@b@c.test' is not a valid email address "
     "(GuardDuty invites an account outside the organization by its root email)"),
    ("outside account also a member", _edit_host("outside-01", groups=["outside_accounts", "organization_members"]),
     "host 'outside-01' (account 990000000001): groups: an account outside the organization cannot also be in "
     "organization_members"),
    ("bad per-host role name", _edit_host("member-0001", assume_role_name="bad role"),
     "host 'member-0001' (account 642399127792): radiant_assume_role_name 'bad role' is not a valid IAM role name"),
    ("two management hosts", _add_host(host="management-2", groups=["management_account"],
                                       aws_account_id="111111111111"),
     "inventory group management_account: must hold exactly one host, holds 2 ('management', 'management-2')"),
    ("no log account", lambda accounts, settings: accounts.pop(1),
     "inventory group log_account: must hold exactly one host, holds 0"),
    ("declared management id differs", _edit_setting(management_account_id="210987654321"),
     "radiant_management_account_id: 210987654321 differs from aws_account_id 123456789012 of host 'management' "
     "in group management_account"),
    ("declared log id malformed", _edit_setting(log_account_id="12345"),
     "radiant_log_account_id must be a 12-digit account id, got '12345'"),
    ("admin invited as outside member", _edit_setting(guardduty_admin_account_id="990000000001"),
     "host 'outside-01' (account 990000000001): aws_account_id 990000000001 is the GuardDuty administrator "
     "account and cannot also be invited as a member (an account cannot be a GuardDuty administrator and a "
     "member at once)"),
    ("admin id malformed", _edit_setting(guardduty_admin_account_id="abc"),
     "radiant_guardduty_admin_account_id must be a 12-digit account id, got 'abc'"),
    ("excluding the management account", _edit_setting(excluded_account_ids=["123456789012"]),
     "radiant_excluded_account_ids: 123456789012 is the management account and cannot be excluded"),
    ("excluded id malformed", _edit_setting(excluded_account_ids=["12"]),
     "radiant_excluded_account_ids: 12 must be a 12-digit account id, got '12'"),
    ("region typo", _edit_setting(regions=["us-east-1", "us-esat-1x"]),
     "radiant_regions: 'us-esat-1x' is not an AWS Region code (like us-east-1)"),
    ("region twice", _edit_setting(regions=["us-east-1", "us-east-1"]),
     "radiant_regions: us-east-1 is listed twice"),
    ("regions not a list", _edit_setting(regions="us-east-1"),
     "radiant_regions must be a list of Region codes, got 'us-east-1'"),
    ("company missing", _edit_setting(company_name=""),
     "radiant_company_name is missing (it names the findings bucket, {company}-guardduty-radiantsecurity)"),
    ("company with capitals", _edit_setting(bucket_names={"radiant_findings_bucket_name":
                                                          "ACME-guardduty-radiantsecurity"}),
     "radiant_findings_bucket_name: bucket name 'ACME-guardduty-radiantsecurity' may contain only lowercase "
     "letters, digits, dots and hyphens"),
    ("bucket too long", _edit_setting(bucket_names={"radiant_findings_bucket_name":
                                                    "a" * 40 + "-guardduty-radiantsecurity"}),
     "radiant_findings_bucket_name: bucket name '{0}-guardduty-radiantsecurity' is 66 characters long; bucket "
     "names take 3 to 63".format("a" * 40)),
    ("bucket with adjacent dots", _edit_setting(bucket_names={"radiant_findings_bucket_name": "a..b"}),
     "radiant_findings_bucket_name: bucket name 'a..b' must not contain two adjacent dots"),
    ("bucket with reserved prefix", _edit_setting(bucket_names={"radiant_findings_bucket_name": "xn--acme"}),
     "radiant_findings_bucket_name: bucket name 'xn--acme' must not start with the reserved prefix 'xn--'"),
    ("bucket ends with hyphen", _edit_setting(bucket_names={"radiant_findings_bucket_name": "acme-"}),
     "radiant_findings_bucket_name: bucket name 'acme-' must begin and end with a letter or digit"),
    ("bucket like an IP", _edit_setting(bucket_names={"radiant_findings_bucket_name": "192.168.5.4"}),
     "radiant_findings_bucket_name: bucket name '192.168.5.4' must not look like an IP address"),
    ("external id missing", _edit_setting(external_id=""),
     "radiant_external_id is missing: copy the AWS External Role ID from the Radiant connector's details "
     "(the seeds' RS_CREDENTIAL_ID)"),
    ("external id with spaces", _edit_setting(external_id="has spaces"),
     "radiant_external_id must be 2-1224 characters of letters, digits and +=,.@:/-"),
]


@pytest.mark.parametrize("name,edit,expected", BAD_CASES, ids=[case[0] for case in BAD_CASES])
def test_each_bad_input_is_reported_by_host_and_field(name, edit, expected):
    accounts, settings = _accounts(), _settings()
    edit(accounts, settings)
    problems, _resolved = iv.validate_inventory(accounts, settings)
    assert expected in problems, "\n".join(problems)


def test_all_problems_are_collected_not_just_the_first():
    accounts, settings = _accounts(), _settings()
    accounts[2]["aws_account_id"] = "1"
    accounts[3]["aws_account_email"] = ""
    settings.update(external_id="", regions=["nowhere"])
    problems, _resolved = iv.validate_inventory(accounts, settings)
    assert len(problems) == 4
    assert [p.split(":")[0].split(" is ")[0] for p in problems] == [
        "host 'member-0001'", "host 'outside-01' (account 990000000001)", "radiant_regions", "radiant_external_id"]


def test_integer_account_ids_of_twelve_digits_are_accepted():
    accounts = copy.deepcopy(_accounts())
    accounts[0]["aws_account_id"] = 123456789012
    problems, resolved = iv.validate_inventory(accounts, _settings())
    assert problems == []
    assert resolved["management_account_id"] == "123456789012"


def test_unset_regions_are_left_to_discovery():
    settings = _settings()
    settings["regions"] = None
    assert iv.validate_inventory(_accounts(), settings)[0] == []


def test_an_explicit_admin_account_replaces_the_log_account():
    settings = _settings()
    settings["guardduty_admin_account_id"] = "642399127792"
    assert iv.validate_inventory(_accounts(), settings)[1]["guardduty_admin_account_id"] == "642399127792"


@pytest.mark.parametrize("name", ["example-guardduty-radiantsecurity", "a.b-c", "abc", "a" * 63])
def test_valid_bucket_names(name):
    assert iv.bucket_name_problems(name) == []


@pytest.mark.parametrize("region", ["us-east-1", "ap-southeast-4", "us-gov-west-1", "cn-northwest-1", "il-central-1"])
def test_valid_region_codes(region):
    assert iv.region_name_problem(region) is None


def test_region_status_problems_name_host_region_and_status():
    statuses = {"us-east-1": "ENABLED_BY_DEFAULT", "af-south-1": "DISABLED", "ap-east-1": "ENABLED"}
    problems = iv.region_status_problems("host 'log-archive'", "035214638394",
                                         ["us-east-1", "af-south-1", "ap-east-1", "xx-east-1"], statuses)
    assert problems == [
        "host 'log-archive': radiant_regions: region af-south-1 is not enabled in account 035214638394 (status "
        "DISABLED); enable it under Account > AWS Regions or remove it from radiant_regions",
        "host 'log-archive': radiant_regions: region xx-east-1 is not a Region AWS lists for account 035214638394",
    ]


def test_caller_problem():
    assert iv.caller_problem("123456789012", "123456789012", "management") is None
    assert iv.caller_problem("210987654321", "123456789012", "management") == (
        "host 'management' (account 123456789012): aws_account_id: the controller's credentials belong to "
        "account 210987654321, not to the declared management account 123456789012")


CSV_GOOD = "Account ID,Email\n111111111111,user@example.com\n\n222222222222 , other@example.org\n"


def test_csv_with_header_and_blank_lines():
    accounts, problems = iv.parse_outside_accounts_csv(CSV_GOOD, "outside.csv")
    assert problems == []
    assert accounts == [
        {"aws_account_id": "111111111111", "aws_account_email": "user@example.com", "line": 2},
        {"aws_account_id": "222222222222", "aws_account_email": "other@example.org", "line": 4},
    ]


def test_csv_without_header_as_the_aws_sample_scripts_write_it():
    accounts, problems = iv.parse_outside_accounts_csv("111111111111,user@example.com\n")
    assert problems == []
    assert [a["aws_account_id"] for a in accounts] == ["111111111111"]


CSV_BAD = [
    ("Account,Mail\n111111111111,user@example.com\n",
     "x.csv line 1: header must be 'Account ID,Email', got 'Account,Mail'"),
    ("Account ID,Email\n11111111111,user@example.com\n",
     "x.csv line 2: Account ID must be a 12-digit account id, got '11111111111'"),
    ("Account ID,Email\n111111111111,user.example.com\n",
     "x.csv line 2: Email 'user.example.com' is not a valid email address"),
    ("Account ID,Email\n111111111111\n", "x.csv line 2: expected 2 fields 'Account ID,Email', got 1"),
    ("Account ID,Email\n111111111111,a@b.test,extra\n", "x.csv line 2: expected 2 fields 'Account ID,Email', got 3"),
    ("Account ID,Email\n111111111111,\n", "x.csv line 2: Email is missing"),
    ("Account ID,Email\n111111111111,a@b.test\n111111111111,c@d.test\n",
     "x.csv line 3: Account ID 111111111111 is already listed on line 2"),
]


@pytest.mark.parametrize("text,expected", CSV_BAD)
def test_each_bad_csv_line_is_reported_with_its_number_and_field(text, expected):
    _accounts_read, problems = iv.parse_outside_accounts_csv(text, "x.csv")
    assert problems == [expected]
