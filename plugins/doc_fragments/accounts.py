# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

class ModuleDocFragment(object):
    # The options of the modules that work in many accounts in one task; their argument spec is
    # module_utils/account_sessions.py's accounts_argument_spec(required). A literal string, as ansible-test's
    # yamllint reads it. A module that only works through O(accounts) says "accounts: {required: true}" in its own
    # options: the module's keys win over the fragment's, the rest comes from here.
    DOCUMENTATION = r"""
options:
  accounts:
    description:
      - The accounts to work in, in one task (the module's description says what it does in each). The module opens
        each account's session itself, with ONE C(sts:AssumeRole) of its O(accounts[].role_arn) made with the
        credentials it runs with (the management account's), and works on the accounts concurrently, bounded. The
        temporary credentials are never returned.
      - An account that cannot be reached, or whose work fails, does not stop the others; the module fails at the
        end with one line per failure naming the account (and the Region).
    type: list
    elements: dict
    required: false
    suboptions:
      account_id:
        description: The 12-digit account id.
        type: str
        required: true
      role_arn:
        description:
          - The role to assume in the account, for example
            C(arn:aws:iam::444455556666:role/OrganizationAccountAccessRole).
          - Omit it for the account whose credentials the module already runs with.
        type: str
  role_session_name:
    description: With O(accounts), the session name of every assumed role (it shows in the accounts' CloudTrail).
    type: str
    default: radiant-onboarding
"""

    # The bound of the concurrent work: accounts_argument_spec(workers=True).
    MAX_WORKERS = r"""
options:
  max_workers:
    description:
      - How many accounts are worked on at once; for a module that also works in many Regions, how many
        account-Region pairs.
    type: int
    default: 16
"""
