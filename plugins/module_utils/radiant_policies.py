# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every policy document and statement the onboarding writes, built in this one place.

Sources: docs/requirements.md (Radiant's read-only policy, trust policy, permission table) and AWS's
documentation for the service statements. Where a guide's example is looser than AWS
recommends, the tighter form is used and the reason is given next to it.
"""

import copy

from ansible_collections.radiant.aws_onboarding.plugins.module_utils.arns import arn, service_principal
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.policy import (
    KMS_KEY,
    POLICY_SIZE_LIMITS,
    S3_BUCKET,
    policy_size,
)

# Radiant's own session, as Radiant specifies it: Radiant's account is in the aws partition, so this
# ARN stays arn:aws whatever the customer's partition (roles trust principals of their own partition
# only, so an aws-us-gov or aws-cn account needs a principal Radiant gives for that partition).
RADIANT_PRINCIPAL = "arn:aws:sts::649384204969:assumed-role/tenant-aws-access-role/radiant-security"
MAIN_ROLE_NAME = "radiant-aws-access-role"
API_ROLE_NAME = "radiant-aws-api-access-role"
POLICY_VERSION = "2012-10-17"

# docs/requirements.md#read-only-policy: the read-only statements Radiant needs in every account. The two
# roles' policies differ only in the last Sid ("Account" vs "AccountApi") and Resource "*" vs ["*"].
_S3_READ_ACTIONS = [
    "s3:GetBucketAcl",
    "s3:GetEncryptionConfiguration",
    "s3:GetBucketLogging",
    "s3:GetBucketPolicy",
    "s3:GetBucketPolicyStatus",
    "s3:GetBucketTagging",
    "s3:GetBucketWebsite",
    "s3:GetObjectAcl",
    "s3:GetObjectAttributes",
    "s3:GetAccountPublicAccessBlock",
    "s3:GetBucketPublicAccessBlock",
    "s3:GetObject",
    "s3:ListAllMyBuckets",
    "s3:ListBucket",
]
_EC2_READ_ACTIONS = [
    "ec2:DescribeAddresses",
    "ec2:DescribeImageAttribute",
    "ec2:DescribeImages",
    "ec2:DescribeInstanceStatus",
    "ec2:DescribeInstances",
    "ec2:DescribeSecurityGroupRules",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeVolumeAttribute",
    "ec2:DescribeVolumeStatus",
    "ec2:DescribeVolumes",
    "ec2:DescribeVolumesModifications",
]
_IAM_READ_ACTIONS = [
    "iam:GetAccessKeyLastUsed",
    "iam:GetAccountAuthorizationDetails",
    "iam:GetAccountSummary",
    "iam:GetGroup",
    "iam:GetGroupPolicy",
    "iam:GetInstanceProfile",
    "iam:GetLoginProfile",
    "iam:GetMFADevice",
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
    "iam:GetRole",
    "iam:GetRolePolicy",
    "iam:GetSAMLProvider",
    "iam:GetServiceLastAccessedDetails",
    "iam:GetServiceLastAccessedDetailsWithEntities",
    "iam:GetUser",
    "iam:GetUserPolicy",
    "iam:ListAccessKeys",
    "iam:ListAccountAliases",
    "iam:ListAttachedGroupPolicies",
    "iam:ListAttachedRolePolicies",
    "iam:ListAttachedUserPolicies",
    "iam:ListEntitiesForPolicy",
    "iam:ListGroupPolicies",
    "iam:ListGroups",
    "iam:ListGroupsForUser",
    "iam:ListInstanceProfileTags",
    "iam:ListInstanceProfiles",
    "iam:ListInstanceProfilesForRole",
    "iam:ListPolicies",
    "iam:ListPoliciesGrantingServiceAccess",
    "iam:ListPolicyVersions",
    "iam:ListRolePolicies",
    "iam:ListRoles",
    "iam:ListUserPolicies",
    "iam:ListUserTags",
    "iam:ListUsers",
    "iam:ListVirtualMFADevices",
]
_IAM_READ_RESOURCE_TYPES = ["role", "saml-provider", "instance-profile", "user", "group", "policy"]


def _document(statements):
    return {"Version": POLICY_VERSION, "Statement": statements}


def _read_only_statements(account_sid, account_resource, partition):
    iam_resources = [arn(partition, "iam", "", "*", kind + "/*") for kind in _IAM_READ_RESOURCE_TYPES]
    return [
        {"Sid": "S3Api", "Effect": "Allow", "Action": list(_S3_READ_ACTIONS),
         "Resource": [arn(partition, "s3", "", "", "*"), arn(partition, "s3", "", "", "*/*")]},
        {"Sid": "EC2Api", "Effect": "Allow", "Action": list(_EC2_READ_ACTIONS), "Resource": ["*"]},
        {"Sid": "GuarddutyApi", "Effect": "Allow", "Action": ["guardduty:ListFindings", "guardduty:GetFindings"],
         "Resource": ["arn:*:guardduty:*:*:*"]},
        {"Sid": "IAMApi", "Effect": "Allow", "Action": list(_IAM_READ_ACTIONS), "Resource": iam_resources},
        {"Sid": account_sid, "Effect": "Allow", "Action": ["account:GetAccountInformation"],
         "Resource": copy.deepcopy(account_resource)},
    ]


def api_access_policy(partition="aws"):
    """The policy (docs/requirements.md#api-access-role) for ``radiant-aws-api-access-role`` in every account."""
    return _document(_read_only_statements("AccountApi", ["*"], partition))


def main_access_policy(sns_topic_arns=None, kms_key_arns=None, partition="aws"):
    """The policy (docs/requirements.md#main-account-role) for ``radiant-aws-access-role`` in the main account.

    The read-only statements of docs/requirements.md#read-only-policy plus the permission table's
    main-account rows: subscribe, unsubscribe and confirm on the CloudTrail and GuardDuty topics, and
    ``kms:Decrypt`` only when KMS keys encrypt the logs (the guide: "remove the last object if we do not use
    any KMS").
    The table's ``sts:AssumeRole`` row is not granted: every API role trusts Radiant's own
    session (docs/requirements.md#trust-policy), which assumes them directly; a session of this role is
    refused by that trust, so the grant could never be used (IAM user guide, "Cross-account
    policy evaluation logic": the trust policy must allow the caller).
    """
    statements = _read_only_statements("Account", "*", partition)
    topics = sorted(set(sns_topic_arns or []))
    if topics:
        statements.append({
            "Sid": "SNSSubscription",
            "Effect": "Allow",
            "Action": ["sns:Subscribe", "sns:ConfirmSubscription"],
            "Resource": topics,
        })
        # sns:Unsubscribe has no resource type ("Actions, resources, and condition keys for Amazon
        # SNS"): only Resource "*" allows it; a statement naming the topics never would. SNS lets
        # only a subscription's owner or its topic's owner unsubscribe (API reference, Unsubscribe).
        statements.append({"Sid": "SNSUnsubscribe", "Effect": "Allow", "Action": ["sns:Unsubscribe"],
                           "Resource": "*"})
    keys = sorted(set(kms_key_arns or []))
    if keys:
        statements.append({"Sid": "KMSDecrypt", "Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": keys})
    return _document(statements)


def radiant_trust_policy(external_id, sid="AssumeRadiantSecurity", principal=RADIANT_PRINCIPAL):
    """The trust policy of docs/requirements.md#trust-policy: only Radiant's role, only with the external ID."""
    if not external_id:
        raise ValueError("the Radiant external ID (RS_CREDENTIAL_ID) is required for the trust policy")
    return _document([{
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"AWS": principal},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": external_id}},
    }])


def _join_prefix(prefix, path):
    prefix = (prefix or "").strip("/")
    return "{0}/{1}".format(prefix, path) if prefix else path


def cloudtrail_bucket_statements(bucket, trail_arn, management_account_id, organization_id=None, prefix=None,
                                 source_account_ids=None, partition="aws"):
    """CloudTrail's bucket policy (CloudTrail user guide, "Amazon S3 bucket policy for CloudTrail"
    and "Create a bucket policy for an organization trail").

    An organization trail writes under ``AWSLogs/<management account>/`` and
    ``AWSLogs/<o-org id>/``; missing the second is the classic "Incorrect S3 bucket policy".
    ``source_account_ids`` adds the per-account paths of docs/requirements.md#cross-account-cloudtrail
    for trails of accounts outside the organization writing into the same bucket.
    """
    bucket_arn = arn(partition, "s3", "", "", bucket)
    statements = [{
        "Sid": "AWSCloudTrailAclCheck20150319",
        "Effect": "Allow",
        "Principal": {"Service": service_principal("cloudtrail", partition)},
        "Action": "s3:GetBucketAcl",
        "Resource": bucket_arn,
        "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}},
    }, {
        "Sid": "AWSCloudTrailWrite20150319",
        "Effect": "Allow",
        "Principal": {"Service": service_principal("cloudtrail", partition)},
        "Action": "s3:PutObject",
        "Resource": "{0}/{1}".format(bucket_arn, _join_prefix(prefix, "AWSLogs/{0}/*".format(management_account_id))),
        "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trail_arn}},
    }]
    if organization_id:
        statements.append({
            "Sid": "AWSCloudTrailOrganizationWrite20150319",
            "Effect": "Allow",
            "Principal": {"Service": service_principal("cloudtrail", partition)},
            "Action": "s3:PutObject",
            "Resource": "{0}/{1}".format(bucket_arn, _join_prefix(prefix, "AWSLogs/{0}/*".format(organization_id))),
            "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trail_arn}},
        })
    return statements


def cloudtrail_key_statements(trail_arn, management_account_id, reader_account_ids=None, partition="aws"):
    """CloudTrail's KMS key policy (CloudTrail user guide, "Configure AWS KMS key policies for CloudTrail")."""
    trail_context = arn(partition, "cloudtrail", "*", management_account_id, "trail/*")
    readers = sorted(set(reader_account_ids or [management_account_id]))
    return [{
        "Sid": "AllowCloudTrailToEncryptLogs",
        "Effect": "Allow",
        "Principal": {"Service": service_principal("cloudtrail", partition)},
        "Action": "kms:GenerateDataKey*",
        "Resource": "*",
        "Condition": {
            "StringEquals": {"aws:SourceArn": trail_arn},
            "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": trail_context},
        },
    }, {
        "Sid": "AllowCloudTrailToDescribeKey",
        "Effect": "Allow",
        "Principal": {"Service": service_principal("cloudtrail", partition)},
        "Action": "kms:DescribeKey",
        "Resource": "*",
    }, {
        "Sid": "AllowLogReadersToDecrypt",
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": ["kms:Decrypt", "kms:ReEncryptFrom"],
        "Resource": "*",
        "Condition": {
            "StringEquals": {"kms:CallerAccount": readers if len(readers) > 1 else readers[0]},
            "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": trail_context},
        },
    }]


def cloudtrail_topic_statements(topic_arn, trail_arn, sid="AWSCloudTrailSNSPolicy20150319", partition="aws"):
    """CloudTrail's SNS topic policy (CloudTrail user guide, "Amazon SNS topic policy for CloudTrail"):
    a statement limited to the trail by aws:SourceArn; ``trail_arn`` may be a list (the trails of the accounts
    outside the organization, docs/requirements.md#cross-account-cloudtrail, under a Sid of their own)."""
    return [{
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"Service": service_principal("cloudtrail", partition)},
        "Action": "SNS:Publish",
        "Resource": topic_arn,
        "Condition": {"StringEquals": {"aws:SourceArn": trail_arn if isinstance(trail_arn, str)
                                       else _one_or_many(trail_arn)}},
    }]


def guardduty_service_principal(region, opt_in_regions=(), partition="aws"):
    """Opt-in regions use GuardDuty's regional principal (GuardDuty user guide, "Exporting findings")."""
    if region in opt_in_regions:
        return service_principal("guardduty." + region, partition)
    return service_principal("guardduty", partition)


def _one_or_many(values):
    values = sorted(set(values))
    return values[0] if len(values) == 1 else values


def _detector_conditions(detector_arns):
    # The guide's example uses ForAnyValue:StringEquals; aws:SourceArn and aws:SourceAccount
    # are single-valued keys, for which IAM's guide says to use plain StringEquals (a list of
    # values is an OR). Same effect, no Access Analyzer warning.
    accounts = [detector_arn.split(":")[4] for detector_arn in detector_arns]
    return {"StringEquals": {"aws:SourceAccount": _one_or_many(accounts), "aws:SourceArn": _one_or_many(detector_arns)}}


def _organization_conditions(organization_id):
    # IAM user guide, "AWS global condition context keys", aws:SourceOrgID: the organization of
    # the account that owns the resource a service principal acts for. One value admits every
    # detector of the organization, so the policy stays small for any number of accounts.
    return {"StringEquals": {"aws:SourceOrgID": organization_id}}


# Sid suffix of the statements that admit detectors of accounts outside the organization by ARN
# when the organization itself is admitted by aws:SourceOrgID.
OUTSIDE_ORGANIZATION_SUFFIX = "OutsideOrganization"


def _export_scopes(detector_arns, organization_id, outside_detector_arns):
    """(Sid suffix, Condition) for each group of exporting detectors.

    Without ``organization_id``: one group, every detector by ARN (the guide's way). With it:
    the organization by aws:SourceOrgID, plus the outside accounts' detectors by ARN."""
    if not organization_id:
        if not detector_arns:
            raise ValueError("at least one exporting detector ARN is required")
        return [("", _detector_conditions(detector_arns))]
    scopes = [("", _organization_conditions(organization_id))]
    if outside_detector_arns:
        scopes.append((OUTSIDE_ORGANIZATION_SUFFIX, _detector_conditions(outside_detector_arns)))
    return scopes


def guardduty_export_bucket_statements(bucket, kms_key_arn, detector_arns=None, prefix=None, principals=None,
                                       organization_id=None, outside_detector_arns=None, partition="aws"):
    """GuardDuty's export bucket policy (GuardDuty user guide, "Exporting generated findings to
    Amazon S3").

    Detector scope (no ``organization_id``): every exporting detector (every account, every
    region) in ``detector_arns``. Organization scope: every detector of the organization's
    accounts through aws:SourceOrgID, and ``outside_detector_arns`` (invited accounts outside the
    organization) in a separate statement pair."""
    bucket_arn = arn(partition, "s3", "", "", bucket)
    objects = "{0}/{1}".format(bucket_arn, _join_prefix(prefix, "*"))
    principal = {"Service": _one_or_many(principals or [service_principal("guardduty", partition)])}
    statements = []
    for suffix, conditions in _export_scopes(detector_arns, organization_id, outside_detector_arns):
        statements.extend([{
            # The guide's example puts GetBucketLocation on "arn:aws:s3:::/*": it applies to the bucket.
            "Sid": "AllowGuardDutyGetBucketLocation" + suffix,
            "Effect": "Allow",
            "Principal": principal,
            "Action": "s3:GetBucketLocation",
            "Resource": bucket_arn,
            "Condition": copy.deepcopy(conditions),
        }, {
            "Sid": "AllowGuardDutyPutObject" + suffix,
            "Effect": "Allow",
            "Principal": principal,
            "Action": "s3:PutObject",
            "Resource": objects,
            "Condition": copy.deepcopy(conditions),
        }])
    return statements + [{
        "Sid": "DenyUnencryptedGuardDutyUploads",
        "Effect": "Deny",
        "Principal": principal,
        "Action": "s3:PutObject",
        "Resource": objects,
        "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}},
    }, {
        "Sid": "DenyGuardDutyUploadsWithOtherKey",
        "Effect": "Deny",
        "Principal": principal,
        "Action": "s3:PutObject",
        "Resource": objects,
        "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id": kms_key_arn}},
    }]


def tls_only_bucket_statement(bucket, partition="aws"):
    """Deny any request to the bucket that does not use TLS (S3 user guide, security best practices)."""
    bucket_arn = arn(partition, "s3", "", "", bucket)
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [bucket_arn, bucket_arn + "/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def guardduty_export_key_statements(key_arn, detector_arns=None, principals=None, organization_id=None,
                                    outside_detector_arns=None, partition="aws"):
    """GuardDuty's KMS key policy for export (GuardDuty user guide, "Exporting generated findings"),
    with the same scopes as guardduty_export_bucket_statements."""
    principal = {"Service": _one_or_many(principals or [service_principal("guardduty", partition)])}
    return [{
        "Sid": "AllowGuardDutyToEncryptFindings" + suffix,
        "Effect": "Allow",
        "Principal": copy.deepcopy(principal),
        "Action": "kms:GenerateDataKey",
        "Resource": key_arn,
        "Condition": conditions,
    } for suffix, conditions in _export_scopes(detector_arns, organization_id, outside_detector_arns)]


def guardduty_export_stale_statements(organization_id=None, outside_detector_arns=None):
    """The Sids of the outside-organization statements when the scope no longer uses them
    (detector scope, or no outside detector), for removal: {"bucket": [...], "key": [...]}."""
    if organization_id and outside_detector_arns:
        return {"bucket": [], "key": []}
    return {
        "bucket": [{"Sid": "AllowGuardDutyGetBucketLocation" + OUTSIDE_ORGANIZATION_SUFFIX},
                   {"Sid": "AllowGuardDutyPutObject" + OUTSIDE_ORGANIZATION_SUFFIX}],
        "key": [{"Sid": "AllowGuardDutyToEncryptFindings" + OUTSIDE_ORGANIZATION_SUFFIX}],
    }


def guardduty_export_policy_sizes(bucket, region, detector_arns=None, prefix=None, principals=None,
                                  organization_id=None, outside_detector_arns=None, key_arn=None, partition="aws"):
    """Size of this phase's part of the bucket and key policies (compact JSON, as sent), against
    S3's and KMS's limits, computable before the key exists (a key ARN of the real length stands in).

    Returns {"detectors": n, "bucket": {"size", "limit", "fits"}, "key": {...}, "fits": bool}."""
    key_arn = key_arn or arn(partition, "kms", region, "000000000000", "key/00000000-0000-0000-0000-000000000000")
    scope = dict(organization_id=organization_id, outside_detector_arns=outside_detector_arns, partition=partition)
    bucket_statements = guardduty_export_bucket_statements(
        bucket, key_arn, detector_arns, prefix=prefix, principals=principals, **scope)
    bucket_statements.append(tls_only_bucket_statement(bucket, partition))
    key_statements = guardduty_export_key_statements(key_arn, detector_arns, principals=principals, **scope)
    sizes = {"detectors": len(set(detector_arns or []) | set(outside_detector_arns or []))}
    for name, statements, resource_type in (("bucket", bucket_statements, S3_BUCKET),
                                            ("key", key_statements, KMS_KEY)):
        size, limit = policy_size(_document(statements)), POLICY_SIZE_LIMITS[resource_type]
        sizes[name] = {"size": size, "limit": limit, "fits": size <= limit}
    sizes["fits"] = sizes["bucket"]["fits"] and sizes["key"]["fits"]
    return sizes


def s3_publish_topic_statements(topic_arn, bucket, bucket_owner_account_id, partition="aws"):
    """Let exactly one bucket, owned by one account, publish to the topic (S3 user guide,
    "Granting permissions to publish messages to an SNS topic"). The guide's example allows
    any bucket (every S3 ARN); the documented form names the bucket."""
    return [{
        "Sid": "AllowS3BucketToPublish",
        "Effect": "Allow",
        "Principal": {"Service": service_principal("s3", partition)},
        "Action": "SNS:Publish",
        "Resource": topic_arn,
        "Condition": {
            "StringEquals": {"aws:SourceAccount": bucket_owner_account_id},
            "ArnLike": {"aws:SourceArn": arn(partition, "s3", "", "", bucket)},
        },
    }]


def sns_subscriber_queue_policy(queue_arn, topic_arn, partition="aws"):
    """Queue policy letting one SNS topic deliver to an SQS queue (SNS developer guide,
    "Subscribing an Amazon SQS queue to an Amazon SNS topic": without it SNS cannot send).
    Used by the end-to-end test's temporary subscriber queue."""
    return _document([{
        "Sid": "AllowTopicToSendMessage",
        "Effect": "Allow",
        "Principal": {"Service": service_principal("sns", partition)},
        "Action": "sqs:SendMessage",
        "Resource": queue_arn,
        "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}},
    }])


def s3_publish_key_statements(bucket, bucket_owner_account_id, partition="aws"):
    """An SSE-KMS topic needs S3 allowed on its key (SNS developer guide, "Enable compatibility
    between event sources from AWS services and encrypted topics")."""
    return [{
        "Sid": "AllowS3ToUseTopicKey",
        "Effect": "Allow",
        "Principal": {"Service": service_principal("s3", partition)},
        "Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
        "Resource": "*",
        "Condition": {
            "StringEquals": {"aws:SourceAccount": bucket_owner_account_id},
            "ArnLike": {"aws:SourceArn": arn(partition, "s3", "", "", bucket)},
        },
    }]


def cross_account_log_bucket_statements(bucket, source_account_ids, trail_arns=None, prefix=None, partition="aws"):
    """docs/requirements.md#cross-account-cloudtrail: the target bucket accepts CloudTrail logs from the accounts
    outside the organization in one statement pair, as the CloudTrail user guide's "Setting bucket policy for multiple
    accounts" writes it: one resource path per source account under the prefix, and each account's trail by
    ``aws:SourceArn`` (or the accounts by ``aws:SourceAccount`` when no trail is named).

    One pair, not a pair per account: a pair costs about 800 bytes a source account, and S3's 20 KB
    bucket policy limit would stop at about 20 accounts; this one costs about 150."""
    accounts = sorted(set(str(account) for account in source_account_ids))
    if not accounts:
        raise ValueError("at least one source account id is required")
    for account in accounts:
        if len(account) != 12 or not account.isdigit():
            raise ValueError("source_account_ids must be 12-digit account ids, not {0!r}".format(account))
    for trail_arn in trail_arns or []:
        if trail_arn.split(":")[4:5] not in [[account] for account in accounts]:
            raise ValueError("trail {0!r} is not in a source account".format(trail_arn))
    bucket_arn = arn(partition, "s3", "", "", bucket)
    resources = ["{0}/{1}".format(bucket_arn, _join_prefix(prefix, "AWSLogs/{0}/*".format(account)))
                 for account in accounts]
    if trail_arns:
        source = {"aws:SourceArn": _one_or_many(trail_arns)}
    else:
        source = {"aws:SourceAccount": _one_or_many(accounts)}
    acl = {
        "Sid": "AWSCloudTrailCrossAccountAclCheck",
        "Effect": "Allow",
        "Principal": {"Service": service_principal("cloudtrail", partition)},
        "Action": "s3:GetBucketAcl",
        "Resource": bucket_arn,
        "Condition": {"StringEquals": dict(source)},
    }
    write = {
        "Sid": "AWSCloudTrailCrossAccountWrite",
        "Effect": "Allow",
        "Principal": {"Service": service_principal("cloudtrail", partition)},
        "Action": "s3:PutObject",
        "Resource": _one_or_many(resources),
        "Condition": {"StringEquals": dict(source, **{"s3:x-amz-acl": "bucket-owner-full-control"})},
    }
    return [acl, write]


def cross_account_reader_policy(bucket, prefix=None, partition="aws"):
    """The "S3 read-only access" of docs/requirements.md#cross-account-cloudtrail for the cross-account
    role, narrowed to the log bucket (AWS's AmazonS3ReadOnlyAccess grants s3:Get*/s3:List* on every bucket)."""
    bucket_arn = arn(partition, "s3", "", "", bucket)
    return _document([{
        "Sid": "ReadCloudTrailLogBucket",
        "Effect": "Allow",
        "Action": ["s3:GetBucketAcl", "s3:GetBucketLocation", "s3:ListBucket"],
        "Resource": bucket_arn,
    }, {
        "Sid": "ReadCloudTrailLogObjects",
        "Effect": "Allow",
        "Action": ["s3:GetObject", "s3:GetObjectAttributes"],
        "Resource": "{0}/{1}".format(bucket_arn, _join_prefix(prefix, "*")),
    }])


def cross_account_reader_trust_policy(source_role_arns):
    """docs/requirements.md#cross-account-cloudtrail: the cross-account read role trusts only the named source roles,
    never ``root``."""
    arns = sorted(set(source_role_arns))
    if not arns:
        raise ValueError("at least one source role ARN is required")
    for role_arn in arns:
        if role_arn.endswith(":root") or ":role/" not in role_arn:
            raise ValueError("trust only IAM role ARNs (arn:<partition>:iam::<account>:role/<name>), not {0!r}".format(
                role_arn))
    return _document([{
        "Sid": "TrustNamedSourceRoles",
        "Effect": "Allow",
        "Principal": {"AWS": arns if len(arns) > 1 else arns[0]},
        "Action": "sts:AssumeRole",
    }])


def in_stack_partition(document):
    """``document`` with every ARN of the aws partition written as an ``Fn::Sub`` of the stack's own partition
    (the pseudo parameter AWS::Partition), so one template serves aws, aws-us-gov and aws-cn accounts."""
    if isinstance(document, dict):
        return dict((key, in_stack_partition(value)) for key, value in document.items())
    if isinstance(document, list):
        return [in_stack_partition(value) for value in document]
    if isinstance(document, str) and document.startswith("arn:aws:"):
        return {"Fn::Sub": "arn:${AWS::Partition}:" + document[len("arn:aws:"):]}
    return document


def api_role_cloudformation_template(external_id_parameter="RadiantExternalId", role_name=API_ROLE_NAME):
    """The StackSet template (docs/requirements.md#api-access-role) for the API role, built from the same policy as
    above, in the partition of each account it is deployed to (Radiant's principal in the trust stays its own)."""
    trust = radiant_trust_policy("PLACEHOLDER", sid="Statement1")
    trust["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"] = {"Ref": external_id_parameter}
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "Radiant Security read-only API role {0}, deployed by radiant.aws_onboarding".format(role_name),
        "Parameters": {
            # Not NoEcho: an external ID is not a secret (IAM user guide, "Access to AWS accounts owned by
            # third parties"), and a readable value lets a re-run see a changed ID and roll it out.
            external_id_parameter: {
                "Type": "String",
                "MinLength": 1,
                "Description": "The AWS External Role ID shown by Radiant's AWS API connector",
            }
        },
        "Resources": {
            "RadiantApiAccessRole": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "RoleName": role_name,
                    "AssumeRolePolicyDocument": trust,
                    "Policies": [{"PolicyName": "radiant-aws-api-access",
                                  "PolicyDocument": in_stack_partition(api_access_policy())}],
                },
            }
        },
        "Outputs": {"RoleArn": {"Value": {"Fn::GetAtt": ["RadiantApiAccessRole", "Arn"]}}},
    }
