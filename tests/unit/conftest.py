"""Import ``ansible_collections.*`` as Ansible does: this checkout (``make collection``
links it under build/collections) plus amazon.aws and community.aws from the venv."""

import os

from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder

_COLLECTIONS = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "build", "collections"))
if not os.path.isdir(os.path.join(_COLLECTIONS, "ansible_collections", "radiant", "aws_onboarding")):
    raise RuntimeError("run 'make collection' first: " + _COLLECTIONS + " is missing")

_AnsibleCollectionFinder(paths=[_COLLECTIONS], scan_sys_paths=True)._install()
