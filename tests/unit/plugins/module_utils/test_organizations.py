"""Organizations helpers: plans for trusted access and delegated admins, the tree walk, errors."""

import pytest
from botocore.exceptions import ClientError

from ansible_collections.radiant.aws_onboarding.plugins.module_utils import organizations as O


class FakeListOperation:
    """Serves a list in pages of 20 with NextToken, like Organizations; counts calls."""

    def __init__(self, owner, operation):
        self.owner, self.operation = owner, operation

    def __call__(self, NextToken=None, **params):
        key, items = self.owner.data[self.operation](params)
        size = 20
        start = int(NextToken or 0)
        self.owner.calls.append(self.operation)
        page = {key: items[start:start + size]}
        if start + size < len(items):
            page["NextToken"] = str(start + size)
        return page


class FakeOrganizations:
    """An organization: root r-1, OUs A (with child A/B) and C, accounts spread over them."""

    def __init__(self, accounts_per_parent):
        self.calls = []
        self.ous = {"r-1": [("ou-a", "A"), ("ou-c", "C")], "ou-a": [("ou-b", "B")], "ou-b": [], "ou-c": []}
        self.accounts = {
            parent: [{"Id": "{0:012d}".format(i + 100 * n), "Name": "acct-{0}-{1}".format(parent, i),
                      "Email": "{0}-{1}@example.test".format(parent, i), "Status": "ACTIVE"}
                     for i in range(count)]
            for n, (parent, count) in enumerate(accounts_per_parent.items())
        }
        self.data = {
            "list_accounts_for_parent": lambda p: ("Accounts", self.accounts.get(p["ParentId"], [])),
            "list_organizational_units_for_parent": lambda p: (
                "OrganizationalUnits", [{"Id": i, "Name": n} for i, n in self.ous[p["ParentId"]]]),
            "list_roots": lambda p: ("Roots", [{"Id": "r-1"}]),
        }

    def __getattr__(self, operation):
        if operation in self.__dict__.get("data", {}):
            return FakeListOperation(self, operation)
        raise AttributeError(operation)

    def describe_organization(self):
        self.calls.append("describe_organization")
        return {"Organization": {"Id": "o-1", "MasterAccountId": "123456789012", "FeatureSet": "ALL"}}


def test_walk_gives_ou_paths_and_reads_each_account_once():
    client = FakeOrganizations({"r-1": 1, "ou-a": 2, "ou-b": 45, "ou-c": 0})
    result = O.read_organization(client)
    assert [ou["path"] for ou in result["organizational_units"]] == ["A", "A/B", "C"]
    by_path = {}
    for account in result["accounts"]:
        by_path.setdefault(account["ou_path"], []).append(account)
    assert {path: len(accounts) for path, accounts in by_path.items()} == {"": 1, "A": 2, "A/B": 45}
    deep = by_path["A/B"][0]
    assert deep["ou_id"] == "ou-b" and deep["ou_ids"] == ["ou-a", "ou-b"]
    assert by_path[""][0]["ou_id"] is None and by_path[""][0]["ou_ids"] == []
    assert result["organization"]["management_account_id"] == "123456789012"
    # 4 parents: one page of OUs each, accounts in ceil(n/20) pages (at least one) each.
    assert client.calls.count("list_organizational_units_for_parent") == 4
    assert client.calls.count("list_accounts_for_parent") == 1 + 1 + 3 + 1
    assert len(client.calls) == 1 + 1 + 4 + 6


def client_error(code, operation="ListRoots"):
    return ClientError({"Error": {"Code": code, "Message": "AWS said no"}}, operation)


@pytest.mark.parametrize("code, text", [
    ("AccessDeniedException", "allowed only from the organization's management account"),
    ("AWSOrganizationsNotInUseException", "is not a member of an AWS Organization"),
])
def test_wrong_account_errors_say_so(code, text):
    error = O.explain(client_error(code), "read the organization", caller=lambda: "210987654321")
    assert text in str(error)
    assert "the caller here is 210987654321" in str(error)


def test_other_errors_keep_aws_message_and_do_not_ask_the_caller():
    def caller():
        raise AssertionError("must not be asked")

    error = O.explain(client_error("TooManyRequestsException"), "read", caller=caller)
    assert "AWS said no" in str(error)
    # Modules pass .message to fail_json_aws, which appends AWS's words itself.
    assert error.message == "Unable to read"


@pytest.mark.parametrize("enabled, wanted, state, plan", [
    ([], ["a", "b"], "present", ["a", "b"]),
    (["a"], ["a", "b", "b"], "present", ["b"]),
    (["a", "b"], ["b", "a"], "present", []),
    (["a", "c"], ["a", "b"], "absent", ["a"]),
    ([], ["a"], "absent", []),
])
def test_plan_trusted_access(enabled, wanted, state, plan):
    assert O.plan_trusted_access(enabled, wanted, state) == plan


@pytest.mark.parametrize("current, state, replace, expected", [
    ([], "present", False, (["111111111111"], [])),
    (["111111111111"], "present", False, ([], [])),
    (["222222222222"], "present", True, (["111111111111"], ["222222222222"])),
    (["111111111111"], "absent", False, ([], ["111111111111"])),
    (["222222222222"], "absent", False, ([], [])),
])
def test_plan_delegated_admin(current, state, replace, expected):
    assert O.plan_delegated_admin(current, "111111111111", state, replace, "svc") == expected


def test_plan_delegated_admin_refuses_another_admin():
    with pytest.raises(O.OrganizationsError, match="222222222222 already delegated administrator for svc"):
        O.plan_delegated_admin(["222222222222"], "111111111111", "present", False, "svc")


def test_walk_reads_deeper_ous_while_a_parents_accounts_are_still_paging():
    # The root's accounts wait (up to 5 s) until B, two levels down, has been asked for its OUs: a walk that
    # finishes a level before starting the next never asks, and the root's list then fails.
    import threading

    client = FakeOrganizations({"r-1": 30, "ou-a": 2, "ou-b": 3, "ou-c": 1})
    grandchild_asked = threading.Event()
    plain = client.data["list_accounts_for_parent"], client.data["list_organizational_units_for_parent"]

    def accounts(params):
        if params["ParentId"] == "r-1" and not grandchild_asked.wait(5):
            raise AssertionError("the walk waited for the root's accounts before reading deeper OUs")
        return plain[0](params)

    def child_ous(params):
        if params["ParentId"] == "ou-b":
            grandchild_asked.set()
        return plain[1](params)

    client.data.update(list_accounts_for_parent=accounts, list_organizational_units_for_parent=child_ous)
    ous, found = O.walk_tree(client, "r-1")
    assert [ou["path"] for ou in ous] == ["A", "A/B", "C"]
    assert len(found) == 36
    assert len(client.calls) == 4 + (2 + 1 + 1 + 1)


def test_a_failed_list_ends_the_walk_with_its_error():
    client = FakeOrganizations({"r-1": 1, "ou-a": 2, "ou-b": 3, "ou-c": 1})

    def refused(params):
        raise client_error("AccessDeniedException", "ListOrganizationalUnitsForParent")

    client.data["list_organizational_units_for_parent"] = refused
    with pytest.raises(ClientError):
        O.walk_tree(client, "r-1")
