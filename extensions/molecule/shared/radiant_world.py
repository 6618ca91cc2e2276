"""Look at (and tamper with) an onboarded sample organization with plain boto3, outside Ansible.

The molecule scenarios use it as the independent witness of what the playbooks did:

  radiant_world.py check     SAMPLE_ORG_YML [--phases p,...] [--external-id ID]
      every resource, policy and relationship docs/requirements.md names; prints the problems as JSON, exit 1 if any
      (--cross-account-prefix: the log prefix of the source trails of docs/requirements.md#cross-account-cloudtrail,
      default none)
  radiant_world.py offboarded SAMPLE_ORG_YML
      after offboard.yml: the onboarding's trails, relationships, destinations, notification, roles and
      policy statements are gone; buckets and keys stay; prints the problems as JSON, exit 1 if any
  radiant_world.py drift     SAMPLE_ORG_YML
      changes the organization behind the playbooks' back in many ways; prints {kind: how to recognise it}
  radiant_world.py customer  SAMPLE_ORG_YML
      creates customer state the onboarding must leave alone (before onboarding)
  radiant_world.py snapshot  SAMPLE_ORG_YML
      prints that customer state as JSON, to compare before and after

Endpoint and base credentials (the management account) come from the environment
(AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY); other accounts are entered with
sts:AssumeRole into OrganizationAccountAccessRole. Expected policy statements come from the
collection's policy builders (the single place the onboarding takes them from); the structural
checks (who may do what, which accounts, which Regions) are written out here.
"""

import argparse
import json
import sys

import boto3
import yaml

from ansible_collections.radiant.aws_onboarding.plugins.module_utils import radiant_policies

TRAIL_NAME = "management-events"
CLOUDTRAIL_TOPIC = "cloudtrail-radiantsecurity"
GUARDDUTY_TOPIC = "guardduty-s3-radiantsecurity"
FINDINGS_KEY_ALIAS = "alias/guardduty-s3-radiantsecurity"
NOTIFICATION_ID = "guardduty-new-finding"
MAIN_ROLE = "radiant-aws-access-role"
API_ROLE = "radiant-aws-api-access-role"
ENABLED_FEATURES = {"S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS",
                    "LAMBDA_NETWORK_LOGS", "RUNTIME_MONITORING"}
# docs/requirements.md#cross-account-cloudtrail (cross_account_logging role defaults): the outside accounts' trails
# write into the CloudTrail bucket and notify the CloudTrail topic; a read-only role in the log account is
# trusted by Radiant's session with the external ID only.
READER_ROLE = "radiant-cloudtrail-reader"
READER_POLICY = "radiant-cloudtrail-log-read"
CROSS_ACCOUNT_ACL = "AWSCloudTrailCrossAccountAclCheck"
CROSS_ACCOUNT_WRITE = "AWSCloudTrailCrossAccountWrite"
CROSS_ACCOUNT_TOPIC = "AWSCloudTrailSNSPolicyCrossAccount"
PHASES = ("org_trail", "guardduty", "findings_export", "member_export", "sns_wiring", "radiant_iam",
          "cross_account_logging")

# Customer state of the 'preexisting_reonboard' scenario: what the onboarding must never touch.
CUSTOMER_SID = "CustomerAuditRead"
CUSTOMER_QUEUE = "customer-object-removals"
CUSTOMER_NOTIFICATION = "customer-removals"


class World:
    """One sample organization: its accounts, Regions and names, and a client per account."""

    def __init__(self, sample_org):
        self.org = sample_org
        self.management = sample_org["management_account_id"]
        self.log = sample_org["log_account_id"]
        self.regions = sample_org["regions"]
        self.home = self.regions[0]
        company = sample_org.get("company", "example")
        self.cloudtrail_bucket = "{0}-cloudtrail-radiantsecurity".format(company)
        self.findings_bucket = "{0}-guardduty-radiantsecurity".format(company)
        self.trail_arn = "arn:aws:cloudtrail:{0}:{1}:trail/{2}".format(self.home, self.management, TRAIL_NAME)
        self.cloudtrail_topic_arn = "arn:aws:sns:{0}:{1}:{2}".format(self.home, self.log, CLOUDTRAIL_TOPIC)
        self.guardduty_topic_arn = "arn:aws:sns:{0}:{1}:{2}".format(self.home, self.log, GUARDDUTY_TOPIC)
        self.cross_account_prefix = ""
        self._sessions = {}

    def session(self, account):
        if account not in self._sessions:
            if account == self.management:
                self._sessions[account] = boto3.session.Session()
            else:
                creds = boto3.client("sts").assume_role(
                    RoleArn="arn:aws:iam::{0}:role/OrganizationAccountAccessRole".format(account),
                    RoleSessionName="molecule-witness")["Credentials"]
                self._sessions[account] = boto3.session.Session(
                    aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                    aws_session_token=creds["SessionToken"])
        return self._sessions[account]

    def client(self, account, service, region=None):
        return self.session(account).client(service, region_name=region or self.home)

    def active_org_accounts(self):
        return sorted(a["id"] for a in self.org["accounts"] if a["status"] == "ACTIVE")

    def outside_accounts(self):
        return sorted(a["id"] for a in self.org["outside_accounts"])

    def detector_id(self, account, region):
        ids = self.client(account, "guardduty", region).list_detectors()["DetectorIds"]
        return ids[0] if ids else None

    def detector_arn(self, account, region):
        return "arn:aws:guardduty:{0}:{1}:detector/{2}".format(region, account, self.detector_id(account, region))


def _normal(value):
    """Policies compare equal whatever the order of lists and single values' list wrapping."""
    if isinstance(value, dict):
        return {key: _normal(item) for key, item in value.items()}
    if isinstance(value, list):
        items = [_normal(item) for item in value]
        if len(items) == 1:
            return items[0]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    return value


def _as_set(value):
    """A policy value (one string or a list of them) as a set."""
    return set([value] if isinstance(value, str) else value or [])


def _statements(policy_text):
    if not policy_text:
        return {}
    policy = json.loads(policy_text) if isinstance(policy_text, str) else policy_text
    statements = policy.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    return {statement.get("Sid", ""): statement for statement in statements}


def _sidless(policy_text):
    """The statements without a Sid (optional in the IAM policy grammar), in order."""
    if not policy_text:
        return []
    policy = json.loads(policy_text) if isinstance(policy_text, str) else policy_text
    return [statement for statement in _as_list(policy.get("Statement")) if "Sid" not in statement]


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _bucket_policy(world, account, bucket):
    try:
        return world.client(account, "s3").get_bucket_policy(Bucket=bucket)["Policy"]
    except world.client(account, "s3").exceptions.ClientError:
        return ""


def _key_policy(world, account, alias, region=None):
    kms = world.client(account, "kms", region)
    key_id = kms.describe_key(KeyId=alias)["KeyMetadata"]["KeyId"]
    return key_id, kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"]


class Checker:
    def __init__(self, world, external_id):
        self.world = world
        self.external_id = external_id
        self.problems = []

    def expect(self, condition, where, what):
        if not condition:
            self.problems.append("{0}: {1}".format(where, what))
        return condition

    def expect_statements(self, where, policy_text, expected):
        live = _statements(policy_text)
        for statement in expected:
            sid = statement["Sid"]
            if self.expect(sid in live, where, "statement {0} missing".format(sid)):
                problem = "statement {0} is {1}, expected {2}".format(
                    sid, json.dumps(live[sid]), json.dumps(statement))
                self.expect(_normal(live[sid]) == _normal(statement), where, problem)

    def run(self, phases):
        for phase in phases:
            try:
                getattr(self, "check_" + phase)()
            except Exception as error:  # pylint: disable=broad-exception-caught
                self.problems.append("{0}: could not be read: {1!r}".format(phase, error))
        return self.problems

    def check_org_trail(self):
        world = self.world
        access = world.client(world.management, "organizations").list_aws_service_access_for_organization()
        principals = {item["ServicePrincipal"] for item in access["EnabledServicePrincipals"]}
        self.expect("cloudtrail.amazonaws.com" in principals, "organization", "no trusted access for CloudTrail")
        cloudtrail = world.client(world.management, "cloudtrail")
        trails = list(cloudtrail.describe_trails(trailNameList=[TRAIL_NAME])["trailList"])
        if not self.expect(len(trails) == 1, "trail " + TRAIL_NAME, "missing"):
            return
        trail = trails[0]
        where = "trail " + TRAIL_NAME
        self.expect(trail.get("IsOrganizationTrail"), where, "not an organization trail")
        self.expect(trail.get("IsMultiRegionTrail"), where, "not multi-Region")
        self.expect(trail.get("LogFileValidationEnabled"), where, "no log file validation")
        self.expect(trail.get("IncludeGlobalServiceEvents"), where, "no global service events")
        self.expect(trail.get("S3BucketName") == world.cloudtrail_bucket, where,
                    "bucket {0}".format(trail.get("S3BucketName")))
        self.expect(trail.get("SnsTopicARN") == world.cloudtrail_topic_arn, where,
                    "topic {0}".format(trail.get("SnsTopicARN")))
        self.expect(cloudtrail.get_trail_status(Name=TRAIL_NAME)["IsLogging"], where, "not logging")
        selectors = cloudtrail.get_event_selectors(TrailName=TRAIL_NAME)
        fields = [{f["Field"]: f.get("Equals", []) + f.get("StartsWith", []) for f in s["FieldSelectors"]}
                  for s in selectors.get("AdvancedEventSelectors") or []]
        self.expect(any(f.get("eventCategory") == ["Management"] and "readOnly" not in f for f in fields), where,
                    "management events are not read and write: {0}".format(fields))
        self.expect(any(f.get("eventCategory") == ["Data"] and f.get("resources.type") == ["AWS::S3::Object"]
                        for f in fields), where, "no S3 data events: {0}".format(fields))
        org_id = world.org["organization_id"]
        self.expect_statements(
            "bucket {0} policy".format(world.cloudtrail_bucket),
            _bucket_policy(world, world.log, world.cloudtrail_bucket),
            radiant_policies.cloudtrail_bucket_statements(world.cloudtrail_bucket, world.trail_arn, world.management,
                                                          organization_id=org_id)
            + [radiant_policies.tls_only_bucket_statement(world.cloudtrail_bucket)])
        policy = _bucket_policy(world, world.log, world.cloudtrail_bucket)
        self.expect("AWSLogs/{0}/*".format(org_id) in policy, "bucket policy", "no organization path AWSLogs/" + org_id)
        topic = world.client(world.log, "sns").get_topic_attributes(TopicArn=world.cloudtrail_topic_arn)["Attributes"]
        self.expect_statements(
            "topic {0} policy".format(CLOUDTRAIL_TOPIC), topic["Policy"],
            radiant_policies.cloudtrail_topic_statements(world.cloudtrail_topic_arn, world.trail_arn))

    def check_guardduty(self):
        world = self.world
        admin = world.log
        access = world.client(world.management, "organizations").list_aws_service_access_for_organization()
        principals = {item["ServicePrincipal"] for item in access["EnabledServicePrincipals"]}
        for principal in ("guardduty.amazonaws.com", "malware-protection.guardduty.amazonaws.com"):
            self.expect(principal in principals, "organization", "no trusted access for " + principal)
        expected_members = set(world.active_org_accounts()) - {admin} | set(world.outside_accounts())
        for region in world.regions:
            where = "GuardDuty {0}".format(region)
            guardduty = world.client(world.management, "guardduty", region)
            admins = guardduty.list_organization_admin_accounts()["AdminAccounts"]
            self.expect([(a["AdminAccountId"], a["AdminStatus"]) for a in admins] == [(admin, "ENABLED")], where,
                        "delegated administrator {0}".format(admins))
            self.expect(world.detector_id(world.management, region), where, "management account has no detector")
            detector_id = world.detector_id(admin, region)
            if not self.expect(detector_id, where, "administrator has no detector"):
                continue
            admin_gd = world.client(admin, "guardduty", region)
            detector = admin_gd.get_detector(DetectorId=detector_id)
            self.expect(detector["Status"] == "ENABLED", where, "administrator's detector disabled")
            self.expect(detector["FindingPublishingFrequency"] == "FIFTEEN_MINUTES", where,
                        "frequency {0}".format(detector["FindingPublishingFrequency"]))
            features = {f["Name"]: f for f in detector.get("Features", [])}
            for name in ENABLED_FEATURES:
                self.expect(features.get(name, {}).get("Status") == "ENABLED", where,
                            "feature {0} not enabled".format(name))
            runtime = features.get("RUNTIME_MONITORING", {})
            agents = {c["Name"]: c["Status"] for c in runtime.get("AdditionalConfiguration", [])}
            self.expect(all(status == "DISABLED" for status in agents.values()), where,
                        "runtime monitoring's automated agents enabled: {0}".format(agents))
            config = admin_gd.describe_organization_configuration(DetectorId=detector_id)
            self.expect(config.get("AutoEnableOrganizationMembers") == "ALL", where,
                        "auto-enable {0}".format(config.get("AutoEnableOrganizationMembers")))
            members = {}
            for page in admin_gd.get_paginator("list_members").paginate(DetectorId=detector_id, OnlyAssociated="false"):
                members.update({m["AccountId"]: m["RelationshipStatus"] for m in page["Members"]})
            self.expect(set(members) == expected_members, where, "members {0}, expected {1}".format(
                sorted(members), sorted(expected_members)))
            self.expect(all(status == "Enabled" for status in members.values()), where,
                        "members not enabled: {0}".format({a: s for a, s in members.items() if s != "Enabled"}))
            for suspended in world.org["suspended_account_ids"]:
                self.expect(suspended not in members, where, "suspended account {0} is a member".format(suspended))

    def check_findings_export(self):
        world = self.world
        s3 = world.client(world.log, "s3")
        where = "bucket " + world.findings_bucket
        block = s3.get_public_access_block(Bucket=world.findings_bucket)["PublicAccessBlockConfiguration"]
        self.expect(all(block.values()), where, "public access not blocked: {0}".format(block))
        rules = s3.get_bucket_encryption(Bucket=world.findings_bucket)["ServerSideEncryptionConfiguration"]["Rules"]
        self.expect(rules, where, "not encrypted")
        kms = world.client(world.log, "kms")
        key_id, key_policy = _key_policy(world, world.log, FINDINGS_KEY_ALIAS)
        key_arn = kms.describe_key(KeyId=key_id)["KeyMetadata"]["Arn"]
        self.expect(kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"], FINDINGS_KEY_ALIAS, "no rotation")
        detector_arns = [world.detector_arn(world.log, region) for region in world.regions]
        bucket_policy = _bucket_policy(world, world.log, world.findings_bucket)
        self.expect_statements(where + " policy", bucket_policy,
                               [radiant_policies.tls_only_bucket_statement(world.findings_bucket)])
        export_sids = [s["Sid"] for s in radiant_policies.guardduty_export_bucket_statements(
            world.findings_bucket, key_arn, detector_arns)]
        live = _statements(bucket_policy)
        for sid in export_sids:
            self.expect(sid in live, where + " policy", "statement {0} missing".format(sid))
        for arn in detector_arns:
            self.expect(arn in bucket_policy, where + " policy", "exporting detector {0} not allowed".format(arn))
            self.expect(arn in key_policy, FINDINGS_KEY_ALIAS + " policy",
                        "exporting detector {0} not allowed".format(arn))
        for region in world.regions:
            gd = world.client(world.log, "guardduty", region)
            detector_id = world.detector_id(world.log, region)
            destinations = gd.list_publishing_destinations(DetectorId=detector_id)["Destinations"]
            if not self.expect(len(destinations) == 1, "publishing destination " + region, "{0}".format(destinations)):
                continue
            described = gd.describe_publishing_destination(DetectorId=detector_id,
                                                           DestinationId=destinations[0]["DestinationId"])
            props = described["DestinationProperties"]
            self.expect(props["DestinationArn"].startswith("arn:aws:s3:::" + world.findings_bucket),
                        "publishing destination " + region, "bucket {0}".format(props["DestinationArn"]))
            self.expect(props["KmsKeyArn"] == key_arn, "publishing destination " + region,
                        "key {0}".format(props["KmsKeyArn"]))
            self.expect(described["Status"] == "PUBLISHING", "publishing destination " + region, described["Status"])

    def check_member_export(self):
        """The per-account export of docs/requirements.md#per-account-export: every exporting account's detector
        publishes to the findings bucket."""
        world = self.world
        key_arn = world.client(world.log, "kms").describe_key(KeyId=FINDINGS_KEY_ALIAS)["KeyMetadata"]["Arn"]
        for account, region, destinations in member_destinations(world):
            where = "member publishing destination {0}/{1}".format(account, region)
            if destinations is None:
                self.problems.append("{0}: no detector".format(where))
                continue
            if not self.expect(len(destinations) == 1, where, "{0} destinations, expected 1".format(len(destinations))):
                continue
            props = destinations[0]["DestinationProperties"]
            self.expect(props["DestinationArn"].startswith("arn:aws:s3:::" + world.findings_bucket), where,
                        "bucket {0}".format(props["DestinationArn"]))
            self.expect(props["KmsKeyArn"] == key_arn, where, "key {0}".format(props["KmsKeyArn"]))
            self.expect(destinations[0]["Status"] == "PUBLISHING", where, destinations[0]["Status"])

    def check_sns_wiring(self):
        world = self.world
        topic = world.client(world.log, "sns").get_topic_attributes(TopicArn=world.guardduty_topic_arn)["Attributes"]
        self.expect_statements("topic {0} policy".format(GUARDDUTY_TOPIC), topic["Policy"],
                               radiant_policies.s3_publish_topic_statements(world.guardduty_topic_arn,
                                                                            world.findings_bucket, world.log))
        config = world.client(world.log, "s3").get_bucket_notification_configuration(Bucket=world.findings_bucket)
        ours = [c for c in config.get("TopicConfigurations", []) if c.get("Id") == NOTIFICATION_ID]
        if self.expect(len(ours) == 1, "bucket notification " + NOTIFICATION_ID, "missing"):
            self.expect(ours[0]["TopicArn"] == world.guardduty_topic_arn, "bucket notification", ours[0]["TopicArn"])
            self.expect(ours[0]["Events"] == ["s3:ObjectCreated:*"], "bucket notification", ours[0]["Events"])

    def check_radiant_iam(self):
        world = self.world
        role = world.client(world.log, "iam").get_role(RoleName=MAIN_ROLE)["Role"]
        trust = role["AssumeRolePolicyDocument"]
        expected = radiant_policies.radiant_trust_policy(self.external_id) if self.external_id else None
        if expected:
            self.expect(_normal(trust["Statement"]) == _normal(expected["Statement"]), MAIN_ROLE + " trust",
                        json.dumps(trust))
        for account in world.active_org_accounts():
            iam = world.client(account, "iam")
            try:
                iam.get_role(RoleName=API_ROLE)
            except iam.exceptions.NoSuchEntityException:
                self.problems.append("{0} in {1}: missing".format(API_ROLE, account))
        # The main role belongs to the log account alone (this also proves the emulator keeps accounts apart).
        for account in (world.management, world.active_org_accounts()[0]):
            if account != world.log:
                names = [r["RoleName"] for r in world.client(account, "iam").list_roles()["Roles"]]
                self.expect(MAIN_ROLE not in names, "{0} in {1}".format(MAIN_ROLE, account),
                            "exists outside the log account")

    def check_cross_account_logging(self):
        """docs/requirements.md#cross-account-cloudtrail: each outside account's trail writes to the CloudTrail bucket
        under the prefix and its own account's path, allowed by one statement pair for them all (AWS's multi-account
        form), and notifies the CloudTrail topic, allowed by one statement; the log account's read-only role trusts
        Radiant's session with the external ID only."""
        world = self.world
        prefix = world.cross_account_prefix
        sources = world.outside_accounts()
        if not self.expect(sources, "cross-account logging", "the sample organization has no outside account"):
            return
        trail_arns = {account: "arn:aws:cloudtrail:{0}:{1}:trail/{2}".format(world.home, account, TRAIL_NAME)
                      for account in sources}
        for account, trail_arn in trail_arns.items():
            where = "trail {0} in {1}".format(TRAIL_NAME, account)
            cloudtrail = world.client(account, "cloudtrail")
            trails = cloudtrail.describe_trails(trailNameList=[TRAIL_NAME])["trailList"]
            if not self.expect(len(trails) == 1, where, "missing"):
                continue
            trail = trails[0]
            self.expect(trail.get("TrailARN") == trail_arn, where, "ARN {0}".format(trail.get("TrailARN")))
            self.expect(trail.get("S3BucketName") == world.cloudtrail_bucket, where,
                        "bucket {0}".format(trail.get("S3BucketName")))
            self.expect((trail.get("S3KeyPrefix") or "") == prefix, where,
                        "prefix {0!r}, expected {1!r}".format(trail.get("S3KeyPrefix"), prefix))
            self.expect(not trail.get("IsOrganizationTrail"), where, "an organization trail")
            self.expect(trail.get("IsMultiRegionTrail"), where, "not multi-Region")
            self.expect(trail.get("LogFileValidationEnabled"), where, "no log file validation")
            self.expect(trail.get("SnsTopicARN") == world.cloudtrail_topic_arn, where,
                        "notifies {0}, expected {1}".format(trail.get("SnsTopicARN"), world.cloudtrail_topic_arn))
            self.expect(cloudtrail.get_trail_status(Name=TRAIL_NAME)["IsLogging"], where, "not logging")
        where = "bucket {0} policy".format(world.cloudtrail_bucket)
        statements = _statements(_bucket_policy(world, world.log, world.cloudtrail_bucket))
        # Every source account may write under its own path only, and only its trail may.
        paths = {"arn:aws:s3:::{0}/{1}".format(world.cloudtrail_bucket, "/".join(
            part for part in (prefix, "AWSLogs", account, "*") if part)) for account in sources}
        write, acl = statements.get(CROSS_ACCOUNT_WRITE, {}), statements.get(CROSS_ACCOUNT_ACL, {})
        self.expect(_as_set(write.get("Resource")) == paths, where, "{0} lets the source trails write to {1}".format(
            CROSS_ACCOUNT_WRITE, write.get("Resource")))
        for sid, statement in ((CROSS_ACCOUNT_WRITE, write), (CROSS_ACCOUNT_ACL, acl)):
            condition = statement.get("Condition", {}).get("StringEquals", {})
            limited = _as_set(condition.get("aws:SourceArn")) == set(trail_arns.values())
            self.expect(statement.get("Principal") == {"Service": "cloudtrail.amazonaws.com"} and limited, where,
                        "{0} is {1}, expected CloudTrail limited to the source trails".format(
                            sid, statement or "missing"))
        acl_required = write.get("Condition", {}).get("StringEquals", {}).get("s3:x-amz-acl")
        self.expect(acl_required == "bucket-owner-full-control", where,
                    "{0} does not require bucket-owner-full-control".format(CROSS_ACCOUNT_WRITE))
        topic_policy = world.client(world.log, "sns").get_topic_attributes(
            TopicArn=world.cloudtrail_topic_arn)["Attributes"].get("Policy", "")
        self.expect_statements("topic {0} policy".format(world.cloudtrail_topic_arn), topic_policy,
                               radiant_policies.cloudtrail_topic_statements(
                                   world.cloudtrail_topic_arn, sorted(trail_arns.values()), sid=CROSS_ACCOUNT_TOPIC))
        iam = world.client(world.log, "iam")
        try:
            role = iam.get_role(RoleName=READER_ROLE)["Role"]
        except iam.exceptions.NoSuchEntityException:
            self.problems.append("{0} in {1}: missing".format(READER_ROLE, world.log))
            return
        statements = role["AssumeRolePolicyDocument"]["Statement"]
        expected_trust = radiant_policies.radiant_trust_policy(self.external_id) if self.external_id else None
        self.expect(expected_trust is not None and _normal(statements) == _normal(expected_trust["Statement"]),
                    READER_ROLE + " trust", "{0}, expected Radiant's session with the external ID only".format(
                        json.dumps(statements)))
        self.expect(iam.list_attached_role_policies(RoleName=READER_ROLE)["AttachedPolicies"] == [],
                    READER_ROLE, "has managed policies attached (read-only: its inline policy alone)")
        inline = iam.list_role_policies(RoleName=READER_ROLE)["PolicyNames"]
        if self.expect(inline == [READER_POLICY], READER_ROLE, "inline policies {0}".format(inline)):
            document = iam.get_role_policy(RoleName=READER_ROLE, PolicyName=READER_POLICY)["PolicyDocument"]
            expected = radiant_policies.cross_account_reader_policy(world.cloudtrail_bucket, prefix=prefix or None)
            self.expect(_normal(document["Statement"]) == _normal(expected["Statement"]), READER_ROLE + " policy",
                        json.dumps(document))
        for account in sources:
            names = [r["RoleName"] for r in world.client(account, "iam").list_roles()["Roles"]]
            self.expect(READER_ROLE not in names, "{0} in {1}".format(READER_ROLE, account),
                        "exists outside the log account")


def member_export_accounts(world):
    """The accounts of the per-account export of docs/requirements.md#per-account-export: active organization accounts
    and outside accounts, minus the GuardDuty administrator (the log account; it has its own destination) and
    exclusions."""
    excluded = {str(account) for account in world.org.get("excluded_account_ids", [])} | {world.log}
    return [account for account in world.active_org_accounts() + world.outside_accounts() if account not in excluded]


def member_destinations(world):
    """(account, region, described destinations or None without a detector) of every exporting account."""
    for account in member_export_accounts(world):
        for region in world.regions:
            detector_id = world.detector_id(account, region)
            if detector_id is None:
                yield account, region, None
                continue
            gd = world.client(account, "guardduty", region)
            yield account, region, [
                gd.describe_publishing_destination(DetectorId=detector_id, DestinationId=d["DestinationId"])
                for d in gd.list_publishing_destinations(DetectorId=detector_id)["Destinations"]]


def member_export_offboarded(world):
    """After offboard.yml: no member account's destination is left."""
    return ["member publishing destination {0}/{1}: still exists".format(account, region)
            for account, region, destinations in member_destinations(world) if destinations]


def offboarded(world):
    """What offboard.yml must leave: no trail, no delegated administrator, no destination, no
    notification, no Radiant role, none of the onboarding's statements; the buckets and keys."""
    problems = []

    def expect(condition, where, what):
        if not condition:
            problems.append("{0}: {1}".format(where, what))

    trails = world.client(world.management, "cloudtrail").describe_trails(trailNameList=[TRAIL_NAME])["trailList"]
    expect(not trails, "trail " + TRAIL_NAME, "still exists")
    s3 = world.client(world.log, "s3")
    buckets = {b["Name"] for b in s3.list_buckets()["Buckets"]}
    for bucket in (world.cloudtrail_bucket, world.findings_bucket):
        expect(bucket in buckets, "bucket " + bucket, "deleted (buckets stay)")
    key_id, key_policy = _key_policy(world, world.log, FINDINGS_KEY_ALIAS)
    expect(world.client(world.log, "kms").describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Enabled",
           FINDINGS_KEY_ALIAS, "not enabled (keys stay)")
    ours = {
        world.cloudtrail_bucket: [s["Sid"] for s in radiant_policies.cloudtrail_bucket_statements(
            world.cloudtrail_bucket, world.trail_arn, world.management, organization_id=world.org["organization_id"])],
        world.findings_bucket: [s["Sid"] for s in radiant_policies.guardduty_export_bucket_statements(
            world.findings_bucket, "key", ["arn:aws:guardduty:r:1:detector/d"])],
    }
    for bucket, sids in ours.items():
        live = _statements(_bucket_policy(world, world.log, bucket))
        expect(not set(sids) & set(live), "bucket {0} policy".format(bucket),
               "onboarding statements left: {0}".format(sorted(set(sids) & set(live))))
    key_sids = [s["Sid"] for s in radiant_policies.guardduty_export_key_statements(
        "key", ["arn:aws:guardduty:r:1:detector/d"])]
    expect(not set(key_sids) & set(_statements(key_policy)), FINDINGS_KEY_ALIAS + " policy",
           "onboarding statements left")
    sns = world.client(world.log, "sns")
    topics = {t["TopicArn"] for t in sns.list_topics()["Topics"]}
    for topic_arn, sids in ((world.guardduty_topic_arn, ["AllowS3BucketToPublish"]),
                            (world.cloudtrail_topic_arn, ["AWSCloudTrailSNSPolicy20150319"])):
        if topic_arn in topics:
            live = _statements(sns.get_topic_attributes(TopicArn=topic_arn)["Attributes"].get("Policy"))
            expect(not set(sids) & set(live), "topic {0} policy".format(topic_arn), "onboarding statements left")
    config = s3.get_bucket_notification_configuration(Bucket=world.findings_bucket)
    expect(NOTIFICATION_ID not in [c.get("Id") for c in config.get("TopicConfigurations", [])],
           "bucket notification " + NOTIFICATION_ID, "still configured")
    for region in world.regions:
        admins = world.client(world.management, "guardduty", region).list_organization_admin_accounts()["AdminAccounts"]
        expect(not admins, "GuardDuty " + region, "delegated administrator left: {0}".format(admins))
        detector_id = world.detector_id(world.log, region)
        if detector_id:
            gd = world.client(world.log, "guardduty", region)
            expect(not gd.list_publishing_destinations(DetectorId=detector_id)["Destinations"],
                   "publishing destination " + region, "still exists")
            members = gd.list_members(DetectorId=detector_id, OnlyAssociated="false")["Members"]
            expect(not members, "GuardDuty " + region, "members left: {0}".format([m["AccountId"] for m in members]))
    member = sorted(set(world.org["member_account_ids"]) - set(world.org["suspended_account_ids"]))[0]
    for account, role in ((world.log, MAIN_ROLE), (world.management, API_ROLE), (member, API_ROLE)):
        names = [r["RoleName"] for r in world.client(account, "iam").list_roles()["Roles"]]
        expect(role not in names, "{0} in {1}".format(role, account), "still exists")
    return problems + cross_account_offboarded(world) + member_export_offboarded(world)


def cross_account_offboarded(world):
    """After offboard.yml, the part of docs/requirements.md#cross-account-cloudtrail: no source trail, no per-account
    statement, no read-only role."""
    problems = []
    for account in world.outside_accounts():
        trails = world.client(account, "cloudtrail").describe_trails(trailNameList=[TRAIL_NAME])["trailList"]
        if trails:
            problems.append("trail {0} in {1}: still exists".format(TRAIL_NAME, account))
    left = sorted({CROSS_ACCOUNT_ACL, CROSS_ACCOUNT_WRITE}
                  & set(_statements(_bucket_policy(world, world.log, world.cloudtrail_bucket))))
    if left:
        problems.append("bucket {0} policy: cross-account statements left: {1}".format(world.cloudtrail_bucket, left))
    names = [r["RoleName"] for r in world.client(world.log, "iam").list_roles()["Roles"]]
    if READER_ROLE in names:
        problems.append("{0} in {1}: still exists".format(READER_ROLE, world.log))
    return problems


def drift(world):
    """Change the onboarded organization in every way the drift side effect expects verify.yml to report."""
    first, second = world.regions[0], world.regions[1 % len(world.regions)]
    admin = world.log
    # Organization members cannot be disassociated while auto-enable is ALL: an invited account can.
    member = world.outside_accounts()[0]
    gd_first = world.client(admin, "guardduty", first)
    gd_second = world.client(admin, "guardduty", second)
    detector_first = world.detector_id(admin, first)
    detector_second = world.detector_id(admin, second)
    kinds = {}

    gd_first.update_detector(DetectorId=detector_first, Features=[{"Name": "S3_DATA_EVENTS", "Status": "DISABLED"}])
    kinds["feature_disabled"] = {"phase": "guardduty_org", "region": first, "text": "S3_DATA_EVENTS"}

    gd_second.disassociate_members(DetectorId=detector_second, AccountIds=[member])
    kinds["member_disassociated"] = {"phase": "guardduty_org", "region": second, "text": member}

    gd_second.update_detector(DetectorId=detector_second, FindingPublishingFrequency="SIX_HOURS")
    kinds["frequency_changed"] = {"phase": "guardduty_org", "region": second, "text": "FIFTEEN_MINUTES"}

    destinations = gd_first.list_publishing_destinations(DetectorId=detector_first)["Destinations"]
    for destination in destinations:
        gd_first.delete_publishing_destination(DetectorId=detector_first, DestinationId=destination["DestinationId"])
    kinds["destination_deleted"] = {"phase": "findings_export", "region": first, "text": ""}

    world.client(world.log, "s3").put_bucket_notification_configuration(
        Bucket=world.findings_bucket, NotificationConfiguration={})
    kinds["notification_removed"] = {"phase": "sns_wiring", "region": "", "text": NOTIFICATION_ID}

    s3 = world.client(world.log, "s3")
    policy = json.loads(s3.get_bucket_policy(Bucket=world.cloudtrail_bucket)["Policy"])
    for statement in policy["Statement"]:
        if statement.get("Sid") == "AWSCloudTrailOrganizationWrite20150319":
            statement["Resource"] = "arn:aws:s3:::{0}/AWSLogs/somewhere-else/*".format(world.cloudtrail_bucket)
    s3.put_bucket_policy(Bucket=world.cloudtrail_bucket, Policy=json.dumps(policy))
    kinds["policy_statement_edited"] = {"phase": "org_trail", "region": "", "text": world.cloudtrail_bucket}

    world.client(world.log, "iam").update_assume_role_policy(RoleName=MAIN_ROLE, PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::{0}:root".format(world.management)},
                       "Action": "sts:AssumeRole"}]}))
    kinds["role_trust_edited"] = {"phase": "radiant_iam", "region": "", "text": MAIN_ROLE}

    world.client(world.management, "cloudtrail").stop_logging(Name=TRAIL_NAME)
    kinds["trail_logging_stopped"] = {"phase": "org_trail", "region": "", "text": TRAIL_NAME}
    return kinds


def customer(world):
    """Customer state that exists before onboarding: foreign statements in the bucket, key and topic
    policies, detectors with other settings, a notification of the customer's own on the findings bucket."""
    s3 = world.client(world.log, "s3")
    sqs = world.client(world.log, "sqs")
    sns = world.client(world.log, "sns")
    reader = {"AWS": "arn:aws:iam::{0}:root".format(world.management)}
    for bucket in (world.findings_bucket, world.cloudtrail_bucket):
        s3.create_bucket(Bucket=bucket)
        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
            "Sid": CUSTOMER_SID, "Effect": "Allow", "Principal": reader, "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::{0}/audit/*".format(bucket)}, {
            # Without a Sid (optional in the IAM grammar): onboarding once stopped for good on such a statement.
            "Effect": "Allow", "Principal": {"AWS": [reader["AWS"]]}, "Action": ["s3:ListBucket"],
            "Resource": ["arn:aws:s3:::{0}".format(bucket)],
            "Condition": {"StringLike": {"s3:prefix": ["audit/*", "reports/*"]}}}]}))
    kms = world.client(world.log, "kms")
    key = kms.create_key(Description="customer's key, adopted by the onboarding")["KeyMetadata"]
    kms.create_alias(AliasName=FINDINGS_KEY_ALIAS, TargetKeyId=key["KeyId"])
    key_policy = json.loads(kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"])
    key_policy["Statement"].append({"Sid": CUSTOMER_SID, "Effect": "Allow", "Principal": reader,
                                    "Action": "kms:Decrypt", "Resource": "*"})
    key_policy["Statement"].append({"Effect": "Allow", "Principal": reader, "Action": "kms:DescribeKey",
                                    "Resource": "*"})
    kms.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=json.dumps(key_policy))
    topic_arn = sns.create_topic(Name=GUARDDUTY_TOPIC)["TopicArn"]
    topic_policy = json.loads(sns.get_topic_attributes(TopicArn=topic_arn)["Attributes"]["Policy"])
    topic_policy["Statement"].append({"Sid": CUSTOMER_SID, "Effect": "Allow", "Principal": reader,
                                      "Action": "SNS:Subscribe", "Resource": topic_arn})
    sns.set_topic_attributes(TopicArn=topic_arn, AttributeName="Policy", AttributeValue=json.dumps(topic_policy))
    queue_url = sqs.create_queue(QueueName=CUSTOMER_QUEUE)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={"Policy": json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sqs:SendMessage",
            "Resource": queue_arn,
            "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:s3:::" + world.findings_bucket}}}]})})
    s3.put_bucket_notification_configuration(Bucket=world.findings_bucket, NotificationConfiguration={
        "QueueConfigurations": [{"Id": CUSTOMER_NOTIFICATION, "QueueArn": queue_arn,
                                 "Events": ["s3:ObjectRemoved:*"]}]})
    # Detectors the customer made by hand, with other settings: the administrator's and a member's.
    member = sorted(set(world.org["member_account_ids"]) - set(world.org["suspended_account_ids"]))[0]
    for account in (world.log, member):
        for region in world.regions:
            world.client(account, "guardduty", region).create_detector(
                Enable=True, FindingPublishingFrequency="ONE_HOUR",
                Features=[{"Name": "EKS_AUDIT_LOGS", "Status": "DISABLED"}])
    return snapshot(world)


def snapshot(world):
    """The customer's own state, as it must stay through onboarding and offboarding."""
    s3 = world.client(world.log, "s3")
    state = {"bucket_statements": {}, "detectors": {}, "sidless_statements": {}}
    for bucket in (world.findings_bucket, world.cloudtrail_bucket):
        policy = _bucket_policy(world, world.log, bucket)
        state["bucket_statements"][bucket] = _statements(policy).get(CUSTOMER_SID)
        state["sidless_statements"][bucket] = _sidless(policy)
    key_id, key_policy = _key_policy(world, world.log, FINDINGS_KEY_ALIAS)
    state["key"] = {"id": key_id, "statement": _statements(key_policy).get(CUSTOMER_SID)}
    state["sidless_statements"][FINDINGS_KEY_ALIAS] = _sidless(key_policy)
    topic = world.client(world.log, "sns").get_topic_attributes(TopicArn=world.guardduty_topic_arn)["Attributes"]
    state["topic_statement"] = _statements(topic["Policy"]).get(CUSTOMER_SID)
    config = s3.get_bucket_notification_configuration(Bucket=world.findings_bucket)
    state["notification"] = [c for c in config.get("QueueConfigurations", []) if c.get("Id") == CUSTOMER_NOTIFICATION]
    member = sorted(set(world.org["member_account_ids"]) - set(world.org["suspended_account_ids"]))[0]
    for account in (world.log, member):
        for region in world.regions:
            state["detectors"]["{0}/{1}".format(account, region)] = world.detector_id(account, region)
    return state


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["check", "offboarded", "drift", "customer", "snapshot"])
    parser.add_argument("sample_org", help="YAML file with the 'sample_org' fact (molecule's sample_org.yml)")
    parser.add_argument("--phases", default=",".join(PHASES))
    parser.add_argument("--external-id", default="")
    parser.add_argument("--cross-account-prefix", default="")
    args = parser.parse_args(argv)
    with open(args.sample_org, encoding="utf-8") as handle:
        world = World(yaml.safe_load(handle)["sample_org"])
    world.cross_account_prefix = args.cross_account_prefix
    if args.command == "check":
        problems = Checker(world, args.external_id).run([p for p in args.phases.split(",") if p])
        json.dump({"problems": problems}, sys.stdout, indent=1)
        return 1 if problems else 0
    if args.command == "offboarded":
        problems = offboarded(world)
        json.dump({"problems": problems}, sys.stdout, indent=1)
        return 1 if problems else 0
    result = {"drift": drift, "customer": customer, "snapshot": snapshot}[args.command](world)
    json.dump(result, sys.stdout, indent=1, sort_keys=True, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
