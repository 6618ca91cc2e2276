"""Kill onboard.yml with SIGKILL part-way, five times, and prove that a re-run converges.

A first, uninterrupted onboarding of a fresh sample organization counts its writes (W). Then,
for each of five kill points spread over the run (after 10%, 30%, 50%, 70% and 90% of W
writes in the emulator's request log), on a fresh organization: onboard.yml is started and
killed (SIGKILL to its whole process group, as a CI runner or AWX cancelling a job would)
once the request log holds that many writes; onboard.yml is run again and must succeed; a
third run must make zero writes (the second run converged).

Prints, per kill point: writes at the kill, the re-run's writes and result, the third run's
writes and changed count, and the CPU seconds of each run.

    .venv/bin/python tests/benchmarks/kill_onboard.py [--members 2] [--points 0.1,0.3,0.5,0.7,0.9] [--keep DIR]

Takes about 8 minutes of CPU (16 onboardings of a 6-account organization).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time

from radiant_emulator.process import EmulatorProcess

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
REGIONS = "us-east-1,us-west-2"
EXTRA_VARS = {"radiant_external_id": "rs-kill-test"}
RECAP_CHANGED = re.compile(r"^\S+\s+: ok=\d+\s+changed=(\d+)", re.MULTILINE)


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def environment(url: str) -> dict:
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, "build", "collections"),
               AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_ENDPOINT_URL=url,
               AWS_DEFAULT_REGION="us-east-1", AWS_REGION="us-east-1", ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0")
    env.pop("AWS_PROFILE", None)
    env.pop("AWS_SESSION_TOKEN", None)
    return env


def fresh_organization(emulator: EmulatorProcess, workdir: str, members: int) -> str:
    emulator.control("POST", "reset")
    inventory = os.path.join(workdir, "accounts.yml")
    subprocess.run(
        [sys.executable, "-m", "radiant_emulator", "sample-org", "--endpoint", emulator.url, "--members",
         str(members), "--suspended", "1", "--outside", "1", "--regions", REGIONS, "--inventory", inventory],
        check=True, stdout=subprocess.DEVNULL)
    return inventory


def command(inventory: str, workdir: str) -> list[str]:
    extra = dict(EXTRA_VARS, radiant_policy_backup_dir=os.path.join(workdir, "backups"),
                 radiant_handoff_file=os.path.join(workdir, "handoff.json"))
    playbook = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
    return [playbook, "-i", inventory, "-e", json.dumps(extra), os.path.join(ROOT, "onboard.yml")]


def run(emulator, inventory, workdir, env, log_name) -> dict:
    """One complete onboard.yml run from a clear request log."""
    emulator.control("DELETE", "requests")
    cpu = children_cpu_seconds()
    process = subprocess.run(command(inventory, workdir), cwd=workdir, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, check=False)
    with open(os.path.join(workdir, log_name), "w", encoding="utf-8") as handle:
        handle.write(process.stdout)
    summary = emulator.control("GET", "requests/summary")
    changed = sum(int(count) for count in RECAP_CHANGED.findall(process.stdout.split("PLAY RECAP")[-1]))
    return {"rc": process.returncode, "writes": summary["writes"], "changed": changed,
            "cpu": round(children_cpu_seconds() - cpu, 1), "write_operations": summary["write_operations"]}


def killed_run(emulator, inventory, workdir, env, after_writes: int) -> dict:
    """onboard.yml killed with SIGKILL (its whole process group) once ``after_writes`` writes are logged."""
    emulator.control("DELETE", "requests")
    cpu = children_cpu_seconds()
    with open(os.path.join(workdir, "killed.log"), "w", encoding="utf-8") as log:
        process = subprocess.Popen(command(inventory, workdir), cwd=workdir, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        writes = 0
        while process.poll() is None:
            writes = emulator.control("GET", "requests/summary")["writes"]
            if writes >= after_writes:
                os.killpg(process.pid, signal.SIGKILL)
                break
            time.sleep(0.05)
        process.wait()
    summary = emulator.control("GET", "requests/summary")
    return {"rc": process.returncode, "writes": summary["writes"], "killed": process.returncode == -signal.SIGKILL,
            "cpu": round(children_cpu_seconds() - cpu, 1), "last_write": _last_write(emulator)}


def _last_write(emulator) -> str:
    records = emulator.control("GET", "requests")["records"]
    writes = [record for record in records if record["write"]]
    return "{0}:{1}".format(writes[-1]["service"], writes[-1]["operation"]) if writes else "-"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=2)
    parser.add_argument("--points", default="0.1,0.3,0.5,0.7,0.9", help="kill points, as fractions of the writes")
    parser.add_argument("--keep", help="keep the inventories and logs in this directory")
    args = parser.parse_args()
    workroot = args.keep or tempfile.mkdtemp(prefix="kill_onboard-")
    os.makedirs(workroot, exist_ok=True)
    failures = []
    with EmulatorProcess(log_path=os.path.join(workroot, "emulator.log")) as emulator:
        env = environment(emulator.url)
        baseline_dir = os.path.join(workroot, "baseline")
        os.makedirs(baseline_dir, exist_ok=True)
        baseline = run(emulator, fresh_organization(emulator, baseline_dir, args.members), baseline_dir, env,
                       "first.log")
        print("baseline: onboard.yml rc {rc}, {writes} writes, {cpu} s CPU".format(**baseline), flush=True)
        if baseline["rc"] != 0 or baseline["writes"] == 0:
            print("FAILED: the uninterrupted onboarding did not succeed (log {0})".format(baseline_dir))
            return 1
        print("{0:>5} {1:>8} {2:<40} {3:>9} {4:>7} {5:>12} {6:>13}".format(
            "point", "killed@", "last write before the kill", "rerun rc", "writes", "third writes",
            "third changed"))
        for fraction in [float(point) for point in args.points.split(",")]:
            target = max(1, int(baseline["writes"] * fraction))
            workdir = os.path.join(workroot, "kill-{0:02d}".format(int(fraction * 100)))
            os.makedirs(workdir, exist_ok=True)
            inventory = fresh_organization(emulator, workdir, args.members)
            killed = killed_run(emulator, inventory, workdir, env, target)
            rerun = run(emulator, inventory, workdir, env, "rerun.log")
            third = run(emulator, inventory, workdir, env, "third.log")
            print("{0:>5} {1:>8} {2:<40} {3:>9} {4:>7} {5:>12} {6:>13}   CPU {7} + {8} + {9} s".format(
                "{0:.0%}".format(fraction), killed["writes"], killed["last_write"], rerun["rc"], rerun["writes"],
                third["writes"], third["changed"], killed["cpu"], rerun["cpu"], third["cpu"]), flush=True)
            if not killed["killed"]:
                failures.append("{0:.0%}: onboard.yml ended (rc {1}) before {2} writes".format(
                    fraction, killed["rc"], target))
            if rerun["rc"] != 0:
                failures.append("{0:.0%}: the re-run after the kill failed (log {1})".format(
                    fraction, os.path.join(workdir, "rerun.log")))
            if third["rc"] != 0 or third["writes"] != 0 or third["changed"] != 0:
                failures.append("{0:.0%}: the third run was not idle: rc {1}, writes {2}, changed {3}".format(
                    fraction, third["rc"], third["write_operations"], third["changed"]))
    for failure in failures:
        print("FAILED " + failure)
    print("kill test: {0} of {1} kill points converged; logs in {2}".format(
        len(args.points.split(",")) - len(set(f.split(":")[0] for f in failures)), len(args.points.split(",")),
        workroot))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
