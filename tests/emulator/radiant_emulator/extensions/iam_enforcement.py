"""IAM authorization of the reads Radiant makes with its role sessions (see ``iam_identity``).

Enforced for assumed-role sessions and IAM users (the harness's own keys act as each
account's administrator and are not restricted):

- S3 GetObject: the caller's identity-based policy and the bucket policy, s3:GetObject on
  ``arn:aws:s3:::<bucket>/<key>``; an SSE-KMS object also needs kms:Decrypt on its key,
  asked by S3 on the caller's behalf (kms:ViaService ``s3.<region>.amazonaws.com``,
  encryption context ``aws:s3:arn`` = the object ARN, plus ``aws:cloudtrail:arn`` for
  CloudTrail's log files) (S3 User Guide, "How Amazon S3 authorizes a request for an object
  operation" and "Using server-side encryption with AWS KMS keys": "you must have
  kms:Decrypt permission"; https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-auth-workflow-object-operation.html,
  https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html). AccessDenied (403).
- KMS Decrypt: the key policy (required) and the identity-based policy, kms:CallerAccount
  and kms:EncryptionContext:* as condition keys (KMS Developer Guide, "Key policies",
  "kms:EncryptionContext:context-key"). AccessDeniedException.
- Statements for every caller (``Principal: "*"``), which moto checks first for object
  requests, are evaluated with their conditions (aws:SecureTransport is true: clients use TLS).
- SNS Subscribe: the topic policy and the identity-based policy, SNS:Subscribe on the topic
  (SNS Developer Guide, "Amazon SNS access control",
  https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html). AuthorizationError.
"""

from __future__ import annotations

import contextvars
import functools
import json
from xml.sax.saxutils import escape

from .. import iam_identity, policy_eval, resources
from ..errors import AwsError

# The caller of the Subscribe request in progress, for the backend's cross-account check.
subscribing_caller: contextvars.ContextVar = contextvars.ContextVar("subscribing_caller", default=None)
KMS_CONTEXT_ATTRIBUTE = "radiant_kms_encryption_context"


def _s3_access_denied(message: str = "Access Denied"):
    """S3's 403 AccessDenied (botocore's model gives the code no status, so not raised)."""
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>AccessDenied</Code><Message>{escape(message)}</Message>"
        "<RequestId>7A62C49F347B4234</RequestId><HostId>radiant-emulator</HostId></Error>"
    )
    return 403, {"Content-Type": "application/xml"}, body


def _kms_allows(who, key, context: dict) -> bool:
    context = {"kms:CallerAccount": who.account, **context}
    return iam_identity.allowed(who, "kms:Decrypt", key.arn, key.account_id, key.policy, context, policy_required=True)


def _get_object(original):
    @functools.wraps(original)
    def get_object(self):
        who = iam_identity.caller(self.get_access_key(), self.current_account)
        if not who.enforced:
            return original(self)
        bucket, owner = resources.find_bucket(self.bucket_name)
        key, _not_modified = self._get_key()
        if bucket is None or key is None:
            return original(self)
        object_arn = f"arn:aws:s3:::{bucket.name}/{key.name}"
        if not iam_identity.allowed(who, "s3:GetObject", object_arn, owner, resources.bucket_policy(bucket)):
            return _s3_access_denied()
        if key.encryption == "aws:kms" and key.kms_key_id:
            kms_key = resources.find_key(key.kms_key_id, owner, bucket.region_name)
            context = {"kms:ViaService": f"s3.{bucket.region_name}.amazonaws.com",
                       "kms:EncryptionContext:aws:s3:arn": object_arn}
            for name, value in (getattr(key, KMS_CONTEXT_ATTRIBUTE, None) or {}).items():
                context[f"kms:EncryptionContext:{name}"] = value
            if kms_key is None or not _kms_allows(who, kms_key, context):
                key_arn = kms_key.arn if kms_key else key.kms_key_id
                return _s3_access_denied(iam_identity.not_authorized(who, "kms:Decrypt", key_arn))
        return original(self)

    return get_object


def _decrypt(original):
    @functools.wraps(original)
    def decrypt(self):
        who = iam_identity.caller(self.get_access_key(), self.current_account)
        result = original(self)  # Decrypt changes nothing: authorize once the key is known
        if not who.enforced:
            return result
        key_arn = json.loads(result)["KeyId"]
        key = resources.find_key(key_arn, who.account, self.region)
        requested = self._get_param("EncryptionContext") or {}
        context = {f"kms:EncryptionContext:{name}": value for name, value in requested.items()}
        if key is None or not _kms_allows(who, key, context):
            raise AwsError("AccessDeniedException", iam_identity.not_authorized(who, "kms:Decrypt", key_arn))
        return result

    return decrypt


def _subscribe(original):
    @functools.wraps(original)
    def subscribe(self):
        who = iam_identity.caller(self.get_access_key(), self.current_account)
        topic_arn = self._get_param("TopicArn") or ""
        topic = resources.find_topic(topic_arn)
        if who.enforced and topic is not None:
            owner = resources.parse_arn(topic_arn)["account"]
            if not iam_identity.allowed(who, "SNS:Subscribe", topic_arn, owner, topic.policy):
                raise AwsError("AuthorizationError", iam_identity.not_authorized(who, "SNS:Subscribe", topic_arn))
        token = subscribing_caller.set(who)
        try:
            return original(self)
        finally:
            subscribing_caller.reset(token)

    return subscribe


def _bucket_wide_permission(self, action: str, resource: str):
    """moto's check of statements that apply to every caller (``Principal: "*"``), before any
    other: it ignored their conditions, so the TLS-only statement (Deny s3:* when
    aws:SecureTransport is false) refused every request. Conditions are evaluated now, with
    the request over TLS as real clients make it."""
    from moto.iam.access_control import PermissionResult

    found = policy_eval.decision(resources.bucket_policy(self), [], action, resource, {"aws:SecureTransport": "true"})
    if found == policy_eval.DENY:
        return PermissionResult.DENIED
    return PermissionResult.PERMITTED if found == policy_eval.ALLOW else PermissionResult.NEUTRAL


def install() -> None:
    from moto.kms.responses import KmsResponse
    from moto.s3.responses import S3Response
    from moto.sns.responses import SNSResponse

    if getattr(S3Response, "_radiant_iam", False):
        return
    from moto.s3.models import FakeBucket

    S3Response.get_object = _get_object(S3Response.get_object)
    FakeBucket.get_permission = _bucket_wide_permission
    KmsResponse.decrypt = _decrypt(KmsResponse.decrypt)
    SNSResponse.subscribe = _subscribe(SNSResponse.subscribe)
    S3Response._radiant_iam = True
