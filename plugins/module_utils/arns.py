# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Partitions, ARNs and service principals, in plain Python.

The controller's filters and action plugins build ARNs too, in every task's worker process: this
file imports neither boto3 nor amazon.aws's module_utils, which cost about 0.4 s of CPU to import
(tests/unit/plugins/test_controller_imports.py keeps it so).
"""

# An account lives in one partition (aws, aws-us-gov, aws-cn, ...) and every ARN names it
# (AWS General Reference, "Amazon Resource Names (ARNs)"; docs.amazonaws.cn, "ARNs for Amazon
# Web Services in China": arn:aws-cn). Roles and resource policies trust only principals of
# their own partition, so the partition comes from the caller's Region (credentials work only in
# their own partition's Regions; preflight checks it against the caller's ARN), never a constant.
PARTITIONS = ("aws", "aws-us-gov", "aws-cn", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc")
# Region name prefixes of the partitions other than aws (botocore's endpoints.json, regionRegex).
_REGION_PREFIXES = (("us-gov-", "aws-us-gov"), ("cn-", "aws-cn"), ("us-isob-", "aws-iso-b"), ("us-iso-", "aws-iso"),
                    ("eu-isoe-", "aws-iso-e"), ("us-isof-", "aws-iso-f"), ("eusc-", "aws-eusc"))


def partition_for_region(region):
    """The partition of a Region name (``aws`` for the commercial Regions and for none)."""
    for prefix, partition in _REGION_PREFIXES:
        if (region or "").startswith(prefix):
            return partition
    return "aws"


def partition_of_arn(arn_text):
    """The partition an ARN names, e.g. the caller's from STS GetCallerIdentity's ``Arn``."""
    parts = (arn_text or "").split(":")
    if len(parts) < 6 or parts[0] != "arn" or parts[1] not in PARTITIONS:
        raise ValueError("not an ARN with a known partition: {0!r}".format(arn_text))
    return parts[1]


def arn(partition, service, region, account, resource):
    """``arn:partition:service:region:account:resource``; region and account may be "" (S3, IAM)."""
    if partition not in PARTITIONS:
        raise ValueError("unknown partition {0!r}; one of {1}".format(partition, ", ".join(PARTITIONS)))
    return "arn:{0}:{1}:{2}:{3}:{4}".format(partition, service, region or "", account or "", resource)


def service_principal(service, partition="aws"):
    """The service principal of ``service`` (``cloudtrail``, ``s3``, ``sns``, ``guardduty``,
    ``member.org.stacksets.cloudformation``, ...) in ``partition``.

    The services this collection names use ``<service>.amazonaws.com`` in every partition, China
    included (docs.amazonaws.cn: CloudTrail's "Amazon S3 bucket policy for CloudTrail" and the
    trust policies of its IAM guide name ``*.amazonaws.com``); the partition is checked so that a
    caller cannot build a principal for a partition this collection does not know.
    """
    if partition not in PARTITIONS:
        raise ValueError("unknown partition {0!r}; one of {1}".format(partition, ", ".join(PARTITIONS)))
    return "{0}.amazonaws.com".format(service)
