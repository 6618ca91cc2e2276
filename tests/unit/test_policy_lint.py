"""Every policy the collection renders passes maintained linters, but for the findings allowed,
each with its reason, in policy_lint_allowlist.yml.

- parliament (IAM policy grammar, actions against AWS's resource types, risky grants with its
  community auditors) on the IAM identity and trust policies and the bucket, key, topic and
  queue policies, rendered by the radiant_policy filter the roles use;
- cfn-lint on the StackSet template the radiant_iam role ships.

Both run offline: parliament reads the IAM definitions it ships; the test refuses any socket.
"""

import json
import os
import socket
import subprocess
import sys

import pytest
import yaml

from ansible_collections.radiant.aws_onboarding.plugins.filter.radiant_policy import radiant_policy

HERE = os.path.dirname(__file__)
ALLOWLIST = os.path.join(HERE, "policy_lint_allowlist.yml")
TEMPLATE = os.path.join(HERE, "..", "..", "roles", "radiant_iam", "files", "radiant-api-access-role.cfn.json")

# Representative inputs: a management account, a log account, an organization, two Regions.
MANAGEMENT, LOG, OUTSIDE = "111111111111", "222222222222", "444444444444"
TRAIL = "arn:aws:cloudtrail:us-east-1:{0}:trail/organization-trail".format(MANAGEMENT)
KEY = "arn:aws:kms:us-east-1:{0}:key/1234abcd-12ab-34cd-56ef-1234567890ab".format(LOG)
TOPIC = "arn:aws:sns:us-east-1:{0}:guardduty-s3-radiantsecurity".format(LOG)
QUEUE = "arn:aws:sqs:us-east-1:{0}:radiant-subscriber".format(LOG)
ORGANIZATION = "o-a1b2c3d4e5"
DETECTORS = ["arn:aws:guardduty:{0}:{1}:detector/12abc34d567e8fa901bc2d34e56789f0".format(region, account)
             for account in (MANAGEMENT, LOG) for region in ("us-east-1", "us-west-2")]
OUTSIDE_DETECTORS = ["arn:aws:guardduty:us-east-1:{0}:detector/0a1b2c3d4e5f60718293a4b5c6d7e8f9".format(OUTSIDE)]


def _document(statements):
    return {"Version": "2012-10-17", "Statement": statements}


def rendered_policies():
    """{name: policy document}: what the roles render, through the filter they use."""
    findings_bucket = "example-guardduty-radiantsecurity"
    trail_bucket = "example-cloudtrail-radiantsecurity"
    return {
        # IAM identity policies
        "api_access_policy": radiant_policy("api_access_policy"),
        "main_access_policy": radiant_policy("main_access_policy", sns_topic_arns=[TOPIC], kms_key_arns=[KEY]),
        "cross_account_reader_policy": radiant_policy("cross_account_reader_policy", bucket=trail_bucket,
                                                      prefix="outside"),
        # IAM trust policies
        "radiant_trust_policy": radiant_policy("radiant_trust_policy", external_id="rs-credential-0123"),
        "cross_account_reader_trust_policy": radiant_policy(
            "cross_account_reader_trust_policy", source_role_arns=["arn:aws:iam::{0}:role/reader".format(OUTSIDE)]),
        # S3 bucket policies
        "cloudtrail_bucket": _document(
            radiant_policy("cloudtrail_bucket_statements", bucket=trail_bucket, trail_arn=TRAIL,
                           management_account_id=MANAGEMENT, organization_id=ORGANIZATION)
            + radiant_policy("cross_account_log_bucket_statements", bucket=trail_bucket, source_account_ids=[OUTSIDE],
                             trail_arns=["arn:aws:cloudtrail:us-east-1:{0}:trail/outside".format(OUTSIDE)])
            + [radiant_policy("tls_only_bucket_statement", bucket=trail_bucket)]),
        "cross_account_log_bucket": _document(radiant_policy(
            "cross_account_log_bucket_statements", bucket=trail_bucket, source_account_ids=[OUTSIDE, "555555555555"])),
        "findings_bucket_detector_scope": _document(
            radiant_policy("guardduty_export_bucket_statements", bucket=findings_bucket, kms_key_arn=KEY,
                           detector_arns=DETECTORS, prefix="findings")
            + [radiant_policy("tls_only_bucket_statement", bucket=findings_bucket)]),
        "findings_bucket_organization_scope": _document(
            radiant_policy("guardduty_export_bucket_statements", bucket=findings_bucket, kms_key_arn=KEY,
                           organization_id=ORGANIZATION, outside_detector_arns=OUTSIDE_DETECTORS)
            + [radiant_policy("tls_only_bucket_statement", bucket=findings_bucket)]),
        # KMS key policies
        "cloudtrail_key": _document(radiant_policy("cloudtrail_key_statements", trail_arn=TRAIL,
                                                   management_account_id=MANAGEMENT)),
        "findings_key": _document(
            radiant_policy("guardduty_export_key_statements", key_arn=KEY, organization_id=ORGANIZATION,
                           outside_detector_arns=OUTSIDE_DETECTORS)),
        "topic_key": _document(radiant_policy("s3_publish_key_statements", bucket=findings_bucket,
                                              bucket_owner_account_id=LOG)),
        # SNS topic and SQS queue policies
        "cloudtrail_topic": _document(radiant_policy("cloudtrail_topic_statements", topic_arn=TOPIC, trail_arn=TRAIL)),
        "findings_topic": _document(radiant_policy("s3_publish_topic_statements", topic_arn=TOPIC,
                                                   bucket=findings_bucket, bucket_owner_account_id=LOG)),
        "subscriber_queue": radiant_policy("sns_subscriber_queue_policy", queue_arn=QUEUE, topic_arn=TOPIC),
    }


def _as_list(value):
    return value if isinstance(value, list) else [value]


def _statement_lines(text):
    """[(first line, last line, Sid)] of each statement in ``text`` (json.dumps(policy, indent=1))."""
    spans, start = [], None
    for number, line in enumerate(text.splitlines(), start=1):
        if line == "  {":
            start = number
        elif line in ("  }", "  },") and start is not None:
            spans.append((start, number))
            start = None
    return spans


def parliament_findings(name, policy):
    import parliament

    text = json.dumps(policy, indent=1)
    spans = _statement_lines(text)
    statements = _as_list(policy["Statement"])
    assert len(spans) == len(statements), "could not place the statements of " + name
    found = []
    for finding in parliament.analyze_policy_string(text, include_community_auditors=True).findings:
        line = finding.location.get("line") if isinstance(finding.location, dict) else None
        sid = None
        for (first, last), statement in zip(spans, statements):
            if line is not None and first <= line <= last:
                sid = statement.get("Sid")
        found.append({"linter": "parliament", "policy": name, "statement": sid, "issue": finding.issue,
                      "detail": finding.detail})
    return found


def cfn_lint_findings():
    cfn_lint = os.path.join(os.path.dirname(sys.executable), "cfn-lint")
    result = subprocess.run([cfn_lint, "--format", "json", TEMPLATE], capture_output=True, text=True, check=False)
    assert result.stdout.strip(), "cfn-lint gave no JSON: " + result.stderr
    return [{"linter": "cfn-lint", "policy": "api_role_cloudformation_template", "statement": None,
             "issue": match["Rule"]["Id"], "detail": match["Message"]} for match in json.loads(result.stdout)]


def load_allowlist():
    with open(ALLOWLIST, encoding="utf-8") as handle:
        entries = yaml.safe_load(handle)
    for entry in entries:
        assert set(entry) <= {"linter", "policy", "statement", "issue", "reason"}, entry
        assert entry.get("reason", "").strip(), "allow-list entry without a reason: {0}".format(entry)
        assert entry.get("linter") in ("parliament", "cfn-lint") and entry.get("issue") and entry.get("policy"), entry
    return entries


def allows(entry, finding):
    return (entry["linter"] == finding["linter"] and entry["issue"] == finding["issue"]
            and finding["policy"] in _as_list(entry["policy"])
            and ("statement" not in entry or finding["statement"] in _as_list(entry["statement"])))


@pytest.fixture(scope="module", autouse=True)
def no_network():
    """parliament must work offline: any attempt to connect fails the test (cfn-lint runs in its own process)."""
    def refuse(*args, **kwargs):
        raise AssertionError("a policy linter tried to use the network: {0!r}".format(args))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", refuse)
        patch.setattr(socket, "create_connection", refuse)
        patch.setattr(socket, "getaddrinfo", refuse)
        yield


@pytest.fixture(scope="module")
def cfn_lint():
    return cfn_lint_findings()


@pytest.fixture(scope="module")
def findings():
    found = []
    for name, policy in rendered_policies().items():
        found.extend(parliament_findings(name, policy))
    return found


def test_every_rendered_policy_has_only_allowed_parliament_findings(findings):
    entries = load_allowlist()
    unexplained = [f for f in findings if not any(allows(entry, f) for entry in entries)]
    assert not unexplained, "fix the policy, or add an entry with its reason to {0}:\n{1}".format(
        ALLOWLIST, "\n".join(json.dumps(f) for f in unexplained))


def test_stackset_template_has_only_allowed_cfn_lint_findings(cfn_lint):
    entries = load_allowlist()
    unexplained = [f for f in cfn_lint if not any(allows(entry, f) for entry in entries)]
    assert not unexplained, "\n".join(json.dumps(f) for f in unexplained)


def test_every_allowlist_entry_is_still_needed(findings, cfn_lint):
    every = findings + cfn_lint
    stale = [entry for entry in load_allowlist() if not any(allows(entry, f) for f in every)]
    assert not stale, "remove these allow-list entries, nothing reports them any more: {0}".format(stale)


def test_parliament_reports_what_it_should():
    """The linter is live: an unknown action, and a grant on every resource, are reported."""
    unknown = _document([{"Sid": "Typo", "Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"}])
    star = _document([{"Sid": "Star", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}])
    assert {f["issue"] for f in parliament_findings("unknown", unknown)} == {"UNKNOWN_ACTION"}
    assert "RESOURCE_STAR" in {f["issue"] for f in parliament_findings("star", star)}
