# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A role with its customer-managed policy, in the caller's account or in many accounts, in one task.

What amazon.aws.iam_managed_policy (``only_version: true``) and amazon.aws.iam_role
(``purge_policies: false``, ``create_instance_profile: false``) did as two tasks per account, as
one task for all of them: each account is reached with ONE sts:AssumeRole (account_sessions),
the accounts run in a bounded thread pool, and each account's result says what differed, so a
check-mode run is the drift report. Path '/' and MaxSessionDuration are left as IAM sets them.
"""

import copy
import json

from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.account_sessions import (
    DEFAULT_ACCOUNT_WORKERS,
    normalized_accounts,
    run_concurrently,
    sign_in_all,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.arns import (
    arn,
    partition_of_arn,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.aws_calls import (
    AWS_ERRORS,
    pages,
    paginate,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.aws_errors import (
    error_code,
    error_message,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.common import policy_document

# IAM's lists page with Marker in and Marker out (IsTruncated), not NextToken.
IAM_PAGES = dict(input_token="Marker", output_token="Marker")
# A role just created may not be visible to AttachRolePolicy yet (IAM is eventually consistent:
# IAM User Guide, "Changes that I make are not always immediately visible").
ATTACH_AFTER_CREATE = AWSRetry.jittered_backoff(retries=6, delay=1, max_delay=8,
                                                catch_extra_error_codes=["NoSuchEntity"])


class IamStepError(Exception):
    """One account's work failed at ``step`` (text for the user); ``error`` keeps AWS's exception."""

    def __init__(self, step, error):
        super(IamStepError, self).__init__(step)
        self.step = step
        self.error = error

    def text(self, account_id):
        code = error_code(self.error)
        detail = error_message(self.error) or str(self.error)
        return "account {0}: {1} failed: {2}{3}".format(account_id, self.step, code + ": " if code else "", detail)


class Step:
    """``with Step("create the policy X"):`` turns an AWS error into an IamStepError naming the step."""

    def __init__(self, text):
        self.text = text

    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        if value is not None and isinstance(value, AWS_ERRORS):
            raise IamStepError(self.text, value) from value
        return False


class WantedRole:
    """What the module converges to in every account (the module's options)."""

    def __init__(self, role_name, policy_name, assume_role_policy_document=None, policy=None, role_description=None,
                 policy_description=None, keep_resources_of=None):
        self.role_name = role_name
        self.policy_name = policy_name
        self.trust = policy_document(assume_role_policy_document)
        self.policy = policy_document(policy)
        self.role_description = role_description
        self.policy_description = policy_description
        self.keep_resources_of = list(keep_resources_of or [])


def _as_list(value):
    return list(value) if isinstance(value, list) else [value]


def keep_current_resources(current, wanted, sids):
    """``wanted`` with, for each statement Sid of ``sids``, the Resource entries ``current`` grants there too.

    For resources the caller does not know in this run (another phase left out by --tags): what the policy
    grants stays, and what the caller knows is added. A statement of those Sids that ``wanted`` lacks is kept
    whole. ``wanted`` itself is not changed.
    """
    if not current or not sids:
        return wanted
    current_by_sid = dict((statement.get("Sid"), statement) for statement in current.get("Statement") or []
                          if isinstance(statement, dict) and statement.get("Sid") in sids)
    if not current_by_sid:
        return wanted
    merged = copy.deepcopy(wanted)
    statements = merged.setdefault("Statement", [])
    present = set()
    for statement in statements:
        sid = statement.get("Sid")
        if sid in current_by_sid and "Resource" in statement:
            present.add(sid)
            resources = _as_list(statement["Resource"])
            for resource in _as_list(current_by_sid[sid].get("Resource", [])):
                if resource not in resources:
                    resources.append(resource)
            statement["Resource"] = resources
        elif sid in current_by_sid:
            present.add(sid)
    statements.extend(copy.deepcopy(current_by_sid[sid]) for sid in sids
                      if sid in current_by_sid and sid not in present)
    return merged


def _missing(error):
    return error_code(error) in ("NoSuchEntity", "NoSuchEntityException")


# -- reads ---------------------------------------------------------------------------------------

def read_policy(iam, policy_arn):
    """The policy (description, default version and its document, every version id), or None."""
    with Step("read the policy {0}".format(policy_arn)):
        try:
            policy = iam.get_policy(PolicyArn=policy_arn, aws_retry=True)["Policy"]
        except AWS_ERRORS as e:
            if _missing(e):
                return None
            raise
        versions = paginate(iam, "list_policy_versions", "Versions", PolicyArn=policy_arn, **IAM_PAGES)
        default = policy["DefaultVersionId"]
        document = iam.get_policy_version(PolicyArn=policy_arn, VersionId=default,
                                          aws_retry=True)["PolicyVersion"]["Document"]
    return {
        "arn": policy_arn,
        "description": policy.get("Description", ""),
        "default_version_id": default,
        "document": policy_document(document),
        "other_version_ids": [version["VersionId"] for version in versions if version["VersionId"] != default],
    }


def read_role(iam, role_name):
    """The role (ARN, description, trust policy, attached policy ARNs), or None."""
    with Step("read the role {0}".format(role_name)):
        try:
            role = iam.get_role(RoleName=role_name, aws_retry=True)["Role"]
        except AWS_ERRORS as e:
            if _missing(e):
                return None
            raise
        attached = paginate(iam, "list_attached_role_policies", "AttachedPolicies", RoleName=role_name, **IAM_PAGES)
    return {
        "arn": role["Arn"],
        "description": role.get("Description", ""),
        "trust": policy_document(role.get("AssumeRolePolicyDocument")),
        "attached": [policy["PolicyArn"] for policy in attached],
    }


def _policy_view(policy):
    if not policy:
        return None
    return {"description": policy["description"], "document": policy["document"],
            "versions": [policy["default_version_id"]] + policy["other_version_ids"]}


def _role_view(role):
    if not role:
        return None
    return {"description": role["description"], "assume_role_policy_document": role["trust"],
            "attached_policies": list(role["attached"])}


# -- writes --------------------------------------------------------------------------------------

def _delete_versions(iam, policy_arn, version_ids):
    for version_id in version_ids:
        with Step("delete version {0} of the policy {1}".format(version_id, policy_arn)):
            iam.delete_policy_version(PolicyArn=policy_arn, VersionId=version_id, aws_retry=True)


def converge_policy(iam, policy_arn, wanted, check_mode):
    """The policy as wanted, one default version only: (changes, before view, after view)."""
    policy = read_policy(iam, policy_arn)
    resource = "policy {0}".format(wanted.policy_name)
    after = {"description": wanted.policy_description or "", "document": wanted.policy, "versions": ["v1"]}
    if policy is None:
        if not check_mode:
            params = dict(PolicyName=wanted.policy_name, PolicyDocument=json.dumps(wanted.policy))
            if wanted.policy_description:
                params["Description"] = wanted.policy_description
            with Step("create the policy {0}".format(wanted.policy_name)):
                created = iam.create_policy(aws_retry=True, **params)["Policy"]
            after["versions"] = [created.get("DefaultVersionId", "v1")]
        return [(resource, "(resource)", "present", "missing")], None, after
    # IAM has no API that changes a policy's description: an adopted policy keeps its own.
    after["description"] = policy["description"]
    changes = []
    document = keep_current_resources(policy["document"], wanted.policy, wanted.keep_resources_of)
    if compare_policies(policy["document"], document):
        changes.append((resource, "document", document, policy["document"]))
        after["document"] = document
        after["versions"] = ["(new)"]
        if not check_mode:
            # IAM keeps five versions: make room first, then the new default, then drop the old one.
            _delete_versions(iam, policy_arn, policy["other_version_ids"])
            with Step("create a new version of the policy {0}".format(policy_arn)):
                version = iam.create_policy_version(PolicyArn=policy_arn, PolicyDocument=json.dumps(document),
                                                    SetAsDefault=True, aws_retry=True)["PolicyVersion"]
            _delete_versions(iam, policy_arn, [policy["default_version_id"]])
            after["versions"] = [version["VersionId"]]
    else:
        after["document"] = policy["document"]
        after["versions"] = [policy["default_version_id"]]
        if policy["other_version_ids"]:
            changes.append((resource, "versions", [policy["default_version_id"]],
                            [policy["default_version_id"]] + policy["other_version_ids"]))
            if not check_mode:
                _delete_versions(iam, policy_arn, policy["other_version_ids"])
    return changes, _policy_view(policy), after


def converge_role(iam, policy_arn, wanted, check_mode):
    """The role with the trust policy and description, the policy attached, others left: (changes, before, after)."""
    role = read_role(iam, wanted.role_name)
    resource = "role {0}".format(wanted.role_name)
    name = wanted.role_name
    if role is None:
        if not check_mode:
            params = dict(Path="/", RoleName=name, AssumeRolePolicyDocument=json.dumps(wanted.trust))
            if wanted.role_description is not None:
                params["Description"] = wanted.role_description
            with Step("create the role {0}".format(name)):
                iam.create_role(aws_retry=True, **params)
            with Step("attach the policy {0} to the new role {1}".format(policy_arn, name)):
                ATTACH_AFTER_CREATE(iam.attach_role_policy)(RoleName=name, PolicyArn=policy_arn)
        after = {"description": wanted.role_description or "", "assume_role_policy_document": wanted.trust,
                 "attached_policies": [policy_arn]}
        return [(resource, "(resource)", "present", "missing")], None, after
    changes = []
    after = _role_view(role)
    if compare_policies(role["trust"], wanted.trust):
        changes.append((resource, "assume_role_policy_document", wanted.trust, role["trust"]))
        after["assume_role_policy_document"] = wanted.trust
        if not check_mode:
            with Step("update the trust policy of the role {0}".format(name)):
                iam.update_assume_role_policy(RoleName=name, PolicyDocument=json.dumps(wanted.trust), aws_retry=True)
    if wanted.role_description is not None and role["description"] != wanted.role_description:
        changes.append((resource, "description", wanted.role_description, role["description"]))
        after["description"] = wanted.role_description
        if not check_mode:
            with Step("update the description of the role {0}".format(name)):
                iam.update_role(RoleName=name, Description=wanted.role_description, aws_retry=True)
    if policy_arn not in role["attached"]:
        changes.append((resource, "attached_policies", policy_arn, list(role["attached"])))
        after["attached_policies"] = list(role["attached"]) + [policy_arn]
        if not check_mode:
            with Step("attach the policy {0} to the role {1}".format(policy_arn, name)):
                iam.attach_role_policy(RoleName=name, PolicyArn=policy_arn, aws_retry=True)
    return changes, _role_view(role), after


def remove_role(iam, wanted, check_mode):
    """Delete the role of that name; what IAM requires first: its managed policies detached (they stay),
    its inline policies deleted, it taken out of instance profiles (they stay), as amazon.aws.iam_role does."""
    role = read_role(iam, wanted.role_name)
    if role is None:
        return [], None
    name = wanted.role_name
    if not check_mode:
        for policy_arn in role["attached"]:
            with Step("detach the policy {0} from the role {1}".format(policy_arn, name)):
                iam.detach_role_policy(RoleName=name, PolicyArn=policy_arn, aws_retry=True)
        with Step("delete the inline policies of the role {0}".format(name)):
            for policy_name in paginate(iam, "list_role_policies", "PolicyNames", RoleName=name, **IAM_PAGES):
                iam.delete_role_policy(RoleName=name, PolicyName=policy_name, aws_retry=True)
        with Step("take the role {0} out of its instance profiles".format(name)):
            for profile in paginate(iam, "list_instance_profiles_for_role", "InstanceProfiles", RoleName=name,
                                    **IAM_PAGES):
                iam.remove_role_from_instance_profile(InstanceProfileName=profile["InstanceProfileName"],
                                                      RoleName=name, aws_retry=True)
        with Step("delete the role {0}".format(name)):
            iam.delete_role(RoleName=name, aws_retry=True)
    return [("role {0}".format(name), "(resource)", "absent", "present")], _role_view(role)


def remove_policy(iam, policy_arn, wanted, check_mode):
    """Delete the policy: detached from every user, group and role first, its other versions deleted
    (IAM's preconditions of DeletePolicy), as amazon.aws.iam_managed_policy does."""
    policy = read_policy(iam, policy_arn)
    if policy is None:
        return [], None
    if not check_mode:
        with Step("detach the policy {0} from its users, groups and roles".format(policy_arn)):
            for page in pages(iam, "list_entities_for_policy", PolicyArn=policy_arn, **IAM_PAGES):
                for group in page.get("PolicyGroups") or []:
                    iam.detach_group_policy(GroupName=group["GroupName"], PolicyArn=policy_arn, aws_retry=True)
                for user in page.get("PolicyUsers") or []:
                    iam.detach_user_policy(UserName=user["UserName"], PolicyArn=policy_arn, aws_retry=True)
                for role in page.get("PolicyRoles") or []:
                    iam.detach_role_policy(RoleName=role["RoleName"], PolicyArn=policy_arn, aws_retry=True)
        _delete_versions(iam, policy_arn, policy["other_version_ids"])
        with Step("delete the policy {0}".format(policy_arn)):
            iam.delete_policy(PolicyArn=policy_arn, aws_retry=True)
    return [("policy {0}".format(wanted.policy_name), "(resource)", "absent", "present")], _policy_view(policy)


# -- one account, many accounts ------------------------------------------------------------------

def _difference(change):
    resource, field, expected, actual = change
    return {"resource": resource, "field": field, "expected": expected, "actual": actual}


def converge_account(iam, account_id, partition, wanted, state="present", check_mode=False):
    """One account: its entry (account_id, changed, role_arn, policy_arn, differences) and the diff sides."""
    policy_arn = arn(partition, "iam", "", account_id, "policy/" + wanted.policy_name)
    if state == "present":
        policy_changes, policy_before, policy_after = converge_policy(iam, policy_arn, wanted, check_mode)
        role_changes, role_before, role_after = converge_role(iam, policy_arn, wanted, check_mode)
        changes = policy_changes + role_changes
        before = {"policy": policy_before, "role": role_before}
        after = {"policy": policy_after, "role": role_after}
    else:
        role_changes, role_before = remove_role(iam, wanted, check_mode)
        policy_changes, policy_before = remove_policy(iam, policy_arn, wanted, check_mode)
        changes = role_changes + policy_changes
        before = {"policy": policy_before, "role": role_before}
        after = {"policy": None, "role": None}
    entry = {
        "account_id": account_id,
        "changed": bool(changes),
        "role_arn": arn(partition, "iam", "", account_id, "role/" + wanted.role_name),
        "policy_arn": policy_arn,
        "differences": [_difference(change) for change in changes],
        "error": None,
    }
    return entry, before, after


def _failed_entry(account_id, error):
    return {"account_id": account_id, "changed": False, "role_arn": None, "policy_arn": None, "differences": [],
            "error": error}


def converge_accounts(sessions, accounts, wanted, region=None, caller=None, state="present", check_mode=False,
                      max_workers=DEFAULT_ACCOUNT_WORKERS):
    """Every account of ``accounts`` (dicts with account_id and optional role_arn), or the caller's own when None.

    ``sessions`` is an account_sessions.AccountSessions; ``caller`` a callable returning the caller's
    (account id, partition), asked only when an account has no role_arn (or none is given). An
    account without role_arn must be the caller's own: never write in one account with another's
    credentials. Returns changed, roles (one entry per account, in the given order), errors and the
    diff of the accounts that change, keyed by account id.
    """
    own_only = accounts is None  # an empty list is no account at all, never the caller's
    accounts = normalized_accounts(accounts)
    own = None
    if own_only or any(not account.get("role_arn") for account in accounts):
        own = caller()
        accounts = accounts or [{"account_id": own[0]}]
    sessions_by_account = sign_in_all(sessions, accounts, max_workers)

    def one(account):
        account_id, role_arn = account["account_id"], account.get("role_arn")
        if not role_arn and account_id != own[0]:
            return _failed_entry(account_id, (
                "account {0}: no role_arn, and the module's credentials are account {1}'s; give the role to "
                "assume in account {0}".format(account_id, own[0]))), None, None
        credentials, sign_in_error = sessions_by_account[account_id]
        if sign_in_error:
            return _failed_entry(account_id, sign_in_error), None, None
        try:
            partition = partition_of_arn(role_arn) if role_arn else own[1]
            iam = sessions.client("iam", credentials, region)
            return converge_account(iam, account_id, partition, wanted, state=state, check_mode=check_mode)
        except IamStepError as e:
            return _failed_entry(account_id, e.text(account_id)), None, None
        except ValueError as e:  # a role_arn that is not an ARN
            return _failed_entry(account_id, "account {0}: {1}".format(account_id, e)), None, None

    results = run_concurrently(accounts, one, max_workers)
    roles, before, after = [], {}, {}
    for entry, entry_before, entry_after in results:
        roles.append(entry)
        if entry["changed"]:
            before[entry["account_id"]], after[entry["account_id"]] = entry_before, entry_after
    return {
        "changed": any(entry["changed"] for entry in roles),
        "roles": roles,
        "errors": [entry["error"] for entry in roles if entry["error"]],
        "diff": {"before": before, "after": after},
    }


def caller_identity(sts):
    """The (account id, partition) of ``sts``'s credentials: one GetCallerIdentity."""
    identity = sts.get_caller_identity(aws_retry=True)
    return identity["Account"], partition_of_arn(identity["Arn"])
