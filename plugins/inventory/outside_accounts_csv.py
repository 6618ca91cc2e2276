# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: outside_accounts_csv
short_description: Accounts outside the organization from GuardDuty's C(Account ID,Email) CSV
version_added: 0.1.0
description:
  - Reads the CSV file GuardDuty's console takes for inviting accounts (header
    C(Account ID,Email), one account per line; a file without the header, as the AWS sample
    scripts write it, is accepted too) and adds one host per account to the group
    C(outside_accounts), with the host variables C(aws_account_id) and C(aws_account_email).
  - Every line is validated (12-digit account id, valid email, no duplicate account); blank
    lines and C(#) comments are skipped, before the header too. Any bad line fails the source
    with a message naming the file, the line number and the field.
  - Ansible only warns about an inventory source that fails and runs on without its hosts, so
    the problems are also left in the variable C(outside_accounts_csv_problems) of group
    C(all); the collection's playbooks fail on it before any write (preflight's static check).
    With other playbooks, set C(ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED=true) (or
    C(any_unparsed_is_failed) in C(ansible.cfg)) so that a bad file stops the run.
  - Combine it with a static YAML inventory or the C(radiant.aws_onboarding.aws_organization)
    inventory by passing several C(-i) options or a directory.
  - The configuration file name must end with C(outside_accounts.yml),
    C(outside_accounts.yaml), C(outside_accounts_csv.yml) or C(outside_accounts_csv.yaml).
extends_documentation_fragment:
  - constructed
options:
  plugin:
    description: The name of this plugin; makes the file a configuration of it.
    required: true
    type: str
    choices: [radiant.aws_onboarding.outside_accounts_csv]
  path:
    description:
      - The CSV file. A relative path is relative to the configuration file's directory.
    required: true
    type: str
  group:
    description: The group the accounts join.
    type: str
    default: outside_accounts
  host_name_prefix:
    description: Host names are this prefix followed by the account id.
    type: str
    default: outside-
author:
  - Radiant Security onboarding contributors (@radiant-security)
"""

EXAMPLES = r"""
# inventory/outside_accounts.yml, next to inventory/accounts.yml (static YAML) and the CSV:
#   ansible-playbook -i inventory/ playbooks/onboard.yml
plugin: radiant.aws_onboarding.outside_accounts_csv
path: outside_accounts.csv
# optional: group the accounts further, as with the constructed plugin
keyed_groups:
  - key: aws_account_email.split('@')[1]
    prefix: domain
"""

import os

from ansible.errors import AnsibleParserError
from ansible.module_utils.common.text.converters import to_text
from ansible.plugins.inventory import BaseInventoryPlugin, Constructable

from ansible_collections.radiant.aws_onboarding.plugins.module_utils.inventory_validation import (
    parse_outside_accounts_csv,
)

# Where a failed parse leaves its problems (read by radiant.aws_onboarding.inventory_preflight).
PROBLEMS_VARIABLE = "outside_accounts_csv_problems"
CONFIG_SUFFIXES = (
    "outside_accounts.yml",
    "outside_accounts.yaml",
    "outside_accounts_csv.yml",
    "outside_accounts_csv.yaml",
)


class InventoryModule(BaseInventoryPlugin, Constructable):
    NAME = "radiant.aws_onboarding.outside_accounts_csv"

    def verify_file(self, path):
        return super(InventoryModule, self).verify_file(path) and path.endswith(CONFIG_SUFFIXES)

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache)
        self._read_config_data(path)
        csv_path = os.path.expanduser(self.get_option("path"))
        if not os.path.isabs(csv_path):
            csv_path = os.path.join(os.path.dirname(path), csv_path)
        try:
            with open(csv_path, "rb") as handle:
                text = to_text(handle.read(), errors="surrogate_or_strict")
        except OSError as error:
            raise AnsibleParserError("outside_accounts_csv: cannot read {0}: {1}".format(csv_path, error)) from error
        accounts, problems = parse_outside_accounts_csv(text, source=csv_path)
        if problems:
            # Ansible only warns about a source that fails and runs on without its hosts; the
            # problems also go to a variable of group 'all' that preflight's static check (tag
            # always, on localhost too) turns into a failure, so no run onboards without them.
            known = self.inventory.groups["all"].get_vars().get(PROBLEMS_VARIABLE) or []
            self.inventory.set_variable("all", PROBLEMS_VARIABLE, list(known) + problems)
            raise AnsibleParserError(
                "outside_accounts_csv: {0} bad line(s):\n  - {1}".format(len(problems), "\n  - ".join(problems)))
        self._populate(accounts)

    def _populate(self, accounts):
        group = self.inventory.add_group(self.get_option("group"))
        # One host per account runs locally: the account is reached through AWS's API.
        self.inventory.set_variable(group, "ansible_connection", "local")
        strict = self.get_option("strict")
        for account in accounts:
            host = self.inventory.add_host(self.get_option("host_name_prefix") + account["aws_account_id"], group=group)
            host_vars = {"aws_account_id": account["aws_account_id"], "aws_account_email": account["aws_account_email"]}
            for name, value in host_vars.items():
                self.inventory.set_variable(host, name, value)
            self._set_composite_vars(self.get_option("compose"), host_vars, host, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), host_vars, host, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), host_vars, host, strict=strict)
