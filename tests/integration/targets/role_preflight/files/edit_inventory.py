"""Copy a sample-org inventory with edits: how the negative preflight cases are made.

Usage: edit_inventory.py SOURCE DEST EDITS_JSON
EDITS_JSON: {"vars": {name: value}, "hosts": {host: {var: value or null to delete}},
             "host_vars_dir": {host: {var: value}},   (writes DEST's host_vars/)
             "remove_hosts": [host, ...]}             (accounts the inventory leaves out)
"""

import json
import os
import sys

import yaml


def main(source: str, dest: str, edits: str) -> None:
    edits = json.loads(edits)
    with open(source, encoding="utf-8") as handle:
        inventory = yaml.safe_load(handle)
    top = inventory["all"]
    top["vars"].update(edits.get("vars", {}))
    for group in top["children"].values():
        for host in edits.get("remove_hosts", []):
            (group.get("hosts") or {}).pop(host, None)
        for host, host_vars in (group.get("hosts") or {}).items():
            for name, value in edits.get("hosts", {}).get(host, {}).items():
                if value is None:
                    host_vars.pop(name, None)
                else:
                    host_vars[name] = value
    os.makedirs(os.path.dirname(dest) or ".", exist_ok=True)
    with open(dest, "w", encoding="utf-8") as handle:
        yaml.safe_dump(inventory, handle, sort_keys=False)
    for host, host_vars in edits.get("host_vars_dir", {}).items():
        os.makedirs(os.path.join(os.path.dirname(dest), "host_vars"), exist_ok=True)
        with open(os.path.join(os.path.dirname(dest), "host_vars", host + ".yml"), "w", encoding="utf-8") as handle:
            yaml.safe_dump(host_vars, handle)


if __name__ == "__main__":
    main(*sys.argv[1:])
