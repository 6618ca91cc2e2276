# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validate the whole inventory from the controller in one task (see the module's docs)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.plugins.action import ActionBase

from ansible_collections.radiant.aws_onboarding.plugins.module_utils import inventory_validation as iv

ARGUMENT_SPEC = dict(
    hosts=dict(type="list", elements="str"),
    regions=dict(type="list", elements="str"),
    company_name=dict(type="str"),
    bucket_names=dict(type="dict", default={}),
    external_id=dict(type="str", no_log=False),
    management_account_id=dict(type="str"),
    log_account_id=dict(type="str"),
    guardduty_admin_account_id=dict(type="str"),
    excluded_account_ids=dict(type="list", elements="str", default=[]),
    caller_account_id=dict(type="str"),
    credential_errors=dict(type="dict", default={}),
    region_statuses=dict(type="dict", default={}),
    member_region_statuses=dict(type="dict", default={}),
    extra_problems=dict(type="list", elements="str", default=[]),
)
HOST_FIELDS = ("aws_account_id", "aws_account_email", "radiant_assume_role_name")


def collect_accounts(host_names, hostvars, groups):
    """One plain record per host, read once from hostvars."""
    job_groups = {}
    for group in iv.JOB_GROUPS:
        for host in groups.get(group, ()):
            job_groups.setdefault(host, []).append(group)
    accounts = []
    for host in host_names:
        host_vars = hostvars[host]
        record = {"host": host, "groups": job_groups.get(host, [])}
        for field in HOST_FIELDS:
            record[field] = host_vars.get(field)
        record["assume_role_name"] = record.pop("radiant_assume_role_name")
        accounts.append(record)
    return accounts


def live_problems(args, accounts, resolved):
    problems = []
    by_host = dict((account["host"], account) for account in accounts)
    by_id = dict((iv.normalize_account_id(account["aws_account_id"]), account) for account in accounts)

    def label(account):
        return iv._host_label(account)

    management_id = resolved.get("management_account_id")
    if args["caller_account_id"] and management_id:
        management_host = next((a["host"] for a in accounts if iv.MANAGEMENT_GROUP in a["groups"]), "management")
        problem = iv.caller_problem(args["caller_account_id"], management_id, management_host)
        if problem:
            problems.append(problem)
    for host, error in sorted(args["credential_errors"].items()):
        account = by_host.get(host, {"host": host})
        problems.append("{0}: {1}".format(label(account), error))
    regions = args["regions"] or []
    for host, statuses in sorted(args["region_statuses"].items()):
        account = by_host.get(host, {"host": host})
        problems.extend(iv.region_status_problems(
            label(account), iv.normalize_account_id(account.get("aws_account_id")), regions, statuses))
    for account_id, statuses in sorted(args["member_region_statuses"].items()):
        account = by_id.get(account_id)
        where = label(account) if account else "organization account {0} (no inventory host)".format(account_id)
        problems.extend(iv.region_status_problems(where, account_id, regions, statuses))
    return problems


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        _validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        task_vars = task_vars or {}
        groups = task_vars.get("groups", {})
        if args["hosts"] is not None:
            host_names = args["hosts"]
        else:  # every account host: the members of the job groups, in inventory order
            members = set(host for group in iv.JOB_GROUPS for host in groups.get(group, ()))
            host_names = [host for host in groups.get("all", []) if host in members]
        accounts = collect_accounts(host_names, task_vars["hostvars"], groups)
        settings = dict((key, args[key]) for key in (
            "regions", "company_name", "bucket_names", "external_id", "management_account_id", "log_account_id",
            "guardduty_admin_account_id", "excluded_account_ids"))
        problems, resolved = iv.validate_inventory(accounts, settings)
        problems.extend(live_problems(args, accounts, resolved))
        problems.extend(args["extra_problems"])
        result.update(changed=False, problems=problems, accounts=len(accounts))
        result.update((key, value) for key, value in resolved.items() if value)
        if problems:
            result["failed"] = True
            result["msg"] = "Preflight found {0} problem(s) in {1} account(s):\n- {2}".format(
                len(problems), len(accounts), "\n- ".join(problems))
        else:
            result["msg"] = "Preflight passed for {0} account(s)".format(len(accounts))
        return result
