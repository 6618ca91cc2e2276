# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every member account's publishing destination, in every region, in one task.

docs/requirements.md#per-account-export: each account with its
own detector exports into the main bucket with the main key. A destination belongs to the
member's detector, so each account is reached with its own credentials: ONE sts:AssumeRole per
account (with the caller's, i.e. the management account's, credentials), then per region the
same logic as the administrator's destination (guardduty_export.ensure_publishing_destination).

Scale: thousands of account-region pairs. Clients come from one boto3 session, so botocore's
loader (the parsed service models) is shared and a client costs milliseconds; accounts run in a
thread pool, because real AWS answers in ~100 ms per call.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

try:
    import boto3
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.radiant.aws_onboarding.plugins.module_utils.aws_calls import botocore_config, retrying
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty import (
    GuardDutyError,
    detector_arn,
    error_message,
    find_detector_id,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_export import (
    destination_view,
    ensure_publishing_destination,
)

DEFAULT_SESSION_NAME = "radiant-onboarding"
DEFAULT_MAX_WORKERS = 16
# How many failures the module's message spells out (all are returned in ``errors``).
ERRORS_IN_MESSAGE = 20


class AccountClients:
    """GuardDuty clients for many accounts and regions from one boto3 session.

    ``connect_params`` are amazon.aws's connection parameters (get_aws_connection_info): the
    caller's own credentials or profile, ``verify`` and ``aws_config`` (merged over the collection's
    retry policy, aws_calls.RETRY_CONFIG, like every client); ``sts_client`` comes from
    aws_calls.aws_client. boto3 sessions are not thread-safe, so creating a client holds a
    lock; the clients themselves are.
    """

    def __init__(self, sts_client, endpoint_url=None, connect_params=None, session_name=DEFAULT_SESSION_NAME):
        params = dict(connect_params or {})
        self._session = boto3.session.Session(profile_name=params.pop("profile_name", None))
        self._own_credentials = {name: params.pop(name, None) for name in
                                 ("aws_access_key_id", "aws_secret_access_key", "aws_session_token")}
        self._config = botocore_config(params.pop("aws_config", None))
        self._verify = params.pop("verify", None)
        self._endpoint_url = endpoint_url
        self._sts = sts_client
        self._session_name = session_name
        self._lock = threading.Lock()

    def credentials(self, account_id, role_arn):
        """The account's temporary credentials (one AssumeRole); the caller's own without a role."""
        if not role_arn:
            return dict(self._own_credentials)
        try:
            found = self._sts.assume_role(RoleArn=role_arn, RoleSessionName=self._session_name, aws_retry=True)
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
            raise GuardDutyError(
                "account {0}: could not assume {1}: {2}. The role must exist in account {0} and its trust policy "
                "must let the caller (the management account) assume it; fix the role name or the trust "
                "policy, or leave the account out.".format(account_id, role_arn, error_message(e)),
                error=e,
            ) from e
        credentials = found["Credentials"]
        return {
            "aws_access_key_id": credentials["AccessKeyId"],
            "aws_secret_access_key": credentials["SecretAccessKey"],
            "aws_session_token": credentials["SessionToken"],
        }

    def guardduty(self, credentials, region):
        with self._lock:
            client = self._session.client("guardduty", region_name=region, endpoint_url=self._endpoint_url,
                                          config=self._config, verify=self._verify, **credentials)
        return retrying(client)


def _entry(account_id, region, detector_id=None, destination=None, changed=False, error=None):
    view = destination_view(destination) or {}
    return {
        "account_id": account_id,
        "region": region,
        "detector_id": detector_id,
        "detector_arn": detector_arn(region, account_id, detector_id) if detector_id else None,
        "destination_id": view.get("destination_id"),
        "destination_arn": view.get("destination_arn"),
        "kms_key_arn": view.get("kms_key_arn"),
        "status": (destination or {}).get("Status"),
        "changed": changed,
        "error": error,
    }


def converge_region(client, account_id, region, destination_arn=None, kms_key_arn=None, state="present",
                    check_mode=False):
    """One account's destination in one region: (entry, before, after). No detector is no error."""
    detector_id = find_detector_id(client, region)
    if detector_id is None:
        return _entry(account_id, region), None, None
    outcome = ensure_publishing_destination(client, region, destination_arn=destination_arn, kms_key_arn=kms_key_arn,
                                            state=state, wait=False, check_mode=check_mode, detector_id=detector_id)
    entry = _entry(account_id, region, detector_id, outcome["destination"], outcome["changed"])
    return entry, outcome["before"], outcome["after"]


def converge_account(clients, account, regions, **settings):
    """Every region of one account; a failure stops only that account or that region."""
    account_id = str(account["account_id"])
    try:
        credentials = clients.credentials(account_id, account.get("role_arn"))
    except GuardDutyError as e:
        return [(_entry(account_id, region, error=e.message), None, None) for region in regions]
    results = []
    for region in regions:
        try:
            results.append(converge_region(clients.guardduty(credentials, region), account_id, region, **settings))
        except GuardDutyError as e:
            message = e.message
            if e.error is not None:
                message = "{0}: {1}".format(message, error_message(e.error))
            results.append((_entry(account_id, region, error="account {0}, {1}: {2}".format(
                account_id, region, message)), None, None))
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
            results.append((_entry(account_id, region, error="account {0}, {1}: {2}".format(
                account_id, region, error_message(e))), None, None))
    return results


def converge_accounts(clients, accounts, regions, max_workers=DEFAULT_MAX_WORKERS, **settings):
    """Every account in ``accounts`` (dicts with account_id and optional role_arn), every region.

    Returns changed, destinations (one entry per account and region, in the given order),
    detector_arns (every detector found), accounts_without_detector, errors, and the diff of the
    pairs that change (keyed "<account>/<region>")."""
    with ThreadPoolExecutor(max_workers=max(1, min(max_workers, len(accounts) or 1))) as pool:
        per_account = list(pool.map(lambda account: converge_account(clients, account, regions, **settings),
                                    accounts))
    return summarize([result for results in per_account for result in results])


def summarize(results):
    destinations, before, after = [], {}, {}
    for entry, entry_before, entry_after in results:
        destinations.append(entry)
        if entry["changed"]:
            where = "{0}/{1}".format(entry["account_id"], entry["region"])
            before[where], after[where] = entry_before, entry_after
    return {
        "changed": any(entry["changed"] for entry in destinations),
        "destinations": destinations,
        "detector_arns": [entry["detector_arn"] for entry in destinations if entry["detector_arn"]],
        "accounts_without_detector": [{"account_id": entry["account_id"], "region": entry["region"]}
                                      for entry in destinations if not entry["detector_id"] and not entry["error"]],
        # An account whose role cannot be assumed fails in every region with one message: say it once.
        "errors": list(dict.fromkeys(entry["error"] for entry in destinations if entry["error"])),
        "diff": {"before": before, "after": after},
    }


def failure_message(errors, total):
    shown = errors[:ERRORS_IN_MESSAGE]
    more = len(errors) - len(shown)
    return "{0} of {1} account-region pairs failed: {2}{3}".format(
        len(errors), total, " | ".join(shown), " | ... and {0} more (see errors)".format(more) if more else "")
