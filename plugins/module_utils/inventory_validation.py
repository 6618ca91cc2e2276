# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validation of the onboarding inventory and settings, before anything is written.

Pure functions over plain data: the preflight action plugin, the outside-accounts CSV
inventory plugin and the unit tests call them. Every problem is one readable line that
names the host (or the variable) and the field, and the region where one is involved;
callers collect all of them and fail once.
"""

import csv
import io
import re

# Inventory groups naming an account's job (the contract of the sample inventory and of
# the aws_organization / outside_accounts_csv inventory plugins).
MANAGEMENT_GROUP = "management_account"
LOG_GROUP = "log_account"
MEMBERS_GROUP = "organization_members"
SUSPENDED_GROUP = "suspended_accounts"
OUTSIDE_GROUP = "outside_accounts"
JOB_GROUPS = (MANAGEMENT_GROUP, LOG_GROUP, MEMBERS_GROUP, SUSPENDED_GROUP, OUTSIDE_GROUP)


def preflight_argument_spec():
    """The inventory_preflight options: the module documents them, the action plugin of the same
    name validates its arguments with them (a fresh dict each call)."""
    return dict(
        hosts=dict(type="list", elements="str"),
        phase_roles=dict(type="list", elements="str"),
        # A list, or null when the Regions are to be discovered; checked entry by entry, naming each.
        regions=dict(type="raw"),
        company_name=dict(type="str"),
        bucket_names=dict(type="dict", default={}),
        external_id=dict(type="str", no_log=False),
        management_account_id=dict(type="str"),
        log_account_id=dict(type="str"),
        guardduty_admin_account_id=dict(type="str"),
        excluded_account_ids=dict(type="list", elements="str", default=[]),
        caller_account_id=dict(type="str"),
        credential_errors=dict(type="dict", default={}),
        account_errors=dict(type="dict", default={}),
        region_statuses=dict(type="dict", default={}),
        member_region_statuses=dict(type="dict", default={}),
        organization_accounts=dict(type="list", elements="dict"),
        extra_problems=dict(type="list", elements="str", default=[]),
    )


ACCOUNT_ID = re.compile(r"^\d{12}$")
# GuardDuty's CreateMembers takes any syntactically valid address; this is the usual
# local@domain.tld shape without whitespace (AWS account root emails are at most 64 chars).
EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;.]+$")
EMAIL_MAX_LENGTH = 64
# Region codes: us-east-1, eu-central-2, ap-southeast-4, us-gov-west-1, cn-northwest-1.
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")
# IAM role names: 1-64 of [\w+=,.@-] (IAM API reference, CreateRole, RoleName).
ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")
# STS AssumeRole ExternalId: 2-1224 of [\w+=,.@:/-] (STS API reference, AssumeRole).
EXTERNAL_ID = re.compile(r"^[\w+=,.@:/-]{2,1224}$")

# S3 general purpose bucket naming rules
# (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
BUCKET_CHARACTERS = re.compile(r"^[a-z0-9.-]+$")
BUCKET_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
BUCKET_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
IP_ADDRESS = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")

# account:ListRegions statuses in which an account can use a Region.
REGION_USABLE_STATUSES = ("ENABLED", "ENABLED_BY_DEFAULT")


def account_id_problem(value):
    """Why ``value`` is not a 12-digit account id, or None. YAML turns unquoted ids into
    integers and drops leading zeros, so the hint says to quote them."""
    if value is None or value == "":
        return "is missing"
    if isinstance(value, bool):
        return "must be a 12-digit account id, got {0!r}".format(value)
    if isinstance(value, int):
        text = str(value)
        if ACCOUNT_ID.match(text):
            return None
        return "must be a 12-digit account id, got the number {0} ({1} digits; quote account ids in YAML " \
            "so leading zeros survive)".format(text, len(text))
    if not isinstance(value, str) or not ACCOUNT_ID.match(value):
        return "must be a 12-digit account id, got {0!r}".format(value)
    return None


def normalize_account_id(value):
    """The account id as a string (integers of 12 digits are accepted), or None if invalid."""
    if account_id_problem(value) is not None:
        return None
    return str(value)


def email_problem(value):
    if value is None or value == "":
        return "is missing"
    if not isinstance(value, str) or not EMAIL.match(value):
        return "{0!r} is not a valid email address".format(value)
    if len(value) > EMAIL_MAX_LENGTH:
        return "{0!r} is longer than {1} characters".format(value, EMAIL_MAX_LENGTH)
    return None


def region_name_problem(value):
    if not isinstance(value, str) or not REGION.match(value):
        return "{0!r} is not an AWS Region code (like us-east-1)".format(value)
    return None


def bucket_name_problems(name):
    """Every S3 naming rule ``name`` breaks (empty list when valid)."""
    problems = []
    if not 3 <= len(name) <= 63:
        problems.append("is {0} characters long; bucket names take 3 to 63".format(len(name)))
    if not BUCKET_CHARACTERS.match(name):
        problems.append("may contain only lowercase letters, digits, dots and hyphens")
    if name and not (name[0].isalnum() and name[-1].isalnum()):
        problems.append("must begin and end with a letter or digit")
    if ".." in name:
        problems.append("must not contain two adjacent dots")
    if IP_ADDRESS.match(name):
        problems.append("must not look like an IP address")
    for prefix in BUCKET_RESERVED_PREFIXES:
        if name.startswith(prefix):
            problems.append("must not start with the reserved prefix {0!r}".format(prefix))
    for suffix in BUCKET_RESERVED_SUFFIXES:
        if name.endswith(suffix):
            problems.append("must not end with the reserved suffix {0!r}".format(suffix))
    return problems


def _host_label(account):
    account_id = normalize_account_id(account.get("aws_account_id"))
    if account_id:
        return "host {0!r} (account {1})".format(account["host"], account_id)
    return "host {0!r}".format(account["host"])


def validate_accounts(accounts):
    """Problems with the per-host data. ``accounts``: dicts with ``host``, ``groups`` (the
    job groups the host is in), ``aws_account_id``, optional ``aws_account_email`` and
    ``assume_role_name`` (the host's effective role name)."""
    problems = []
    hosts_by_id = {}
    for account in accounts:
        label = _host_label(account)
        problem = account_id_problem(account.get("aws_account_id"))
        if problem:
            problems.append("{0}: aws_account_id {1}".format(label, problem))
        else:
            hosts_by_id.setdefault(str(account["aws_account_id"]), []).append(account["host"])
        groups = [group for group in account.get("groups", ()) if group in JOB_GROUPS]
        organization_groups = [group for group in groups if group != OUTSIDE_GROUP]
        if OUTSIDE_GROUP in groups and organization_groups:
            problems.append("{0}: groups: an account outside the organization cannot also be in {1}".format(
                label, ", ".join(organization_groups)))
        email = account.get("aws_account_email")
        if OUTSIDE_GROUP in groups:
            problem = email_problem(email)
            if problem:
                problems.append("{0}: aws_account_email {1} (GuardDuty invites an account outside the "
                                "organization by its root email)".format(label, problem))
        elif email not in (None, ""):
            problem = email_problem(email)
            if problem:
                problems.append("{0}: aws_account_email {1}".format(label, problem))
        role_name = account.get("assume_role_name")
        if role_name is not None and (not isinstance(role_name, str) or not ROLE_NAME.match(role_name)):
            problems.append("{0}: radiant_assume_role_name {1!r} is not a valid IAM role name".format(
                label, role_name))
    for account_id, hosts in sorted(hosts_by_id.items()):
        if len(hosts) > 1:
            problems.append("hosts {0}: aws_account_id {1} is used by more than one host".format(
                ", ".join(repr(host) for host in hosts), account_id))
    return problems


def _group_hosts(accounts, group):
    return [account for account in accounts if group in account.get("groups", ())]


def _declared_account(problems, accounts, group, variable, declared):
    """Check the one host of ``group`` against the declared account id; return its id."""
    members = _group_hosts(accounts, group)
    if len(members) != 1:
        problems.append("inventory group {0}: must hold exactly one host, holds {1}{2}".format(
            group, len(members), (" (" + ", ".join(repr(a["host"]) for a in members) + ")") if members else ""))
        host_id = None
    else:
        host_id = normalize_account_id(members[0].get("aws_account_id"))
    if declared not in (None, ""):
        problem = account_id_problem(declared)
        if problem:
            problems.append("{0} {1}".format(variable, problem))
        elif host_id and str(declared) != host_id:
            problems.append("{0}: {1} differs from aws_account_id {2} of host {3!r} in group {4}".format(
                variable, declared, host_id, members[0]["host"], group))
        else:
            return str(declared)
    return host_id


def validate_settings(accounts, settings):
    """Problems with the inventory-wide settings, checked against the hosts.

    ``settings`` keys: regions, company_name, bucket_names, external_id,
    management_account_id, log_account_id, guardduty_admin_account_id,
    excluded_account_ids. Returns ``(problems, resolved)`` where ``resolved`` holds the
    management, log and GuardDuty admin account ids as far as they could be determined.
    """
    problems = []
    management_id = _declared_account(problems, accounts, MANAGEMENT_GROUP, "radiant_management_account_id",
                                      settings.get("management_account_id"))
    log_id = _declared_account(problems, accounts, LOG_GROUP, "radiant_log_account_id",
                               settings.get("log_account_id"))

    admin_id = settings.get("guardduty_admin_account_id")
    if admin_id in (None, ""):
        admin_id = log_id
    else:
        problem = account_id_problem(admin_id)
        if problem:
            problems.append("radiant_guardduty_admin_account_id {0}".format(problem))
            admin_id = None
        else:
            admin_id = str(admin_id)
    if admin_id:
        for account in _group_hosts(accounts, OUTSIDE_GROUP):
            if normalize_account_id(account.get("aws_account_id")) == admin_id:
                problems.append(
                    "{0}: aws_account_id {1} is the GuardDuty administrator account and cannot also be invited "
                    "as a member (an account cannot be a GuardDuty administrator and a member at once)".format(
                        _host_label(account), admin_id))

    excluded = settings.get("excluded_account_ids") or []
    if not isinstance(excluded, (list, tuple)):
        problems.append("radiant_excluded_account_ids must be a list of account ids")
        excluded = []
    for value in excluded:
        problem = account_id_problem(value)
        if problem:
            problems.append("radiant_excluded_account_ids: {0} {1}".format(value, problem))
        elif str(value) in (management_id, admin_id):
            problems.append("radiant_excluded_account_ids: {0} is the {1} account and cannot be excluded".format(
                value, "management" if str(value) == management_id else "GuardDuty administrator"))

    problems.extend(_region_list_problems(settings.get("regions"), settings.get("known_regions")))
    problems.extend(_admin_problems(accounts, management_id, admin_id, settings))
    problems.extend(settings.get("inventory_problems") or [])

    company = settings.get("company_name")
    if company in (None, "") or not isinstance(company, str):
        problems.append("radiant_company_name is missing (it names the findings bucket, "
                        "{company}-guardduty-radiantsecurity)")
    for variable, name in sorted((settings.get("bucket_names") or {}).items()):
        if not isinstance(name, str) or not name:
            problems.append("{0} is missing".format(variable))
            continue
        for problem in bucket_name_problems(name):
            problems.append("{0}: bucket name {1!r} {2}".format(variable, name, problem))

    external_id = settings.get("external_id")
    if external_id in (None, ""):
        problems.append("radiant_external_id is missing: copy the AWS External Role ID from the Radiant "
                        "connector's details (the RS_CREDENTIAL_ID of docs/requirements.md#trust-policy)")
    elif not isinstance(external_id, str) or not EXTERNAL_ID.match(external_id):
        problems.append("radiant_external_id must be 2-1224 characters of letters, digits and +=,.@:/-")

    resolved = {"management_account_id": management_id, "log_account_id": log_id,
                "guardduty_admin_account_id": admin_id}
    return problems, resolved


def _region_list_problems(regions, known_regions=None):
    """``known_regions``: {partition: [Region, ...]} (botocore's endpoint data), or None to check the
    form only."""
    if regions is None:
        return []  # discovered from the accounts' enabled Regions
    if isinstance(regions, str):
        # -e radiant_regions=us-east-1,us-west-2 passes a string; a role would take its first character.
        return ["radiant_regions must be a list of Region codes, got the string {0!r}; on the command line "
                "write -e '{{\"radiant_regions\": {1}}}'".format(
                    regions, "[" + ", ".join('"{0}"'.format(part.strip()) for part in regions.split(",")) + "]")]
    if not isinstance(regions, (list, tuple)):
        return ["radiant_regions must be a list of Region codes, got {0!r}".format(regions)]
    problems = []
    seen = set()
    partitions = {}
    for region in regions:
        problem = region_name_problem(region)
        if problem:
            problems.append("radiant_regions: {0}".format(problem))
        elif region in seen:
            problems.append("radiant_regions: {0} is listed twice".format(region))
        elif known_regions is not None:
            partition = region_partition(region, known_regions)
            if partition is None:
                problems.append(
                    "radiant_regions: {0} is not a Region of any AWS partition (botocore's endpoint data lists "
                    "{1} Regions; update botocore if {0} is new)".format(
                        region, sum(len(names) for names in known_regions.values())))
            else:
                partitions.setdefault(partition, region)
        seen.add(region)
    if len(partitions) > 1:
        problems.append("radiant_regions: {0} are in different partitions; one run onboards one organization, "
                        "in one partition".format(", ".join(
                            "{0} (partition {1})".format(region, partition)
                            for partition, region in sorted(partitions.items()))))
    return problems


def region_partition(region, known_regions):
    """The partition whose Region list holds ``region``, or None."""
    for partition, names in sorted(known_regions.items()):
        if region in names:
            return partition
    return None


ORGANIZATION_GROUPS = (MANAGEMENT_GROUP, LOG_GROUP, MEMBERS_GROUP)
ALLOW_MANAGEMENT_ADMIN = "preflight_allow_management_as_guardduty_admin"


def _admin_problems(accounts, management_id, admin_id, settings):
    """The GuardDuty administrator needs a host among the organization's accounts, and is not the
    management account unless the operator says so (AWS recommends a member account: GuardDuty user
    guide, 'Considerations and recommendations for the delegated GuardDuty administrator account')."""
    if not admin_id:
        return []
    hosts = [account for account in accounts if normalize_account_id(account.get("aws_account_id")) == admin_id]
    if not hosts:
        return ["radiant_guardduty_admin_account_id: account {0} has no host in the inventory; the GuardDuty "
                "administrator must be an organization account listed in {1}".format(
                    admin_id, ", ".join(ORGANIZATION_GROUPS))]
    if admin_id == management_id and not settings.get("allow_management_as_guardduty_admin"):
        return ["radiant_guardduty_admin_account_id: {0} is the management account ({1}); AWS recommends "
                "a delegated GuardDuty administrator other than the management account: give the log account "
                "a host of its own, set radiant_guardduty_admin_account_id, or set {2}: true".format(
                    admin_id, ", ".join("host {0!r} in {1}".format(account["host"], "/".join(account.get("groups", ())))
                                        for account in hosts), ALLOW_MANAGEMENT_ADMIN)]
    return []


def validate_inventory(accounts, settings):
    """All static problems (no AWS call), and the resolved role account ids."""
    problems = validate_accounts(accounts)
    setting_problems, resolved = validate_settings(accounts, settings)
    return problems + setting_problems, resolved


def region_status_problems(label, account_id, regions, statuses):
    """Regions of ``regions`` the account cannot use. ``statuses``: {region: RegionOptStatus}
    as account:ListRegions reports them (every Region of the partition is listed)."""
    problems = []
    for region in regions:
        status = statuses.get(region)
        if status is None:
            problems.append("{0}: radiant_regions: region {1} is not a Region AWS lists for account {2}".format(
                label, region, account_id))
        elif status not in REGION_USABLE_STATUSES:
            problems.append(
                "{0}: radiant_regions: region {1} is not enabled in account {2} (status {3}); enable it under "
                "Account > AWS Regions or remove it from radiant_regions".format(label, region, account_id, status))
    return problems


def caller_problem(caller_account_id, management_account_id, host):
    if caller_account_id != management_account_id:
        return ("host {0!r} (account {1}): aws_account_id: the controller's credentials belong to account {2}, "
                "not to the declared management account {1}".format(host, management_account_id, caller_account_id))
    return None


# docs/requirements.md#outside-accounts-csv: the GuardDuty console's bulk-add file. The header is required by the
# console; the AWS sample scripts take the same lines without it, so a headerless file is accepted.
CSV_HEADER = ("Account ID", "Email")


def parse_outside_accounts_csv(text, source="CSV"):
    """Parse the ``Account ID,Email`` file of docs/requirements.md#outside-accounts-csv. Returns ``(accounts,
    problems)``: accounts as ``{"aws_account_id", "aws_account_email", "line"}``; each problem names
    the file, the line number and the field."""
    accounts = []
    problems = []
    seen = {}
    rows = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    first = True  # the first line with content may be the header (blank lines before it are fine)
    for index, row in enumerate(rows, start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if first and len(cells) >= 1 and not cells[0].isdigit():
            first = False
            if tuple(cell.lower() for cell in cells) != tuple(name.lower() for name in CSV_HEADER):
                problems.append("{0} line {1}: header must be 'Account ID,Email', got {2!r}".format(
                    source, index, ",".join(row)))
            continue
        first = False
        where = "{0} line {1}".format(source, index)
        if len(cells) != 2:
            problems.append("{0}: expected 2 fields 'Account ID,Email', got {1}".format(where, len(cells)))
            continue
        account_id, email = cells
        problem = account_id_problem(account_id)
        if problem:
            problems.append("{0}: Account ID {1}".format(where, problem))
        email_issue = email_problem(email)
        if email_issue:
            problems.append("{0}: Email {1}".format(where, email_issue))
        if problem or email_issue:
            continue
        if account_id in seen:
            problems.append("{0}: Account ID {1} is already listed on line {2}".format(
                where, account_id, seen[account_id]))
            continue
        seen[account_id] = index
        accounts.append({"aws_account_id": account_id, "aws_account_email": email, "line": index})
    return accounts, problems


def _without_defaults(options):
    """An argument spec's options without ``default`` (meta/argument_specs.yml's defaults are for
    the documentation, some in words; the values come from the role's defaults/main.yml)."""
    stripped = {}
    for name, option in options.items():
        spec = dict((key, value) for key, value in option.items() if key not in ("default", "description"))
        if isinstance(spec.get("options"), dict):
            spec["options"] = _without_defaults(spec["options"])
        stripped[name] = spec
    return stripped


def role_variable_problems(role, options, values):
    """Problems of a phase role's variables against its meta/argument_specs.yml ``options``, as the
    role itself would find them when it starts (after other phases wrote). ``values``: each
    option's effective value; options missing from ``values`` are not checked."""
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

    spec = _without_defaults(dict((name, options[name]) for name in values if name in options))
    result = ArgumentSpecValidator(spec).validate(dict(values))
    return ["role {0}: {1}".format(role, message) for message in result.error_messages]


def guardduty_feature_problems(features):
    """guardduty_org_features as radiant.aws_onboarding.guardduty_detector takes them: the option's
    shape, plan names GuardDuty knows (an unknown one fails CreateDetector after other writes) and
    no two runtime monitoring plans at once."""
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

    from ansible_collections.radiant.aws_onboarding.plugins.module_utils import guardduty_features as gf

    result = ArgumentSpecValidator({"guardduty_org_features": gf.feature_option_spec("status")}).validate(
        {"guardduty_org_features": features})
    problems = ["role guardduty_org: {0}".format(message) for message in result.error_messages]
    if problems:
        return problems
    for feature in result.validated_parameters["guardduty_org_features"] or []:
        if feature["name"] not in gf.DETECTOR_FEATURES:
            problems.append("role guardduty_org: guardduty_org_features: {0!r} is not a GuardDuty protection plan "
                            "({1})".format(feature["name"], ", ".join(gf.DETECTOR_FEATURES)))
    if not problems:
        try:
            gf.check_exclusive(gf.features_from_params(result.validated_parameters["guardduty_org_features"]))
        except gf.FeatureError as error:
            problems.append("role guardduty_org: guardduty_org_features: {0}".format(error))
    return problems


def phase_rule_problems(values):
    """Rules between variables that argument specs cannot say (the phases' own asserts)."""
    problems = []
    if isinstance(values.get("guardduty_org_features"), list):
        problems.extend(guardduty_feature_problems(values["guardduty_org_features"]))
    excluded = values.get("guardduty_org_excluded_account_ids") or []
    if values.get("guardduty_org_auto_enable") == "ALL" and excluded:
        problems.append("role guardduty_org: guardduty_org_auto_enable ALL enrols every organization account, the "
                        "excluded ones too; with radiant_excluded_account_ids ({0}) use NEW".format(
                            ", ".join(str(value) for value in excluded)))
    return problems


def organization_problems(accounts, organization_accounts, admin_id):
    """The inventory against Organizations' account list (``organization_accounts``: dicts with
    ``id``, ``name``, ``status``): an outside account must not be a member (GuardDuty would be asked
    to add it twice), and the GuardDuty administrator must be an active member."""
    problems = []
    listed = dict((str(account.get("id")), account) for account in organization_accounts)
    for account in _group_hosts(accounts, OUTSIDE_GROUP):
        account_id = normalize_account_id(account.get("aws_account_id"))
        if account_id in listed:
            problems.append(
                "{0}: aws_account_id {1} is a member of the organization (Organizations lists it as {2!r}); "
                "remove it from {3}: GuardDuty enrols it as an organization member".format(
                    _host_label(account), account_id, listed[account_id].get("name"), OUTSIDE_GROUP))
    if admin_id:
        admin = listed.get(admin_id)
        if admin is None:
            problems.append("radiant_guardduty_admin_account_id: account {0} is not an account of the organization "
                            "(Organizations does not list it); the delegated administrator must be a member".format(
                                admin_id))
        elif admin.get("status", "ACTIVE") != "ACTIVE":
            problems.append("radiant_guardduty_admin_account_id: account {0} is {1} in the organization; the "
                            "delegated administrator must be an active member".format(admin_id, admin.get("status")))
    return problems
