"""Find moto resources by name or ARN in whichever account and region holds them.

AWS services resolve destinations across accounts (a trail's bucket in the log account,
an S3 notification's queue in another account); moto's backends are per account and
region, so the extensions look resources up here.
"""

from __future__ import annotations

PARTITION = "aws"


def parse_arn(arn: str) -> dict | None:
    """``arn:partition:service:region:account:resource`` -> its parts, or None."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    return {"partition": parts[1], "service": parts[2], "region": parts[3], "account": parts[4], "resource": parts[5]}


def find_bucket(name: str):
    """(bucket, owner account id) for an S3 bucket of any account, or (None, None)."""
    from moto.s3.models import s3_backends

    owner = s3_backends.bucket_accounts.get(name)
    if owner is None:
        return None, None
    partition, account_id = owner
    bucket = s3_backends[account_id][partition].buckets.get(name)
    return (bucket, account_id) if bucket is not None else (None, None)


def bucket_policy(bucket) -> str | None:
    policy = getattr(bucket, "policy", None)
    if isinstance(policy, (bytes, bytearray)):
        return policy.decode()
    return policy


def find_topic(arn: str):
    """The moto SNS topic with this ARN, or None."""
    from moto.sns.models import sns_backends

    parts = parse_arn(arn)
    if parts is None or parts["service"] != "sns":
        return None
    if parts["account"] not in sns_backends:
        return None
    backend = sns_backends[parts["account"]].get(parts["region"])
    return backend.topics.get(arn) if backend is not None else None


def find_queue(arn: str):
    """The moto SQS queue with this ARN, or None."""
    from moto.sqs.models import sqs_backends

    parts = parse_arn(arn)
    if parts is None or parts["service"] != "sqs" or parts["account"] not in sqs_backends:
        return None
    backend = sqs_backends[parts["account"]].get(parts["region"])
    return backend.queues.get(parts["resource"]) if backend is not None else None


def find_key(key_ref: str, account_id: str, region: str):
    """The moto KMS key named by id, key ARN, alias name or alias ARN, or None.
    Bare ids and alias names are looked up in ``account_id``/``region``."""
    from moto.kms.models import kms_backends

    parts = parse_arn(key_ref)
    if parts is not None:
        account_id, region = parts["account"], parts["region"]
    if account_id not in kms_backends:
        return None
    backend = kms_backends[account_id].get(region)
    if backend is None:
        return None
    try:
        key_id = backend.any_id_to_key_id(key_ref)
    except Exception:  # moto raises different errors for unknown aliases and ids
        return None
    return backend.keys.get(key_id) if key_id else None
