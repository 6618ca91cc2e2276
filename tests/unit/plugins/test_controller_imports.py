"""The plugins that run in every task's worker process import neither boto3 nor botocore.

Ansible loads a filter or action plugin in the worker it forks for each task, so an import there is
paid again by every task that uses the plugin (for a collection-qualified filter, ansible-core loads
each filter file of the collection in turn until it finds the name). Importing boto3 and amazon.aws's
module_utils costs about 0.4 s of CPU; the ARN helpers live in module_utils/arns.py to keep it out.
"""

import os
import subprocess
import sys

import pytest

_UNIT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_PLUGINS = os.path.join(os.path.dirname(os.path.dirname(_UNIT)), "plugins")
_WORKER_PLUGIN_TYPES = ("action", "filter")

_CHECK = """
import sys
sys.path.insert(0, {unit!r})
import conftest  # this collection and amazon.aws, importable as Ansible imports them
import importlib
importlib.import_module({module!r})
loaded = sorted(name for name in ("boto3", "botocore") if name in sys.modules)
print(",".join(loaded))
"""


def _worker_plugins():
    for plugin_type in _WORKER_PLUGIN_TYPES:
        for name in sorted(os.listdir(os.path.join(_PLUGINS, plugin_type))):
            if name.endswith(".py") and name != "__init__.py":
                yield "ansible_collections.radiant.aws_onboarding.plugins.{0}.{1}".format(plugin_type, name[:-3])


def test_every_worker_plugin_type_has_plugins():
    assert len(list(_worker_plugins())) >= 10


@pytest.mark.parametrize("module", list(_worker_plugins()))
def test_a_worker_plugin_imports_no_aws_sdk(module):
    # A fresh interpreter: this test session has imported boto3 long ago.
    result = subprocess.run([sys.executable, "-c", _CHECK.format(unit=_UNIT, module=module)],
                            capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "", "{0} imports {1}".format(module, result.stdout.strip())
