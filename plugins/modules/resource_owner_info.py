#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: resource_owner_info
short_description: Check that the buckets, keys and topics to adopt by name belong to the expected account
version_added: 0.1.0
description:
  - Asks AWS who owns each S3 bucket, KMS key (by alias) and SNS topic that the onboarding would create or
    adopt by name, so that a run never adopts, and writes policies or encryption onto, another account's resource.
  - S3 bucket names are global. A bucket is checked with C(HeadBucket) and C(ExpectedBucketOwner=expected_owner)
    (S3 user guide, "Verifying bucket ownership with bucket owner condition"); 200 means the expected account
    owns it, 404 that the name is free, 403 that another account owns it (S3 does not say which).
  - A KMS key is looked up by alias with C(DescribeKey) (its C(AWSAccountId) and C(KeyManager)); an AWS managed
    key is refused too, since nobody can edit its policy. A topic is read with C(GetTopicAttributes) (its C(Owner)).
  - Run it with the credentials of the account that must own the resources. Read-only; supports check mode.
author:
  - Radiant Security onboarding contributors (@radiant-security)
options:
  expected_owner:
    description:
      - The 12-digit id of the account that must own every resource listed.
    type: str
    required: true
  buckets:
    description:
      - S3 buckets to check, by name.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The bucket name.
        type: str
        required: true
      variable:
        description: The variable that sets the name, named in the message when another account owns it.
        type: str
        required: true
      facts:
        description:
          - What to read of the bucket when O(expected_owner) owns it, each with C(ExpectedBucketOwner), so that a
            role needs no second task to read the bucket it has just checked.
          - V(public_access_block) is the C(PublicAccessBlockConfiguration) (an empty dict when none is set),
            V(encryption) the C(ServerSideEncryptionConfiguration) (empty when none),
            V(notification_configuration) the notification configuration.
        type: list
        elements: str
        choices: [public_access_block, encryption, notification_configuration]
        default: []
      policy_statements:
        description:
          - The statements the role puts in the bucket's policy with M(radiant.aws_onboarding.resource_policy). For an
            owned bucket the record then carries C(policy_in_place), so that the role runs that module only when the
            policy lacks one of them or holds another version of one.
        type: list
        elements: dict
  kms_keys:
    description:
      - KMS keys to check, by alias (V(alias/name) or V(name)), key id or key ARN.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The alias, key id or key ARN.
        type: str
        required: true
      variable:
        description: The variable that sets the alias.
        type: str
        required: true
      settings:
        description:
          - What the role sets on the key with M(amazon.aws.kms_key), which it runs with no policy, tags or grants.
            For an owned, customer managed key the record then carries C(key_rotation_enabled) and
            C(settings_in_place), so that the role runs that module only when something would change.
        type: dict
        suboptions:
          description:
            description: The key's description.
            type: str
          enabled:
            description: Whether the key is enabled.
            type: bool
            default: true
          enable_key_rotation:
            description: Whether automatic rotation is on.
            type: bool
      policy_statements:
        description:
          - The statements the role puts in the key's policy with M(radiant.aws_onboarding.resource_policy). For an
            owned key the record then carries C(policy_in_place), so that the role runs that module only when the
            policy lacks one of them or holds another version of one.
        type: list
        elements: dict
  sns_topics:
    description:
      - SNS topics to check, by ARN.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The topic ARN.
        type: str
        required: true
      variable:
        description: The variable that sets the topic's name.
        type: str
        required: true
      facts:
        description:
          - What to read of the topic when O(expected_owner) owns it. V(tags) is the topic's tags as a dict, so that
            a role runs the module that adds a missing tag only when one is missing.
        type: list
        elements: str
        choices: [tags]
        default: []
      tags:
        description:
          - The tags the role sets on the topic without purging. For an owned topic the record then carries
            C(tags) and C(tags_in_place), so that the role runs the module that adds tags only when one is missing
            or has another value.
        type: dict
      policy_statements:
        description:
          - The statements the role puts in the topic's policy with M(radiant.aws_onboarding.resource_policy). For an
            owned topic the record then carries C(policy_in_place), so that the role runs that module only when the
            policy lacks one of them or holds another version of one.
        type: list
        elements: dict
  iam_roles:
    description:
      - IAM roles of the caller's account to read, by name, for a role that creates or updates them with
        M(amazon.aws.iam_role) (no managed policies, path or permissions boundary given, tags not purged) and
        M(amazon.aws.iam_policy). A role's name is its account's alone, so no other account can own it; an owned
        role's record carries C(settings_in_place), so that the role runs those modules only when something
        would change.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The role name.
        type: str
        required: true
      variable:
        description: The variable that sets the name.
        type: str
        required: true
      description:
        description: The role's description.
        type: str
      assume_role_policy_document:
        description: The role's trust policy, compared as M(amazon.aws.iam_role) compares it.
        type: json
      tags:
        description: The tags the role sets without purging.
        type: dict
      inline_policies:
        description: Policy name -> document of each inline policy the role puts with M(amazon.aws.iam_policy).
        type: dict
  fail_on_foreign:
    description:
      - Fail, listing every problem, when another account owns one of the resources. With V(false) the
        problems are only returned.
    type: bool
    default: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Stop before any write when the findings bucket's name is another account's
  radiant.aws_onboarding.resource_owner_info:
    expected_owner: "{{ radiant_log_account_id }}"
    buckets:
      - {name: example-guardduty-radiantsecurity, variable: radiant_findings_bucket_name}
    kms_keys:
      - {name: alias/guardduty-s3-radiantsecurity, variable: findings_export_key_alias}

- name: Check the log bucket and read its public access block and default encryption in the same task
  radiant.aws_onboarding.resource_owner_info:
    expected_owner: '111122223333'
    buckets:
      - name: example-cloudtrail-radiantsecurity
        variable: radiant_cloudtrail_bucket_name
        facts: [public_access_block, encryption]
  register: log_bucket

- name: Report, without failing
  radiant.aws_onboarding.resource_owner_info:
    expected_owner: '111122223333'
    buckets:
      - {name: example-cloudtrail-radiantsecurity, variable: radiant_cloudtrail_bucket_name}
    fail_on_foreign: false
  register: owners
"""

RETURN = r"""
resources:
  description: One entry per resource asked about.
  returned: always
  type: list
  elements: dict
  contains:
    type:
      description: V(s3_bucket), V(kms_key), V(sns_topic) or V(iam_role).
      type: str
    name:
      description: The name asked about.
      type: str
    variable:
      description: The variable that sets it.
      type: str
    state:
      description: V(owned) (by O(expected_owner)), V(missing) (free to create) or V(foreign) (another account's).
      type: str
    owner:
      description: The owning account when AWS says it; null for a missing resource or a foreign bucket.
      type: str
    public_access_block:
      description: The bucket's C(PublicAccessBlockConfiguration), empty when none is set.
      returned: for an owned bucket whose O(buckets[].facts) name it
      type: dict
    encryption:
      description: The bucket's C(ServerSideEncryptionConfiguration) (its C(Rules)), empty when none is set.
      returned: for an owned bucket whose O(buckets[].facts) name it
      type: dict
    notification_configuration:
      description: The bucket's notification configuration, as C(GetBucketNotificationConfiguration) returns it.
      returned: for an owned bucket whose O(buckets[].facts) name it
      type: dict
    arn:
      description: The key's or the role's ARN.
      returned: for a key or a role that exists
      type: str
    key_manager:
      description: V(CUSTOMER) or V(AWS) (an AWS managed key, which is refused).
      returned: for a key that exists
      type: str
    key_state:
      description: The key's C(KeyState), for example V(Enabled) or V(PendingDeletion).
      returned: for a key that exists
      type: str
    description:
      description: The key's description.
      returned: for a key that exists
      type: str
    key_rotation_enabled:
      description: Whether automatic rotation is on; null when the caller may not read it.
      returned: for an owned, customer managed key given O(kms_keys[].settings)
      type: bool
    settings_in_place:
      description:
        - For a key, whether it is enabled (or disabled), described and rotated as O(kms_keys[].settings) says, which
          is all M(amazon.aws.kms_key) would change on it.
        - For a role, whether its description, trust policy, tags and inline policies are as O(iam_roles) says, which
          is all M(amazon.aws.iam_role) and M(amazon.aws.iam_policy) would change on it. Null when the caller may not
          read an inline policy.
      returned: for an owned, customer managed key given O(kms_keys[].settings), and for a role that exists
      type: bool
    tags:
      description: The topic's tags, key to value.
      returned: for an owned topic whose O(sns_topics[].facts) name it, or that is given O(sns_topics[].tags)
      type: dict
    tags_in_place:
      description: Whether every tag of O(sns_topics[].tags) is on the topic with its value.
      returned: for an owned topic given O(sns_topics[].tags)
      type: bool
    policy_in_place:
      description:
        - Whether every statement of the resource's O(buckets[].policy_statements) (O(kms_keys[].policy_statements),
          O(sns_topics[].policy_statements)) is in its policy as M(radiant.aws_onboarding.resource_policy) would put
          it, which is all that module would change. Null when the caller may not read the policy or a statement is
          not valid (M(radiant.aws_onboarding.resource_policy) then runs and says why).
      returned: for an owned (customer managed) resource given policy statements
      type: bool
  sample: [{"type": "s3_bucket", "name": "example-guardduty-radiantsecurity",
            "variable": "radiant_findings_bucket_name", "state": "foreign", "owner": null}]
check_mode:
  description:
    - Whether the task ran in check mode. The module reads either way; a role whose later tasks must not write
      in check mode reads it here, since a C(check_mode) keyword on a block or an include leaves
      C(ansible_check_mode) false.
  returned: always
  type: bool
  sample: false
problems:
  description: One message per resource another account owns, naming it, its owner and the variable to change.
  returned: always
  type: list
  elements: str
  sample: ["S3 bucket example-guardduty-radiantsecurity belongs to another account, not to account 111122223333 ..."]
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.aws_calls import aws_client
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.policy import statements_in_place
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.resource_owner import (
    BUCKET_FACTS,
    TOPIC_FACTS,
    check_resources,
)

_NAMED = dict(name=dict(type="str", required=True), variable=dict(type="str", required=True))
_RESOURCE = dict(_NAMED, policy_statements=dict(type="list", elements="dict"))
_BUCKET = dict(_RESOURCE, facts=dict(type="list", elements="str", default=[], choices=sorted(BUCKET_FACTS)))
_KEY = dict(_RESOURCE, settings=dict(type="dict", options=dict(
    description=dict(type="str"), enabled=dict(type="bool", default=True), enable_key_rotation=dict(type="bool"))))
_TOPIC = dict(_RESOURCE, facts=dict(type="list", elements="str", default=[], choices=sorted(TOPIC_FACTS)),
              tags=dict(type="dict"))


_ROLE = dict(_NAMED, description=dict(type="str"), assume_role_policy_document=dict(type="json"),
             tags=dict(type="dict"), inline_policies=dict(type="dict"))


_SERVICES = {"s3_bucket": "s3", "kms_key": "kms", "sns_topic": "sns"}


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            expected_owner=dict(type="str", required=True),
            buckets=dict(type="list", elements="dict", default=[], options=_BUCKET),
            kms_keys=dict(type="list", elements="dict", default=[], options=_KEY, no_log=False),
            sns_topics=dict(type="list", elements="dict", default=[], options=_TOPIC),
            iam_roles=dict(type="list", elements="dict", default=[], options=_ROLE),
            fail_on_foreign=dict(type="bool", default=True),
        ),
        supports_check_mode=True,
    )
    params = module.params
    options = (("s3", "buckets"), ("kms", "kms_keys"), ("sns", "sns_topics"), ("iam", "iam_roles"))
    needed = dict((service, params[option]) for service, option in options)
    clients = dict((service, aws_client(module, service)) for service, listed in needed.items() if listed)
    try:
        records, problems = check_resources(clients, params["expected_owner"], buckets=params["buckets"],
                                            kms_keys=params["kms_keys"], sns_topics=params["sns_topics"],
                                            iam_roles=params["iam_roles"])
        # In the order check_resources returns them: buckets, keys, topics (then roles, without policy_statements).
        for record, asked in zip(records, params["buckets"] + params["kms_keys"] + params["sns_topics"]):
            if asked["policy_statements"] is not None and record["state"] == "owned":
                record["policy_in_place"] = statements_in_place(
                    clients[_SERVICES[record["type"]]], record, asked["policy_statements"], params["expected_owner"])
    except (BotoCoreError, ClientError) as error:
        module.fail_json_aws(error, msg="Unable to find out who owns the resources of account {0}".format(
            params["expected_owner"]))
    if problems and params["fail_on_foreign"]:
        module.fail_json(msg="\n".join(problems), resources=records, problems=problems,
                         check_mode=module.check_mode)
    module.exit_json(changed=False, resources=records, problems=problems, check_mode=module.check_mode)


if __name__ == "__main__":
    main()
