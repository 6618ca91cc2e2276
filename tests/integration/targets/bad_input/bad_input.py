"""Bad-input suite: onboard.yml must refuse every case of cases.yml before any write.

Usage: bad_input.py CASES_YML [ansible-playbook args as scripts/integration.sh passes them]
       [--only NAME,NAME] [--report-only] [--fresh] [--exec]

One sample organization is built once (the emulator's ``sample-org``); each case copies its
inventory with the case's edits, clears the request log, runs ``onboard.yml`` with the case's
``-e``/``--tags``/``--skip-tags`` and asserts (a) a non-zero exit, (b) zero writes in the request
log and (c) every ``expect`` text in the output (the host or variable and the field).
``--report-only`` prints the table without failing (to show which cases today's code lets through);
``--fresh`` builds a new organization for every case (slower: a case that got through and wrote
would otherwise leave resources that make later cases' counts smaller).

Each case is its own ``ansible-playbook`` run (its own process, inventory, output and exit code),
started as a fork of this script once it has imported Ansible: the run is ``ansible-playbook``'s
own entry point, and the ~0.7 s of CPU its imports cost is paid once for the suite rather than per
case (``--exec`` starts the ``ansible-playbook`` executable instead, for comparison).

A case (cases.yml): name, why, and any of
  vars / hosts / host_vars_dir / remove_hosts / move_hosts   edits of the inventory (move_hosts: {host: group})
  inventory_replace: [old, new]          a text edit of the written inventory file
  csv: TEXT                              an outside-accounts CSV, read by the outside_accounts_csv plugin
  extra_vars: {name: value}              passed as one -e JSON
  args: [...]                            more ansible-playbook arguments (-e name=value, --tags ...)
  expect: [text, ...]                    each must appear in the output
Strings may use ${management}, ${log}, ${member1}, ${member2}, ${outside1}, ${outside2} (account ids).
"""

import json
import os
import resource
import string
import subprocess
import sys
import time
import urllib.request

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
# The operator's extra variables of a valid onboarding (as the molecule scenarios pass them).
BASE_EXTRA_VARS = {"radiant_external_id": "rs-bad-input-external-id"}


def _control(url, method="GET", path="requests/summary"):
    request = urllib.request.Request(url + "/_emulator/" + path, method=method)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def _runner_vars(args):
    """The emulator's URL and credentials from the runner's -e @vars.yml (or the environment)."""
    found = {}
    for index, arg in enumerate(args):
        if arg in ("-e", "--extra-vars") and index + 1 < len(args) and args[index + 1].startswith("@"):
            with open(args[index + 1][1:], encoding="utf-8") as handle:
                found.update(yaml.safe_load(handle) or {})
    return {
        "emulator_url": found.get("emulator_url") or os.environ["EMULATOR_URL"],
        "access_key": found.get("aws_access_key") or os.environ.get("AWS_ACCESS_KEY_ID", "testing"),
        "secret_key": found.get("aws_secret_key") or os.environ.get("AWS_SECRET_ACCESS_KEY", "testing"),
    }


def build_organization(work, url):
    os.makedirs(work, exist_ok=True)
    inventory = os.path.join(work, "accounts.yml")
    subprocess.run(
        [sys.executable, "-m", "radiant_emulator", "sample-org", "--endpoint", url, "--members", "2",
         "--suspended", "0", "--outside", "2", "--regions", "us-east-1,us-west-2", "--company", "example",
         "--inventory", inventory], check=True, stdout=subprocess.DEVNULL)
    with open(inventory, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    children = data["all"]["children"]

    def ids(group):
        return [host["aws_account_id"] for host in (children[group].get("hosts") or {}).values()]

    members, outside = ids("organization_members"), ids("outside_accounts")
    accounts = {"management": ids("management_account")[0], "log": ids("log_account")[0],
                "member1": members[0], "member2": members[1], "outside1": outside[0], "outside2": outside[1]}
    return data, accounts


def _substitute(value, accounts):
    if isinstance(value, str):
        return string.Template(value).safe_substitute(accounts)
    if isinstance(value, list):
        return [_substitute(item, accounts) for item in value]
    if isinstance(value, dict):
        return dict((key, _substitute(item, accounts)) for key, item in value.items())
    return value


def write_case_inventory(base, case, case_dir):
    """The case's inventory sources (-i arguments)."""
    data = json.loads(json.dumps(base))
    top = data["all"]
    top["vars"].update(case.get("vars", {}))
    groups = top["children"]
    for group in groups.values():
        hosts = group.get("hosts") or {}
        for host in case.get("remove_hosts", []):
            hosts.pop(host, None)
        for host, host_vars in hosts.items():
            for name, value in case.get("hosts", {}).get(host, {}).items():
                if value is None:
                    host_vars.pop(name, None)
                else:
                    host_vars[name] = value
    for host, group in case.get("move_hosts", {}).items():
        groups.setdefault(group, {}).setdefault("hosts", {})
        groups[group]["hosts"] = groups[group]["hosts"] or {}
        groups[group]["hosts"][host] = None
    inventory = os.path.join(case_dir, "accounts.yml")
    text = yaml.safe_dump(data, sort_keys=False)
    if "inventory_replace" in case:
        old, new = case["inventory_replace"]
        assert old in text, "inventory_replace: {0!r} not in the inventory".format(old)
        text = text.replace(old, new, 1)
    with open(inventory, "w", encoding="utf-8") as handle:
        handle.write(text)
    for host, host_vars in case.get("host_vars_dir", {}).items():
        os.makedirs(os.path.join(case_dir, "host_vars"), exist_ok=True)
        with open(os.path.join(case_dir, "host_vars", host + ".yml"), "w", encoding="utf-8") as handle:
            yaml.safe_dump(host_vars, handle)
    sources = ["-i", inventory]
    if "csv" in case:
        with open(os.path.join(case_dir, "outside.csv"), "w", encoding="utf-8") as handle:
            handle.write(case["csv"])
        config = os.path.join(case_dir, "outside_accounts.yml")
        with open(config, "w", encoding="utf-8") as handle:
            yaml.safe_dump({"plugin": "radiant.aws_onboarding.outside_accounts_csv", "path": "outside.csv"}, handle)
        sources += ["-i", config]
    return sources


# Set before Ansible is imported (its configuration reads the environment then): every case runs with them.
CASE_ENVIRONMENT = {"AWS_DEFAULT_REGION": "us-east-1", "ANSIBLE_NOCOLOR": "1", "ANSIBLE_FORCE_COLOR": "0"}


def preload_ansible_playbook():
    """Import what every ansible-playbook run imports, once, before the cases fork from this process."""
    os.environ.update(CASE_ENVIRONMENT)
    import ansible.cli.playbook  # noqa: F401
    import ansible.executor.playbook_executor  # noqa: F401
    import ansible.inventory.manager  # noqa: F401
    import ansible.vars.manager  # noqa: F401
    import botocore.session  # noqa: F401  # the collection's preflight reads botocore's Regions


def run_playbook(command, cwd, env, log_path, fork=True):
    """Run ansible-playbook COMMAND in CWD with ENV, its output (stdout and stderr) to LOG_PATH; its exit code."""
    if not fork:
        with open(log_path, "w", encoding="utf-8") as log:
            return subprocess.run(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                  check=False).returncode
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the case's ansible-playbook process
        code = 250
        try:
            os.chdir(cwd)
            os.environ.clear()
            os.environ.update(env)
            log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(log, 1)
            os.dup2(log, 2)
            sys.argv = list(command)
            from ansible.cli.playbook import main as ansible_playbook
            ansible_playbook(list(command))
        except SystemExit as ended:
            code = ended.code if isinstance(ended.code, int) else 1
        except BaseException:  # noqa: BLE001 - anything else is the run's failure, shown in its output
            import traceback
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def run_case(case, base, accounts, work, runner, fork=True):
    case = _substitute(case, accounts)
    case_dir = os.path.join(work, case["name"])
    os.makedirs(case_dir, exist_ok=True)
    extra_vars = dict(BASE_EXTRA_VARS, radiant_policy_backup_dir=os.path.join(case_dir, "backups"),
                      radiant_handoff_file=os.path.join(case_dir, "handoff.json"))
    extra_vars.update(case.get("extra_vars", {}))
    command = (["ansible-playbook"] + write_case_inventory(base, case, case_dir)
               + ["-e", json.dumps(extra_vars)] + list(case.get("args", [])) + [os.path.join(ROOT, "onboard.yml")])
    env = dict(os.environ, AWS_ACCESS_KEY_ID=runner["access_key"], AWS_SECRET_ACCESS_KEY=runner["secret_key"],
               **CASE_ENVIRONMENT)
    _control(runner["emulator_url"], "DELETE", "requests")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    run_log = os.path.join(case_dir, "ansible-playbook.log")
    returncode = run_playbook(command, case_dir, env, run_log, fork)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    summary = _control(runner["emulator_url"])
    with open(run_log, encoding="utf-8", errors="replace") as handle:
        output = handle.read()
    os.remove(run_log)
    with open(os.path.join(case_dir, "output.log"), "w", encoding="utf-8") as handle:
        handle.write(" ".join(command) + "\n\n" + output)
    missing = [text for text in case.get("expect", []) if text not in output]
    result = {
        "name": case["name"], "rc": returncode, "writes": summary["writes"],
        "write_operations": summary.get("write_operations", {}), "requests": summary["total"],
        "missing": missing, "seconds": round(time.monotonic() - started, 1),
        "cpu": round((after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime), 1),
        "log": os.path.join(case_dir, "output.log"),
    }
    result["passed"] = returncode != 0 and summary["writes"] == 0 and not missing
    return result


def main(argv):
    cases_file, args = argv[0], argv[1:]
    report_only = "--report-only" in args
    only = None
    if "--only" in args:
        only = set(args[args.index("--only") + 1].split(","))
    runner = _runner_vars(args)
    with open(os.path.join(HERE, cases_file), encoding="utf-8") as handle:
        cases = yaml.safe_load(handle)
    names = [case["name"] for case in cases]
    assert len(names) == len(set(names)), "case names must be unique"
    if only:
        cases = [case for case in cases if case["name"] in only]
    work = os.path.join(os.environ.get("OUTPUT_DIR") or os.path.join(ROOT, "build", "bad_input"), "cases")
    fork = "--exec" not in args
    if fork:
        preload_ansible_playbook()
    _control(runner["emulator_url"], "POST", "reset")
    base, accounts = build_organization(work, runner["emulator_url"])
    results = []
    for case in cases:
        if "--fresh" in args and results:
            _control(runner["emulator_url"], "POST", "reset")
            base, accounts = build_organization(work, runner["emulator_url"])
        result = run_case(case, base, accounts, work, runner, fork)
        results.append(result)
        print("{0:4} {1:<44} rc={2:<3} writes={3:<3} requests={4:<4} cpu={5:>4}s {6}".format(
            "ok" if result["passed"] else "FAIL", result["name"], result["rc"], result["writes"],
            result["requests"], result["cpu"],
            ("missing " + repr(result["missing"])) if result["missing"] else ""), flush=True)
    failed = [result for result in results if not result["passed"]]
    with open(os.path.join(work, "results.json"), "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=1)
    print("bad-input cases: {0} passed, {1} failed, {2:.1f} s of CPU in ansible-playbook".format(
        len(results) - len(failed), len(failed), sum(result["cpu"] for result in results)))
    for result in failed:
        print("FAILED {0}: rc {1}, writes {2} {3}, missing {4}; log {5}".format(
            result["name"], result["rc"], result["writes"], result["write_operations"], result["missing"],
            result["log"]))
    return 0 if report_only or not failed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
