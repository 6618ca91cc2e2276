# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Many accounts from one module run: one role session per account, every client from one boto3 session.

A batch module (``accounts`` option) works in accounts outside the caller's, up to thousands of
them, in one Ansible task: it opens each account's session itself with ONE sts:AssumeRole (with
the credentials it runs with, the management account's), keeps the temporary credentials to
itself (never returned), and works on the accounts in a bounded thread pool, because real AWS
answers in 30-100 ms a call. Clients come from the module run's one boto3 session
(aws_calls.SharedSession), so botocore parses each service model once and a client costs
milliseconds.
"""

from concurrent.futures import ThreadPoolExecutor

from ansible_collections.amazon.aws.plugins.module_utils.botocore import get_aws_connection_info
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.aws_calls import (
    AWS_ERRORS,
    SharedSession,
    aws_client,
    botocore_config,
    retrying,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.aws_errors import error_message

DEFAULT_SESSION_NAME = "radiant-onboarding"
# Accounts (or account-Region pairs) worked on at once: enough to hide AWS's latency; more threads cost
# more CPU than they save (see guardduty_regions.DEFAULT_MAX_WORKERS).
DEFAULT_ACCOUNT_WORKERS = 16
# How many failures a module's message spells out (every one is returned in ``errors``).
ERRORS_IN_MESSAGE = 20


class AccountAccessError(Exception):
    """An account that cannot be reached, explained for the user: ``message`` names the account, ``reason``
    is the rest (for a caller that names the account its own way); ``error`` keeps AWS's exception."""

    def __init__(self, message, error=None, reason=None):
        super(AccountAccessError, self).__init__(message)
        self.message = message
        self.error = error
        self.reason = reason or message


def accounts_argument_spec(required=False, workers=False):
    """The options of a module that works in many accounts (doc fragment radiant.aws_onboarding.accounts), with
    ``workers`` its O(max_workers) too (doc fragment radiant.aws_onboarding.accounts.max_workers)."""
    spec = dict(
        accounts=dict(type="list", elements="dict", required=required, options=dict(
            account_id=dict(type="str", required=True),
            role_arn=dict(type="str"),
        )),
        role_session_name=dict(type="str", default=DEFAULT_SESSION_NAME),
    )
    if workers:
        spec["max_workers"] = dict(type="int", default=DEFAULT_ACCOUNT_WORKERS)
    return spec


class AccountSessions:
    """Clients for many accounts and Regions from the module run's one boto3 session (SharedSession).

    ``connect_params`` are amazon.aws's connection parameters (get_aws_connection_info): the
    caller's own credentials or profile, ``verify`` and ``aws_config`` (merged over the collection's
    retry policy, aws_calls.RETRY_CONFIG, like every client); ``sts_client`` comes from
    aws_calls.aws_client.
    """

    def __init__(self, sts_client, endpoint_url=None, connect_params=None, session_name=DEFAULT_SESSION_NAME):
        params = dict(connect_params or {})
        self._profile_name = params.pop("profile_name", None)
        self._own_credentials = {name: params.pop(name, None) for name in
                                 ("aws_access_key_id", "aws_secret_access_key", "aws_session_token")}
        self._config = botocore_config(params.pop("aws_config", None))
        self._verify = params.pop("verify", None)
        self._endpoint_url = endpoint_url
        self._sts = sts_client
        self._session_name = session_name

    @classmethod
    def for_module(cls, module):
        """The sessions of a module run: its credentials, endpoint and ``role_session_name``."""
        _region, endpoint_url, connect_params = get_aws_connection_info(module)
        return cls(aws_client(module, "sts"), endpoint_url=endpoint_url, connect_params=connect_params,
                   session_name=module.params.get("role_session_name") or DEFAULT_SESSION_NAME)

    def credentials(self, account_id, role_arn):
        """The account's temporary credentials (one AssumeRole); the caller's own without a role."""
        if not role_arn:
            return dict(self._own_credentials)
        try:
            found = self._sts.assume_role(RoleArn=role_arn, RoleSessionName=self._session_name, aws_retry=True)
        except AWS_ERRORS as e:
            reason = ("could not assume {1}: {2}. The role must exist in account {0} and its trust policy must let "
                      "the caller (the management account) assume it; fix the role name or the trust policy, or "
                      "leave the account out.".format(account_id, role_arn, error_message(e) or str(e)))
            raise AccountAccessError("account {0}: {1}".format(account_id, reason), error=e, reason=reason) from e
        credentials = found["Credentials"]
        return {
            "aws_access_key_id": credentials["AccessKeyId"],
            "aws_secret_access_key": credentials["SecretAccessKey"],
            "aws_session_token": credentials["SessionToken"],
        }

    def client(self, service, credentials, region):
        """A retrying client of ``service`` in ``region`` with ``credentials`` (from credentials())."""
        return retrying(SharedSession.client(service, profile_name=self._profile_name, region_name=region,
                                             endpoint_url=self._endpoint_url, config=self._config,
                                             verify=self._verify, **credentials))

    def guardduty(self, credentials, region):
        return self.client("guardduty", credentials, region)


def run_concurrently(items, work, max_workers=DEFAULT_ACCOUNT_WORKERS):
    """``[work(item) for item in items]``, at most ``max_workers`` at once, in the order of ``items``."""
    items = list(items)
    if not items:
        return []
    with ThreadPoolExecutor(max_workers=max(1, min(max_workers, len(items)))) as pool:
        return list(pool.map(work, items))


def sign_in_all(sessions, accounts, max_workers=DEFAULT_ACCOUNT_WORKERS):
    """``{account_id: (credentials, error_text)}`` for every account: the AssumeRoles made at once."""
    def sign_in(account):
        try:
            return sessions.credentials(account["account_id"], account.get("role_arn")), None
        except AccountAccessError as e:
            return None, e.message

    return dict(zip((account["account_id"] for account in accounts),
                    run_concurrently(accounts, sign_in, max_workers)))


def for_each_account_region(sessions, accounts, regions, work, failed, max_workers=DEFAULT_ACCOUNT_WORKERS):
    """``work(credentials, account_id, region)`` for every pair of ``accounts`` and ``regions``, in account then Region
    order: the roles are assumed first, concurrently, then the pairs run at most ``max_workers`` at once, so an
    account's Regions take as long as the slowest. A pair whose account's role could not be assumed gets
    ``failed(account_id, region, message)`` instead."""
    accounts = normalized_accounts(accounts)
    signed_in = sign_in_all(sessions, accounts, max_workers)

    def one(pair):
        account_id, region = pair
        credentials, sign_in_error = signed_in[account_id]
        if sign_in_error:
            return failed(account_id, region, sign_in_error)
        return work(credentials, account_id, region)

    return run_concurrently([(account["account_id"], region) for account in accounts for region in regions], one,
                            max_workers)


def normalized_accounts(accounts):
    """The ``accounts`` option with every id a string, in the given order, each account once."""
    seen, result = set(), []
    for given in accounts or []:
        account = dict(given, account_id=str(given["account_id"]))
        if account["account_id"] not in seen:
            seen.add(account["account_id"])
            result.append(account)
    return result


def failure_message(errors, total, what="account-Region pairs"):
    """One line for a batch that failed somewhere: how many, the first ERRORS_IN_MESSAGE, how many more."""
    shown = errors[:ERRORS_IN_MESSAGE]
    more = len(errors) - len(shown)
    return "{0} of {1} {2} failed: {3}{4}".format(
        len(errors), total, what, " | ".join(shown), " | ... and {0} more (see errors)".format(more) if more else "")
