"""Run ``ansible-inventory --list`` with the given arguments and print its JSON with plain strings.

ansible-core 2.19 marks values an inventory plugin reads from AWS as untrusted and writes them
as {"__ansible_unsafe": "..."}; Ansible's from_json refuses those, so unwrap them here.
"""

import json
import os
import subprocess
import sys


def plain(value):
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def main(args):
    command = [os.path.join(os.path.dirname(sys.executable), "ansible-inventory"), "--list", *args]
    listing = subprocess.run(command, capture_output=True, text=True, check=False)
    if listing.returncode:
        sys.stderr.write(listing.stderr)
        return listing.returncode
    json.dump(plain(json.loads(listing.stdout)), sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
