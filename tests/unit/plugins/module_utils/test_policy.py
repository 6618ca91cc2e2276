"""Statement-level merging of resource policies: a table of cases, then the limits."""

import copy
import json

import pytest
from botocore.exceptions import ClientError

from ansible_collections.radiant.aws_onboarding.plugins.module_utils import policy as P

BUCKET_ARN = "arn:aws:s3:::example-logs"


def stmt(sid, **overrides):
    statement = {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"Service": "cloudtrail.amazonaws.com"},
        "Action": "s3:PutObject",
        "Resource": BUCKET_ARN + "/AWSLogs/*",
    }
    statement.update(overrides)
    return statement


FOREIGN = [
    {"Sid": "CustomerRead", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
     "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": [BUCKET_ARN, BUCKET_ARN + "/*"]},
    {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": BUCKET_ARN + "/*",
     "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    {"Sid": "CustomerAudit", "Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::444455556666:role/audit"]},
     "Action": "s3:GetBucketAcl", "Resource": BUCKET_ARN},
]


def policy_with(*statements):
    return {"Version": "2012-10-17", "Statement": [copy.deepcopy(s) for s in statements]}


# (case id, current policy, requested statements, state, expected statements after, added, updated, removed)
CASES = [
    ("new statement on a resource without policy", None, [stmt("Ours")], "present",
     [stmt("Ours")], ["Ours"], [], []),
    ("new statement appended after foreign ones", policy_with(*FOREIGN), [stmt("Ours")], "present",
     FOREIGN + [stmt("Ours")], ["Ours"], [], []),
    ("same Sid changed is replaced in place", policy_with(FOREIGN[0], stmt("Ours"), FOREIGN[2]),
     [stmt("Ours", Action="s3:GetBucketAcl")], "present",
     [FOREIGN[0], stmt("Ours", Action="s3:GetBucketAcl"), FOREIGN[2]], [], ["Ours"], []),
    ("foreign statements kept when ours already match", policy_with(*(FOREIGN + [stmt("Ours")])),
     [stmt("Ours")], "present", FOREIGN + [stmt("Ours")], [], [], []),
    ("unordered action and resource lists are equal",
     policy_with(stmt("Ours", Action=["s3:PutObject", "s3:GetBucketAcl"], Resource=["b", "a"])),
     [stmt("Ours", Action=["s3:GetBucketAcl", "s3:PutObject"], Resource=["a", "b"])], "present",
     [stmt("Ours", Action=["s3:PutObject", "s3:GetBucketAcl"], Resource=["b", "a"])], [], [], []),
    ("statement order does not matter", policy_with(stmt("B"), stmt("A")), [stmt("A"), stmt("B")], "present",
     [stmt("B"), stmt("A")], [], [], []),
    ("Principal string equals a one-element list",
     policy_with(stmt("Ours", Principal={"Service": ["cloudtrail.amazonaws.com"]})),
     [stmt("Ours", Principal={"Service": "cloudtrail.amazonaws.com"})], "present",
     [stmt("Ours", Principal={"Service": ["cloudtrail.amazonaws.com"]})], [], [], []),
    ("Principal '*' equals {'AWS': '*'}", policy_with(stmt("Ours", Principal="*")),
     [stmt("Ours", Principal={"AWS": ["*"]})], "present", [stmt("Ours", Principal="*")], [], [], []),
    ("account id equals its root ARN",
     policy_with(stmt("Ours", Principal={"AWS": "arn:aws:iam::111122223333:root"})),
     [stmt("Ours", Principal={"AWS": "111122223333"})], "present",
     [stmt("Ours", Principal={"AWS": "arn:aws:iam::111122223333:root"})], [], [], []),
    ("Action case and string-vs-list do not matter", policy_with(stmt("Ours", Action=["SNS:Publish"])),
     [stmt("Ours", Action="sns:Publish")], "present", [stmt("Ours", Action=["SNS:Publish"])], [], [], []),
    ("condition value string equals list, key case ignored",
     policy_with(stmt("Ours", Condition={"StringEquals": {"aws:SourceArn": ["arn:x"]}})),
     [stmt("Ours", Condition={"StringEquals": {"AWS:SourceArn": "arn:x"}})], "present",
     [stmt("Ours", Condition={"StringEquals": {"aws:SourceArn": ["arn:x"]}})], [], [], []),
    ("different condition values are a change",
     policy_with(stmt("Ours", Condition={"StringEquals": {"aws:SourceArn": ["arn:x"]}})),
     [stmt("Ours", Condition={"StringEquals": {"aws:SourceArn": ["arn:x", "arn:y"]}})], "present",
     [stmt("Ours", Condition={"StringEquals": {"aws:SourceArn": ["arn:x", "arn:y"]}})], [], ["Ours"], []),
    ("absent removes only our Sid", policy_with(FOREIGN[0], stmt("Ours"), FOREIGN[1], FOREIGN[2]),
     [{"Sid": "Ours"}], "absent", FOREIGN, [], [], ["Ours"]),
    ("absent of a missing Sid changes nothing", policy_with(*FOREIGN), [{"Sid": "Ours"}], "absent",
     FOREIGN, [], [], []),
]


@pytest.mark.parametrize(
    "current, requested, state, expected, added, updated, removed",
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_merge_table(current, requested, state, expected, added, updated, removed):
    before = copy.deepcopy(current)
    result = P.merge_statements(current, requested, state=state, resource_type=P.S3_BUCKET)
    assert result.policy["Statement"] == expected
    assert (result.added, result.updated, result.removed) == (added, updated, removed)
    assert result.changed == bool(added or updated or removed)
    assert result.previous == before
    assert current == before, "the live policy passed in must not be mutated"


def test_foreign_statements_survive_byte_for_byte():
    current = policy_with(*FOREIGN)
    current["Id"] = "CustomerPolicy"
    result = P.merge_statements(current, [stmt("Ours")])
    kept = [s for s in result.policy["Statement"] if s.get("Sid") != "Ours"]
    assert json.dumps(kept, sort_keys=True) == json.dumps(FOREIGN, sort_keys=True)
    assert result.policy["Id"] == "CustomerPolicy"
    removed = P.merge_statements(result.policy, [{"Sid": "Ours"}], state="absent")
    assert removed.policy == current


def test_base_policy_is_kept_when_resource_reports_none():
    default = {"Version": "2008-10-17", "Id": "__default_policy_ID",
               "Statement": [stmt("__default_statement_ID", Principal={"AWS": "*"})]}
    result = P.merge_statements(None, [stmt("Ours")], resource_type=P.SNS_TOPIC, base_policy=default)
    assert [s["Sid"] for s in result.policy["Statement"]] == ["__default_statement_ID", "Ours"]
    assert result.policy["Version"] == "2008-10-17"


def test_nothing_to_remove_from_no_policy_stays_none():
    result = P.merge_statements(None, [{"Sid": "Ours"}], state="absent")
    assert not result.changed
    assert result.policy is None


def test_removing_the_last_statement_leaves_an_empty_policy():
    result = P.merge_statements(policy_with(stmt("Ours")), [{"Sid": "Ours"}], state="absent")
    assert result.changed and result.empty


@pytest.mark.parametrize("resource_type, limit", [(P.S3_BUCKET, 20480), (P.KMS_KEY, 32768), (P.SNS_TOPIC, 30720)])
def test_size_limit_per_resource_type(resource_type, limit):
    # Grow one statement's resource list until the compact document passes the limit.
    resources = ["arn:aws:s3:::bucket-{0:05d}/*".format(i) for i in range(limit // 30)]
    big = stmt("Big", Resource=resources)
    assert P.policy_size(policy_with(big)) > limit
    with pytest.raises(P.PolicyError, match=r"over AWS's limit of {0} bytes".format(limit)):
        P.merge_statements(None, [big], resource_type=resource_type)
    fits = stmt("Fits", Resource=resources[: limit // 60])
    assert P.merge_statements(None, [fits], resource_type=resource_type).changed


def test_sns_statement_count_limit():
    current = policy_with(*[stmt("S{0}".format(i)) for i in range(100)])
    with pytest.raises(P.PolicyError, match="100"):
        P.merge_statements(current, [stmt("OneTooMany")], resource_type=P.SNS_TOPIC)


def test_duplicate_sid_in_request():
    with pytest.raises(P.PolicyError, match="duplicate Sid 'Ours' in the requested statements"):
        P.merge_statements(None, [stmt("Ours"), stmt("Ours", Action="s3:GetObject")])


def test_duplicate_sid_in_result():
    current = policy_with(stmt("Theirs"), stmt("Theirs", Action="s3:GetObject"))
    with pytest.raises(P.PolicyError, match="duplicate Sid 'Theirs' in the resulting policy"):
        P.merge_statements(current, [stmt("Ours")])


def test_duplicate_sid_already_present_is_not_guessed():
    current = policy_with(stmt("Ours"), stmt("Ours", Action="s3:GetObject"))
    with pytest.raises(P.PolicyError, match="refusing to guess"):
        P.merge_statements(current, [stmt("Ours", Action="s3:ListBucket")])


INVALID = [
    ("no Sid", {k: v for k, v in stmt("x").items() if k != "Sid"}, "has no Sid"),
    ("bad Effect", stmt("Ours", Effect="allow"), "Effect 'allow'"),
    ("no Effect", {k: v for k, v in stmt("Ours").items() if k != "Effect"}, "Effect None"),
    ("no Action", {k: v for k, v in stmt("Ours").items() if k != "Action"}, "needs Action"),
    ("no Principal", {k: v for k, v in stmt("Ours").items() if k != "Principal"}, "needs Principal"),
    ("no Resource", {k: v for k, v in stmt("Ours").items() if k != "Resource"}, "needs Resource"),
    ("Action and NotAction", stmt("Ours", NotAction="s3:GetObject"), "both Action and NotAction"),
    ("unknown element", stmt("Ours", Actions="s3:GetObject"), "unknown element"),
    ("bad Condition", stmt("Ours", Condition={"StringEquals": "x"}), "Condition"),
    ("not a dict", "Ours", "not a dictionary"),
]


@pytest.mark.parametrize("statement, message", [c[1:] for c in INVALID], ids=[c[0] for c in INVALID])
def test_invalid_statement_refused(statement, message):
    with pytest.raises(P.PolicyError, match=message):
        P.merge_statements(policy_with(*FOREIGN), [statement])


def test_absent_needs_only_sid():
    with pytest.raises(P.PolicyError, match="state=absent removes statements by Sid"):
        P.merge_statements(None, [{"Effect": "Allow"}], state="absent")


def test_statements_equal_detects_effect_change():
    assert not P.statements_equal(stmt("A"), stmt("A", Effect="Deny"))
    assert P.statements_equal(stmt("A", Resource=["r"]), stmt("A", Resource="r"))


def test_backup_path_and_write(tmp_path):
    path = P.backup_path(str(tmp_path / "backups"), P.SNS_TOPIC, "arn:aws:sns:us-east-1:123456789012:t", now=0)
    assert path.endswith("sns_topic-arn_aws_sns_us-east-1_123456789012_t-19700101T000000Z.json")
    P.write_backup(policy_with(*FOREIGN), path)
    with open(path) as handle:
        assert json.load(handle) == policy_with(*FOREIGN)


@pytest.mark.parametrize("resource_type, resource, region", [
    (P.SNS_TOPIC, "arn:aws:sns:eu-west-1:123456789012:topic", "eu-west-1"),
    (P.KMS_KEY, "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", "us-west-2"),
    (P.KMS_KEY, "alias/guardduty-s3-radiantsecurity", None),
    (P.S3_BUCKET, "arn-looking-bucket", None),
])
def test_region_of(resource_type, resource, region):
    assert P.region_of(resource_type, resource) == region


@pytest.mark.parametrize("partition", ["aws", "aws-us-gov", "aws-cn"])
def test_a_bare_account_id_equals_its_root_arn_in_the_accounts_partition(partition):
    # AWS stores a bare account id as the root ARN in the account's own partition; a bucket in aws-cn
    # must not drift forever because the comparison assumed arn:aws.
    wanted = stmt("Ours", Principal={"AWS": "111122223333"})
    stored = stmt("Ours", Principal={"AWS": "arn:{0}:iam::111122223333:root".format(partition)})
    assert P.statements_equal(wanted, stored)
    assert not P.statements_equal(wanted, stmt("Ours", Principal={"AWS": "arn:{0}:iam::444455556666:root".format(
        partition)}))


@pytest.mark.parametrize("partition", ["aws", "aws-us-gov", "aws-cn"])
def test_the_bucket_arn_of_a_policy_store_is_in_its_partition(partition):
    class FakeS3:
        def get_bucket_policy(self, **_params):
            return {"Policy": json.dumps(policy_with(stmt("Ours")))}

    store = P.ResourcePolicyStore(FakeS3(), P.S3_BUCKET, "logs", partition=partition)
    store.read()
    assert store.arn == "arn:{0}:s3:::logs".format(partition)


class FakeStore:
    """A ResourcePolicyStore stand-in that records what would be written."""

    def __init__(self, resource_type, arn="arn:aws:s3:::bucket"):
        self.resource_type = resource_type
        self.resource = arn
        self.arn = arn
        self.written = []

    def write(self, policy):
        self.written.append(("write", policy))

    def delete(self):
        self.written.append(("delete", None))


OURS = {"Sid": "Ours", "Effect": "Allow", "Principal": {"Service": "guardduty.amazonaws.com"},
        "Action": "s3:PutObject", "Resource": "arn:aws:s3:::bucket/*"}
THEIRS = {"Sid": "Theirs", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
          "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"}


def test_a_planned_change_writes_only_when_applied_and_backs_up_the_previous_policy(tmp_path):
    store = FakeStore(P.S3_BUCKET)
    current = {"Version": "2012-10-17", "Statement": [THEIRS]}
    change = P.plan_policy_change(store, current, [OURS])
    assert change.changed and not change.delete and store.written == []
    output = change.output()
    assert output["statements_added"] == ["Ours"] and output["previous_policy"] == current
    assert output["diff"]["before"] == current and output["diff"]["before_header"] == "arn:aws:s3:::bucket policy"
    backup = change.apply(str(tmp_path / "backup.json"))
    assert json.loads((tmp_path / "backup.json").read_text()) == current and backup == str(tmp_path / "backup.json")
    assert [call for call, _policy in store.written] == ["write"]
    assert store.written[0][1]["Statement"] == [THEIRS, OURS]


def test_an_unchanged_policy_has_no_diff_and_removing_the_last_s3_statement_deletes_the_policy():
    store = FakeStore(P.S3_BUCKET)
    unchanged = P.plan_policy_change(store, {"Version": "2012-10-17", "Statement": [OURS]}, [OURS])
    assert not unchanged.changed and "diff" not in unchanged.output()
    emptied = P.plan_policy_change(store, {"Version": "2012-10-17", "Statement": [OURS]}, [{"Sid": "Ours"}], "absent")
    assert emptied.delete and emptied.output()["policy"] is None
    assert emptied.apply() is None and store.written == [("delete", None)]


def test_a_key_or_topic_policy_is_never_emptied():
    key = FakeStore(P.KMS_KEY, "arn:aws:kms:us-east-1:111122223333:key/1")
    with pytest.raises(P.PolicyError, match="without statements"):
        P.plan_policy_change(key, {"Version": "2012-10-17", "Statement": [OURS]}, [{"Sid": "Ours"}], "absent")


# -- statements_in_place: resource_owner_info's policy_in_place ------------------------------------

class _PolicyReads:
    """A client that answers the three policy reads with fixed policies (None: no bucket policy)."""

    def __init__(self, policy=None, error=None):
        self.policy, self.error, self.calls = policy, error, []

    def _answer(self, operation, **params):
        self.calls.append((operation, params))
        if self.error:
            raise ClientError({"Error": {"Code": self.error, "Message": self.error}}, operation)

    def get_bucket_policy(self, aws_retry=False, **params):
        self._answer("GetBucketPolicy", **params)
        if self.policy is None:
            raise ClientError({"Error": {"Code": "NoSuchBucketPolicy", "Message": "none"}}, "GetBucketPolicy")
        return {"Policy": json.dumps(self.policy)}

    def describe_key(self, aws_retry=False, **params):
        self._answer("DescribeKey", **params)
        return {"KeyMetadata": {"Arn": params["KeyId"]}}

    def get_key_policy(self, aws_retry=False, **params):
        self._answer("GetKeyPolicy", **params)
        return {"Policy": json.dumps(self.policy)}

    def get_topic_attributes(self, aws_retry=False, **params):
        self._answer("GetTopicAttributes", **params)
        return {"Attributes": {"Policy": json.dumps(self.policy)}}


_WRITE = {"Sid": "Write", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
          "Action": "s3:PutObject", "Resource": "arn:aws:s3:::logs/*"}
_CUSTOMER = {"Sid": "Customer", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
             "Action": "s3:GetObject", "Resource": "arn:aws:s3:::logs/*"}


@pytest.mark.parametrize("record, reads", [
    ({"type": "s3_bucket", "name": "logs"}, ["GetBucketPolicy"]),
    ({"type": "kms_key", "name": "alias/k", "arn": "arn:aws:kms:us-east-1:111111111111:key/k"},
     ["DescribeKey", "GetKeyPolicy"]),
    ({"type": "sns_topic", "name": "arn:aws:sns:us-east-1:111111111111:t"}, ["GetTopicAttributes"])])
def test_statements_in_place_reads_as_resource_policy_and_ignores_other_statements(record, reads):
    client = _PolicyReads({"Version": "2012-10-17", "Statement": [_CUSTOMER, _WRITE]})
    assert P.statements_in_place(client, record, [_WRITE], "111111111111") is True
    assert [operation for operation, _params in client.calls] == reads
    if reads == ["GetBucketPolicy"]:
        assert client.calls[0][1]["ExpectedBucketOwner"] == "111111111111"
    if "GetKeyPolicy" in reads:
        # By the ARN the ownership read found, never the alias (GetKeyPolicy takes none).
        assert [params["KeyId"] for _operation, params in client.calls] == [record["arn"]] * 2


def test_statements_in_place_is_false_for_a_missing_or_different_statement():
    record = {"type": "s3_bucket", "name": "logs"}
    other = dict(_WRITE, Resource="arn:aws:s3:::logs/AWSLogs/*")
    assert P.statements_in_place(_PolicyReads(None), record, [_WRITE]) is False
    assert P.statements_in_place(_PolicyReads({"Statement": [_CUSTOMER]}), record, [_WRITE]) is False
    assert P.statements_in_place(_PolicyReads({"Statement": [other]}), record, [_WRITE]) is False


def test_statements_in_place_is_none_when_the_policy_cannot_be_read_or_a_statement_is_invalid():
    record = {"type": "sns_topic", "name": "arn:aws:sns:us-east-1:111111111111:t"}
    assert P.statements_in_place(_PolicyReads(error="AuthorizationError"), record, [_WRITE]) is None
    assert P.statements_in_place(_PolicyReads({"Statement": []}), record, [{"Sid": "Broken"}]) is None
    with pytest.raises(ClientError):
        P.statements_in_place(_PolicyReads(error="Throttling"), record, [_WRITE])
