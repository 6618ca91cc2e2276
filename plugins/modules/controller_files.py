#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: controller_files
short_description: Write the run's files on the controller, several in one task
version_added: 0.1.0
description:
  - Runs on the controller (an action plugin), whatever host the task runs for, and writes each file
    there. The onboarding uses it for the handoff file, the accounts CSV and the drift reports.
  - Writes a file only when its content or mode differs, atomically (a temporary file in the same
    directory, renamed over the old one), and creates missing parent directories.
  - Every option is checked before any file is written.
  - "Does what M(ansible.builtin.copy) with O(ansible.builtin.copy#module:content) and C(delegate_to: localhost)
    does, without a module run per file on the controller (two each, for C(copy))."
author:
  - Radiant Security onboarding contributors (@radiant-security)
options:
  files:
    description: The files to write.
    type: list
    elements: dict
    required: true
    suboptions:
      path:
        description:
          - Where the file goes on the controller. A relative path is relative to the directory
            C(ansible-playbook) runs in; C(~) is expanded.
        type: path
        required: true
      content:
        description: The file's whole content (text, written as UTF-8).
        type: str
        required: true
      mode:
        description: The file's permissions, an octal string.
        type: str
        default: "0644"
  directory_mode:
    description: The permissions of the parent directories the module creates.
    type: str
    default: "0755"
attributes:
  check_mode:
    support: full
    description: Reports what would change and writes nothing.
  diff_mode:
    support: full
    description: One diff per file whose content changes (none past C(MAX_FILE_SIZE_FOR_DIFF) bytes).
  platform:
    support: full
    platforms: posix
    description: Writes on the controller, whatever the task's host and connection.
notes:
  - Set C(check_mode=false) on the task for a report that is written even in a check-mode run.
"""

EXAMPLES = r"""
- name: Write the handoff file and the accounts CSV
  radiant.aws_onboarding.controller_files:
    files:
      - path: "{{ radiant_handoff_file }}"
        content: "{{ handoff_document | to_nice_json }}"
      - path: "{{ radiant_handoff_file | splitext | first }}-accounts.csv"
        content: "{{ accounts_csv }}"
        mode: "0600"
"""

RETURN = r"""
files:
  description: One entry per file, in the order given.
  returned: success
  type: list
  elements: dict
  contains:
    path:
      description: The file's absolute path.
      type: str
      sample: /home/me/.radiant-onboarding/123456789012/radiant-handoff.json
    changed:
      description: Whether the content or the mode was (or, in check mode, would be) changed.
      type: bool
    created:
      description: Whether the file did not exist before.
      type: bool
    size:
      description: The content's size in bytes.
      type: int
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.radiant.aws_onboarding.plugins.module_utils.common import controller_files_argument_spec


def main():
    # The work happens in the action plugin of the same name, on the controller.
    module = AnsibleModule(argument_spec=controller_files_argument_spec(), supports_check_mode=True)
    module.fail_json(msg="controller_files runs as an action plugin on the controller")


if __name__ == "__main__":
    main()
