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
    ("regions not a list", _edit_setting(regions=5),
     "radiant_regions must be a list of Region codes, got 5"),
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
     "(the RS_CREDENTIAL_ID of docs/requirements.md#trust-policy)"),
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


# --- checks the static preflight added: they run whatever --tags say -----------------------
KNOWN = {"aws": ["us-east-1", "us-west-2", "eu-west-1"], "aws-cn": ["cn-north-1"]}


@pytest.mark.parametrize("value,expected", [
    ("us-east-1,us-west-2", "radiant_regions must be a list of Region codes, got the string 'us-east-1,us-west-2'; "
                            "on the command line write -e '{\"radiant_regions\": [\"us-east-1\", \"us-west-2\"]}'"),
    ("us-east-1", "radiant_regions must be a list of Region codes, got the string 'us-east-1'; "
                  "on the command line write -e '{\"radiant_regions\": [\"us-east-1\"]}'"),
])
def test_regions_given_as_a_string_are_refused_with_the_list_to_write(value, expected):
    settings = dict(_settings(), regions=value)
    assert iv.validate_inventory(_accounts(), settings)[0] == [expected]


def test_a_region_no_partition_lists_is_refused():
    settings = dict(_settings(), regions=["us-east-1", "us-east-9"], known_regions=KNOWN)
    assert iv.validate_inventory(_accounts(), settings)[0] == [
        "radiant_regions: us-east-9 is not a Region of any AWS partition (botocore's endpoint data lists 4 "
        "Regions; update botocore if us-east-9 is new)"]


def test_regions_of_two_partitions_are_refused():
    settings = dict(_settings(), regions=["us-east-1", "cn-north-1"], known_regions=KNOWN)
    assert iv.validate_inventory(_accounts(), settings)[0] == [
        "radiant_regions: us-east-1 (partition aws), cn-north-1 (partition aws-cn) are in different partitions; "
        "one run onboards one organization, in one partition"]


def test_known_regions_of_one_partition_pass():
    settings = dict(_settings(), regions=["us-east-1", "eu-west-1"], known_regions=KNOWN)
    assert iv.validate_inventory(_accounts(), settings)[0] == []


def test_an_administrator_without_a_host_is_refused():
    settings = dict(_settings(), guardduty_admin_account_id="111122223333")
    assert iv.validate_inventory(_accounts(), settings)[0] == [
        "radiant_guardduty_admin_account_id: account 111122223333 has no host in the inventory; the GuardDuty "
        "administrator must be an organization account listed in management_account, log_account, "
        "organization_members"]


def test_the_management_account_as_administrator_is_refused_unless_allowed():
    accounts = [account for account in _accounts() if account["host"] != "log-archive"]
    accounts[0]["groups"] = ["management_account", "log_account"]
    problems, _resolved = iv.validate_inventory(accounts, _settings())
    assert problems == [
        "radiant_guardduty_admin_account_id: 123456789012 is the management account (host 'management' in "
        "management_account/log_account); AWS recommends a delegated GuardDuty administrator other than the "
        "management account: give the log account a host of its own, set radiant_guardduty_admin_account_id, "
        "or set preflight_allow_management_as_guardduty_admin: true"]
    allowed = dict(_settings(), allow_management_as_guardduty_admin=True)
    assert iv.validate_inventory(accounts, allowed)[0] == []


def test_inventory_source_problems_are_reported():
    settings = dict(_settings(), inventory_problems=["outside.csv line 3: Email 'x' is not a valid email address"])
    assert iv.validate_inventory(_accounts(), settings)[0] == [
        "outside.csv line 3: Email 'x' is not a valid email address"]


ORGANIZATION = [
    {"id": "123456789012", "name": "management", "status": "ACTIVE"},
    {"id": "035214638394", "name": "log-archive", "status": "ACTIVE"},
    {"id": "642399127792", "name": "member-0001", "status": "ACTIVE"},
    {"id": "642399127793", "name": "old", "status": "SUSPENDED"},
]


def test_organization_problems_outside_member_and_administrator():
    accounts = _accounts()
    assert iv.organization_problems(accounts, ORGANIZATION, "035214638394") == []
    accounts[3]["aws_account_id"] = "642399127792"
    assert iv.organization_problems(accounts, ORGANIZATION, "111122223333") == [
        "host 'outside-01' (account 642399127792): aws_account_id 642399127792 is a member of the organization "
        "(Organizations lists it as 'member-0001'); remove it from outside_accounts: GuardDuty enrols it as an "
        "organization member",
        "radiant_guardduty_admin_account_id: account 111122223333 is not an account of the organization "
        "(Organizations does not list it); the delegated administrator must be a member"]
    assert iv.organization_problems(_accounts(), ORGANIZATION, "642399127793") == [
        "radiant_guardduty_admin_account_id: account 642399127793 is SUSPENDED in the organization; the delegated "
        "administrator must be an active member"]


GUARDDUTY_OPTIONS = {
    "guardduty_org_auto_enable": {"type": "str", "choices": ["ALL", "NEW", "NONE"],
                                  "default": "ALL (NEW when accounts are excluded)"},
    "guardduty_org_wait_timeout": {"type": "int", "default": 120},
    "guardduty_org_features": {"type": "list", "elements": "dict", "default": "S3_DATA_EVENTS, ..."},
}


def test_role_variables_are_checked_against_the_argument_spec_not_its_documented_defaults():
    assert iv.role_variable_problems("guardduty_org", GUARDDUTY_OPTIONS, {
        "guardduty_org_auto_enable": "NEW", "guardduty_org_wait_timeout": "60"}) == []
    assert iv.role_variable_problems("guardduty_org", GUARDDUTY_OPTIONS, {
        "guardduty_org_auto_enable": "ALLL", "guardduty_org_wait_timeout": "soon"}) == [
        "role guardduty_org: argument 'guardduty_org_wait_timeout' is of type str and we were unable to convert to "
        "int: \"'soon'\" cannot be converted to an int",
        "role guardduty_org: value of guardduty_org_auto_enable must be one of: ALL, NEW, NONE, got: ALLL"]


@pytest.mark.parametrize("features,expected", [
    ([{"name": "S3_DATA_EVENTS"}, {"name": "RUNTIME_MONITORING", "additional_configuration": [
        {"name": "EKS_ADDON_MANAGEMENT", "status": "DISABLED"}]}], []),
    ([{"name": "S3_DATA_EVENT"}], [
        "role guardduty_org: guardduty_org_features: 'S3_DATA_EVENT' is not a GuardDuty protection plan "
        "(S3_DATA_EVENTS, EKS_AUDIT_LOGS, EBS_MALWARE_PROTECTION, RDS_LOGIN_EVENTS, LAMBDA_NETWORK_LOGS, "
        "EKS_RUNTIME_MONITORING, RUNTIME_MONITORING)"]),
    ([{"name": "S3_DATA_EVENTS", "status": "ON"}], [
        "role guardduty_org: value of status must be one of: ENABLED, DISABLED, got: ON "
        "found in guardduty_org_features"]),
])
def test_guardduty_features_are_checked_as_the_detector_module_takes_them(features, expected):
    assert iv.phase_rule_problems({"guardduty_org_features": features}) == expected


def test_auto_enable_all_with_excluded_accounts_is_refused():
    assert iv.phase_rule_problems({"guardduty_org_auto_enable": "ALL",
                                   "guardduty_org_excluded_account_ids": ["642399127792"]}) == [
        "role guardduty_org: guardduty_org_auto_enable ALL enrols every organization account, the excluded ones "
        "too; with radiant_excluded_account_ids (642399127792) use NEW"]
    assert iv.phase_rule_problems({"guardduty_org_auto_enable": "NEW",
                                   "guardduty_org_excluded_account_ids": ["642399127792"]}) == []


def test_csv_blank_lines_before_the_header_are_skipped():
    accounts, problems = iv.parse_outside_accounts_csv("\n\nAccount ID,Email\n990000000001,root@partner1.test\n")
    assert problems == []
    assert accounts == [{"aws_account_id": "990000000001", "aws_account_email": "root@partner1.test", "line": 4}]
    _accounts_, problems = iv.parse_outside_accounts_csv(
        "\nAccount,Mail\n990000000001,root@partner1.test\n", source="f.csv")
    assert problems == ["f.csv line 2: header must be 'Account ID,Email', got 'Account,Mail'"]
