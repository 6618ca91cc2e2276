"""Fail when a secret key or session token the emulator issued appears in a file.

Usage: find_secrets.py EMULATOR_URL MIN_ACCOUNTS PATH...   (a directory is searched recursively)

The secrets come from the emulator (GET /_emulator/credentials: every role session STS issued
since the last reset), so none the playbooks held can be missed. Findings name the session and
the file, never the secret itself. Fails too when fewer than MIN_ACCOUNTS accounts had a role
session: a run that assumed no role proves nothing.
"""

import json
import os
import sys
import urllib.request


def files_under(paths):
    for path in paths:
        if os.path.isdir(path):
            for top, _dirs, names in os.walk(path):
                for name in sorted(names):
                    yield os.path.join(top, name)
        else:
            yield path


def main(url, min_accounts, *paths):
    with urllib.request.urlopen(url.rstrip("/") + "/_emulator/credentials") as response:
        issued = json.load(response)["credentials"]
    accounts = sorted({session["account_id"] for session in issued})
    if len(accounts) < int(min_accounts):
        sys.exit(f"only {len(accounts)} account(s) had a role session ({accounts}); expected at least {min_accounts}")
    secrets = [(kind, session) for session in issued for kind in ("secret_access_key", "session_token")]
    searched, found = [], []
    for path in files_under(paths):
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
        searched.append(path)
        for kind, session in secrets:
            for number, line in enumerate(lines, 1):
                if session[kind] in line:
                    found.append(f"{path}:{number}: the {kind} of {session['role_arn']} "
                                 f"(session {session['session_name']}, access key {session['access_key_id']})")
                    break
    print(f"searched {len(searched)} file(s) for the {len(secrets)} secrets of {len(issued)} role sessions "
          f"in accounts {', '.join(accounts)}")
    if found:
        sys.exit(f"{len(found)} secret(s) in the output:\n" + "\n".join(found))


if __name__ == "__main__":
    main(*sys.argv[1:])
