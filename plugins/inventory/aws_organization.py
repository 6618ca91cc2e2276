# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: aws_organization
short_description: One host per account of an AWS Organization, grouped by OU and by job
version_added: 0.1.0
description:
  - Reads the AWS Organization (with credentials of its management account) and adds one host per
    ACTIVE account, with C(ansible_connection=local), for playbooks that act on each account through
    AWS APIs.
  - "Host variables: C(aws_account_id), C(aws_account_name), C(aws_account_email), C(aws_account_status),
    C(aws_ou_path) (for example V(Workloads/Prod/Web); empty under the root), C(aws_ou_id), C(aws_ou_ids)
    (OU ids from the root down) and C(aws_organization_id)."
  - "Groups by job, the same as the static inventory of this collection: C(management_account),
    C(log_account) (the account O(log_account_id)), C(organization_members) (every other ACTIVE account),
    C(suspended_accounts), and C(outside_accounts), left empty here - accounts outside the organization come
    from the accounts CSV of docs/requirements.md#outside-accounts-csv through the
    C(radiant.aws_onboarding.outside_accounts_csv) inventory plugin, passed as a second C(-i)."
  - Groups by OU, nested like the OU tree - the account of OU V(Workloads/Prod/Web) is in group
    C(ou_workloads_prod_web), a child of C(ou_workloads_prod), a child of C(ou_workloads). Names are
    O(ou_group_prefix) plus the lower-cased path with every character other than letters, digits and
    C(_) replaced by C(_).
  - Accounts that are not ACTIVE (suspended or pending closure) are not targets - they are hosts of the
    group C(suspended_accounts) only (no OU or job group), with C(aws_account_status) telling their
    status, so that a play on C(organization_members) or on an OU group never reaches them and
    C(groups['suspended_accounts']) reports them.
  - The inventory configuration file must end with C(aws_organization.yml) or C(aws_organization.yaml).
author:
  - Radiant Security onboarding contributors (@radiant-security)
extends_documentation_fragment:
  - inventory_cache
  - constructed
  - amazon.aws.boto3
  - amazon.aws.common.plugins
  - amazon.aws.region.plugins
  - amazon.aws.assume_role.plugins
options:
  plugin:
    description: The name of this plugin; it must be V(radiant.aws_onboarding.aws_organization).
    type: str
    required: true
    choices: ['radiant.aws_onboarding.aws_organization']
  log_account_id:
    description:
      - The account that centralises logs and security tooling (the main account of docs/requirements.md); it becomes
        the only host of C(log_account) instead of a member of C(organization_members).
      - It must be an ACTIVE account of the organization.
    type: str
  include_accounts:
    description:
      - Only these account ids become hosts (all accounts when empty).
    type: list
    elements: str
    default: []
  exclude_accounts:
    description:
      - These account ids never become hosts; exclusion wins over O(include_accounts).
    type: list
    elements: str
    default: []
  hostname:
    description:
      - V(name) names each host after its account name (whitespace replaced by V(-); accounts sharing a name
        get V(-<account id>) appended); V(id) uses the account id.
    type: str
    choices: ['name', 'id']
    default: name
  ou_group_prefix:
    description: Prefix of the OU group names.
    type: str
    default: ou_
  management_role_arn:
    description:
      - A role in the management account to read the organization through, when the credentials belong to another
        account (an AWX credential of a tooling account, a CI runner's role). Unlike O(assume_role_arn), it sends
        O(management_role_external_id) and takes its value from the environment, where AWX's custom credential
        types put it (docs/awx.md).
      - The playbooks take the same role from C(radiant_management_role_arn).
    type: str
    env:
      - name: RADIANT_MANAGEMENT_ROLE_ARN
  management_role_external_id:
    description: External ID the role's trust policy requires (C(sts:ExternalId)).
    type: str
    env:
      - name: RADIANT_MANAGEMENT_ROLE_EXTERNAL_ID
  management_role_session_name:
    description: Session name of the role's session; identifies the inventory's reads in CloudTrail.
    type: str
    default: radiant-onboarding-inventory
    env:
      - name: RADIANT_MANAGEMENT_ROLE_SESSION_NAME
  python_interpreter:
    description:
      - The C(ansible_python_interpreter) of every host. The modules run on the controller with boto3, so the
        default is the Python running the playbook, V({{ ansible_playbook_python }}).
    type: str
"""

EXAMPLES = r"""
# accounts.aws_organization.yml
plugin: radiant.aws_onboarding.aws_organization
log_account_id: "210987654321"
exclude_accounts:
  - "111111111111"  # a test account we do not onboard
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/radiant-inventory
keyed_groups:
  - key: aws_account_status
    prefix: status
groups:
  production: aws_ou_path is match('Workloads/Prod(/|$)')
compose:
  radiant_access_role: "'OrganizationAccountAccessRole'"
"""

import re

from ansible.errors import AnsibleError

try:
    from ansible.template import trust_as_template
except ImportError:  # ansible-core < 2.19 templates every inventory string anyway

    def trust_as_template(value):
        return value


try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:  # AWSInventoryBase reports a missing botocore itself
    BotoCoreError = ClientError = Exception

from ansible_collections.amazon.aws.plugins.plugin_utils.inventory import AWSInventoryBase
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.aws_calls import aws_client
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.inventory_validation import (
    JOB_GROUPS,
    LOG_GROUP,
    MANAGEMENT_GROUP,
    MEMBERS_GROUP,
    SUSPENDED_GROUP,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.organizations import (
    OrganizationsError,
    read_organization,
)

ACTIVE = "ACTIVE"
PLAYBOOK_PYTHON = "{{ ansible_playbook_python }}"


def ou_group_name(path, prefix="ou_"):
    """``Workloads/Prod-Web`` -> ``ou_workloads_prod_web``: a valid, predictable group name."""
    return prefix + re.sub(r"[^a-z0-9_]", "_", path.lower())


def _hostnames(accounts, hostname):
    if hostname == "id":
        return {account["id"]: account["id"] for account in accounts}
    names = {account["id"]: re.sub(r"\s+", "-", (account.get("name") or account["id"]).strip()) for account in accounts}
    counts = {}
    for name in names.values():
        counts[name] = counts.get(name, 0) + 1
    return {account_id: name if counts[name] == 1 else "{0}-{1}".format(name, account_id)
            for account_id, name in names.items()}


def build_inventory(org, log_account_id=None, include_accounts=(), exclude_accounts=(), hostname="name",
                    ou_group_prefix="ou_"):
    """Hosts and groups from read_organization()'s result; pure, so it is unit-tested without AWS.

    Returns {"hosts": {name: vars}, "groups": {group: {"hosts": [...], "children": [...]}},
    "vars": {...}} (group and host lists sorted).
    """
    include, exclude = set(include_accounts or ()), set(exclude_accounts or ())
    management_id = org["organization"]["management_account_id"]
    accounts = [account for account in org["accounts"]
                if (not include or account["id"] in include) and account["id"] not in exclude]
    if log_account_id:
        log_account = [account for account in org["accounts"] if account["id"] == log_account_id]
        if not log_account or log_account[0]["status"] != ACTIVE:
            raise ValueError("log_account_id {0} is not an ACTIVE account of organization {1}".format(
                log_account_id, org["organization"]["id"]))

    groups = {name: {"hosts": [], "children": []} for name in JOB_GROUPS}
    for ou in org["organizational_units"]:
        groups.setdefault(ou_group_name(ou["path"], ou_group_prefix), {"hosts": [], "children": []})
    for ou in org["organizational_units"]:
        if "/" in ou["path"]:
            parent = groups[ou_group_name(ou["path"].rsplit("/", 1)[0], ou_group_prefix)]
            parent["children"].append(ou_group_name(ou["path"], ou_group_prefix))

    hosts = {}
    names = _hostnames(accounts, hostname)
    for account in accounts:
        name = names[account["id"]]
        hosts[name] = {
            "aws_account_id": account["id"],
            "aws_account_name": account.get("name"),
            "aws_account_email": account.get("email"),
            "aws_account_status": account.get("status"),
            "aws_ou_path": account.get("ou_path") or "",
            "aws_ou_id": account.get("ou_id"),
            "aws_ou_ids": list(account.get("ou_ids") or []),
        }
        if account.get("status") != ACTIVE:
            groups[SUSPENDED_GROUP]["hosts"].append(name)
            continue
        if account["id"] == management_id:
            groups[MANAGEMENT_GROUP]["hosts"].append(name)
        elif account["id"] == log_account_id:
            groups[LOG_GROUP]["hosts"].append(name)
        else:
            groups[MEMBERS_GROUP]["hosts"].append(name)
        if account.get("ou_path"):
            groups[ou_group_name(account["ou_path"], ou_group_prefix)]["hosts"].append(name)

    for group in groups.values():
        group["hosts"].sort()
        group["children"].sort()
    return {
        "hosts": hosts,
        "groups": groups,
        "vars": {
            "aws_organization_id": org["organization"]["id"],
            "aws_management_account_id": management_id,
        },
    }


class InventoryModule(AWSInventoryBase):
    NAME = "radiant.aws_onboarding.aws_organization"
    INVENTORY_FILE_SUFFIXES = ("aws_organization.yml", "aws_organization.yaml")

    def _set_frozen_credentials(self):
        # assume_role_arn (amazon.aws's option) sends no external ID; management_role_arn does.
        role_arn = self.get_option("management_role_arn")
        if not role_arn:
            return super()._set_frozen_credentials()
        request = {"RoleArn": role_arn, "RoleSessionName": self.get_option("management_role_session_name")}
        if self.get_option("management_role_external_id"):
            request["ExternalId"] = self.get_option("management_role_external_id")
        sts = aws_client(self, "sts", region=self.region or "us-east-1")
        try:
            credentials = sts.assume_role(aws_retry=True, **request)["Credentials"]
        except (BotoCoreError, ClientError) as error:
            how = "with" if "ExternalId" in request else "without"
            raise AnsibleError("aws_organization inventory: management_role_arn: cannot assume {0} "
                               "({1} an external ID): {2}".format(role_arn, how, error)) from None
        self._frozen_credentials = {
            "profile_name": None,
            "aws_access_key_id": credentials["AccessKeyId"],
            "aws_secret_access_key": credentials["SecretAccessKey"],
            "aws_session_token": credentials["SessionToken"],
        }

    def _read(self):
        client = aws_client(self, "organizations", region=self.region or "us-east-1")
        try:
            return read_organization(client)
        except OrganizationsError as error:
            raise AnsibleError("aws_organization inventory: {0}".format(error)) from None

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache=cache)

        result_was_cached, org = self.get_cached_result(path, cache)
        if not result_was_cached:
            org = self._read()

        try:
            plan = build_inventory(
                org,
                log_account_id=self.get_option("log_account_id"),
                include_accounts=self.get_option("include_accounts"),
                exclude_accounts=self.get_option("exclude_accounts"),
                hostname=self.get_option("hostname"),
                ou_group_prefix=self.get_option("ou_group_prefix"),
            )
        except ValueError as error:
            raise AnsibleError("aws_organization inventory: {0}".format(error)) from None
        self._populate(plan)
        self.update_cached_result(path, cache, org)

    def _populate(self, plan):
        for group in plan["groups"]:
            self.inventory.add_group(group)
        for group, members in plan["groups"].items():
            for child in members["children"]:
                self.inventory.add_child(group, child)
        for name, value in plan["vars"].items():
            self.inventory.set_variable("all", name, value)

        membership = {}
        for group, members in plan["groups"].items():
            for host in members["hosts"]:
                membership.setdefault(host, []).append(group)

        strict = self.get_option("strict")
        # Resolved when a play runs (AWX may compute the inventory elsewhere); our own template,
        # so it is marked trusted, unlike the values read from AWS.
        interpreter = self.get_option("python_interpreter") or trust_as_template(PLAYBOOK_PYTHON)
        for name, account_vars in plan["hosts"].items():
            self.inventory.add_host(name)
            for group in membership.get(name, []):
                self.inventory.add_child(group, name)
            host_vars = dict(account_vars, ansible_connection="local", ansible_python_interpreter=interpreter)
            for key, value in host_vars.items():
                self.inventory.set_variable(name, key, value)
            self._set_composite_vars(self.get_option("compose"), host_vars, name, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), host_vars, name, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), host_vars, name, strict=strict)
