#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: account_regions_info
short_description: Which AWS Regions an account has enabled, asked of AWS Account Management
version_added: 0.1.0
description:
  - Lists every Region of the partition with its opt-in status (C(ENABLED_BY_DEFAULT), C(ENABLED),
    C(ENABLING), C(DISABLING), C(DISABLED)) using the Account Management C(ListRegions) API, so that
    the answer comes from the account rather than from the Region list bundled with botocore.
  - Without O(account_ids) the calling account is described. With O(account_ids) the caller must be
    the organization's management account (or the Account Management delegated administrator) and
    the organization must have trusted access enabled for C(account.amazonaws.com); the management
    account cannot name itself (AWS requires the standalone call for it).
  - With O(accounts) (accounts outside the organization, which the management account cannot describe), each
    account is asked in its own role session, which also proves the role can be assumed. An account that cannot
    be reached is reported in RV(account_errors) and the module fails after every account was asked, naming each.
  - With O(organization), the same run also reads the caller's organization as
    M(radiant.aws_onboarding.organizations_info) does with
    O(radiant.aws_onboarding.organizations_info#module:service_access=true), in RV(organization), so that
    preflight identifies the controller, lists Regions and walks Organizations in one module run.
  - Read-only; supports check mode.
author:
  - Radiant Security onboarding contributors (@radiant-security)
options:
  account_ids:
    description:
      - Member accounts of the caller's organization to describe, one C(ListRegions) call sequence each.
      - An id equal to the caller's own account is described with the standalone call.
    type: list
    elements: str
    default: []
  list_regions:
    description:
      - Whether to list Regions at all. V(false) only identifies the caller and, with O(accounts), proves each
        role can be assumed (preflight without its Region checks, which need C(account:ListRegions)).
      - O(account_ids) needs V(true).
    type: bool
    default: true
  max_concurrency:
    description:
      - How many O(account_ids) are asked at once (every call goes to the caller's Account Management quota).
        Throttling (C(TooManyRequestsException)) is retried with jittered backoff.
      - The accounts of O(accounts), each asked in its own session, are bounded by O(max_workers) instead.
    type: int
    default: 8
  organization:
    description:
      - Also read the caller's organization, its accounts and the service principals with trusted access
        (RV(organization)). The caller must be the management account (or a delegated administrator for
        Organizations).
      - When Organizations refuses, the module does not fail for that reason; it returns RV(organization_error).
    type: bool
    default: false
extends_documentation_fragment:
  - radiant.aws_onboarding.accounts
  - radiant.aws_onboarding.accounts.max_workers
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Regions enabled in the calling account
  radiant.aws_onboarding.account_regions_info:
  register: own_regions

- name: Regions of two member accounts, from the management account
  radiant.aws_onboarding.account_regions_info:
    account_ids: ['111122223333', '444455556666']
  register: member_regions

- name: Reach two accounts outside the organization through their role and list their Regions
  radiant.aws_onboarding.account_regions_info:
    accounts:
      - account_id: '999988887777'
        role_arn: arn:aws:iam::999988887777:role/OrganizationAccountAccessRole
      - account_id: '666655554444'
        role_arn: arn:aws:iam::666655554444:role/OrganizationAccountAccessRole
  register: outside_regions
  failed_when: false  # preflight reports every unreachable account with the rest of its problems
"""

RETURN = r"""
account_id:
  description: The calling account.
  returned: always
  type: str
  sample: '123456789012'
caller_arn:
  description: The calling identity's ARN (STS C(GetCallerIdentity)), which names its partition.
  returned: always
  type: str
  sample: arn:aws:sts::123456789012:assumed-role/Admin/session
regions:
  description: The calling account's Regions and their opt-in status (empty when O(list_regions=false)).
  returned: always
  type: dict
  sample: {"us-east-1": "ENABLED_BY_DEFAULT", "af-south-1": "DISABLED"}
enabled_regions:
  description: The calling account's usable Regions (C(ENABLED_BY_DEFAULT) or C(ENABLED)), sorted (empty when
    O(list_regions=false)).
  returned: always
  type: list
  elements: str
  sample: ["us-east-1", "us-west-2"]
accounts:
  description: For each of O(account_ids) and each reachable account of O(accounts), its Regions and their opt-in
    status (an empty dict for each reachable account of O(accounts) when O(list_regions=false)).
  returned: always
  type: dict
  sample: {"111122223333": {"us-east-1": "ENABLED_BY_DEFAULT", "af-south-1": "ENABLED"}}
account_errors:
  description:
    - For each account of O(accounts) that could not be asked, why (the role or the call that failed).
    - Not called C(unreachable), which Ansible reads as the host being unreachable.
  returned: always
  type: dict
  sample: {"999988887777": "could not assume arn:aws:iam::999988887777:role/R: User ... is not authorized ..."}
organization:
  description:
    - With O(organization), what M(radiant.aws_onboarding.organizations_info) returns with
      O(radiant.aws_onboarding.organizations_info#module:service_access=true), under the same keys - the
      organization, its root, OUs and accounts, and the service principals with trusted access.
  returned: when O(organization=true) and Organizations answered
  type: dict
  sample: {"organization": {"id": "o-exampleorgid"}, "accounts": [], "enabled_service_principals": []}
organization_error:
  description: With O(organization), why the organization could not be read.
  returned: when O(organization=true) and Organizations refused
  type: str
  sample: "AWSOrganizationsNotInUseException: Your account is not a member of an organization."
"""

from concurrent.futures import ThreadPoolExecutor

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.account_sessions import (
    AccountAccessError,
    AccountSessions,
    accounts_argument_spec,
    failure_message,
    normalized_accounts,
    run_concurrently,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.aws_calls import AWS_ERRORS, aws_client, paginate
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.inventory_validation import (
    REGION_USABLE_STATUSES,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.organizations import (
    OrganizationsError,
    organization_info,
)

TRUSTED_ACCESS_HINT = (
    " (describing member accounts needs trusted access for account.amazonaws.com in the organization: "
    "aws organizations enable-aws-service-access --service-principal account.amazonaws.com)"
)


def list_region_statuses(client, account_id=None):
    params = {"AccountId": account_id} if account_id else {}
    # 50 per page (the API's maximum): one call covers today's 30-odd Regions.
    regions = paginate(client, "list_regions", "Regions", MaxResults=50, **params)
    return dict((region["RegionName"], region["RegionOptStatus"]) for region in regions)


def describe_in_own_sessions(module, accounts):
    """Each account's Regions asked in its own role session: (statuses by account, why not by account)."""
    sessions = AccountSessions.for_module(module)

    def describe(account):
        account_id = account["account_id"]
        try:
            credentials = sessions.credentials(account_id, account.get("role_arn"))
        except AccountAccessError as e:
            return account_id, None, e.reason
        if not module.params["list_regions"]:
            return account_id, {}, None
        try:
            return account_id, list_region_statuses(sessions.client("account", credentials, module.region)), None
        except AWS_ERRORS as e:
            return account_id, None, "cannot list its Regions in its own session: {0}".format(e)

    statuses, unreachable = {}, {}
    # Each account answers in its own session, against its own quotas: O(max_workers), not O(max_concurrency).
    for account_id, found, error in run_concurrently(accounts, describe, module.params["max_workers"]):
        if error:
            unreachable[account_id] = error
        else:
            statuses[account_id] = found
    return statuses, unreachable


def read_organization(client, caller):
    """``(organization, None)``, or ``(None, why not)`` when Organizations refuses."""
    try:
        return organization_info(client, caller, service_access=True), None
    except OrganizationsError as error:  # the caller reports it in its own words, with its other findings
        return None, str(error)


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            account_ids=dict(type="list", elements="str", default=[]),
            list_regions=dict(type="bool", default=True),
            max_concurrency=dict(type="int", default=8),
            organization=dict(type="bool", default=False),
            **accounts_argument_spec(workers=True)
        ),
        supports_check_mode=True,
    )
    if module.params["account_ids"] and not module.params["list_regions"]:
        module.fail_json(msg="account_ids: listing member accounts' Regions needs list_regions=true")
    account = aws_client(module, "account")
    sts = aws_client(module, "sts")
    try:
        identity = sts.get_caller_identity(aws_retry=True)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as error:
        module.fail_json_aws(error, msg="Unable to identify the calling account")
    caller = identity["Account"]
    # The organization is walked (tens of pages at 2,000 accounts) while the accounts are reached.
    background = ThreadPoolExecutor(max_workers=1)
    organization = None
    if module.params["organization"]:
        organization = background.submit(read_organization, aws_client(module, "organizations"), caller)
    background.shutdown(wait=False)
    own = {}
    try:
        if module.params["list_regions"]:
            own = list_region_statuses(account)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as error:
        module.fail_json_aws(error, msg="Unable to list the Regions of account {0}".format(caller),
                             account_id=caller, caller_arn=identity["Arn"])
    members = [account_id for account_id in module.params["account_ids"] if account_id != caller]
    accounts = dict((account_id, own) for account_id in module.params["account_ids"] if account_id == caller)

    def describe(account_id):
        try:
            return account_id, list_region_statuses(account, account_id), None
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as error:
            return account_id, None, error

    # The first account alone: missing trusted access fails once, not once per account. Then
    # a few calls in flight (boto3 clients are thread-safe) make 2,000 accounts a matter of seconds.
    results = [describe(account_id) for account_id in members[:1]]
    if results and results[0][2] is None:
        results.extend(run_concurrently(members[1:], describe, module.params["max_concurrency"]))
    for account_id, statuses, error in results:
        if error is not None:
            module.fail_json_aws(
                error, msg="Unable to list the Regions of account {0} from account {1}{2}".format(
                    account_id, caller, TRUSTED_ACCESS_HINT))
        accounts[account_id] = statuses
    outside = normalized_accounts(module.params["accounts"])
    own_sessions, account_errors = describe_in_own_sessions(module, outside) if outside else ({}, {})
    accounts.update(own_sessions)
    result = dict(
        changed=False,
        account_id=caller,
        caller_arn=identity["Arn"],
        regions=own,
        enabled_regions=sorted(name for name, status in own.items() if status in REGION_USABLE_STATUSES),
        accounts=accounts,
        account_errors=account_errors,
    )
    if organization is not None:
        found, why_not = organization.result()
        if why_not is None:
            result["organization"] = found
        else:
            result["organization_error"] = why_not
    if account_errors:
        errors = ["account {0}: {1}".format(account_id, why) for account_id, why in account_errors.items()]
        module.fail_json(msg=failure_message(errors, len(outside), what="accounts"), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
