# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""GuardDuty logic every module of this collection shares, written once.

- the client, with the collection's retry policy (aws_calls: throttling and 5xx, ``aws_retry=True``);
- the one table that turns GuardDuty's errors into messages saying what to fix
  (GuardDuty models only BadRequestException and InternalServerErrorException, so the
  cases are told apart by message);
- finding and adopting the region's detector (never a second one);
- paginated reads (aws_calls.paginate, page by page through the retry policy);
- bounded waits for states AWS reaches eventually.
"""

import re

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.radiant.aws_onboarding.plugins.module_utils.arns import (
    arn,
    partition_for_region,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.aws_calls import (
    aws_client,
    pages,
    paginate,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.aws_errors import (
    error_message as aws_error_message,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.common import WaitTimeout, diff_of, wait_for
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_features import (
    features_for_diff,
    features_from_api,
    features_on_create,
    features_to_api,
    features_to_result,
    plan_features,
    split_exclusive,
)

# GuardDuty's documented page size limits (ListMembers 1-50, other lists 1-50).
PAGE_SIZE = 50

# What an onboarding changed on a detector it adopted, kept on the detector itself (a tag survives
# AWX's throwaway job directories, a local file does not), so that offboarding can put it back.
PREVIOUS_FREQUENCY_TAG = "radiant:previous-finding-publishing-frequency"

DEFAULT_WAIT_TIMEOUT = 120
DEFAULT_WAIT_DELAY = 2


def guardduty_client(module):
    return aws_client(module, "guardduty")


class GuardDutyError(Exception):
    """A failure already explained for the user; ``error`` keeps the AWS exception if any."""

    def __init__(self, message, error=None, **details):
        super(GuardDutyError, self).__init__(message)
        self.message = message
        self.error = error
        self.details = details


def fail(module, error, **result):
    """Fail the module with a GuardDutyError's message (and AWS's details when present)."""
    result.update(error.details)
    if error.error is not None:
        module.fail_json_aws(error.error, msg=error.message, **result)
    module.fail_json(msg=error.message, **result)


# --------------------------------------------------------------------------------------
# Error messages that say what to fix: ONE table. Each row: operations it applies to
# (None = any), a pattern matched case-insensitively against AWS's message (or the
# UnprocessedAccounts "Result"), and the advice. Advice may use {region}, {detector_id},
# {detector_arn}, {account_id}, {administrator_id}, {destination_arn}, {kms_key_arn},
# {bucket} from the caller's context.
# --------------------------------------------------------------------------------------
_PUBLISHING = ("CreatePublishingDestination", "UpdatePublishingDestination")
_ADMIN = ("EnableOrganizationAdminAccount", "DisableOrganizationAdminAccount", "ListOrganizationAdminAccounts")
_MEMBER_WRITES = (
    "CreateMembers",
    "InviteMembers",
    "DeleteMembers",
    "DisassociateMembers",
    "StartMonitoringMembers",
    "UpdateMemberDetectors",
)

# The caller is not the delegated administrator (AWS: "... do not have required AWS
# Organization master permission." or "... not the GuardDuty delegated administrator ...").
NOT_DELEGATED_ADMIN = r"administrator|delegated|organization|master permission"

BUCKET_POLICY_ADVICE = (
    "Fix the bucket policy of {bucket}: allow the service principal guardduty.amazonaws.com "
    "s3:GetBucketLocation on the bucket and s3:PutObject on {destination_arn}/* with the "
    "conditions aws:SourceAccount = {account_id} and aws:SourceArn = {detector_arn} "
    "(opt-in regions use guardduty.{region}.amazonaws.com)."
)
KEY_POLICY_ADVICE = (
    "Fix the key policy of {kms_key_arn}: allow guardduty.amazonaws.com kms:GenerateDataKey with "
    "aws:SourceAccount = {account_id} and aws:SourceArn = {detector_arn}. "
    "The bucket and the key must be in the same region (GuardDuty user guide, 'Exporting findings')."
)

ERROR_ADVICE = (
    (
        ("CreateDetector",),
        r"detector already exists",
        "A detector already exists in {region} (created meanwhile, e.g. by organization auto-enable); "
        "re-run: the module adopts the existing detector.",
    ),
    (
        None,
        r"detectorid is not owned by the current account|detector.*(?:not found|does not exist)|no such resource",
        "The detector {detector_id} does not exist in this account in {region} (deleted meanwhile?); re-run to "
        "look it up again.",
    ),
    (
        ("DeleteDetector",),
        r"member",
        "The detector in {region} still has member accounts; remove them first "
        "(radiant.aws_onboarding.guardduty_members with state=absent), then delete the detector.",
    ),
    (
        ("DeleteMembers", "DisassociateMembers"),
        r"auto.?enable",
        "Organization auto-enable is ALL in {region}, which keeps every organization account a member; set "
        "auto_enable_organization_members to NEW or NONE (radiant.aws_onboarding.guardduty_organization_configuration) "
        "before removing members.",
    ),
    (
        ("EnableOrganizationAdminAccount",),
        r"trusted access",
        "Allow AWS Organizations trusted access for guardduty.amazonaws.com first "
        "(radiant.aws_onboarding.organizations_trusted_access, or organizations:EnableAWSServiceAccess).",
    ),
    (
        ("EnableOrganizationAdminAccount",),
        r"already|another|different",
        "Another account is already the GuardDuty delegated administrator of the organization in {region}; remove it "
        "first (guardduty_organization_admin state=absent with its account id) if you really want to switch.",
    ),
    (
        ("EnableOrganizationAdminAccount",),
        r"not a member of the organization",
        "Account {account_id} is not an account of this organization; a delegated administrator must be one.",
    ),
    (
        ("DisableOrganizationAdminAccount",),
        r"not the delegated administrator",
        "Account {account_id} is not the GuardDuty delegated administrator in {region}; nothing to remove.",
    ),
    (
        _ADMIN,
        r"management account|master account|organization|not authorized|access",
        "Run this from the organization's management account, with AWS Organizations trusted access for "
        "guardduty.amazonaws.com allowed (organizations:EnableAWSServiceAccess).",
    ),
    (
        ("UpdateOrganizationConfiguration", "DescribeOrganizationConfiguration"),
        NOT_DELEGATED_ADMIN,
        "Run this with the credentials of the GuardDuty delegated administrator account of {region} "
        "(radiant.aws_onboarding.guardduty_organization_admin makes one).",
    ),
    (
        _MEMBER_WRITES,
        r"must first enable guardduty|enable guardduty .*before",
        "Enable GuardDuty (create the detector) in account {account_id} in {region} first, with that account's "
        "credentials (radiant.aws_onboarding.guardduty_detector); the management account needs it before it can "
        "be a member.",
    ),
    (
        _MEMBER_WRITES,
        r"email",
        "Use the account's root user email address for {account_id} (GuardDuty checks it; the accounts CSV "
        "'Account ID,Email' lists it).",
    ),
    (
        _MEMBER_WRITES,
        r"not a valid (?:aws )?account id",
        "{account_id} is not a 12-digit AWS account id; fix the account list.",
    ),
    (
        _MEMBER_WRITES,
        r"add itself",
        "The administrator account {account_id} cannot be its own member; leave it out of the member list.",
    ),
    (
        _MEMBER_WRITES,
        r"is an administrator account|administrator \(master\) account with member",
        "Account {account_id} is itself a GuardDuty administrator with members in {region}; an account cannot be "
        "an administrator and a member at once: remove its members first or leave it out.",
    ),
    (
        _MEMBER_WRITES,
        r"already (?:a )?member|another (?:administrator|master)|associated with (?:another|a different)",
        "Account {account_id} is already a member of another GuardDuty administrator in {region}; it must leave "
        "that administrator first (DisassociateFromAdministratorAccount, or that administrator removes it).",
    ),
    (
        _MEMBER_WRITES,
        r"not (?:an )?associated|not a member",
        "Account {account_id} is not an associated member (yet): it must be a member with relationship status "
        "Enabled (organization accounts right after CreateMembers, invited accounts once they accept).",
    ),
    (
        ("AcceptAdministratorInvitation", "AcceptInvitation"),
        r"administrator \(master\) account with member|member accounts and cannot",
        "This account is itself a GuardDuty administrator with members in {region}; an account cannot be an "
        "administrator and a member at once: remove its members first.",
    ),
    (
        ("AcceptAdministratorInvitation", "AcceptInvitation"),
        r"already associated",
        "This account already has another GuardDuty administrator in {region}; leave it first "
        "(guardduty_invitation state=absent administrator_account_id=<that account>).",
    ),
    (
        ("AcceptAdministratorInvitation", "AcceptInvitation", "DeclineInvitations"),
        r"invitation",
        "There is no valid pending invitation from {administrator_id} in {region}; ask that administrator to "
        "create and invite this account (radiant.aws_onboarding.guardduty_members) and run again.",
    ),
    (
        ("DisassociateFromAdministratorAccount", "DisassociateFromMasterAccount"),
        r"organization",
        "Organization members cannot leave their GuardDuty administrator themselves; the delegated administrator "
        "removes them (guardduty_members state=absent).",
    ),
    (
        _PUBLISHING,
        r"folder|prefix",
        "The prefix of {destination_arn} must already exist as a folder in {bucket} when the bucket belongs to "
        "another account: create the folder object (key ending in '/') first.",
    ),
    (
        _PUBLISHING,
        r"permission|access denied|not authorized|policy|kms|key|bucket",
        BUCKET_POLICY_ADVICE + " " + KEY_POLICY_ADVICE,
    ),
    (
        None,
        r"not authorized|access ?denied",
        "The caller lacks the IAM permission for this GuardDuty call in {region} (AmazonGuardDutyFullAccess covers "
        "all of them).",
    ),
)


class AdviceContext(dict):
    """format_map() helper: unknown placeholders stay visible instead of raising."""

    def __missing__(self, key):
        return "<" + key + ">"


def advice_for(operation, message, context=None):
    """The advice of the first matching row of ERROR_ADVICE, or None."""
    text = message or ""
    for operations, pattern, advice in ERROR_ADVICE:
        if operations is not None and operation not in operations:
            continue
        if re.search(pattern, text, re.IGNORECASE):
            return advice.format_map(AdviceContext(context or {}))
    return None


def is_not_delegated_admin(error):
    """True when an organization-configuration call failed because the caller is not the
    delegated administrator (the same rule the advice table uses)."""
    operation = getattr(error, "operation_name", None)
    return operation in ("DescribeOrganizationConfiguration", "UpdateOrganizationConfiguration") and bool(
        re.search(NOT_DELEGATED_ADMIN, error_message(error), re.IGNORECASE)
    )


def error_message(error):
    """AWS's message of a ClientError, else the exception's own text."""
    return aws_error_message(error) or str(error)


def explain(error, action, context=None):
    """GuardDutyError for a botocore error: what we were doing, what to fix."""
    operation = getattr(error, "operation_name", None)
    message = "Failed to {0}".format(action)
    advice = advice_for(operation, error_message(error), context)
    if advice:
        message = "{0}. {1} AWS said".format(message, advice)
    return GuardDutyError(message, error=error)


def unprocessed_message(unprocessed, action, context=None):
    """One line per account AWS did not process, with AWS's reason and the advice."""
    lines = []
    for entry in unprocessed:
        context_for_account = dict(context or {})
        context_for_account["account_id"] = entry["account_id"]
        advice = advice_for(entry.get("operation"), entry["result"], context_for_account)
        line = "{0} ({1}): {2}".format(entry["account_id"], entry.get("operation", "?"), entry["result"])
        if advice:
            line = "{0} -> {1}".format(line, advice)
        lines.append(line)
    return "AWS did not process {0} account(s) while trying to {1}: {2}".format(len(lines), action, "; ".join(lines))


# --------------------------------------------------------------------------------------
# Reads
# --------------------------------------------------------------------------------------
def list_detector_ids(client):
    return paginate(client, "list_detectors", "DetectorIds")


def find_detector_id(client, region=None):
    """The region's detector id, or None. GuardDuty allows one per account and region."""
    try:
        ids = list_detector_ids(client)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        raise explain(e, "list the GuardDuty detectors in {0}".format(region), {"region": region}) from e
    if len(ids) > 1:
        raise GuardDutyError(
            "Found {0} GuardDuty detectors in {1} ({2}); GuardDuty allows one per account and region, so this "
            "module will not guess which one to manage.".format(len(ids), region, ", ".join(ids))
        )
    return ids[0] if ids else None


def require_detector_id(client, region, purpose):
    detector_id = find_detector_id(client, region)
    if detector_id is None:
        raise GuardDutyError(
            "There is no GuardDuty detector in {0}, which {1} needs; create it first "
            "(radiant.aws_onboarding.guardduty_detector).".format(region, purpose)
        )
    return detector_id


def get_detector(client, detector_id, region=None):
    try:
        detector = client.get_detector(DetectorId=detector_id, aws_retry=True)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        raise explain(e, "read the GuardDuty detector {0}".format(detector_id),
                      {"region": region, "detector_id": detector_id}) from e
    detector.pop("ResponseMetadata", None)
    detector["DetectorId"] = detector_id
    return detector


def account_of_detector(detector):
    """The account id from the detector's service-linked role ARN (no extra call)."""
    match = re.match(r"arn:[^:]+:iam::(\d{12}):", detector.get("ServiceRole") or "")
    return match.group(1) if match else None


def detector_arn(region, account_id, detector_id):
    return arn(partition_for_region(region), "guardduty", region, account_id, "detector/" + detector_id)


def list_members(client, detector_id, only_associated=False):
    params = {"DetectorId": detector_id, "MaxResults": PAGE_SIZE}
    if only_associated:
        params["OnlyAssociated"] = "true"
    else:
        params["OnlyAssociated"] = "false"
    return paginate(client, "list_members", "Members", **params)


def list_invitations(client):
    return paginate(client, "list_invitations", "Invitations", MaxResults=PAGE_SIZE)


def list_organization_admin_accounts(client):
    return paginate(client, "list_organization_admin_accounts", "AdminAccounts", MaxResults=PAGE_SIZE)


def list_publishing_destinations(client, detector_id):
    """Every destination of the detector (botocore has no paginator for this one)."""
    return paginate(client, "list_publishing_destinations", "Destinations", DetectorId=detector_id,
                    MaxResults=PAGE_SIZE)


def describe_organization_configuration(client, detector_id):
    """DescribeOrganizationConfiguration with its Features pages merged."""
    merged = None
    for page in pages(client, "describe_organization_configuration", DetectorId=detector_id, MaxResults=PAGE_SIZE):
        page.pop("ResponseMetadata", None)
        if merged is None:
            merged = page
            merged["Features"] = list(page.get("Features") or [])
        else:
            merged["Features"].extend(page.get("Features") or [])
    merged.pop("NextToken", None)
    return merged


def wait_or_explain(fetch, ready, timeout, description, delay=DEFAULT_WAIT_DELAY):
    """wait_for() whose timeout becomes a GuardDutyError naming what AWS was stuck in."""
    try:
        return wait_for(fetch, ready, timeout=timeout, delay=delay, description=description)
    except WaitTimeout as e:
        raise GuardDutyError(str(e), last_state=e.last) from e


# --------------------------------------------------------------------------------------
# The region's detector: adopt the one that exists, create only when there is none.
# --------------------------------------------------------------------------------------
def _aws_call(action, context, call, **params):
    try:
        return call(aws_retry=True, **params)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        raise explain(e, action, context) from e


def detector_view(detector, features=None):
    """The comparable state of a detector (and what diffs show)."""
    if detector is None:
        return None
    if features is None:
        features = features_from_api(detector.get("Features"))
    return {
        "detector_id": detector.get("DetectorId"),
        "status": detector.get("Status"),
        "finding_publishing_frequency": detector.get("FindingPublishingFrequency"),
        "features": features_for_diff(features),
    }


def detector_result(detector):
    """The documented ``detector`` return value."""
    if detector is None:
        return None
    return {
        "detector_id": detector.get("DetectorId"),
        "status": detector.get("Status"),
        "finding_publishing_frequency": detector.get("FindingPublishingFrequency"),
        "service_role": detector.get("ServiceRole"),
        "created_at": detector.get("CreatedAt"),
        "updated_at": detector.get("UpdatedAt"),
        "tags": detector.get("Tags") or {},
        "features": features_to_result(features_from_api(detector.get("Features"))),
    }


def detector_step_result(outcome, with_diff, absent=False):
    """A detector outcome (ensure/restore/delete_detector) as guardduty_detector returns it for one Region."""
    result = dict(
        changed=outcome["changed"],
        created=outcome.get("created", False),
        detector_id=(outcome["after"] or {}).get("detector_id"),
        detector=detector_result(None if absent else outcome["detector"]),
    )
    if with_diff:
        result["diff"] = diff_of(outcome["before"], outcome["after"])
    return result


def ensure_detector(client, region, enable=True, frequency=None, features=None, purge_features=False,
                    check_mode=False, record_previous=False):
    """Make the region's detector match; adopt an existing one, never create a second.

    ``enable``/``frequency`` None leave the current value alone; ``features`` is the
    normalised desired map. ``record_previous``: when the frequency of an adopted detector
    changes, its previous value goes into the tag PREVIOUS_FREQUENCY_TAG, unless one is there
    already (the value before the first onboarding wins). Returns a dict: changed, created,
    before, after (views), detector (raw, as AWS reports it after the change; None in check
    mode on create).
    """
    features = features or {}
    context = {"region": region}
    detector_id = find_detector_id(client, region)
    if detector_id is None:
        to_send, predicted = features_on_create(features, purge=purge_features)
        status = "ENABLED" if enable in (None, True) else "DISABLED"
        after = {
            "detector_id": None,
            "status": status,
            "finding_publishing_frequency": frequency or "SIX_HOURS",
            "features": features_for_diff(predicted),
        }
        detector = None
        if not check_mode:
            params = {"Enable": enable in (None, True)}
            if frequency:
                params["FindingPublishingFrequency"] = frequency
            requests = split_exclusive(to_send)
            if requests:
                params["Features"] = features_to_api(requests[-1])
            created = _aws_call("create the GuardDuty detector in {0}".format(region), context,
                                client.create_detector, **params)
            for extra in requests[:-1]:
                _aws_call("update the GuardDuty detector {0} in {1}".format(created["DetectorId"], region), context,
                          client.update_detector, DetectorId=created["DetectorId"], Features=features_to_api(extra))
            detector = get_detector(client, created["DetectorId"], region)
            after = detector_view(detector)
        return {"changed": True, "created": True, "before": None, "after": after, "detector": detector}

    detector = get_detector(client, detector_id, region)
    current_features = features_from_api(detector.get("Features"))
    changes, predicted = plan_features(current_features, features, purge=purge_features)
    params = {}
    wanted_status = None if enable is None else ("ENABLED" if enable else "DISABLED")
    if wanted_status and wanted_status != detector.get("Status"):
        params["Enable"] = bool(enable)
    if frequency and frequency != detector.get("FindingPublishingFrequency"):
        params["FindingPublishingFrequency"] = frequency
    requests = split_exclusive(changes)
    before = detector_view(detector, current_features)
    if not params and not requests:
        return {"changed": False, "created": False, "before": before, "after": before, "detector": detector}
    after = dict(before, features=features_for_diff(predicted))
    if wanted_status:
        after["status"] = wanted_status
    if frequency:
        after["finding_publishing_frequency"] = frequency
    if not check_mode:
        context["detector_id"] = detector_id
        if record_previous and "FindingPublishingFrequency" in params:
            _record_previous_frequency(client, region, detector)
        for features_request in requests or [{}]:
            if features_request:
                params["Features"] = features_to_api(features_request)
            _aws_call("update the GuardDuty detector {0} in {1}".format(detector_id, region), context,
                      client.update_detector, DetectorId=detector_id, **params)
            params = {}
        detector = get_detector(client, detector_id, region)
        after = detector_view(detector)
    return {"changed": True, "created": False, "before": before, "after": after, "detector": detector}


def _detector_arn_of(detector, region):
    return detector_arn(region, account_of_detector(detector), detector["DetectorId"])


def _record_previous_frequency(client, region, detector):
    """Tag the detector with its frequency before the change (tagged first: never lose it)."""
    if PREVIOUS_FREQUENCY_TAG in (detector.get("Tags") or {}):
        return
    detector_id = detector["DetectorId"]
    _aws_call("record the previous settings of the GuardDuty detector {0} in {1}".format(detector_id, region),
              {"region": region, "detector_id": detector_id}, client.tag_resource,
              ResourceArn=_detector_arn_of(detector, region),
              Tags={PREVIOUS_FREQUENCY_TAG: detector["FindingPublishingFrequency"]})


def restore_detector(client, region, check_mode=False):
    """Put back what ensure_detector(record_previous=True) recorded on the region's detector and
    drop the record. Nothing to do without a detector or a record."""
    detector_id = find_detector_id(client, region)
    if detector_id is None:
        return {"changed": False, "created": False, "before": None, "after": None, "detector": None}
    detector = get_detector(client, detector_id, region)
    before = detector_view(detector)
    previous = (detector.get("Tags") or {}).get(PREVIOUS_FREQUENCY_TAG)
    if previous is None:
        return {"changed": False, "created": False, "before": before, "after": before, "detector": detector}
    after = dict(before, finding_publishing_frequency=previous)
    if not check_mode:
        context = {"region": region, "detector_id": detector_id}
        if previous != detector.get("FindingPublishingFrequency"):
            _aws_call("restore the finding publishing frequency of the GuardDuty detector {0} in {1}".format(
                detector_id, region), context, client.update_detector, DetectorId=detector_id,
                FindingPublishingFrequency=previous)
        _aws_call("remove the record of previous settings from the GuardDuty detector {0} in {1}".format(
            detector_id, region), context, client.untag_resource, ResourceArn=_detector_arn_of(detector, region),
            TagKeys=[PREVIOUS_FREQUENCY_TAG])
        detector = get_detector(client, detector_id, region)
        after = detector_view(detector)
    return {"changed": True, "created": False, "before": before, "after": after, "detector": detector}


def delete_detector(client, region, check_mode=False):
    """Delete the region's detector unless it has members (AWS refuses, so do we, clearly)."""
    detector_id = find_detector_id(client, region)
    if detector_id is None:
        return {"changed": False, "before": None, "after": None, "detector": None}
    detector = get_detector(client, detector_id, region)
    context = {"region": region, "detector_id": detector_id}
    try:
        members = list_members(client, detector_id)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        raise explain(e, "list the members of detector {0}".format(detector_id), context) from e
    if members:
        raise GuardDutyError(
            "The GuardDuty detector {0} in {1} still has {2} member account(s) ({3}); a detector with members "
            "cannot be deleted. Remove them first with radiant.aws_onboarding.guardduty_members state=absent.".format(
                detector_id, region, len(members), ", ".join(sorted(m["AccountId"] for m in members)[:10])
            ),
            detector=detector_result(detector),
        )
    if not check_mode:
        _aws_call("delete the GuardDuty detector {0} in {1}".format(detector_id, region), context,
                  client.delete_detector, DetectorId=detector_id)
    return {"changed": True, "before": detector_view(detector), "after": None, "detector": detector}
