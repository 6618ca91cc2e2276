# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validate the whole inventory from the controller in one task (see the module's docs)."""

import os
from collections import ChainMap

from ansible.errors import AnsibleError, AnsibleUndefinedVariable
from ansible.plugins.action import ActionBase

from ansible_collections.radiant.aws_onboarding.plugins.module_utils import arns
from ansible_collections.radiant.aws_onboarding.plugins.module_utils import inventory_validation as iv

try:
    from ansible.template import trust_as_template
except ImportError:  # before ansible-core 2.19, every string may be a template
    def trust_as_template(value):
        return value

# The collection's roles: the phases' defaults and argument specs are read from here.
ROLES_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "roles")
# Roles whose defaults the settings fall back to, lowest precedence first.
SETTINGS_ROLES = ("radiant", "preflight")
# The settings of the static checks: each is this variable, templated in the management host's context.
SETTING_VARIABLES = (
    ("regions", "radiant_regions"),
    ("company_name", "radiant_company_name"),
    ("external_id", "radiant_external_id"),
    ("management_account_id", "radiant_management_account_id"),
    ("log_account_id", "radiant_log_account_id"),
    ("guardduty_admin_account_id", "radiant_guardduty_admin_account_id"),
    ("excluded_account_ids", "radiant_excluded_account_ids"),
    ("allow_management_as_guardduty_admin", iv.ALLOW_MANAGEMENT_ADMIN),
)
# Inventory sources that fail report here (plugins/inventory/outside_accounts_csv.py).
INVENTORY_PROBLEMS_VARIABLE = "outside_accounts_csv_problems"
# The CloudTrail bucket's name when the phases are not given one (radiant_cloudtrail_bucket_name, which
# org_trail's and cross_account_logging's defaults fall back to).
CLOUDTRAIL_BUCKET_SUFFIX = "-cloudtrail-radiantsecurity"
CLOUDTRAIL_BUCKET_VARIABLES = ("org_trail_bucket_name", "cross_account_logging_bucket_name")

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
    for account_id, error in sorted(args["account_errors"].items()):
        account = by_id.get(iv.normalize_account_id(account_id))
        where = label(account) if account else "account {0}".format(account_id)
        problems.append("{0}: radiant_assume_role_name: {1}".format(where, error))
    regions = args["regions"] or []
    for host, statuses in sorted(args["region_statuses"].items()):
        account = by_host.get(host, {"host": host})
        problems.extend(iv.region_status_problems(
            label(account), iv.normalize_account_id(account.get("aws_account_id")), regions, statuses))
    for account_id, statuses in sorted(args["member_region_statuses"].items()):
        account = by_id.get(account_id)
        where = label(account) if account else "organization account {0} (no inventory host)".format(account_id)
        problems.extend(iv.region_status_problems(where, account_id, regions, statuses))
    if args.get("organization_accounts") is not None:
        problems.extend(iv.organization_problems(
            accounts, args["organization_accounts"], resolved.get("guardduty_admin_account_id")))
    return problems


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        _validation, args = self.validate_argument_spec(argument_spec=iv.preflight_argument_spec())
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
        phase_problems = []
        if args["phase_roles"] is not None:
            settings, phase_problems = self._static_settings(args, task_vars)
        problems, resolved = iv.validate_inventory(accounts, settings)
        problems.extend(phase_problems)
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
            if args["phase_roles"] is not None:
                result["ansible_facts"] = {"preflight_static_passed": True}
        return result

    def _static_settings(self, args, task_vars):
        """Every setting and every phase role's variables, as the phases will see them on the
        management host, whatever --tags run: (settings for validate_inventory, phase problems)."""
        values_of = self._management_context(args["phase_roles"], task_vars)
        problems = []

        def setting(variable):
            try:
                return values_of(variable)
            except AnsibleError as error:
                problems.append("{0} cannot be evaluated: {1}".format(variable, error.message))
                return None

        settings = {"bucket_names": {}}
        for key, variable in SETTING_VARIABLES:
            settings[key] = setting(variable)
        settings["known_regions"] = known_regions()
        settings["inventory_problems"] = list(setting(INVENTORY_PROBLEMS_VARIABLE) or [])
        buckets = settings["bucket_names"]
        buckets["radiant_findings_bucket_name"] = setting("radiant_findings_bucket_name")
        buckets.update(args["bucket_names"] or {})
        phase_values = {}
        for role in args["phase_roles"]:
            options = self._role_options(role)
            values = {}
            for name in options:
                try:
                    values[name] = values_of(name, role)
                except AnsibleUndefinedVariable:
                    continue  # set by the playbook or an earlier phase at run time
                except AnsibleError as error:
                    problems.append("role {0}: {1} cannot be evaluated: {2}".format(role, name, error.message))
            problems.extend(iv.role_variable_problems(role, options, values))
            phase_values.update(values)
        problems.extend(iv.phase_rule_problems(phase_values))
        company = settings.get("company_name")
        derived = company + CLOUDTRAIL_BUCKET_SUFFIX if company and isinstance(company, str) else None
        for name, value in sorted(phase_values.items()):
            default_cloudtrail_bucket = name in CLOUDTRAIL_BUCKET_VARIABLES and value == derived
            if name.endswith("_bucket_name") and isinstance(value, str) and value \
                    and value not in buckets.values() and not default_cloudtrail_bucket:
                buckets[name] = value
        if derived:
            for variable in CLOUDTRAIL_BUCKET_VARIABLES:
                if variable in phase_values and phase_values[variable] in ("", None, derived) \
                        and derived not in buckets.values():
                    buckets[variable + " (default radiant_company_name" + CLOUDTRAIL_BUCKET_SUFFIX + ")"] = derived
        return settings, problems

    def _management_context(self, roles, task_vars):
        """A function returning one variable's value (None if unset), templated over the management
        host's variables (inventory, group_vars, extra vars) on top of the roles' defaults."""
        groups = task_vars.get("groups", {})
        hostvars = task_vars.get("hostvars", {})
        management = (groups.get(iv.MANAGEMENT_GROUP) or [None])[0]
        host_vars = task_vars
        if management is not None and hasattr(hostvars, "raw_get"):
            host_vars = hostvars.raw_get(management)
        defaults = {}
        for role in SETTINGS_ROLES + tuple(roles):
            defaults.update(self._role_file(role, "defaults") or {})
        magic = dict((name, task_vars[name]) for name in ("hostvars", "groups", "playbook_dir") if name in task_vars)
        layers = [magic]
        if task_vars.get("inventory_hostname") not in (None, "localhost"):
            # In a play on the account hosts (the first is the management host): its play and role
            # variables count too, as a wrapper playbook or a test sets them.
            layers.append(task_vars)
        context = ChainMap(*(layers + [dict(host_vars), defaults]))
        templar = self._templar.copy_with_new_env(available_variables=context)
        if not templar.template(context.get("radiant_partition") or ""):
            # The radiant role reads the caller's partition from STS, after these checks; until then the
            # phases' ARNs are evaluated in the partition of radiant_aws_region, which the credentials share.
            region = templar.template(context.get("radiant_aws_region") or "")
            context.maps.insert(0, {"radiant_partition": arns.partition_for_region(region)})

        def values_of(name, role=None):
            if name not in context:
                return None
            if role is not None:
                local = templar.copy_with_new_env(
                    available_variables=ChainMap({"role_path": os.path.join(ROLES_DIR, role)}, context))
                return local.template(context[name])
            return templar.template(context[name])

        return values_of

    def _role_file(self, role, folder):
        path = os.path.join(ROLES_DIR, role, folder, "main.yml" if folder == "defaults" else "argument_specs.yml")
        if not os.path.exists(path):
            return None
        return _trusted(self._loader.load_from_file(path))

    def _role_options(self, role):
        specs = self._role_file(role, "meta") or {}
        return dict(((specs.get("argument_specs") or {}).get("main") or {}).get("options") or {})


def _trusted(value):
    """The collection's own files hold templates, as a role's defaults do when Ansible loads them."""
    if isinstance(value, str):
        return trust_as_template(value)
    if isinstance(value, list):
        return [_trusted(item) for item in value]
    if isinstance(value, dict):
        return dict((key, _trusted(item)) for key, item in value.items())
    return value


def known_regions():
    """{partition: [Region, ...]} from botocore's endpoint data, or None without botocore."""
    try:  # here, not at the top: this plugin loads in a task's worker, and the other checks need no botocore
        from botocore.loaders import create_loader
    except ImportError:  # botocore is amazon.aws's requirement; without it Region names are checked by form only
        return None
    partitions = create_loader().load_data("endpoints")["partitions"]
    return dict((partition["partition"], sorted(partition["regions"])) for partition in partitions)
