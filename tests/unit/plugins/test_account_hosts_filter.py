"""account_hosts: the inventory host of each account, the acting groups searched first."""

from ansible_collections.radiant.aws_onboarding.plugins.filter.account_hosts import account_hosts


class CountingHostvars(dict):
    """hostvars that counts whose variables were read: reading every host is what the filter avoids."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.read = []

    def __getitem__(self, host):
        self.read.append(host)
        return super().__getitem__(host)


def inventory(members=50):
    hostvars = CountingHostvars({
        "management": {"aws_account_id": "111111111111"},
        "log": {"aws_account_id": 222222222222},  # YAML may give an int
        "outside": {"aws_account_id": "999000000001"},
        "no_account": {},
    })
    for index in range(members):
        hostvars["member%d" % index] = {"aws_account_id": "3%011d" % index}
    groups = {
        "all": sorted(hostvars),
        "management_account": ["management"],
        "log_account": ["log"],
        "outside_accounts": ["outside"],
        "organization_members": ["member%d" % index for index in range(members)],
    }
    return hostvars, groups


CREDENTIAL_GROUPS = ["management_account", "log_account", "outside_accounts"]


def test_accounts_in_the_preferred_groups_are_found_without_reading_the_other_hosts():
    hostvars, groups = inventory()
    found = account_hosts(hostvars, groups, ["111111111111", "222222222222"], prefer_groups=CREDENTIAL_GROUPS)
    assert found == {"111111111111": "management", "222222222222": "log", "999000000001": "outside"}
    assert sorted(hostvars.read) == ["log", "management", "outside"]


def test_an_account_elsewhere_makes_it_read_every_host_once():
    hostvars, groups = inventory()
    found = account_hosts(hostvars, groups, ["300000000007"], prefer_groups=CREDENTIAL_GROUPS)
    assert found["300000000007"] == "member7"
    assert found["111111111111"] == "management"
    assert len(hostvars.read) == len(hostvars) and len(set(hostvars.read)) == len(hostvars)


def test_the_first_host_of_an_account_wins_and_missing_accounts_are_left_out():
    hostvars, groups = inventory(members=2)
    hostvars["management_alias"] = {"aws_account_id": "111111111111"}
    groups["all"] = ["management_alias"] + groups["all"]
    found = account_hosts(hostvars, groups, ["111111111111", "123456789012"], prefer_groups=["management_account"])
    assert found["111111111111"] == "management"  # the preferred group's host, not the first in 'all'
    assert "123456789012" not in found
    assert account_hosts(hostvars, groups) == {}  # nothing wanted, nothing preferred: nothing read
    assert account_hosts(hostvars, groups, ["111111111111"])["111111111111"] == "management_alias"
