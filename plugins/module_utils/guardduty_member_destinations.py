# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every member account's publishing destination, in every region, in one task.

docs/requirements.md#per-account-export: each account with its
own detector exports into the main bucket with the main key. A destination belongs to the
member's detector, so each account is reached with its own credentials (account_sessions: ONE
sts:AssumeRole per account), then every account-Region pair in a bounded thread pool, with the
logic of guardduty_export.ensure_publishing_destination.
"""

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.radiant.aws_onboarding.plugins.module_utils.account_sessions import (
    DEFAULT_ACCOUNT_WORKERS,
    for_each_account_region,
)
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
                    check_mode=False, wait=False, wait_timeout=120):
    """One account's destination in one region: (entry, before, after). No detector is no error."""
    detector_id = find_detector_id(client, region)
    if detector_id is None:
        return _entry(account_id, region), None, None
    outcome = ensure_publishing_destination(client, region, destination_arn=destination_arn, kms_key_arn=kms_key_arn,
                                            state=state, wait=wait, wait_timeout=wait_timeout, check_mode=check_mode,
                                            detector_id=detector_id)
    entry = _entry(account_id, region, detector_id, outcome["destination"], outcome["changed"])
    return entry, outcome["before"], outcome["after"]


def converge_accounts(clients, accounts, regions, max_workers=DEFAULT_ACCOUNT_WORKERS, **settings):
    """Every account in ``accounts`` (dicts with account_id and optional role_arn), every region.

    Roles are assumed first, concurrently; then the account-Region pairs run concurrently, so one account's
    many Regions take as long as its slowest. A role that cannot be assumed fails that account's pairs; a pair
    that fails does not stop the others. Returns changed, destinations (one entry per account and region, in
    the given order), detector_arns (every detector found), accounts_without_detector, errors, and the diff of
    the pairs that change (keyed "<account>/<region>")."""
    def one(credentials, account_id, region):
        try:
            return converge_region(clients.guardduty(credentials, region), account_id, region, **settings)
        except GuardDutyError as e:
            message = e.message
            if e.error is not None:
                message = "{0}: {1}".format(message, error_message(e.error))
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
            message = error_message(e)
        return failed(account_id, region, "account {0}, {1}: {2}".format(account_id, region, message))

    def failed(account_id, region, message):
        return _entry(account_id, region, error=message), None, None

    return summarize(for_each_account_region(clients, accounts, regions, one, failed, max_workers))


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
