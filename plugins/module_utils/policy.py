# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Resource policies (S3 bucket, KMS key, SNS topic) edited statement by statement.

The first half is pure: validate statements, compare them semantically, merge them into
an existing policy by Sid and check the result against AWS's limits. The second half
reads and writes the policy of each resource type through a boto3 client. Onboarding
must never delete a customer's statement: everything without one of our Sids is copied
through untouched.
"""

import copy
import json
import os
import re
import time

from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.arns import arn
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.aws_errors import error_code
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.common import diff_of
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.resource_owner import (
    bucket_owner_params,
    is_owner_mismatch,
    ownership_problem,
)

S3_BUCKET = "s3_bucket"
KMS_KEY = "kms_key"
SNS_TOPIC = "sns_topic"
RESOURCE_TYPES = (S3_BUCKET, KMS_KEY, SNS_TOPIC)

# Policy document size limits, counted on the compact JSON this module sends.
POLICY_SIZE_LIMITS = {
    # "Bucket policies are limited to 20 KB in size."
    # https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html
    S3_BUCKET: 20 * 1024,
    # "Key policy document size: 32 KB (32,768 bytes)"
    # https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html#key-policy-limit
    KMS_KEY: 32 * 1024,
    # Policy quotas: "Bytes 30 kb", "Statements 100"
    # https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-language-api-permissions-reference.html
    SNS_TOPIC: 30 * 1024,
}
POLICY_STATEMENT_LIMITS = {SNS_TOPIC: 100}

# The elements of a statement in the IAM policy grammar.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
STATEMENT_KEYS = ("Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource",
                  "Condition")
DEFAULT_VERSION = "2012-10-17"


class PolicyError(Exception):
    """The requested statements or the policy they would produce are not acceptable."""


# -- validation ------------------------------------------------------------------------------

def _has_value(statement, key):
    value = statement.get(key)
    return value not in (None, "", [], {})


def validate_statement(statement, index=0):
    """Raise PolicyError naming the statement when it cannot stand in a resource policy.

    Resource policies (S3, KMS, SNS) need a principal, unlike identity policies.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
    """
    if not isinstance(statement, dict):
        raise PolicyError("statement #{0} is not a dictionary: {1!r}".format(index + 1, statement))
    sid = sid_of(statement)
    if sid is None:
        raise PolicyError("statement #{0} has no Sid; statements are matched by Sid, so each needs one".format(
            index + 1))
    name = "statement {0!r}".format(sid)
    unknown = sorted(set(statement) - set(STATEMENT_KEYS))
    if unknown:
        raise PolicyError("{0} has unknown element(s) {1}; allowed: {2}".format(name, ", ".join(unknown),
                                                                                ", ".join(STATEMENT_KEYS)))
    if statement.get("Effect") not in ("Allow", "Deny"):
        raise PolicyError("{0} has Effect {1!r}; it must be 'Allow' or 'Deny'".format(name, statement.get("Effect")))
    for first, second in (("Principal", "NotPrincipal"), ("Action", "NotAction"), ("Resource", "NotResource")):
        present = [key for key in (first, second) if _has_value(statement, key)]
        if not present:
            raise PolicyError("{0} needs {1} (or {2})".format(name, first, second))
        if len(present) == 2:
            raise PolicyError("{0} has both {1} and {2}; use one".format(name, first, second))
    condition = statement.get("Condition")
    if condition is not None and not (isinstance(condition, dict)
                                      and all(isinstance(block, dict) for block in condition.values())):
        raise PolicyError("{0} has a Condition that is not a mapping of operator to {{key: value}}".format(name))


def sid_of(statement):
    """The statement's Sid, or None when it has none (Sid is optional in the IAM policy grammar).

    Only a non-empty string names a statement: a customer's statement without one is never
    taken for ours, whatever else it holds.
    """
    if isinstance(statement, dict):
        sid = statement.get("Sid")
        if isinstance(sid, str) and sid:
            return sid
    return None


def _check_unique_sids(statements, where):
    seen = set()
    for statement in statements:
        sid = sid_of(statement)
        if sid is None:
            continue
        if sid in seen:
            raise PolicyError("duplicate Sid {0!r} in {1}; each statement's Sid must be unique".format(sid, where))
        seen.add(sid)


def validate_statements(statements, state="present"):
    """Check the requested statements before anything is read or written.

    With state=absent only the Sid matters; every other element may be omitted.
    """
    if not statements:
        raise PolicyError("no statements given")
    for index, statement in enumerate(statements):
        if state == "absent":
            if sid_of(statement) is None:
                raise PolicyError("statement #{0} has no Sid; state=absent removes statements by Sid".format(index + 1))
        else:
            validate_statement(statement, index)
    _check_unique_sids(statements, "the requested statements")


# -- semantic comparison -----------------------------------------------------------------------

def _as_sorted_strings(value, lower=False):
    values = value if isinstance(value, list) else [value]
    result = set()
    for item in values:
        # AWS stores booleans and numbers in conditions as strings.
        text = ("true" if item else "false") if isinstance(item, bool) else str(item)
        result.add(text.lower() if lower else text)
    return sorted(result)


_ROOT_ARN = re.compile(r"^arn:[a-z-]+:iam::(\d{12}):root$")


def _canonical_principal_id(value):
    # A bare account id and its root ARN name the same principal; AWS stores the ARN form, in the
    # account's partition, so both compare as the account id.
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts
    root = _ROOT_ARN.match(value)
    return root.group(1) if root else value


def _normalize_principal(principal):
    # "Principal": "*" is the same as {"AWS": "*"} (same documentation page, "All principals").
    if principal == "*":
        principal = {"AWS": "*"}
    if not isinstance(principal, dict):
        return principal
    return {kind: sorted(set(_canonical_principal_id(v) for v in _as_sorted_strings(values)))
            for kind, values in principal.items()}


def _normalize_condition(condition):
    # Condition key names are case-insensitive; values are compared as sets of strings.
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
    return {operator: {key.lower(): _as_sorted_strings(value) for key, value in block.items()}
            for operator, block in condition.items()}


def normalize_statement(statement):
    """A canonical form of a statement: equal forms mean the same permissions.

    Lists become sorted sets, single strings become one-element lists, action names are
    case-insensitive, "*" principals and bare account ids take their long forms.
    """
    result = {}
    for key, value in statement.items():
        if key in ("Action", "NotAction"):
            # "Action names are not case-sensitive" (IAM JSON policy elements: Action).
            result[key] = _as_sorted_strings(value, lower=True)
        elif key in ("Resource", "NotResource"):
            result[key] = _as_sorted_strings(value)
        elif key in ("Principal", "NotPrincipal"):
            result[key] = _normalize_principal(value)
        elif key == "Condition" and isinstance(value, dict):
            result[key] = _normalize_condition(value)
        else:
            result[key] = value
    return result


def statements_equal(first, second):
    """True when two statements grant exactly the same thing."""
    return not compare_policies(normalize_statement(first), normalize_statement(second), default_version=None)


# -- merging ---------------------------------------------------------------------------------

def policy_size(policy):
    """Bytes of the compact JSON document sent to AWS."""
    return len(dump_policy(policy).encode("utf-8"))


def dump_policy(policy):
    return json.dumps(policy, separators=(",", ":"))


def parse_policy(document):
    """A policy from the text AWS returns, None when there is none."""
    if document in (None, ""):
        return None
    if isinstance(document, dict):
        return copy.deepcopy(document)
    return json.loads(document)


def _statements_of(policy):
    statements = policy.get("Statement", [])
    # A policy may hold a single statement object instead of a list.
    if isinstance(statements, dict):
        statements = [statements]
    return list(statements)


class MergeResult:
    """The outcome of merge_statements: the would-be policy and what changed."""

    def __init__(self, previous, policy, added, updated, removed):
        self.previous = previous
        self.policy = policy
        self.added = added
        self.updated = updated
        self.removed = removed

    @property
    def changed(self):
        return bool(self.added or self.updated or self.removed)

    @property
    def empty(self):
        """True when no statement is left (S3: the bucket policy must then be deleted)."""
        return self.policy is None or not _statements_of(self.policy)


def merge_statements(current_policy, statements, state="present", resource_type=S3_BUCKET, base_policy=None):
    """Ensure ``statements`` (matched by Sid) are in, or out of, ``current_policy``.

    ``current_policy`` is the live policy (dict) or None when the resource has none;
    ``base_policy`` is then the starting document (e.g. an SNS topic's default policy).
    Every statement whose Sid is not requested is kept as it is, in its place. Raises
    PolicyError before anything is written when the request or the result is invalid.
    """
    validate_statements(statements, state)
    previous = copy.deepcopy(current_policy)
    start = current_policy if current_policy is not None else base_policy
    if start is None:
        start = {"Version": DEFAULT_VERSION, "Statement": []}
    policy = copy.deepcopy(start)
    merged = _statements_of(policy)
    added, updated, removed = [], [], []

    if state == "absent":
        unwanted = set(statement["Sid"] for statement in statements)
        kept = []
        for statement in merged:
            sid = sid_of(statement)
            if sid is not None and sid in unwanted:
                removed.append(sid)
            else:
                kept.append(statement)
        merged = kept
    else:
        positions = {}
        for position, statement in enumerate(merged):
            sid = sid_of(statement)
            if sid is not None:
                positions.setdefault(sid, []).append(position)
        for statement in statements:
            sid = statement["Sid"]
            if len(positions.get(sid, [])) > 1:
                raise PolicyError("the current policy already holds {0} statements with Sid {1!r}; refusing to "
                                  "guess which one to replace".format(len(positions[sid]), sid))
            if sid in positions:
                position = positions[sid][0]
                if not statements_equal(merged[position], statement):
                    merged[position] = copy.deepcopy(statement)
                    updated.append(sid)
            else:
                merged.append(copy.deepcopy(statement))
                added.append(sid)

    policy["Statement"] = merged
    policy.setdefault("Version", DEFAULT_VERSION)
    result = MergeResult(previous, policy, added, updated, removed)
    if result.changed:
        check_policy_limits(policy, resource_type)
    elif current_policy is None:
        # Nothing to add to a resource without a policy: it keeps having none.
        result.policy = None
    return result


def check_policy_limits(policy, resource_type):
    """Raise PolicyError when AWS would refuse the policy for its size or shape."""
    if resource_type not in POLICY_SIZE_LIMITS:
        raise PolicyError("unknown resource type {0!r}; expected one of {1}".format(
            resource_type, ", ".join(RESOURCE_TYPES)))
    statements = _statements_of(policy)
    _check_unique_sids(statements, "the resulting policy")
    size, limit = policy_size(policy), POLICY_SIZE_LIMITS[resource_type]
    if size > limit:
        raise PolicyError("the resulting {0} policy would be {1} bytes, over AWS's limit of {2} bytes; "
                          "shorten or combine statements".format(resource_type, size, limit))
    most = POLICY_STATEMENT_LIMITS.get(resource_type)
    if most is not None and len(statements) > most:
        raise PolicyError("the resulting {0} policy would hold {1} statements, over AWS's limit of {2}".format(
            resource_type, len(statements), most))


class PolicyChange:
    """One resource's policy change, worked out (read, merged and validated) before anything is written."""

    def __init__(self, store, current, result):
        self.store = store
        self.current = current
        self.result = result

    @property
    def changed(self):
        return self.result.changed

    @property
    def delete(self):
        """An S3 bucket policy left without statements is deleted."""
        return self.result.changed and self.result.empty

    def output(self):
        """What resource_policy returns for this resource: the policies, the Sids changed and a diff."""
        output = dict(
            changed=self.changed,
            policy=None if self.delete else self.result.policy,
            previous_policy=self.current,
            resource_arn=self.store.arn,
            statements_added=self.result.added,
            statements_updated=self.result.updated,
            statements_removed=self.result.removed,
            policy_deleted=self.delete,
        )
        if self.changed:
            header = "{0} policy".format(self.store.arn)
            output["diff"] = diff_of(self.current or {}, output["policy"] or {}, before_header=header,
                                     after_header=header)
        return output

    def apply(self, backup=None):
        """Write the change; the previous policy first goes to ``backup`` (a path) when there is one.
        Returns the backup file written, or None."""
        written = None
        if backup and self.current is not None:
            written = write_backup(self.current, backup)
        if self.delete:
            self.store.delete()
        else:
            self.store.write(self.result.policy)
        return written


def plan_policy_change(store, current, statements, state="present"):
    """The PolicyChange that puts ``statements`` in (or, absent, out of) ``current``, the policy ``store`` read.
    Raises PolicyError when the request or the policy it leads to is invalid; nothing is written."""
    result = merge_statements(current, statements, state, store.resource_type)
    if result.changed and result.empty and store.resource_type != S3_BUCKET:
        raise PolicyError("removing {0} would leave the {1} policy without statements, which AWS does not "
                          "allow".format(", ".join(result.removed), store.resource_type))
    return PolicyChange(store, current, result)


def statements_in_place(client, record, statements, expected_owner=None):
    """Whether ``statements`` are in the policy of ``record``'s resource (an owned resource as
    resource_owner.check_resources describes it, read with ``client``) as resource_policy, state present,
    would leave them: True or False. None when the caller may not read the policy or the statements are
    not valid, so that resource_policy runs and says why. Read as resource_policy reads it; nothing is written."""
    from botocore.exceptions import ClientError

    resource_type = record["type"]
    # A key by the ARN its record found (GetKeyPolicy takes no alias).
    resource = record["arn"] if resource_type == KMS_KEY else record["name"]
    try:
        current = ResourcePolicyStore(client, resource_type, resource, expected_owner=expected_owner).read()
        return not merge_statements(current, statements, "present", resource_type).changed
    except ClientError as error:
        if error_code(error) in ("AccessDenied", "AccessDeniedException", "AuthorizationError"):
            return None
        raise
    except (PolicyError, ResourceNotFound):
        return None


# -- backups ---------------------------------------------------------------------------------

def backup_path(backup_dir, resource_type, resource, now=None):
    """A file name in ``backup_dir`` naming the resource and the time of the change."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", resource).strip("_")
    return os.path.join(backup_dir, "{0}-{1}-{2}.json".format(resource_type, safe, stamp))


def write_backup(policy, path):
    """Write ``policy`` as indented JSON to ``path`` (directories created as needed)."""
    directory = os.path.dirname(path)
    if directory and not os.path.isdir(directory):
        os.makedirs(directory)
    with open(path, "w") as handle:
        json.dump(policy, handle, indent=2, sort_keys=True)
        handle.write("\n")
    return path


# -- AWS: read and write each resource type's policy ------------------------------------------

class ResourceNotFound(Exception):
    pass


def region_of(resource_type, resource):
    """The Region named by a KMS key/alias or SNS topic ARN, else None (use the module's Region).

    SNS and KMS are regional: a topic ARN of another Region is not found by a client of this one.
    """
    if resource_type in (KMS_KEY, SNS_TOPIC) and resource.startswith("arn:"):
        parts = resource.split(":")
        if len(parts) > 3 and parts[3]:
            return parts[3]
    return None


class ResourcePolicyStore:
    """Read, write and delete the policy of one resource through a boto3 client.

    ``client`` comes from aws_calls.aws_client (the retry policy); ``partition`` is its account's.
    """

    def __init__(self, client, resource_type, resource, expected_owner=None, partition="aws"):
        self.client = client
        self.partition = partition
        self.resource_type = resource_type
        self.resource = resource
        self.arn = None
        # S3 calls carry ExpectedBucketOwner: another account's bucket is refused, never written.
        self.owner_params = bucket_owner_params(expected_owner)

    def read(self):
        """The live policy (dict) or None; resolves ``self.arn`` on the way."""
        reader = {S3_BUCKET: self._read_bucket, KMS_KEY: self._read_key, SNS_TOPIC: self._read_topic}
        return reader[self.resource_type]()

    def write(self, policy):
        if self.resource_type == S3_BUCKET:
            self.client.put_bucket_policy(aws_retry=True, Bucket=self.resource, Policy=dump_policy(policy),
                                          **self.owner_params)
        elif self.resource_type == KMS_KEY:
            self.client.put_key_policy(aws_retry=True, KeyId=self.arn, PolicyName="default",
                                       Policy=dump_policy(policy))
        else:
            self.client.set_topic_attributes(aws_retry=True, TopicArn=self.arn, AttributeName="Policy",
                                             AttributeValue=dump_policy(policy))

    def delete(self):
        """Only S3 can be left without a policy; KMS keys and SNS topics always have one."""
        if self.resource_type != S3_BUCKET:
            raise PolicyError("a {0} cannot be left without a policy; keep at least one statement".format(
                self.resource_type))
        self.client.delete_bucket_policy(aws_retry=True, Bucket=self.resource, **self.owner_params)

    def _read_bucket(self):
        from botocore.exceptions import ClientError

        self.arn = arn(self.partition, "s3", "", "", self.resource)
        try:
            response = self.client.get_bucket_policy(aws_retry=True, Bucket=self.resource, **self.owner_params)
        except ClientError as error:
            if error_code(error) == "NoSuchBucketPolicy":
                return None
            if error_code(error) == "NoSuchBucket":
                raise ResourceNotFound("S3 bucket {0!r} does not exist".format(self.resource)) from None
            if is_owner_mismatch(error, self.owner_params.get("ExpectedBucketOwner")):
                raise PolicyError(ownership_problem("S3 bucket", self.resource, None,
                                                    self.owner_params["ExpectedBucketOwner"],
                                                    "the variable that sets it")) from None
            raise
        return parse_policy(response.get("Policy"))

    def _read_key(self):
        from botocore.exceptions import ClientError

        # GetKeyPolicy takes a key id or ARN only; DescribeKey also resolves aliases.
        key_ref = self.resource
        candidates = [key_ref]
        if not key_ref.startswith(("arn:", "alias/")) and not re.match(r"^(mrk-)?[0-9a-f-]{32,36}$", key_ref):
            candidates.append("alias/" + key_ref)
        for candidate in candidates:
            try:
                metadata = self.client.describe_key(aws_retry=True, KeyId=candidate)["KeyMetadata"]
            except ClientError as error:
                if error_code(error) == "NotFoundException":
                    continue
                raise
            self.arn = metadata["Arn"]
            response = self.client.get_key_policy(aws_retry=True, KeyId=self.arn, PolicyName="default")
            return parse_policy(response.get("Policy"))
        raise ResourceNotFound("KMS key {0!r} does not exist".format(self.resource))

    def _read_topic(self):
        from botocore.exceptions import ClientError

        self.arn = self.resource
        try:
            attributes = self.client.get_topic_attributes(aws_retry=True, TopicArn=self.resource)["Attributes"]
        except ClientError as error:
            if error_code(error) == "NotFound":
                raise ResourceNotFound("SNS topic {0!r} does not exist".format(self.resource)) from None
            raise
        # Every topic has a policy (AWS's default one when nobody set another).
        return parse_policy(attributes.get("Policy"))
