# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validation of the onboarding inventory and settings, before anything is written.

Pure functions over plain data: the preflight action plugin, the outside-accounts CSV
inventory plugin and the unit tests call them. Every problem is one readable line that
names the host (or the variable) and the field, and the region where one is involved;
callers collect all of them and fail once.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

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

    problems.extend(_region_list_problems(settings.get("regions")))

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
                        "connector's details (the seeds' RS_CREDENTIAL_ID)")
    elif not isinstance(external_id, str) or not EXTERNAL_ID.match(external_id):
        problems.append("radiant_external_id must be 2-1224 characters of letters, digits and +=,.@:/-")

    resolved = {"management_account_id": management_id, "log_account_id": log_id,
                "guardduty_admin_account_id": admin_id}
    return problems, resolved


def _region_list_problems(regions):
    if regions is None:
        return []  # discovered from the accounts' enabled Regions
    if not isinstance(regions, (list, tuple)):
        return ["radiant_regions must be a list of Region codes, got {0!r}".format(regions)]
    problems = []
    seen = set()
    for region in regions:
        problem = region_name_problem(region)
        if problem:
            problems.append("radiant_regions: {0}".format(problem))
        elif region in seen:
            problems.append("radiant_regions: {0} is listed twice".format(region))
        seen.add(region)
    return problems


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


# Seed 004: the GuardDuty console's bulk-add file. The header is required by the console;
# the AWS sample scripts take the same lines without it, so a headerless file is accepted.
CSV_HEADER = ("Account ID", "Email")


def parse_outside_accounts_csv(text, source="CSV"):
    """Parse seed 004's ``Account ID,Email`` file. Returns ``(accounts, problems)``:
    accounts as ``{"aws_account_id", "aws_account_email", "line"}``; each problem names
    the file, the line number and the field."""
    accounts = []
    problems = []
    seen = {}
    rows = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    for index, row in enumerate(rows, start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if index == 1 and len(cells) >= 1 and not cells[0].isdigit():
            if tuple(cell.lower() for cell in cells) != tuple(name.lower() for name in CSV_HEADER):
                problems.append("{0} line 1: header must be 'Account ID,Email', got {1!r}".format(
                    source, ",".join(row)))
            continue
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
