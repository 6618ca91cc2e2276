# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Findings export (publishing destinations) and sample findings for the end-to-end test.

User guide, "Exporting generated findings to Amazon S3": one S3 destination per detector,
bucket and KMS key in the same region, status PENDING_VERIFICATION -> PUBLISHING, or
UNABLE_TO_PUBLISH_FIX_DESTINATION_PROPERTY when the bucket or key policy does not let
GuardDuty write.
"""

import time

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.radiant.aws_onboarding.plugins.module_utils.aws_calls import paginate
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty import (
    BUCKET_POLICY_ADVICE,
    KEY_POLICY_ADVICE,
    AdviceContext,
    GuardDutyError,
    account_of_detector,
    detector_arn,
    explain,
    get_detector,
    list_publishing_destinations,
    require_detector_id,
    wait_or_explain,
)

PUBLISHING = "PUBLISHING"
PENDING = "PENDING_VERIFICATION"
UNABLE = "UNABLE_TO_PUBLISH_FIX_DESTINATION_PROPERTY"


def bucket_of(destination_arn):
    """``arn:<partition>:s3:::bucket[/prefix]`` -> bucket."""
    return (destination_arn or "").split(":::", 1)[-1].split("/", 1)[0]


class Destinations:
    """The region's detector and its publishing destinations."""

    def __init__(self, client, region, purpose="a publishing destination", detector_id=None):
        self.client = client
        self.region = region
        self.detector_id = detector_id or require_detector_id(client, region, purpose)

    def context(self, destination_arn=None, kms_key_arn=None):
        """Error-message context: the detector ARN takes one extra read, on the error path only."""
        context = {"region": self.region, "detector_id": self.detector_id, "destination_arn": destination_arn,
                   "kms_key_arn": kms_key_arn, "bucket": bucket_of(destination_arn)}
        try:
            account_id = account_of_detector(get_detector(self.client, self.detector_id, self.region))
        except GuardDutyError:
            account_id = None
        if account_id:
            context["account_id"] = account_id
            context["detector_arn"] = detector_arn(self.region, account_id, self.detector_id)
        return context

    def _call(self, action, call, destination_arn=None, kms_key_arn=None, **params):
        try:
            return call(DetectorId=self.detector_id, aws_retry=True, **params)
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
            raise explain(e, action, self.context(destination_arn, kms_key_arn)) from e

    def all(self):
        """Every destination, described (ListPublishingDestinations paged by NextToken)."""
        try:
            listed = list_publishing_destinations(self.client, self.detector_id)
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
            raise explain(e, "list the publishing destinations in {0}".format(self.region),
                          {"region": self.region, "detector_id": self.detector_id}) from e
        return [self.describe(d["DestinationId"]) for d in listed]

    def describe(self, destination_id):
        response = self._call("describe publishing destination {0}".format(destination_id),
                              self.client.describe_publishing_destination, DestinationId=destination_id)
        response.pop("ResponseMetadata", None)
        return response

    def create(self, destination_arn, kms_key_arn):
        return self._call(
            "create the publishing destination {0} in {1}".format(destination_arn, self.region),
            self.client.create_publishing_destination, destination_arn, kms_key_arn,
            DestinationType="S3",
            DestinationProperties={"DestinationArn": destination_arn, "KmsKeyArn": kms_key_arn},
        )["DestinationId"]

    def update(self, destination_id, destination_arn, kms_key_arn):
        self._call(
            "update the publishing destination {0} in {1}".format(destination_id, self.region),
            self.client.update_publishing_destination, destination_arn, kms_key_arn,
            DestinationId=destination_id,
            DestinationProperties={"DestinationArn": destination_arn, "KmsKeyArn": kms_key_arn},
        )

    def delete(self, destination_id):
        self._call("delete the publishing destination {0} in {1}".format(destination_id, self.region),
                   self.client.delete_publishing_destination, DestinationId=destination_id)

    def unable_to_publish(self, destination):
        props = destination.get("DestinationProperties") or {}
        context = self.context(props.get("DestinationArn"), props.get("KmsKeyArn"))
        return GuardDutyError(
            "GuardDuty reports the publishing destination {0} in {1} as {2}: it cannot write to the bucket with the "
            "key. {3} {4}".format(
                destination.get("DestinationId"), self.region, destination.get("Status"),
                BUCKET_POLICY_ADVICE.format_map(AdviceContext(context)),
                KEY_POLICY_ADVICE.format_map(AdviceContext(context)),
            ),
            destination=destination_result(destination),
        )

    def wait_publishing(self, destination_id, timeout):
        """Bounded wait until PUBLISHING; UNABLE_TO_PUBLISH_... ends the wait with the policy advice."""
        destination = wait_or_explain(
            lambda: self.describe(destination_id),
            lambda d: d.get("Status") in (PUBLISHING, UNABLE),
            timeout,
            "publishing destination {0} to be PUBLISHING in {1}".format(destination_id, self.region),
        )
        if destination.get("Status") == UNABLE:
            raise self.unable_to_publish(destination)
        return destination


def destination_view(destination):
    if destination is None:
        return None
    props = destination.get("DestinationProperties") or {}
    return {
        "destination_id": destination.get("DestinationId"),
        "destination_arn": props.get("DestinationArn"),
        "kms_key_arn": props.get("KmsKeyArn"),
    }


def destination_result(destination):
    if destination is None:
        return None
    result = destination_view(destination)
    result.update(
        destination_type=destination.get("DestinationType"),
        status=destination.get("Status"),
        publishing_failure_start_timestamp=destination.get("PublishingFailureStartTimestamp"),
        tags=destination.get("Tags") or {},
    )
    return result


def pick_destination(destinations, destination_arn):
    """Adopt the destination with this ARN, else the detector's S3 destination (AWS allows one)."""
    s3 = [d for d in destinations if d.get("DestinationType", "S3") == "S3"]
    for destination in s3:
        if (destination.get("DestinationProperties") or {}).get("DestinationArn") == destination_arn:
            return destination
    return s3[0] if s3 else None


def ensure_publishing_destination(client, region, destination_arn=None, kms_key_arn=None, state="present",
                                  wait=True, wait_timeout=120, check_mode=False, detector_id=None):
    """Create, adopt, update or delete the detector's S3 destination; ``detector_id`` skips the lookup
    when the caller already found the region's detector."""
    manager = Destinations(client, region, detector_id=detector_id)
    current = pick_destination(manager.all(), destination_arn)
    before = destination_view(current)
    outcome = {"changed": False, "before": before, "after": before, "destination": current,
               "detector_id": manager.detector_id}
    if state == "absent":
        if current is None:
            return outcome
        outcome.update(changed=True, after=None, destination=None)
        if not check_mode:
            manager.delete(current["DestinationId"])
        return outcome

    wanted = {"DestinationArn": destination_arn, "KmsKeyArn": kms_key_arn}
    if current is None:
        after = {"destination_id": None, "destination_arn": destination_arn, "kms_key_arn": kms_key_arn}
        predicted = {"DestinationId": None, "DestinationType": "S3", "Status": PENDING,
                     "DestinationProperties": wanted}
        outcome.update(changed=True, after=after, destination=predicted)
        if check_mode:
            return outcome
        destination_id = manager.create(destination_arn, kms_key_arn)
    else:
        destination_id = current["DestinationId"]
        props = current.get("DestinationProperties") or {}
        if props.get("DestinationArn") != destination_arn or props.get("KmsKeyArn") != kms_key_arn:
            after = {"destination_id": destination_id, "destination_arn": destination_arn, "kms_key_arn": kms_key_arn}
            predicted = dict(current, DestinationProperties=dict(props, **wanted))
            outcome.update(changed=True, after=after, destination=predicted)
            if check_mode:
                return outcome
            manager.update(destination_id, destination_arn, kms_key_arn)
        elif current.get("Status") == UNABLE:
            # Nothing to send: only fixing the bucket or key policy helps, so say which.
            raise manager.unable_to_publish(current)
        elif current.get("Status") == PUBLISHING or check_mode or not wait:
            return outcome
    if wait:
        outcome["destination"] = manager.wait_publishing(destination_id, wait_timeout)
    else:
        outcome["destination"] = manager.describe(destination_id)
    outcome["after"] = destination_view(outcome["destination"])
    return outcome


# --------------------------------------------------------------------------------------
# Sample findings (docs/requirements.md#end-to-end-test).
# --------------------------------------------------------------------------------------
def _finding_ids(client, detector_id, finding_types, region):
    params = {"DetectorId": detector_id}
    if finding_types:
        params["FindingCriteria"] = {"Criterion": {"type": {"Eq": list(finding_types)}}}
    try:
        return paginate(client, "list_findings", "FindingIds", **params)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        raise explain(e, "list GuardDuty findings in {0}".format(region),
                      {"region": region, "detector_id": detector_id}) from e


def _findings(client, detector_id, finding_ids, region):
    findings = []
    for start in range(0, len(finding_ids), 50):  # GetFindings takes at most 50 ids
        try:
            response = client.get_findings(DetectorId=detector_id, FindingIds=finding_ids[start:start + 50],
                                           aws_retry=True)
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
            raise explain(e, "read GuardDuty findings in {0}".format(region),
                          {"region": region, "detector_id": detector_id}) from e
        findings.extend(response.get("Findings") or [])
    return findings


def create_sample_findings(client, region, finding_types=None, wait_timeout=60, check_mode=False):
    """Create sample findings and report the ids AWS created for them."""
    detector_id = require_detector_id(client, region, "creating sample findings")
    if check_mode:
        return {"detector_id": detector_id, "findings": []}
    before = set(_finding_ids(client, detector_id, finding_types, region))
    started = time.time()
    params = {"DetectorId": detector_id}
    if finding_types:
        params["FindingTypes"] = list(finding_types)
    try:
        client.create_sample_findings(aws_retry=True, **params)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        raise explain(e, "create sample findings in {0}".format(region),
                      {"region": region, "detector_id": detector_id}) from e
    new_ids = wait_or_explain(
        lambda: [i for i in _finding_ids(client, detector_id, finding_types, region) if i not in before],
        bool,
        wait_timeout,
        "the sample findings to be listed in {0} (created at {1})".format(region, time.strftime(
            "%Y-%m-%dT%H:%M:%SZ", time.gmtime(started))),
    )
    return {"detector_id": detector_id, "findings": _findings(client, detector_id, sorted(new_ids), region)}


def finding_result(finding):
    return {
        "id": finding.get("Id"),
        "type": finding.get("Type"),
        "arn": finding.get("Arn"),
        "account_id": finding.get("AccountId"),
        "region": finding.get("Region"),
        "severity": finding.get("Severity"),
        "title": finding.get("Title"),
        "created_at": finding.get("CreatedAt"),
        "updated_at": finding.get("UpdatedAt"),
    }
