# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):
    # The wait options of the modules whose changes AWS completes asynchronously; their argument
    # spec is module_utils/common.py's wait_argument_spec(). A module may give either option its
    # own description or default (the module's keys win over the fragment's).
    DOCUMENTATION = r"""
options:
  wait:
    description:
      - Wait until AWS reports the change complete (the module's description says what it waits for), at most
        O(wait_timeout) seconds.
    type: bool
    default: true
  wait_timeout:
    description: How long to wait, in seconds.
    type: int
    default: 120
"""

    # For modules that always wait (each operation they start), with no O(wait) switch.
    TIMEOUT = r"""
options:
  wait_timeout:
    description: How long to wait, in seconds, for what the module started to complete.
    type: int
    default: 120
"""
