"""Who owns a bucket, key or topic adopted by name (module_utils/resource_owner.py)."""

import pytest
from botocore.exceptions import ClientError

from ansible_collections.radiant.aws_onboarding.plugins.module_utils import resource_owner as R

LOG = "111111111111"
SQUATTER = "222222222222"


def client_error(code, operation="HeadBucket"):
    return ClientError({"Error": {"Code": code, "Message": code}}, operation)


class FakeS3:
    """Buckets by name -> owner; answers HeadBucket as S3 does with ExpectedBucketOwner."""

    def __init__(self, owners):
        self.owners = owners
        self.calls = []

    def head_bucket(self, aws_retry=False, **params):
        self.calls.append(params)
        owner = self.owners.get(params["Bucket"])
        if owner is None:
            raise client_error("404")
        if params.get("ExpectedBucketOwner") not in (None, owner):
            raise client_error("403")
        return {}


class FakeKms:
    def __init__(self, keys, rotation=None):
        self.keys = keys
        self.rotation = rotation or {}
        self.rotation_reads = []

    def describe_key(self, aws_retry=False, KeyId=None):
        if KeyId not in self.keys:
            raise client_error("NotFoundException", "DescribeKey")
        return {"KeyMetadata": self.keys[KeyId]}

    def get_key_rotation_status(self, aws_retry=False, KeyId=None):
        self.rotation_reads.append(KeyId)
        answer = self.rotation.get(KeyId, False)
        if isinstance(answer, Exception):
            raise answer
        return {"KeyRotationEnabled": answer}


class FakeSns:
    def __init__(self, topics, tags=None):
        self.topics = topics
        self.tags = tags or {}
        self.tag_reads = []

    def list_tags_for_resource(self, aws_retry=False, ResourceArn=None):
        self.tag_reads.append(ResourceArn)
        return {"Tags": [{"Key": key, "Value": value} for key, value in self.tags.get(ResourceArn, {}).items()]}

    def get_topic_attributes(self, aws_retry=False, TopicArn=None):
        if TopicArn not in self.topics:
            raise client_error("NotFound", "GetTopicAttributes")
        return {"Attributes": self.topics[TopicArn]}


@pytest.mark.parametrize("owners, state", [({"b": LOG}, R.OWNED), ({}, R.MISSING), ({"b": SQUATTER}, R.FOREIGN)])
def test_bucket_state_from_head_bucket_with_the_expected_owner(owners, state):
    s3 = FakeS3(owners)
    assert R.bucket_state(s3, "b", LOG) == state
    assert s3.calls == [{"Bucket": "b", "ExpectedBucketOwner": LOG}]


def test_bucket_state_passes_other_errors_on():
    class Broken(FakeS3):
        def head_bucket(self, aws_retry=False, **params):
            raise client_error("SlowDown")

    with pytest.raises(ClientError):
        R.bucket_state(Broken({}), "b", LOG)


def test_a_squatted_bucket_is_a_problem_naming_bucket_owner_expected_account_and_variable():
    records, problems = R.check_resources(
        {"s3": FakeS3({"example-guardduty-radiantsecurity": SQUATTER, "example-cloudtrail-radiantsecurity": LOG})},
        LOG, buckets=[{"name": "example-guardduty-radiantsecurity", "variable": "radiant_findings_bucket_name"},
                      {"name": "example-cloudtrail-radiantsecurity", "variable": "radiant_cloudtrail_bucket_name"},
                      {"name": "example-free", "variable": "x_bucket_name"}])
    assert [(r["name"], r["state"], r["owner"]) for r in records] == [
        ("example-guardduty-radiantsecurity", R.FOREIGN, None),
        ("example-cloudtrail-radiantsecurity", R.OWNED, LOG),
        ("example-free", R.MISSING, None)]
    assert len(problems) == 1
    message = problems[0]
    for part in ("S3 bucket example-guardduty-radiantsecurity", "belongs to another account",
                 "not to account " + LOG, "Nothing was written to it",
                 "Choose another name with radiant_findings_bucket_name"):
        assert part in message


class FakeConfiguredS3(FakeS3):
    """FakeS3 with each bucket's settings; an absent setting answers as S3 does when it is not configured."""

    UNSET = {"get_public_access_block": "NoSuchPublicAccessBlockConfiguration",
             "get_bucket_encryption": "ServerSideEncryptionConfigurationNotFoundError"}

    def __init__(self, owners, settings):
        super().__init__(owners)
        self.settings = settings

    def _answer(self, operation, params):
        self.calls.append(dict(params, operation=operation))
        assert params["ExpectedBucketOwner"] == self.owners[params["Bucket"]]
        answer = self.settings.get(params["Bucket"], {}).get(operation)
        if answer is None:
            if operation in self.UNSET:
                raise client_error(self.UNSET[operation], operation)
            return {"ResponseMetadata": {"HTTPStatusCode": 200}}
        if isinstance(answer, Exception):
            raise answer
        return dict(answer, ResponseMetadata={"HTTPStatusCode": 200})

    def get_public_access_block(self, aws_retry=False, **params):
        return self._answer("get_public_access_block", params)

    def get_bucket_encryption(self, aws_retry=False, **params):
        return self._answer("get_bucket_encryption", params)

    def get_bucket_notification_configuration(self, aws_retry=False, **params):
        return self._answer("get_bucket_notification_configuration", params)


ALL_FACTS = ["public_access_block", "encryption", "notification_configuration"]


def test_an_owned_buckets_facts_are_read_with_the_expected_owner_and_unset_ones_are_empty():
    block = dict.fromkeys(("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), True)
    rules = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}
    topics = {"TopicConfigurations": [{"Id": "n", "TopicArn": "arn:aws:sns:us-east-1:%s:t" % LOG,
                                       "Events": ["s3:ObjectCreated:*"]}]}
    s3 = FakeConfiguredS3({"set": LOG, "bare": LOG}, {"set": {
        "get_public_access_block": {"PublicAccessBlockConfiguration": block},
        "get_bucket_encryption": {"ServerSideEncryptionConfiguration": rules},
        "get_bucket_notification_configuration": topics}})
    records, problems = R.check_resources({"s3": s3}, LOG, buckets=[
        {"name": "set", "variable": "a", "facts": ALL_FACTS}, {"name": "bare", "variable": "b", "facts": ALL_FACTS}])
    assert problems == []
    assert {fact: records[0][fact] for fact in ALL_FACTS} == {
        "public_access_block": block, "encryption": rules, "notification_configuration": topics}
    assert {fact: records[1][fact] for fact in ALL_FACTS} == {
        "public_access_block": {}, "encryption": {}, "notification_configuration": {}}
    assert all(call.get("ExpectedBucketOwner") == LOG for call in s3.calls)


def test_facts_are_read_only_for_an_owned_bucket_and_only_those_asked_for():
    s3 = FakeConfiguredS3({"ours": LOG, "theirs": SQUATTER}, {})
    records, problems = R.check_resources({"s3": s3}, LOG, buckets=[
        {"name": "ours", "variable": "a", "facts": ["encryption"]},
        {"name": "theirs", "variable": "b", "facts": ALL_FACTS},
        {"name": "free", "variable": "c", "facts": ALL_FACTS}])
    assert [call.get("operation", "head_bucket") for call in s3.calls] == [
        "head_bucket", "get_bucket_encryption", "head_bucket", "head_bucket"]
    assert set(records[0]) == {"type", "name", "variable", "state", "owner", "encryption"}
    assert not set(ALL_FACTS) & set(records[1]) and not set(ALL_FACTS) & set(records[2])
    assert len(problems) == 1


def test_a_facts_read_failure_other_than_not_configured_is_passed_on():
    s3 = FakeConfiguredS3({"ours": LOG}, {"ours": {"get_bucket_encryption": client_error("AccessDenied")}})
    with pytest.raises(ClientError):
        R.check_resources({"s3": s3}, LOG, buckets=[{"name": "ours", "variable": "a", "facts": ["encryption"]}])


def test_kms_key_of_another_account_or_aws_managed_is_a_problem():
    ours = {"AWSAccountId": LOG, "Arn": "arn:aws:kms:us-east-1:%s:key/1" % LOG, "KeyManager": "CUSTOMER"}
    theirs = {"AWSAccountId": SQUATTER, "Arn": "arn:aws:kms:us-east-1:%s:key/2" % SQUATTER, "KeyManager": "CUSTOMER"}
    managed = {"AWSAccountId": LOG, "Arn": "arn:aws:kms:us-east-1:%s:key/3" % LOG, "KeyManager": "AWS"}
    kms = FakeKms({"alias/ours": ours, "alias/theirs": theirs, "alias/aws/s3": managed})
    records, problems = R.check_resources({"kms": kms}, LOG, kms_keys=[
        {"name": "ours", "variable": "a"}, {"name": "alias/theirs", "variable": "b"},
        {"name": "alias/aws/s3", "variable": "c"}, {"name": "alias/none", "variable": "d"}])
    assert [(r["name"], r["state"], r["owner"]) for r in records] == [
        ("ours", R.OWNED, LOG), ("alias/theirs", R.FOREIGN, SQUATTER), ("alias/aws/s3", R.FOREIGN, LOG),
        ("alias/none", R.MISSING, None)]
    assert "belongs to account %s, not to account %s" % (SQUATTER, LOG) in problems[0]
    assert "with b" in problems[0]
    assert "AWS managed key" in problems[1] and "with c" in problems[1]
    assert len(problems) == 2


def test_sns_topic_owner_from_its_attributes():
    ours = "arn:aws:sns:us-east-1:%s:t" % LOG
    theirs = "arn:aws:sns:us-east-1:%s:t" % SQUATTER
    sns = FakeSns({ours: {"Owner": LOG}, theirs: {"Owner": SQUATTER}})
    records, problems = R.check_resources({"sns": sns}, LOG, sns_topics=[
        {"name": ours, "variable": "t1"}, {"name": theirs, "variable": "t2"},
        {"name": "arn:aws:sns:us-east-1:%s:gone" % LOG, "variable": "t3"}])
    assert [r["state"] for r in records] == [R.OWNED, R.FOREIGN, R.MISSING]
    assert problems == [R.ownership_problem("SNS topic", theirs, SQUATTER, LOG, "t2")]


def test_sns_topic_tags_are_read_only_for_an_owned_topic_that_asks_for_them():
    ours = "arn:aws:sns:us-east-1:%s:t" % LOG
    bare = "arn:aws:sns:us-east-1:%s:bare" % LOG
    theirs = "arn:aws:sns:us-east-1:%s:t" % SQUATTER
    sns = FakeSns({ours: {"Owner": LOG}, bare: {"Owner": LOG}, theirs: {"Owner": SQUATTER}},
                  tags={ours: {"managed-by": "radiant-onboarding", "team": "sec"}})
    records, _problems = R.check_resources({"sns": sns}, LOG, sns_topics=[
        {"name": ours, "variable": "t1", "facts": ["tags"]}, {"name": bare, "variable": "t2", "facts": ["tags"]},
        {"name": theirs, "variable": "t3", "facts": ["tags"]},
        {"name": "arn:aws:sns:us-east-1:%s:gone" % LOG, "variable": "t4", "facts": ["tags"]},
        {"name": ours, "variable": "t5"}])
    expected = [{"managed-by": "radiant-onboarding", "team": "sec"}, {}, None, None, None]
    assert [r.get("tags") for r in records] == expected
    assert sns.tag_reads == [ours, bare]


@pytest.mark.parametrize("arn, account", [("arn:aws:kms:us-east-1:111111111111:key/abc", "111111111111"),
                                          ("arn:aws:s3:::bucket", None), ("not-an-arn", None), (None, None)])
def test_arn_account(arn, account):
    assert R.arn_account(arn) == account


def test_bucket_owner_params_and_mismatch():
    assert R.bucket_owner_params("") == {}
    assert R.bucket_owner_params(LOG) == {"ExpectedBucketOwner": LOG}
    assert R.is_owner_mismatch(client_error("AccessDenied", "PutBucketPolicy"), LOG)
    assert not R.is_owner_mismatch(client_error("AccessDenied", "PutBucketPolicy"), "")
    assert not R.is_owner_mismatch(client_error("NoSuchBucket", "PutBucketPolicy"), LOG)


class FakePolicyS3(FakeS3):
    """GetBucketPolicy/PutBucketPolicy with the bucket owner condition."""

    def _check(self, params):
        self.calls.append(params)
        owner = self.owners[params["Bucket"]]
        if params.get("ExpectedBucketOwner") not in (None, owner):
            raise client_error("AccessDenied", "GetBucketPolicy")

    def get_bucket_policy(self, aws_retry=False, **params):
        self._check(params)
        raise client_error("NoSuchBucketPolicy", "GetBucketPolicy")

    def put_bucket_policy(self, aws_retry=False, **params):
        self._check(params)


def test_policy_store_sends_expected_bucket_owner_and_names_a_squatted_bucket():
    from ansible_collections.radiant.aws_onboarding.plugins.module_utils import policy as P

    s3 = FakePolicyS3({"ours": LOG, "squatted": SQUATTER})
    store = P.ResourcePolicyStore(s3, P.S3_BUCKET, "ours", expected_owner=LOG)
    assert store.read() is None
    store.write({"Version": "2012-10-17", "Statement": []})
    assert [call.get("ExpectedBucketOwner") for call in s3.calls] == [LOG, LOG]
    with pytest.raises(P.PolicyError, match="S3 bucket squatted belongs to another account, not to account " + LOG):
        P.ResourcePolicyStore(s3, P.S3_BUCKET, "squatted", expected_owner=LOG).read()
    # Without an expected owner nothing extra is sent (callers that do not know the owner).
    s3.calls.clear()
    P.ResourcePolicyStore(s3, P.S3_BUCKET, "squatted").read()
    assert s3.calls == [{"Bucket": "squatted"}]


def test_sns_topic_with_the_roles_tags_says_whether_they_are_in_place():
    tagged = "arn:aws:sns:us-east-1:%s:tagged" % LOG
    untagged = "arn:aws:sns:us-east-1:%s:untagged" % LOG
    changed = "arn:aws:sns:us-east-1:%s:changed" % LOG
    sns = FakeSns({tagged: {"Owner": LOG}, untagged: {"Owner": LOG}, changed: {"Owner": LOG}},
                  tags={tagged: {"managed-by": "radiant-onboarding", "team": "sec"},
                        changed: {"managed-by": "someone-else"}})
    wanted = {"managed-by": "radiant-onboarding"}
    records, _problems = R.check_resources({"sns": sns}, LOG, sns_topics=[
        {"name": tagged, "variable": "t1", "tags": wanted}, {"name": untagged, "variable": "t2", "tags": wanted},
        {"name": changed, "variable": "t3", "tags": wanted},
        {"name": "arn:aws:sns:us-east-1:%s:gone" % LOG, "variable": "t4", "tags": wanted}])
    assert [r.get("tags_in_place") for r in records] == [True, False, False, None]
    assert records[0]["tags"] == {"managed-by": "radiant-onboarding", "team": "sec"}
    assert sns.tag_reads == [tagged, untagged, changed]


@pytest.mark.parametrize("current, wanted, in_place", [
    ({"a": "1", "b": "2"}, {"a": "1"}, True), ({}, {}, True), ({"a": "1"}, {"a": "2"}, False),
    ({}, {"a": "1"}, False)])
def test_tags_in_place_ignores_other_tags_and_needs_each_wanted_value(current, wanted, in_place):
    assert R.tags_in_place(current, wanted) is in_place


def _key(number, account=LOG, state="Enabled", description="findings", manager="CUSTOMER"):
    return {"AWSAccountId": account, "Arn": "arn:aws:kms:us-east-1:%s:key/%d" % (account, number),
            "KeyManager": manager, "KeyState": state, "Description": description}


WANTED_KEY = {"description": "findings", "enabled": True, "enable_key_rotation": True}


def test_a_key_given_settings_is_in_place_only_when_enabled_described_and_rotated_as_asked():
    keys = {"alias/ok": _key(1), "alias/unrotated": _key(2), "alias/disabled": _key(3, state="Disabled"),
            "alias/deleting": _key(4, state="PendingDeletion"), "alias/renamed": _key(5, description="other"),
            "alias/denied": _key(6)}
    arn = "arn:aws:kms:us-east-1:%s:key/%d"
    rotation = dict((arn % (LOG, number), True) for number in (1, 3, 4, 5, 6))
    rotation[arn % (LOG, 2)] = False
    rotation[arn % (LOG, 6)] = client_error("AccessDeniedException", "GetKeyRotationStatus")
    kms = FakeKms(keys, rotation)
    records, problems = R.check_resources({"kms": kms}, LOG, kms_keys=[
        {"name": "alias/" + name, "variable": "v", "settings": WANTED_KEY}
        for name in ("ok", "unrotated", "disabled", "deleting", "renamed", "denied")])
    assert problems == []
    assert [r["settings_in_place"] for r in records] == [True, False, False, False, False, False]
    assert [r["key_rotation_enabled"] for r in records] == [True, False, True, True, True, None]
    assert records[0]["key_state"] == "Enabled" and records[0]["description"] == "findings"


def test_a_disabled_key_is_in_place_when_asked_to_be_disabled_and_unset_settings_are_not_compared():
    kms = FakeKms({"alias/off": _key(1, state="Disabled", description="anything")})
    records, _problems = R.check_resources({"kms": kms}, LOG, kms_keys=[
        {"name": "alias/off", "variable": "v", "settings": {"enabled": False}}])
    assert records[0]["settings_in_place"] is True


def test_key_rotation_is_read_only_for_an_owned_customer_key_given_settings():
    kms = FakeKms({"alias/ours": _key(1), "alias/theirs": _key(2, account=SQUATTER),
                   "alias/aws/s3": _key(3, manager="AWS"), "alias/plain": _key(4)})
    records, problems = R.check_resources({"kms": kms}, LOG, kms_keys=[
        {"name": "alias/ours", "variable": "a", "settings": WANTED_KEY},
        {"name": "alias/theirs", "variable": "b", "settings": WANTED_KEY},
        {"name": "alias/aws/s3", "variable": "c", "settings": WANTED_KEY},
        {"name": "alias/plain", "variable": "d"},
        {"name": "alias/missing", "variable": "e", "settings": WANTED_KEY}])
    assert kms.rotation_reads == ["arn:aws:kms:us-east-1:%s:key/1" % LOG]
    assert ["settings_in_place" in r for r in records] == [True, False, False, False, False]
    assert len(problems) == 2


def test_a_rotation_read_failure_other_than_access_denied_is_passed_on():
    failure = client_error("KMSInternalException", "GetKeyRotationStatus")
    kms = FakeKms({"alias/ours": _key(1)}, {"arn:aws:kms:us-east-1:%s:key/1" % LOG: failure})
    with pytest.raises(ClientError):
        R.check_resources({"kms": kms}, LOG, kms_keys=[{"name": "alias/ours", "variable": "a", "settings": WANTED_KEY}])


class FakeIam:
    """Roles by name -> GetRole's Role; inline policies by (role, name) -> document or an error to raise."""

    def __init__(self, roles, inline=None, error=None):
        self.roles = roles
        self.inline = inline or {}
        self.error = error
        self.policy_reads = []

    def get_role(self, aws_retry=False, RoleName=None):
        if self.error is not None:
            raise self.error
        if RoleName not in self.roles:
            raise client_error("NoSuchEntity", "GetRole")
        return {"Role": self.roles[RoleName]}

    def get_role_policy(self, aws_retry=False, RoleName=None, PolicyName=None):
        self.policy_reads.append((RoleName, PolicyName))
        found = self.inline.get((RoleName, PolicyName))
        if found is None:
            raise client_error("NoSuchEntity", "GetRolePolicy")
        if isinstance(found, Exception):
            raise found
        return {"PolicyDocument": found}


TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "arn:aws:iam::%s:root" % SQUATTER}}]}
READ = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
WANTED_ROLE = {"name": "reader", "variable": "reader_role_name", "description": "reads logs",
               "assume_role_policy_document": TRUST, "tags": {"managed-by": "radiant-onboarding"},
               "inline_policies": {"read": READ}}


OUR_TAGS = ({"Key": "managed-by", "Value": "radiant-onboarding"},)


def _role(description="reads logs", trust=None, tags=OUR_TAGS):
    return {"Arn": "arn:aws:iam::%s:role/reader" % LOG, "Description": description,
            "AssumeRolePolicyDocument": TRUST if trust is None else trust, "Tags": list(tags)}


def _role_in_place(role, inline=None, wanted=None):
    iam = FakeIam({"reader": role} if role else {}, inline if inline is not None else {("reader", "read"): READ})
    records, problems = R.check_resources({"iam": iam}, LOG, iam_roles=[wanted or WANTED_ROLE])
    assert problems == []
    return records[0], iam


def test_a_role_whose_description_trust_tags_and_inline_policies_match_is_in_place():
    # The trust policy as JSON text, its statement as a list of one, and another tag: still in place.
    record, iam = _role_in_place(_role(trust='{"Version": "2012-10-17", "Statement": %s}' % (
        '[{"Effect": "Allow", "Action": ["sts:AssumeRole"], "Principal": {"AWS": "arn:aws:iam::%s:root"}}]' % SQUATTER),
        tags=({"Key": "managed-by", "Value": "radiant-onboarding"}, {"Key": "team", "Value": "sec"})))
    assert record == {"type": "iam_role", "name": "reader", "variable": "reader_role_name", "state": R.OWNED,
                      "owner": LOG, "arn": "arn:aws:iam::%s:role/reader" % LOG, "settings_in_place": True}
    assert iam.policy_reads == [("reader", "read")]


@pytest.mark.parametrize("role, inline", [
    (_role(description="other"), None),
    (_role(trust=dict(TRUST, Statement=[dict(TRUST["Statement"][0], Principal={"AWS": "*"})])), None),
    (_role(tags=()), None),
    (_role(tags=({"Key": "managed-by", "Value": "someone"},)), None),
    (_role(), {}),
    (_role(), {("reader", "read"): dict(READ, Statement=[dict(READ["Statement"][0], Action="s3:*")])}),
])
def test_a_role_is_not_in_place_when_anything_the_modules_set_differs(role, inline):
    record, _iam = _role_in_place(role, inline)
    assert record["state"] == R.OWNED and record["settings_in_place"] is False


def test_a_missing_role_has_no_settings_and_its_policies_are_not_read():
    record, iam = _role_in_place(None)
    assert record["state"] == R.MISSING and "settings_in_place" not in record
    assert iam.policy_reads == []


def test_unset_settings_are_not_compared():
    record, _iam = _role_in_place(_role(description="anything", tags=()), wanted={"name": "reader", "variable": "v"})
    assert record["settings_in_place"] is True


def test_an_inline_policy_the_caller_may_not_read_leaves_settings_unknown_and_other_errors_pass_on():
    record, _iam = _role_in_place(_role(), {("reader", "read"): client_error("AccessDenied", "GetRolePolicy")})
    assert record["settings_in_place"] is None
    with pytest.raises(ClientError):
        _role_in_place(_role(), {("reader", "read"): client_error("ServiceFailure", "GetRolePolicy")})
    iam = FakeIam({}, error=client_error("AccessDenied", "GetRole"))
    with pytest.raises(ClientError):
        R.check_resources({"iam": iam}, LOG, iam_roles=[WANTED_ROLE])
