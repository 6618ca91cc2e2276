"""Grouping of the aws_organization inventory plugin, from account/OU data (no network)."""

import pytest
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import inventory_loader

from ansible_collections.radiant.aws_onboarding.plugins.inventory import aws_organization as plugin_module
from ansible_collections.radiant.aws_onboarding.plugins.inventory.aws_organization import (
    build_inventory,
    ou_group_name,
)

MANAGEMENT, LOG, WEB1, WEB2, DATA, SANDBOX, GONE, ROOTLEVEL = (
    "123456789012", "200000000001", "300000000001", "300000000002", "300000000003", "300000000004",
    "400000000001", "500000000001")


def account(account_id, name, ou_path, ou_ids, status="ACTIVE"):
    return {"id": account_id, "name": name, "email": name + "@example.test", "status": status,
            "ou_path": ou_path, "ou_id": ou_ids[-1] if ou_ids else None, "ou_ids": ou_ids}


ORG = {
    "organization": {"id": "o-example", "management_account_id": MANAGEMENT},
    "root_id": "r-1",
    "organizational_units": [
        {"id": "ou-sec", "name": "Security", "path": "Security", "parent_id": "r-1"},
        {"id": "ou-wl", "name": "Workloads", "path": "Workloads", "parent_id": "r-1"},
        {"id": "ou-prod", "name": "Prod", "path": "Workloads/Prod", "parent_id": "ou-wl"},
        {"id": "ou-web", "name": "Web-Tier", "path": "Workloads/Prod/Web-Tier", "parent_id": "ou-prod"},
        {"id": "ou-data", "name": "Data", "path": "Workloads/Prod/Data", "parent_id": "ou-prod"},
        {"id": "ou-sbx", "name": "Sandbox", "path": "Sandbox", "parent_id": "r-1"},
    ],
    "accounts": [
        account(MANAGEMENT, "management", "", []),
        account(LOG, "log-archive", "Security", ["ou-sec"]),
        account(WEB1, "web one", "Workloads/Prod/Web-Tier", ["ou-wl", "ou-prod", "ou-web"]),
        account(WEB2, "web", "Workloads/Prod/Web-Tier", ["ou-wl", "ou-prod", "ou-web"]),
        account(DATA, "web", "Workloads/Prod/Data", ["ou-wl", "ou-prod", "ou-data"]),
        account(SANDBOX, "sandbox", "Sandbox", ["ou-sbx"]),
        account(GONE, "closed", "Sandbox", ["ou-sbx"], status="SUSPENDED"),
        account(ROOTLEVEL, "rootlevel", "", []),
    ],
}


def hosts_of(plan, group):
    return [plan["hosts"][name]["aws_account_id"] for name in plan["groups"][group]["hosts"]]


def test_job_groups_match_the_static_inventory():
    plan = build_inventory(ORG, log_account_id=LOG)
    assert hosts_of(plan, "management_account") == [MANAGEMENT]
    assert hosts_of(plan, "log_account") == [LOG]
    assert sorted(hosts_of(plan, "organization_members")) == sorted([WEB1, WEB2, DATA, SANDBOX, ROOTLEVEL])
    assert hosts_of(plan, "suspended_accounts") == [GONE]
    assert hosts_of(plan, "outside_accounts") == []
    assert plan["vars"] == {"aws_organization_id": "o-example", "aws_management_account_id": MANAGEMENT}


def test_without_log_account_every_other_active_account_is_a_member():
    plan = build_inventory(ORG)
    assert hosts_of(plan, "log_account") == []
    assert LOG in hosts_of(plan, "organization_members")


def test_ou_groups_nest_like_the_tree():
    plan = build_inventory(ORG, log_account_id=LOG)
    groups = plan["groups"]
    assert ou_group_name("Workloads/Prod/Web-Tier") == "ou_workloads_prod_web_tier"
    assert groups["ou_workloads"]["children"] == ["ou_workloads_prod"]
    assert groups["ou_workloads_prod"]["children"] == ["ou_workloads_prod_data", "ou_workloads_prod_web_tier"]
    assert groups["ou_workloads"]["hosts"] == [] and groups["ou_workloads_prod"]["hosts"] == []
    assert sorted(hosts_of(plan, "ou_workloads_prod_web_tier")) == [WEB1, WEB2]
    assert hosts_of(plan, "ou_security") == [LOG]
    # Suspended accounts are in no OU group; root-level accounts in none either.
    assert hosts_of(plan, "ou_sandbox") == [SANDBOX]
    assert not any(ROOTLEVEL in hosts_of(plan, g) for g in groups if g.startswith("ou_"))


def test_host_vars_and_names():
    plan = build_inventory(ORG, log_account_id=LOG)
    web1 = plan["hosts"]["web-one"]
    assert web1 == {
        "aws_account_id": WEB1, "aws_account_name": "web one", "aws_account_email": "web one@example.test",
        "aws_account_status": "ACTIVE", "aws_ou_path": "Workloads/Prod/Web-Tier", "aws_ou_id": "ou-web",
        "aws_ou_ids": ["ou-wl", "ou-prod", "ou-web"],
    }
    # Two accounts named "web": both get their id appended, nobody is silently merged.
    assert {"web-" + WEB2, "web-" + DATA} <= set(plan["hosts"])
    assert plan["hosts"]["closed"]["aws_account_status"] == "SUSPENDED"
    by_id = build_inventory(ORG, hostname="id")
    assert set(by_id["hosts"]) == {a["id"] for a in ORG["accounts"]}


def test_include_and_exclude_lists():
    plan = build_inventory(ORG, log_account_id=LOG, include_accounts=[MANAGEMENT, LOG, WEB1, SANDBOX],
                           exclude_accounts=[SANDBOX])
    assert sorted(h["aws_account_id"] for h in plan["hosts"].values()) == sorted([MANAGEMENT, LOG, WEB1])
    assert hosts_of(plan, "ou_sandbox") == []
    assert "ou_sandbox" in plan["groups"]  # the group exists even when empty


@pytest.mark.parametrize("log_account_id", ["999999999999", GONE])
def test_log_account_must_be_an_active_member(log_account_id):
    with pytest.raises(ValueError, match="not an ACTIVE account of organization o-example"):
        build_inventory(ORG, log_account_id=log_account_id)


def test_plugin_populates_inventory_with_constructed_features(tmp_path, monkeypatch):
    config = tmp_path / "accounts.aws_organization.yml"
    config.write_text(
        "plugin: radiant.aws_onboarding.aws_organization\n"
        "log_account_id: '{0}'\n"
        "exclude_accounts: ['{1}']\n"
        "keyed_groups:\n  - key: aws_account_status\n    prefix: status\n"
        "groups:\n  production: aws_ou_path is match('Workloads/Prod(/|$)')\n"
        "compose:\n  access_role: \"'OrganizationAccountAccessRole'\"\n".format(LOG, ROOTLEVEL))
    monkeypatch.setattr(plugin_module.InventoryModule, "_read", lambda self: ORG)
    plugin = inventory_loader.get("radiant.aws_onboarding.aws_organization")
    assert plugin.verify_file(str(config))
    inventory = InventoryData()
    plugin.parse(inventory, DataLoader(), str(config), cache=False)

    def names(group):
        return sorted(h.name for h in inventory.groups[group].get_hosts())

    assert names("log_account") == ["log-archive"]
    assert names("production") == sorted(["web-one", "web-" + WEB2, "web-" + DATA])
    assert names("status_SUSPENDED") == ["closed"]
    assert "rootlevel" not in inventory.hosts
    # Nested OU groups: hosts of a child group are hosts of its ancestors.
    assert names("ou_workloads") == names("production")
    web = inventory.get_host("web-one").get_vars()
    assert web["ansible_connection"] == "local"
    assert web["ansible_python_interpreter"] == "{{ ansible_playbook_python }}"
    assert web["access_role"] == "OrganizationAccountAccessRole"
    assert web["aws_ou_path"] == "Workloads/Prod/Web-Tier"
    assert inventory.groups["all"].get_vars()["aws_organization_id"] == "o-example"
