# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Who owns a resource the onboarding would adopt by name: never adopt another account's.

S3 bucket names are global, so a bucket with the expected name may belong to anybody (a member
account can create ``<company>-guardduty-radiantsecurity`` first: bucket squatting). HeadBucket
with ExpectedBucketOwner tells: 200 is ours, 404 is free, 403 is another account's (S3 does not
say whose). KMS keys and SNS topics say their account (DescribeKey's AWSAccountId and KeyManager,
GetTopicAttributes' Owner). An IAM role's name is the caller's account's alone: it is read only to tell
whether the role's settings are in place. Every check here is a read.
"""

from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.aws_errors import error_code
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.common import policy_document

OWNED = "owned"
MISSING = "missing"
FOREIGN = "foreign"
ANOTHER_ACCOUNT = "another account"

# HeadBucket has no body: botocore reports the HTTP status as the error code.
_MISSING_CODES = ("404", "NoSuchBucket", "NotFound")
_FOREIGN_CODES = ("403", "AccessDenied", "Forbidden")


def bucket_owner_params(expected_owner):
    """The ExpectedBucketOwner parameter of an S3 call, or nothing when no owner is expected."""
    return {"ExpectedBucketOwner": str(expected_owner)} if expected_owner else {}


def is_owner_mismatch(error, expected_owner):
    """Whether an S3 ClientError of a call made with ExpectedBucketOwner means another owner."""
    return bool(expected_owner) and error_code(error) in _FOREIGN_CODES


def arn_account(arn):
    """The account of ``arn:partition:service:region:account:resource``, or None."""
    parts = str(arn or "").split(":", 5)
    if len(parts) == 6 and parts[0] == "arn" and parts[4]:
        return parts[4]
    return None


def bucket_state(client, bucket, expected_owner):
    """OWNED, MISSING or FOREIGN for ``bucket``, asked with ExpectedBucketOwner (one HeadBucket)."""
    from botocore.exceptions import ClientError

    try:
        client.head_bucket(aws_retry=True, Bucket=bucket, **bucket_owner_params(expected_owner))
    except ClientError as error:
        code = error_code(error)
        if code in _MISSING_CODES:
            return MISSING
        if code in _FOREIGN_CODES:
            return FOREIGN
        raise
    return OWNED


# What a bucket's record can carry besides its owner, each read with ExpectedBucketOwner:
# fact -> (S3 operation, response key, error codes that mean "not configured", value when not configured).
BUCKET_FACTS = {
    "public_access_block": ("get_public_access_block", "PublicAccessBlockConfiguration",
                            ("NoSuchPublicAccessBlockConfiguration",), {}),
    "encryption": ("get_bucket_encryption", "ServerSideEncryptionConfiguration",
                   ("ServerSideEncryptionConfigurationNotFoundError",), {}),
    "notification_configuration": ("get_bucket_notification_configuration", None, (), {}),
}


def bucket_facts(client, bucket, expected_owner, facts):
    """The named BUCKET_FACTS of an owned bucket: {fact: value}, a missing configuration as its empty value."""
    from botocore.exceptions import ClientError

    found = {}
    for fact in facts:
        operation, key, unset_codes, unset = BUCKET_FACTS[fact]
        try:
            response = getattr(client, operation)(aws_retry=True, Bucket=bucket, **bucket_owner_params(expected_owner))
        except ClientError as error:
            if error_code(error) not in unset_codes:
                raise
            found[fact] = unset
            continue
        if key is None:
            response = dict(response)
            response.pop("ResponseMetadata", None)
            found[fact] = response
        else:
            found[fact] = response.get(key, unset)
    return found


# What a topic's record can carry besides its owner: fact -> reader(client, topic ARN).
TOPIC_FACTS = {
    # The topic's tags as a dict (ListTagsForResource): a phase compares them before it runs the
    # module that would add a missing one.
    "tags": lambda client, topic_arn: dict(
        (tag["Key"], tag["Value"])
        for tag in client.list_tags_for_resource(aws_retry=True, ResourceArn=topic_arn).get("Tags") or []),
}


def tags_in_place(current, wanted):
    """Whether every tag of ``wanted`` is on the resource with its value: all that a module adding tags without
    purging (community.aws.sns_topic with purge_tags false) would change on an existing resource."""
    return all(current.get(key) == value for key, value in wanted.items())


def key_settings_in_place(record, wanted):
    """Whether an owned key already has ``wanted``'s description, state and rotation: all that amazon.aws.kms_key,
    given an alias, a description, ``enabled`` and ``enable_key_rotation`` and no policy, tags or grants, would
    change on an existing key (a key pending deletion is neither enabled nor disabled, so it is not in place)."""
    state = "Enabled" if wanted.get("enabled", True) else "Disabled"
    return (record.get("key_state") == state
            and wanted.get("description") in (None, record.get("description"))
            and (wanted.get("enable_key_rotation") is None
                 or wanted["enable_key_rotation"] == record.get("key_rotation_enabled")))


def key_rotation_enabled(client, key_arn):
    """GetKeyRotationStatus's answer; None when the caller may not read it (the module then decides)."""
    from botocore.exceptions import ClientError

    try:
        return client.get_key_rotation_status(aws_retry=True, KeyId=key_arn).get("KeyRotationEnabled", False)
    except ClientError as error:
        if error_code(error) == "AccessDeniedException":
            return None
        raise


def key_owner(client, alias):
    """The KMS key an alias names in the caller's account: {"owner", "arn", "key_manager", "key_state",
    "description"}, or None."""
    from botocore.exceptions import ClientError

    key_id = alias if alias.startswith(("arn:", "alias/")) else "alias/" + alias
    try:
        metadata = client.describe_key(aws_retry=True, KeyId=key_id)["KeyMetadata"]
    except ClientError as error:
        if error_code(error) == "NotFoundException":
            return None
        raise
    return dict(owner=metadata.get("AWSAccountId") or arn_account(metadata.get("Arn")), arn=metadata.get("Arn"),
                key_manager=metadata.get("KeyManager", "CUSTOMER"), key_state=metadata.get("KeyState"),
                description=metadata.get("Description", ""))


def topic_owner(client, topic_arn):
    """(state, owner account) of an SNS topic: GetTopicAttributes' Owner, else the ARN's account."""
    from botocore.exceptions import ClientError

    try:
        attributes = client.get_topic_attributes(aws_retry=True, TopicArn=topic_arn)["Attributes"]
    except ClientError as error:
        if error_code(error) in ("NotFound", "NotFoundException"):
            return MISSING, None
        raise
    return OWNED, attributes.get("Owner") or arn_account(topic_arn)


def role_record(client, role):
    """The record of an IAM role of the caller's account: state owned or missing and, for an owned role,
    ``settings_in_place``: whether its description, trust policy, tags (none purged) and each inline policy are
    as ``role`` says, which is all amazon.aws.iam_role (given no managed policies, path or boundary, purging no
    tags or policies) and amazon.aws.iam_policy would change. None when the caller may not read an inline policy
    (the modules then run and say why)."""
    from botocore.exceptions import ClientError

    record = dict(type="iam_role", name=role["name"], variable=role["variable"], state=MISSING, owner=None)
    try:
        found = client.get_role(aws_retry=True, RoleName=role["name"])["Role"]
    except ClientError as error:
        if error_code(error) == "NoSuchEntity":
            return record
        raise
    record.update(state=OWNED, arn=found["Arn"], owner=arn_account(found["Arn"]))
    tags = dict((tag["Key"], tag["Value"]) for tag in found.get("Tags") or ())
    in_place = (
        role.get("description") in (None, found.get("Description", ""))
        and (role.get("assume_role_policy_document") is None
             or not compare_policies(policy_document(found.get("AssumeRolePolicyDocument")),
                                     policy_document(role["assume_role_policy_document"])))
        and tags_in_place(tags, role.get("tags") or {}))
    for name, document in sorted((role.get("inline_policies") or {}).items()):
        if not in_place:
            break
        try:
            current = client.get_role_policy(aws_retry=True, RoleName=role["name"], PolicyName=name)
        except ClientError as error:
            if error_code(error) == "NoSuchEntity":
                in_place = False
                break
            if error_code(error) == "AccessDenied":
                in_place = None
                break
            raise
        in_place = not compare_policies(policy_document(current["PolicyDocument"]), policy_document(document))
    record["settings_in_place"] = in_place
    return record


def ownership_problem(kind, name, owner, expected_owner, variable):
    """The message for a resource named as ours but owned by ``owner`` (None: S3 did not say)."""
    return (
        "{kind} {name} belongs to {owner}, not to account {expected} that must own it{why}. "
        "Nothing was written to it: the onboarding never adopts another account's resource. "
        "Choose another name with {variable}{hint}.".format(
            kind=kind, name=name, owner="account {0}".format(owner) if owner else ANOTHER_ACCOUNT,
            expected=expected_owner, variable=variable,
            why=(" (S3 bucket names are global: another account created a bucket with this name, "
                 "HeadBucket with ExpectedBucketOwner={0} answered 403)".format(expected_owner)
                 if kind == "S3 bucket" else ""),
            hint=" (or remove that bucket, if that account is yours)" if kind == "S3 bucket" else ""))


def check_resources(clients, expected_owner, buckets=(), kms_keys=(), sns_topics=(), iam_roles=()):
    """Ask who owns each resource; ``clients`` maps "s3"/"kms"/"sns" to boto3 clients (only those
    needed). Each resource is ``{"name": ..., "variable": ...}`` (an SNS topic by ARN); a bucket may
    add ``"facts"``, BUCKET_FACTS to read when the expected account owns it, a topic TOPIC_FACTS and
    ``"tags"``, the tags a role sets (its record then has ``tags`` and ``tags_in_place``), and a key
    ``"settings"``, what the role sets with amazon.aws.kms_key (its record then has ``key_rotation_enabled``
    and ``settings_in_place``). A role (by name, in the caller's account) gives ``settings_in_place``
    (role_record).
    Returns (records, problems): one record per resource (type, name, variable, state, owner, and its
    facts) and one problem message per resource another account owns."""
    expected_owner = str(expected_owner)
    records = []
    problems = []
    for bucket in buckets:
        state = bucket_state(clients["s3"], bucket["name"], expected_owner)
        owner = expected_owner if state == OWNED else None
        record = dict(type="s3_bucket", name=bucket["name"], variable=bucket["variable"], state=state, owner=owner)
        if state == OWNED:
            record.update(bucket_facts(clients["s3"], bucket["name"], expected_owner, bucket.get("facts") or ()))
        records.append(record)
        if state == FOREIGN:
            problems.append(ownership_problem("S3 bucket", bucket["name"], None, expected_owner, bucket["variable"]))
    for key in kms_keys:
        found = key_owner(clients["kms"], key["name"])
        record = dict(type="kms_key", name=key["name"], variable=key["variable"], state=MISSING, owner=None)
        if found is not None:
            record.update(found, state=OWNED)
            if found["owner"] != expected_owner:
                record["state"] = FOREIGN
                problems.append(ownership_problem("KMS key " + found["arn"] + " named", key["name"], found["owner"],
                                                  expected_owner, key["variable"]))
            elif found["key_manager"] != "CUSTOMER":
                record["state"] = FOREIGN
                problems.append(
                    "KMS key {0} ({1}) is an AWS managed key, whose policy nobody can edit. Nothing was written. "
                    "Choose another alias with {2}.".format(key["name"], found["arn"], key["variable"]))
            elif key.get("settings") is not None:
                record["key_rotation_enabled"] = key_rotation_enabled(clients["kms"], found["arn"])
                record["settings_in_place"] = key_settings_in_place(record, key["settings"])
        records.append(record)
    for topic in sns_topics:
        state, owner = topic_owner(clients["sns"], topic["name"])
        record = dict(type="sns_topic", name=topic["name"], variable=topic["variable"], state=state, owner=owner)
        if state == OWNED and owner != expected_owner:
            record["state"] = FOREIGN
            problems.append(ownership_problem("SNS topic", topic["name"], owner, expected_owner, topic["variable"]))
        elif state == OWNED:
            wanted_tags = topic.get("tags")
            for fact in set(topic.get("facts") or ()) | ({"tags"} if wanted_tags is not None else set()):
                record[fact] = TOPIC_FACTS[fact](clients["sns"], topic["name"])
            if wanted_tags is not None:
                record["tags_in_place"] = tags_in_place(record["tags"], wanted_tags)
        records.append(record)
    records.extend(role_record(clients["iam"], role) for role in iam_roles)
    return records, problems
