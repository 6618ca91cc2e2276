"""Publishing destinations, sample findings, findings and tags.

User guide, "Exporting generated GuardDuty findings to Amazon S3 buckets": the destination
is an S3 bucket (optionally a prefix folder) plus a KMS key in the bucket's Region; the bucket
policy must let guardduty.amazonaws.com s3:GetBucketLocation on the bucket and s3:PutObject
on ``bucket[/prefix]/*``, and the key policy must let it kms:GenerateDataKey, with
aws:SourceAccount / aws:SourceArn conditions naming the exporting detector. GuardDuty checks
this when the destination is saved (API_CreatePublishingDestination, BadRequestException)
and writes findings as ``<prefix>/AWSLogs/<account>/GuardDuty/<region>/YYYY/MM/DD/<uuid>.jsonl.gz``,
SSE-KMS encrypted with the destination key.
"""

from __future__ import annotations

import gzip
import json
import uuid

from ... import organizations_state, policy_eval
from . import state
from .errors import OUT_OF_RANGE, bad_request
from .features import now
from .operations import iso_timestamp, own_detector, paginate
from .state import LOCK, Destination

# The text the guide quotes and AWS returns when the bucket or key policy (or the
# bucket/key themselves) will not let GuardDuty export.
PERMISSION_DENIED = (
    "The request failed because the input destinationArn or kmsKeyArn does not have proper permissions "
    "for the given KMS or destination."
)
# A prefix folder that does not exist in another account's bucket: AWS names it "resource folder
# does not exist" (aws-cli issue 10483, which quotes the failure of Create/UpdatePublishingDestination).
FOLDER_MISSING = "The request failed because the resource folder does not exist."
UNABLE = "UNABLE_TO_PUBLISH_FIX_DESTINATION_PROPERTY"
SAMPLE_TYPES = (
    "Recon:EC2/PortProbeUnprotectedPort",
    "UnauthorizedAccess:EC2/SSHBruteForce",
    "Policy:S3/BucketBlockPublicAccessDisabled",
    "CryptoCurrency:EC2/BitcoinTool.B!DNS",
    "Discovery:S3/MaliciousIPCaller",
)


def _principals(region: str) -> list[str]:
    """The principal GuardDuty writes as: in opt-in Regions only the regional one (user guide,
    "Exporting findings": "guardduty.<region>.amazonaws.com" for Regions disabled by default)."""
    from ..account_regions import ENABLED_BY_DEFAULT

    regional = f"guardduty.{region}.amazonaws.com"
    return ["guardduty.amazonaws.com", regional] if region in ENABLED_BY_DEFAULT else [regional]


def _split_destination(arn: str) -> tuple[str, str] | None:
    """``arn:aws:s3:::bucket[/prefix/]`` -> (bucket, prefix without slashes)."""
    if not arn or not arn.startswith("arn:aws:s3:::"):
        return None
    bucket, _slash, prefix = arn[len("arn:aws:s3:::") :].partition("/")
    return (bucket, prefix.strip("/")) if bucket else None


def _find_bucket(name: str):
    from moto.s3.models import s3_backends

    owner = s3_backends.bucket_accounts.get(name)
    if owner is None:
        return None, None
    partition, account_id = owner
    bucket = s3_backends[account_id][partition].buckets.get(name)
    return (bucket, account_id) if bucket is not None else (None, None)


def _find_key(arn: str):
    from moto.kms.models import kms_backends

    parts = (arn or "").split(":", 5)
    if len(parts) != 6 or parts[2] != "kms" or not parts[5].startswith("key/"):
        return None  # GuardDuty needs the key ARN, not an alias
    account_id, region, key_id = parts[4], parts[3], parts[5][len("key/") :]
    if account_id not in kms_backends or region not in kms_backends[account_id]:
        return None
    return kms_backends[account_id][region].keys.get(key_id)


def object_key(prefix: str, account: str, region: str, stamp, name: str) -> str:
    head = f"{prefix}/" if prefix else ""
    return f"{head}AWSLogs/{account}/GuardDuty/{region}/{stamp:%Y/%m/%d}/{name}"


def export_problem(detector, destination_arn: str, kms_key_arn: str) -> str | None:
    """Why GuardDuty could not export to this bucket and key, or None when it can."""
    split = _split_destination(destination_arn)
    if split is None:
        return "destinationArn is not an S3 bucket ARN"
    bucket_name, prefix = split
    bucket, owner = _find_bucket(bucket_name)
    if bucket is None:
        return f"bucket {bucket_name} does not exist"
    key = _find_key(kms_key_arn)
    if key is None or getattr(key, "key_state", "Enabled") != "Enabled":
        return f"KMS key {kms_key_arn} does not exist or is not enabled"
    if key.region != bucket.region_name:
        return "the KMS key and the bucket are in different Regions"
    if owner != detector.account and prefix:
        # A prefix folder in another account's bucket must already exist (user guide).
        from moto.s3.models import s3_backends

        keys = s3_backends[owner]["aws"].buckets[bucket_name].keys
        if not any(name.startswith(prefix + "/") for name in keys.keys()):
            return FOLDER_MISSING
    context = {
        "aws:SourceAccount": detector.account,
        "aws:SourceArn": detector.arn,
        "aws:SecureTransport": "true",
    }
    # IAM user guide, "AWS global condition context keys", aws:SourceOrgID: present when a
    # service principal acts for a resource whose owner is an AWS Organizations member (the
    # owner's organization id), absent otherwise (e.g. accounts outside any organization).
    organization = organizations_state.organization_of(detector.account)
    if organization is not None:
        context["aws:SourceOrgID"] = organization.id
    principals = _principals(detector.region)
    probe = object_key(prefix, detector.account, detector.region, now(), "probe.jsonl.gz")
    put_context = {
        **context,
        "s3:x-amz-server-side-encryption": "aws:kms",
        "s3:x-amz-server-side-encryption-aws-kms-key-id": kms_key_arn,
    }
    policy = bucket.policy.decode() if isinstance(bucket.policy, (bytes, bytearray)) else bucket.policy
    if not policy_eval.allows(policy, principals, "s3:PutObject", f"arn:aws:s3:::{bucket_name}/{probe}", put_context):
        return "bucket policy does not allow s3:PutObject"
    if not policy_eval.allows(policy, principals, "s3:GetBucketLocation", f"arn:aws:s3:::{bucket_name}", context):
        return "bucket policy does not allow s3:GetBucketLocation"
    if not policy_eval.allows(key.policy, principals, "kms:GenerateDataKey", key.arn, context):
        return "key policy does not allow kms:GenerateDataKey"
    return None


def _check_export(detector, destination_arn: str, kms_key_arn: str) -> None:
    problem = export_problem(detector, destination_arn, kms_key_arn)
    if problem == FOLDER_MISSING:
        raise bad_request(FOLDER_MISSING)
    if problem is not None:
        raise bad_request(PERMISSION_DENIED)


def _properties(params: dict) -> tuple[str, str]:
    props = params.get("DestinationProperties") or {}
    return props.get("DestinationArn", ""), props.get("KmsKeyArn", "")


def _refresh(destination: Destination) -> None:
    """Status on read: a new destination is reported PENDING_VERIFICATION once; one whose
    policies were changed afterwards stops publishing."""
    if destination.status == "PENDING_VERIFICATION" and not destination.verification_reported:
        destination.verification_reported = True
        return
    _verify(destination)


def _verify(destination: Destination) -> None:
    problem = export_problem(destination.detector, destination.destination_arn, destination.kms_key_arn)
    if problem is None:
        destination.status = "PUBLISHING"
        destination.failure_started = 0
    elif destination.status != UNABLE:
        destination.status = UNABLE
        destination.failure_started = int(now().timestamp() * 1000)


def create_publishing_destination(account, region, params):
    if params.get("DestinationType") != "S3":
        raise bad_request("The request is rejected because the destinationType is not supported.")
    destination_arn, kms_key_arn = _properties(params)
    with LOCK:
        detector = own_detector(account, region, params["DetectorId"])
        if detector.destinations:
            raise bad_request(
                "The request is rejected because a publishing destination already exists for the detector."
            )
        _check_export(detector, destination_arn, kms_key_arn)
        destination = Destination(detector, destination_arn, kms_key_arn, params.get("Tags"))
        detector.destinations[destination.id] = destination
        return {"DestinationId": destination.id}


def _destination(account, region, params) -> Destination:
    detector = own_detector(account, region, params["DetectorId"])
    destination = detector.destinations.get(params["DestinationId"])
    if destination is None:
        raise bad_request(
            "The request is rejected because the input destinationId is not owned by the current account."
        )
    return destination


def describe_publishing_destination(account, region, params):
    with LOCK:
        destination = _destination(account, region, params)
        _refresh(destination)
        return {
            "DestinationId": destination.id,
            "DestinationType": "S3",
            "Status": destination.status,
            "PublishingFailureStartTimestamp": destination.failure_started,
            "DestinationProperties": {
                "DestinationArn": destination.destination_arn,
                "KmsKeyArn": destination.kms_key_arn,
            },
            "Tags": dict(destination.tags),
        }


def list_publishing_destinations(account, region, params):
    with LOCK:
        detector = own_detector(account, region, params["DetectorId"])
        views = []
        for destination in detector.destinations.values():
            _refresh(destination)
            views.append({"DestinationId": destination.id, "DestinationType": "S3", "Status": destination.status})
    page, extra = paginate(views, params)
    return {"Destinations": page, **extra}


def update_publishing_destination(account, region, params):
    with LOCK:
        destination = _destination(account, region, params)
        destination_arn, kms_key_arn = _properties(params)
        destination_arn = destination_arn or destination.destination_arn
        kms_key_arn = kms_key_arn or destination.kms_key_arn
        _check_export(destination.detector, destination_arn, kms_key_arn)
        destination.destination_arn, destination.kms_key_arn = destination_arn, kms_key_arn
        destination.status, destination.failure_started = "PUBLISHING", 0
        return {}


def delete_publishing_destination(account, region, params):
    with LOCK:
        destination = _destination(account, region, params)
        del destination.detector.destinations[destination.id]
        return {}


# -- findings -------------------------------------------------------------------------
def _sample_finding(detector, finding_type: str) -> dict:
    finding_id = uuid.uuid4().hex
    stamp = iso_timestamp(now())
    return {
        "AccountId": detector.account,
        "Arn": f"{detector.arn}/finding/{finding_id}",
        "CreatedAt": stamp,
        "Description": f"Sample finding of type {finding_type}.",
        "Id": finding_id,
        "Partition": "aws",
        "Region": detector.region,
        "Resource": {"ResourceType": "Instance"},
        "SchemaVersion": "2.0",
        "Service": {
            "Archived": False,
            "Count": 1,
            "DetectorId": detector.id,
            "EventFirstSeen": stamp,
            "EventLastSeen": stamp,
            "ServiceName": "guardduty",
            "AdditionalInfo": {"Value": '{"sample":true}', "Type": "default"},
        },
        "Severity": 5.0,
        "Title": f"Sample {finding_type}",
        "Type": finding_type,
        "UpdatedAt": stamp,
    }


def _camel(value):
    """API member names -> the camelCase JSON GuardDuty writes to S3 (as GetFindings' wire form)."""
    if isinstance(value, dict):
        return {key[:1].lower() + key[1:]: _camel(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_camel(item) for item in value]
    return value


def _export(detector, findings: list[dict]) -> None:
    from moto.s3.models import s3_backends

    for destination in detector.destinations.values():
        _verify(destination)
        if destination.status != "PUBLISHING":
            continue
        bucket_name, prefix = _split_destination(destination.destination_arn)
        _bucket, owner = _find_bucket(bucket_name)
        body = gzip.compress("".join(json.dumps(_camel(f)) + "\n" for f in findings).encode())
        key = object_key(prefix, detector.account, detector.region, now(), f"{uuid.uuid4()}.jsonl.gz")
        # Through moto's backend, so the bucket's event notifications fire as for any PutObject.
        s3_backends[owner]["aws"].put_object(
            bucket_name, key, body, encryption="aws:kms", kms_key_id=destination.kms_key_arn
        )


def create_sample_findings(account, region, params):
    # API_CreateSampleFindings: one sample per requested type (a default set when none given);
    # new findings are exported to the publishing destination.
    with LOCK:
        detector = own_detector(account, region, params["DetectorId"])
        types = params.get("FindingTypes") or list(SAMPLE_TYPES)
        findings = [_sample_finding(detector, finding_type) for finding_type in types]
        for finding in findings:
            detector.findings[finding["Id"]] = finding
        _export(detector, findings)
        # The administrator's destination receives its members' findings too (user guide,
        # "Exporting findings": an administrator exports the findings of its member accounts).
        store = state.store()
        administrator = store.administrator_of.get((account, region))
        member = store.members_of(administrator, region).get(account) if administrator else None
        admin_detector = store.detector(administrator, region) if administrator else None
        if member is not None and member.status == "Enabled" and admin_detector is not None:
            _export(admin_detector, findings)
    return {}


def _visible_findings(detector) -> list[dict]:
    """A detector's findings plus, for an administrator, its enabled members' (user guide,
    "Managing multiple accounts": the administrator views members' findings in each Region)."""
    store = state.store()
    findings = list(detector.findings.values())
    for member_id, member in store.members_of(detector.account, detector.region).items():
        member_detector = store.detector(member_id, detector.region)
        if member.status == "Enabled" and member_detector is not None:
            findings.extend(member_detector.findings.values())
    return findings


_CRITERIA = {
    "type": lambda f: f["Type"],
    "id": lambda f: f["Id"],
    "accountId": lambda f: f["AccountId"],
    "region": lambda f: f["Region"],
    "severity": lambda f: f["Severity"],
    "service.archived": lambda f: str(f["Service"]["Archived"]).lower(),
}


def _matches(finding: dict, criterion: dict) -> bool:
    for attribute, condition in criterion.items():
        read = _CRITERIA.get(attribute)
        if read is None:
            raise bad_request(f"The request is rejected because the finding criterion {attribute} is not supported.")
        value = read(finding)
        for operator, expected in condition.items():
            if operator in ("Eq", "Equals") and str(value) not in [str(e) for e in expected]:
                return False
            if operator in ("Neq", "NotEquals") and str(value) in [str(e) for e in expected]:
                return False
            if operator in ("Gt", "GreaterThan") and not value > expected:
                return False
            if operator in ("Gte", "GreaterThanOrEqual") and not value >= expected:
                return False
            if operator in ("Lt", "LessThan") and not value < expected:
                return False
            if operator in ("Lte", "LessThanOrEqual") and not value <= expected:
                return False
    return True


def list_findings(account, region, params):
    with LOCK:
        detector = own_detector(account, region, params["DetectorId"])
        criterion = (params.get("FindingCriteria") or {}).get("Criterion") or {}
        findings = [f for f in _visible_findings(detector) if _matches(f, criterion)]
        ids = [f["Id"] for f in sorted(findings, key=lambda f: (f["CreatedAt"], f["Id"]))]
    page, extra = paginate(ids, params)
    return {"FindingIds": page, **extra}


def get_findings(account, region, params):
    ids = params.get("FindingIds") or []
    if len(ids) > 50:
        raise bad_request(OUT_OF_RANGE)
    with LOCK:
        detector = own_detector(account, region, params["DetectorId"])
        by_id = {f["Id"]: f for f in _visible_findings(detector)}
        return {"Findings": [by_id[i] for i in ids if i in by_id]}


# -- tags -----------------------------------------------------------------------------
def _tagged(account, arn: str):
    """The detector or publishing destination named by ``arn`` (API_TagResource)."""
    parts = (arn or "").split(":", 5)
    if len(parts) == 6 and parts[2] == "guardduty" and parts[4] == account:
        path = parts[5].split("/")
        detector = state.store().detector(account, parts[3])
        if detector is not None and len(path) >= 2 and path[0] == "detector" and path[1] == detector.id:
            if len(path) == 2:
                return detector
            if len(path) == 4 and path[2] == "publishingDestination" and path[3] in detector.destinations:
                return detector.destinations[path[3]]
            if len(path) == 4 and path[2] == "filter" and path[3] in detector.filters:
                return _FilterTags(detector.filters[path[3]])
    raise bad_request("The request is rejected because the input resourceArn is not owned by the current account.")


class _FilterTags:
    """A filter record seen as a taggable resource."""

    def __init__(self, record: dict):
        self.tags = record.setdefault("Tags", {})


def tag_resource(account, region, params):
    with LOCK:
        _tagged(account, params["ResourceArn"]).tags.update(params.get("Tags") or {})
        return {}


def untag_resource(account, region, params):
    with LOCK:
        resource = _tagged(account, params["ResourceArn"])
        for key in params.get("TagKeys") or []:
            resource.tags.pop(key, None)
        return {}


def list_tags_for_resource(account, region, params):
    with LOCK:
        return {"Tags": dict(_tagged(account, params["ResourceArn"]).tags)}


OPERATIONS = {
    "CreatePublishingDestination": create_publishing_destination,
    "DescribePublishingDestination": describe_publishing_destination,
    "ListPublishingDestinations": list_publishing_destinations,
    "UpdatePublishingDestination": update_publishing_destination,
    "DeletePublishingDestination": delete_publishing_destination,
    "CreateSampleFindings": create_sample_findings,
    "ListFindings": list_findings,
    "GetFindings": get_findings,
    "TagResource": tag_resource,
    "UntagResource": untag_resource,
    "ListTagsForResource": list_tags_for_resource,
}
