"""The outside-accounts CSV inventory plugin, loaded the way Ansible loads it (the 'auto'
plugin reads the configuration file's 'plugin:' key)."""

import pytest
from ansible.errors import AnsibleParserError
from ansible.inventory.manager import InventoryManager
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import inventory_loader


def _write(tmp_path, csv_text, config_name="outside_accounts.yml", extra=""):
    (tmp_path / "accounts.csv").write_text(csv_text)
    config = tmp_path / config_name
    config.write_text("plugin: radiant.aws_onboarding.outside_accounts_csv\npath: accounts.csv\n" + extra)
    return config


def _parse(config):
    plugin = inventory_loader.get("radiant.aws_onboarding.outside_accounts_csv")
    inventory = InventoryManager(loader=DataLoader(), sources=[])
    assert plugin.verify_file(str(config))
    plugin.parse(inventory._inventory, DataLoader(), str(config), cache=False)
    return inventory


def test_each_line_becomes_a_host_in_outside_accounts(tmp_path):
    config = _write(tmp_path, "Account ID,Email\n990000000001,root@partner1.test\n990000000002,root@partner2.test\n")
    inventory = _parse(config)
    hosts = inventory.groups["outside_accounts"].get_hosts()
    assert sorted(h.name for h in hosts) == ["outside-990000000001", "outside-990000000002"]
    host = inventory.get_host("outside-990000000002")
    assert host.vars["aws_account_id"] == "990000000002"
    assert host.vars["aws_account_email"] == "root@partner2.test"
    assert inventory.groups["outside_accounts"].vars["ansible_connection"] == "local"


def test_keyed_groups_and_options(tmp_path):
    config = _write(tmp_path, "990000000001,root@partner1.test\n",
                    extra="group: invited\nhost_name_prefix: acct-\nkeyed_groups:\n"
                          "  - key: aws_account_email.split('@')[1]\n    prefix: domain\n")
    inventory = _parse(config)
    assert [h.name for h in inventory.groups["invited"].get_hosts()] == ["acct-990000000001"]
    assert [h.name for h in inventory.groups["domain_partner1_test"].get_hosts()] == ["acct-990000000001"]


def test_a_bad_line_fails_with_file_line_and_field(tmp_path):
    config = _write(tmp_path, "Account ID,Email\n990000000001,root@partner1.test\n99000000002,root@partner2.test\n"
                              "990000000003,nobody\n")
    with pytest.raises(AnsibleParserError) as error:
        _parse(config)
    message = str(error.value)
    assert "2 bad line(s)" in message
    assert "accounts.csv line 3: Account ID must be a 12-digit account id, got '99000000002'" in message
    assert "accounts.csv line 4: Email 'nobody' is not a valid email address" in message


def test_a_missing_csv_is_an_error(tmp_path):
    config = tmp_path / "outside_accounts.yml"
    config.write_text("plugin: radiant.aws_onboarding.outside_accounts_csv\npath: nowhere.csv\n")
    with pytest.raises(AnsibleParserError, match="cannot read .*nowhere.csv"):
        _parse(config)


def test_only_configuration_files_with_the_plugins_suffix_are_claimed(tmp_path):
    plugin = inventory_loader.get("radiant.aws_onboarding.outside_accounts_csv")
    other = _write(tmp_path, "", config_name="hosts.yml")
    assert not plugin.verify_file(str(other))


def test_a_bad_file_leaves_its_problems_for_preflight(tmp_path):
    # Ansible only warns about a failed source; preflight fails the run on this variable.
    config = _write(tmp_path, "Account ID,Email\n990000000001,nobody\n")
    plugin = inventory_loader.get("radiant.aws_onboarding.outside_accounts_csv")
    inventory = InventoryManager(loader=DataLoader(), sources=[])
    with pytest.raises(AnsibleParserError):
        plugin.parse(inventory._inventory, DataLoader(), str(config), cache=False)
    problems = inventory.groups["all"].get_vars()["outside_accounts_csv_problems"]
    assert len(problems) == 1
    assert problems[0].endswith("accounts.csv line 2: Email 'nobody' is not a valid email address")


def test_a_blank_line_before_the_header_is_accepted(tmp_path):
    inventory = _parse(_write(tmp_path, "\nAccount ID,Email\n990000000001,root@partner1.test\n"))
    assert [h.name for h in inventory.groups["outside_accounts"].get_hosts()] == ["outside-990000000001"]
