# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""AWS Organizations: read the organization (OUs as paths, accounts), trusted access and
delegated administrators. Shared by the organizations_* modules and the aws_organization
inventory plugin.

Reading 2,000 accounts: the tree is walked once, parent by parent, with
ListOrganizationalUnitsForParent and ListAccountsForParent (which returns full account
records), so each account is read exactly once and its OU path is known without a
ListParents call per account. Calls = for every parent (root and each OU),
ceil(child OUs / 20) + ceil(accounts / 20), at least 1 each (AWS's page size is 20).
Parents of the same tree level are read concurrently.
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    BotoCoreError = ClientError = Exception  # reported by AnsibleAWSModule / the plugin

import threading
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.radiant.aws_onboarding.plugins.module_utils.aws_calls import paginate
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.aws_errors import error_code

# Lists read at the same time while walking the OU tree (Organizations throttles bursts;
# aws_calls.paginate retries each page when it does).
WALK_WORKERS = 6

MANAGEMENT_ONLY_HINT = (
    "run it with credentials of the organization's management account (the caller here is {caller})"
)


class OrganizationsError(Exception):
    """An Organizations call failed or a request cannot be met.

    ``message`` says what went wrong and what to do; ``error`` is the botocore error behind it,
    if any (modules hand it to fail_json_aws, which appends AWS's own words); str() gives both.
    """

    def __init__(self, message, error=None):
        full = message if error is None else "{0}: {1}".format(message, error)
        super(OrganizationsError, self).__init__(full)
        self.message = message
        self.error = error


def explain(error, action, caller=None):
    """An OrganizationsError whose message tells a wrong-account call from other failures.

    AWS answers AWSOrganizationsNotInUseException for an account in no organization and
    AccessDeniedException for a member account (Organizations API Reference, "Common
    errors"); both mean "not the management account" to a user of this collection.
    """
    code = error_code(error)
    who = _caller_id(caller) if code in ("AWSOrganizationsNotInUseException", "AccessDeniedException") else None
    if code == "AWSOrganizationsNotInUseException":
        return OrganizationsError(
            "Unable to {0}: the calling account {1} is not a member of an AWS Organization; {2}".format(
                action, who, MANAGEMENT_ONLY_HINT.format(caller=who)), error)
    if code == "AccessDeniedException":
        return OrganizationsError(
            "Unable to {0}: access denied. This call is allowed only from the organization's management account "
            "(reads also from a delegated administrator); {1}".format(action, MANAGEMENT_ONLY_HINT.format(caller=who)),
            error)
    return OrganizationsError("Unable to {0}".format(action), error)


def _caller_id(caller):
    """``caller`` is an account id or a function returning one (asked only when needed)."""
    if callable(caller):
        try:
            caller = caller()
        except Exception:  # naming the caller is a courtesy; never hide the real error
            caller = None
    return caller or "unknown"


def account_record(account, ou_id, ou_path):
    """The account as this collection reports it (snake_case, with its OU)."""
    # AWS is replacing Status (ACTIVE/SUSPENDED/PENDING_CLOSURE) with State; read either.
    status = account.get("Status") or account.get("State")
    return {
        "id": account["Id"],
        "arn": account.get("Arn"),
        "name": account.get("Name"),
        "email": account.get("Email"),
        "status": status,
        "state": account.get("State"),
        "joined_method": account.get("JoinedMethod"),
        "joined_timestamp": str(account["JoinedTimestamp"]) if account.get("JoinedTimestamp") else None,
        "ou_id": ou_id,
        "ou_path": ou_path,
    }


def read_organization(client, caller=None):
    """The organization: ids, management account, root, OUs (with paths) and accounts.

    ``client`` is an Organizations client (ideally retry-wrapped). Raises OrganizationsError.
    OU paths join OU names with "/" from the root down, e.g. "Workloads/Prod/Web"; accounts
    directly under the root have the path "".
    """
    try:
        organization = client.describe_organization()["Organization"]
    except (BotoCoreError, ClientError) as error:
        raise explain(error, "describe the organization", caller) from None
    try:
        roots = paginate(client, "list_roots", "Roots")
        root_id = roots[0]["Id"]
        ous, accounts = walk_tree(client, root_id)
    except (BotoCoreError, ClientError) as error:
        raise explain(error, "read the organization's accounts and OUs", caller) from None
    return {
        "organization": {
            "id": organization["Id"],
            "arn": organization.get("Arn"),
            "feature_set": organization.get("FeatureSet"),
            "management_account_id": organization.get("MasterAccountId"),
            "management_account_arn": organization.get("MasterAccountArn"),
            "management_account_email": organization.get("MasterAccountEmail"),
        },
        "root_id": root_id,
        "organizational_units": ous,
        "accounts": accounts,
    }


def organization_info(client, caller=None, service_access=False):
    """organizations_info's answer: read_organization, and with ``service_access`` the principals with
    trusted access (``enabled_service_principals``). Raises OrganizationsError."""
    info = read_organization(client, caller)
    if service_access:
        info["enabled_service_principals"] = enabled_service_principals(client, caller)
    return info


def _parent_accounts(client, parent):
    """The accounts directly under one parent: ``parent`` is (id, path, OU ids from the root)."""
    parent_id, parent_path, parent_ids = parent
    accounts = []
    for account in paginate(client, "list_accounts_for_parent", "Accounts", ParentId=parent_id):
        record = account_record(account, parent_id if parent_path else None, parent_path)
        record["ou_ids"] = list(parent_ids)
        accounts.append(record)
    return accounts


def _child_ous(client, parent):
    """The OUs directly under one parent, with their paths."""
    parent_id, parent_path, _parent_ids = parent
    ous = []
    for ou in paginate(client, "list_organizational_units_for_parent", "OrganizationalUnits", ParentId=parent_id):
        path = "{0}/{1}".format(parent_path, ou["Name"]) if parent_path else ou["Name"]
        ous.append({"id": ou["Id"], "arn": ou.get("Arn"), "name": ou["Name"], "path": path, "parent_id": parent_id})
    return ous


def walk_tree(client, root_id, workers=WALK_WORKERS):
    """(OUs, accounts) under ``root_id``; OUs sorted by path, accounts by id.

    Each parent is read by one worker, its child OUs first: they are handed to other workers at once,
    while the parent's accounts are still paging. The wall time is about the depth of the tree plus the
    longest account list, not the sum of each level's longest, with the same calls. Throttling is
    absorbed by the retrying paginator.
    """
    ous = []
    accounts = []
    started = []
    lock = threading.Lock()
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:

        def read(parent):
            children = _child_ous(client, parent)
            with lock:
                ous.extend(children)
                started.extend(pool.submit(read, (ou["id"], ou["path"], parent[2] + [ou["id"]])) for ou in children)
            found = _parent_accounts(client, parent)
            with lock:
                accounts.extend(found)

        started.append(pool.submit(read, (root_id, "", [])))
        waited = 0
        try:
            # A parent's children are started before it ends: once every started read has ended, none is left.
            while waited < len(started):
                started[waited].result()
                waited += 1
        except BaseException:
            with lock:
                for future in started:  # a failed list ends the walk: what has not started never will
                    future.cancel()
            raise
    ous.sort(key=lambda ou: ou["path"])
    accounts.sort(key=lambda account: account["id"])
    return ous, accounts


# -- trusted access ----------------------------------------------------------------------------

def enabled_service_principals(client, caller=None):
    """The service principals with trusted access enabled, sorted."""
    try:
        services = paginate(client, "list_aws_service_access_for_organization", "EnabledServicePrincipals")
    except (BotoCoreError, ClientError) as error:
        raise explain(error, "list the services with trusted access", caller) from None
    return sorted(service["ServicePrincipal"] for service in services)


def plan_trusted_access(enabled, wanted, state):
    """The principals to enable (state=present) or disable (state=absent), in request order."""
    enabled = set(enabled)
    plan = []
    for principal in wanted:
        needs_change = (principal not in enabled) if state == "present" else (principal in enabled)
        if needs_change and principal not in plan:
            plan.append(principal)
    return plan


def set_trusted_access(client, principals, state, caller=None):
    for principal in principals:
        try:
            if state == "present":
                client.enable_aws_service_access(aws_retry=True, ServicePrincipal=principal)
            else:
                client.disable_aws_service_access(aws_retry=True, ServicePrincipal=principal)
        except (BotoCoreError, ClientError) as error:
            verb = "enable" if state == "present" else "disable"
            raise explain(error, "{0} trusted access for {1}".format(verb, principal), caller) from None


# -- delegated administrators --------------------------------------------------------------------

def delegated_admins(client, service_principal, caller=None):
    """Account ids registered as delegated administrator for ``service_principal``, sorted."""
    try:
        admins = paginate(client, "list_delegated_administrators", "DelegatedAdministrators",
                          ServicePrincipal=service_principal)
    except (BotoCoreError, ClientError) as error:
        raise explain(error, "list the delegated administrators of {0}".format(service_principal), caller) from None
    return sorted(admin["Id"] for admin in admins)


def plan_delegated_admin(current, account_id, state, replace_existing=False, service_principal=""):
    """(to_register, to_deregister) account ids; raises OrganizationsError on a conflict.

    Most services accept one delegated administrator; registering a second one is refused
    by AWS (ConstraintViolationException, DELEGATED_ADMINISTRATOR_EXISTS_FOR_THIS_SERVICE).
    We refuse earlier, naming the current one, unless told to replace it.
    """
    current = list(current)
    if state == "absent":
        return [], [account_id] if account_id in current else []
    if account_id in current:
        return [], []
    others = [other for other in current if other != account_id]
    if others and not replace_existing:
        raise OrganizationsError(
            "Account(s) {0} already delegated administrator for {1}; refusing to register {2} as well. "
            "Set replace_existing=true to deregister {0} first.".format(
                ", ".join(others), service_principal, account_id))
    return [account_id], others


def apply_delegated_admin(client, service_principal, to_register, to_deregister, caller=None):
    for account_id in to_deregister:
        try:
            client.deregister_delegated_administrator(aws_retry=True, AccountId=account_id,
                                                      ServicePrincipal=service_principal)
        except (BotoCoreError, ClientError) as error:
            raise explain(error, "deregister {0} as delegated administrator for {1}".format(
                account_id, service_principal), caller) from None
    for account_id in to_register:
        try:
            client.register_delegated_administrator(aws_retry=True, AccountId=account_id,
                                                    ServicePrincipal=service_principal)
        except (BotoCoreError, ClientError) as error:
            raise explain(error, "register {0} as delegated administrator for {1}".format(
                account_id, service_principal), caller) from None
