"""Offline stand-in for the get-pip.py that ansible-test downloads to bootstrap its venvs.

ansible-test fetches ``https://ci-files.testing.ansible.com/ansible-test/get-pip-<v>.py``
(unreachable here) unless ``~/.ansible/test/cache/get_pip_<v>.py`` exists; scripts/sanity.sh
seeds that cache with this file. ansible-test runs it with the new venv's python and
get-pip's arguments, for example ``--disable-pip-version-check pip==24.2 --no-setuptools
--no-wheel``. We do what get-pip does with the package index we can reach: put the pip that
ships with Python (``ensurepip``) into the venv, then let it install the requested packages.
"""

from __future__ import annotations

import subprocess
import sys

# get-pip.py options that plain 'pip install' does not know: they say "do not add these".
GET_PIP_ONLY_OPTIONS = {"--no-setuptools", "--no-wheel"}


def main(argv: list[str]) -> int:
    pip_args = [arg for arg in argv if arg not in GET_PIP_ONLY_OPTIONS]
    subprocess.run([sys.executable, "-m", "ensurepip", "--default-pip"], check=True, stdout=subprocess.DEVNULL)
    command = [sys.executable, "-m", "pip", "install", "--quiet", *pip_args]
    return subprocess.run(command, check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
