#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: resource_policy
short_description: Add or remove statements in an S3 bucket, KMS key or SNS topic policy
version_added: 0.1.0
description:
  - Ensures that the given policy statements, matched by C(Sid), are present with exactly this content,
    or absent, in the resource policy of an S3 bucket, a KMS key or an SNS topic.
  - Every other statement of the policy is left untouched, in its place, so a customer's own statements
    survive, with or without a C(Sid) (it is optional in the IAM policy grammar) and in any valid shape; a
    statement is taken for one of the requested ones only when its C(Sid) is the same string. A policy whose
    C(Statement) is a single object is written back with C(Statement) as a list when it changes.
  - Statements are compared semantically; the order of statements and of values in lists, a single
    string versus a one-element list, a V(*) principal versus an C(AWS) principal V(*), and the case
    of action names never cause a change.
  - A KMS key and an SNS topic always have a policy (AWS's default one unless somebody set another);
    the new statements are added to it, so the default statements are preserved.
  - The request and the resulting policy are validated before anything is written; invalid statements,
    duplicate Sids and a policy over AWS's size limit for the resource type are refused.
  - A missing resource is an error, except in check mode, where the module warns and reports the policy
    the resource would get (a check-mode run never creates the bucket, key or topic an earlier task would).
author:
  - Radiant Security onboarding contributors (@radiant-security)
options:
  resource_type:
    description:
      - The kind of resource whose policy is edited.
      - Required, with O(resource) and O(statements), unless O(policies) is given.
    type: str
    choices: ['s3_bucket', 'kms_key', 'sns_topic']
  resource:
    description:
      - The resource - a bucket name for V(s3_bucket); a key id, key ARN, alias name (V(alias/name) or
        V(name)) or alias ARN for V(kms_key); the topic ARN for V(sns_topic).
      - A key or topic ARN is read and written in the Region the ARN names, whatever O(region) says.
    type: str
  statements:
    description:
      - The policy statements to ensure, each a dictionary in IAM policy grammar with a unique C(Sid).
      - With O(state=present) each statement needs C(Effect) (V(Allow) or V(Deny)), C(Principal) or
        C(NotPrincipal), C(Action) or C(NotAction) and C(Resource) or C(NotResource).
      - With O(state=absent) only C(Sid) is used.
    type: list
    elements: dict
  policies:
    description:
      - Several resources of one account in one task, each as O(resource_type), O(resource), O(statements) and
        O(state) describe one. Every policy is read, merged and validated before the first is written, so a
        problem with any of them stops the task with nothing written.
      - Mutually exclusive with O(resource_type), O(resource), O(statements) and O(backup_file).
    type: list
    elements: dict
    suboptions:
      resource_type:
        description: As O(resource_type).
        type: str
        required: true
        choices: ['s3_bucket', 'kms_key', 'sns_topic']
      resource:
        description: As O(resource).
        type: str
        required: true
      statements:
        description: As O(statements).
        type: list
        elements: dict
        required: true
      state:
        description: As O(state); O(state) when not given.
        type: str
        choices: ['present', 'absent']
  expected_owner:
    description:
      - The 12-digit id of the account that must own the resource. An S3 bucket is then read and written with
        C(ExpectedBucketOwner), so S3 refuses the calls for another account's bucket (a bucket squatted on the
        name); a KMS key or SNS topic whose ARN names another account is refused before any write.
    type: str
  state:
    description:
      - V(present) adds or replaces the statements with the given Sids; V(absent) removes them.
      - Removing the last statement of an S3 bucket policy deletes the bucket policy. KMS key and SNS topic
        policies cannot be deleted, so removing their last statement is refused.
    type: str
    choices: ['present', 'absent']
    default: present
  backup_file:
    description:
      - Write the previous policy to this file when the policy changes. Nothing is written in check mode,
        when nothing changes, or when the resource had no policy.
    type: path
  backup_dir:
    description:
      - Like O(backup_file), but the file name is chosen in this directory from the resource type, the
        resource and the time of the change.
    type: path
notes:
  - Size limits (compact JSON) - S3 bucket policy 20 KB
    (U(https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html)), KMS key policy 32 KB
    (U(https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html#key-policy-limit)),
    SNS topic policy 30 KB and 100 statements
    (U(https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-language-api-permissions-reference.html)).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Let CloudTrail write to the log bucket, keeping every other statement
  radiant.aws_onboarding.resource_policy:
    resource_type: s3_bucket
    resource: example-cloudtrail-logs
    expected_owner: '123456789012'  # S3 refuses the calls if another account owns a bucket of this name
    backup_dir: "{{ playbook_dir }}/policy-backups"
    statements:
      - Sid: AWSCloudTrailAclCheck
        Effect: Allow
        Principal:
          Service: cloudtrail.amazonaws.com
        Action: s3:GetBucketAcl
        Resource: arn:aws:s3:::example-cloudtrail-logs
        Condition:
          StringEquals:
            aws:SourceArn: arn:aws:cloudtrail:us-east-1:123456789012:trail/management-events

- name: Let GuardDuty encrypt findings with the key (the default key policy stays)
  radiant.aws_onboarding.resource_policy:
    resource_type: kms_key
    resource: alias/guardduty-s3-radiantsecurity
    statements:
      - Sid: AllowGuardDutyKey
        Effect: Allow
        Principal:
          Service: guardduty.amazonaws.com
        Action: kms:GenerateDataKey
        Resource: "*"

- name: Let GuardDuty use the key and the bucket, both policies read and checked before either is written
  radiant.aws_onboarding.resource_policy:
    expected_owner: "123456789012"
    backup_dir: /srv/policy-backups
    policies:
      - resource_type: kms_key
        resource: alias/guardduty-s3-radiantsecurity
        statements:
          - {Sid: AllowGuardDutyKey, Effect: Allow, Principal: {Service: guardduty.amazonaws.com},
             Action: kms:GenerateDataKey, Resource: "*"}
      - resource_type: s3_bucket
        resource: example-guardduty-radiantsecurity
        statements:
          - {Sid: AllowGuardDutyPutObject, Effect: Allow, Principal: {Service: guardduty.amazonaws.com},
             Action: s3:PutObject, Resource: "arn:aws:s3:::example-guardduty-radiantsecurity/*"}
  register: export_policies

- name: Remove our statement from the topic policy when offboarding
  radiant.aws_onboarding.resource_policy:
    resource_type: sns_topic
    resource: arn:aws:sns:us-east-1:123456789012:guardduty-s3-radiantsecurity
    state: absent
    statements:
      - Sid: AllowS3Publish
"""

RETURN = r"""
results:
  description:
    - One entry per O(policies) item, in their order, with the item's C(resource_type) and C(resource), its
      C(changed), and the keys below for that resource. The task's diff lists the changed ones.
  returned: when O(policies) is given
  type: list
  elements: dict
  sample: [{"resource_type": "kms_key", "resource": "alias/guardduty-s3-radiantsecurity", "changed": false,
            "statements_added": [], "statements_updated": [], "statements_removed": []}]
policy:
  description: The policy after the change (what it would be in check mode); null when the resource has none.
  returned: without O(policies); with it, in each entry of RV(results)
  type: dict
  sample: {"Version": "2012-10-17", "Statement": [{"Sid": "AllowS3Publish", "Effect": "Allow"}]}
previous_policy:
  description: The policy before the change, for keeping as a backup; null when the resource had none.
  returned: without O(policies); with it, in each entry of RV(results)
  type: dict
  sample: {"Version": "2012-10-17", "Statement": []}
resource_arn:
  description: The ARN of the resource.
  returned: without O(policies); with it, in each entry of RV(results)
  type: str
  sample: arn:aws:s3:::example-cloudtrail-logs
statements_added:
  description: Sids of the statements added.
  returned: without O(policies); with it, in each entry of RV(results)
  type: list
  elements: str
  sample: ["AWSCloudTrailWrite"]
statements_updated:
  description: Sids of the statements whose content was replaced.
  returned: without O(policies); with it, in each entry of RV(results)
  type: list
  elements: str
  sample: []
statements_removed:
  description: Sids of the statements removed.
  returned: without O(policies); with it, in each entry of RV(results)
  type: list
  elements: str
  sample: []
policy_deleted:
  description: Whether the whole bucket policy was (or in check mode would be) deleted because no statement was left.
  returned: without O(policies); with it, in each entry of RV(results)
  type: bool
  sample: false
backup_file:
  description: The file the previous policy was written to.
  returned: when the policy changed, a backup was asked for, the resource had a policy and not in check mode
  type: str
  sample: /srv/backups/s3_bucket-example-cloudtrail-logs-20250101T120000Z.json
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.arns import partition_for_region
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.aws_calls import aws_client
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.policy import (
    RESOURCE_TYPES,
    PolicyError,
    ResourceNotFound,
    ResourcePolicyStore,
    backup_path,
    plan_policy_change,
    region_of,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.resource_owner import (
    arn_account,
    ownership_problem,
)

_CLIENTS = {"s3_bucket": "s3", "kms_key": "kms", "sns_topic": "sns"}
_STATES = ["present", "absent"]


def _plan(module, clients, item, expected_owner):
    """Read one resource's policy and work out its change; fails the module, naming the resource, on a problem.
    Nothing is written here."""
    resource_type, resource = item["resource_type"], item["resource"]
    region = region_of(resource_type, resource) or module.region
    if (resource_type, region) not in clients:
        clients[resource_type, region] = aws_client(module, _CLIENTS[resource_type], region=region)
    store = ResourcePolicyStore(clients[resource_type, region], resource_type, resource,
                                expected_owner=expected_owner, partition=partition_for_region(module.region))
    try:
        current = store.read()
    except PolicyError as error:  # S3 refused: another account owns the bucket
        module.fail_json(msg=str(error))
    except ResourceNotFound as error:
        if not module.check_mode:
            module.fail_json(msg=str(error))
        # A check-mode run of a whole onboarding never created the resource an earlier task
        # would create: report what the policy would become instead of failing the run.
        module.warn("{0}; in check mode, assuming it will exist with no other statement".format(error))
        current = None
    except (BotoCoreError, ClientError) as error:
        module.fail_json_aws(error, msg="Unable to read the policy of {0} {1}".format(resource_type, resource))

    owner = arn_account(store.arn)
    if expected_owner and owner and owner != expected_owner:
        module.fail_json(msg=ownership_problem(resource_type.replace("_", " "), store.arn, owner, expected_owner,
                                               "the variable that sets it"))
    try:
        return plan_policy_change(store, current, item["statements"], item["state"] or module.params["state"])
    except PolicyError as error:
        module.fail_json(msg="{0} {1}: {2}".format(resource_type, resource, error))


def main():
    item_spec = dict(
        resource_type=dict(type="str", required=True, choices=list(RESOURCE_TYPES)),
        resource=dict(type="str", required=True),
        statements=dict(type="list", elements="dict", required=True),
        state=dict(type="str", choices=_STATES),
    )
    argument_spec = dict(
        resource_type=dict(type="str", choices=list(RESOURCE_TYPES)),
        resource=dict(type="str"),
        statements=dict(type="list", elements="dict"),
        policies=dict(type="list", elements="dict", options=item_spec),
        state=dict(type="str", default="present", choices=_STATES),
        backup_file=dict(type="path"),
        backup_dir=dict(type="path"),
        expected_owner=dict(type="str"),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[["backup_file", "backup_dir"], ["policies", "resource"], ["policies", "resource_type"],
                            ["policies", "statements"], ["policies", "backup_file"]],
        required_one_of=[["policies", "resource"]],
        required_together=[["resource", "resource_type", "statements"]],
    )
    params = module.params
    batch = params["policies"] is not None
    items = params["policies"] if batch else [dict(resource_type=params["resource_type"], resource=params["resource"],
                                                   statements=params["statements"], state=params["state"])]
    clients = {}
    # Every policy is read, merged and validated before the first is written.
    changes = [_plan(module, clients, item, params["expected_owner"]) for item in items]

    outputs = [change.output() for change in changes]
    for index, (change, output) in enumerate(zip(changes, outputs)):
        if not change.changed or module.check_mode:
            continue
        # A failed write names the policies written before it, and returns their results.
        done = dict(results=outputs[:index]) if batch else {}
        before = "; the policies listed before it that changed were written" if batch and index else ""
        backup = params["backup_file"] or (
            backup_path(params["backup_dir"], change.store.resource_type, change.store.resource)
            if params["backup_dir"] else None)
        try:
            written = change.apply(backup)
        except OSError as error:
            module.fail_json(msg="Unable to write the policy backup {0}: {1}; the policy of {2} was not "
                                 "changed{3}".format(backup, error, change.store.arn, before), **done)
        except (BotoCoreError, ClientError) as error:
            module.fail_json_aws(error, msg="Unable to write the policy of {0} {1}{2}".format(
                change.store.resource_type, change.store.resource, before), **done)
        if written:
            output["backup_file"] = written

    if not batch:
        module.exit_json(**outputs[0])
    diffs = [output.pop("diff") for output in outputs if "diff" in output]
    for item, output in zip(items, outputs):
        output.update(resource_type=item["resource_type"], resource=item["resource"])
    module.exit_json(changed=any(change.changed for change in changes), results=outputs, diff=diffs)


if __name__ == "__main__":
    main()
