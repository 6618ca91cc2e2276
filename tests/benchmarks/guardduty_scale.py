"""GuardDuty at real AWS latency: task results do not grow with Regions or accounts; runs are bounded.

Every run starts a fresh emulator that adds 50 ms to each AWS call (RADIANT_EMULATOR_LATENCY_MS,
about what AWS takes), builds the sample organization with the documented command and runs the
playbooks. Each run prints its wall time, the Ansible and emulator CPU seconds, the load average,
the AWS calls (reads, writes), and the task results per phase (the role a task belongs to, from
the playbook output; "playbook" for the playbooks' own tasks).

Scenarios (--scenario, default all):
  regions      10 members + 2 outside accounts at 2 and at 17 Regions, the whole onboard.yml:
               first run and re-run; the task results per phase must be identical.
  accounts     10 and 1,000 members + 2 outside accounts at 2 Regions, the whole onboard.yml:
               the same, across the number of accounts.
  invitations  40 accounts outside the organization x 4 Regions, ``--tags preflight,guardduty``:
               first run <= 40 s, re-run <= 15 s with 0 writes.
  full         1,000 members + 40 outside accounts x the 17 default Regions, full onboard.yml:
               first run <= 180 s, re-run <= 60 s with 0 writes, verify.yml <= 60 s. Long: run it
               on an idle machine.

Every first run also counts GuardDuty's writes in each Region against issue 12's lower bound
(guardduty_write_lower_bound: the delegation, the administrator's detector, the organization
configuration, the publishing destination, one CreateMembers call per 50 accounts, one InviteMembers
call per 50 outside accounts, and each outside account's detector and acceptance) and fails past
1.5 times it.

Fails when a run fails, a re-run changes anything or writes, a phase's task results differ
between sizes of the same scenario, a run passes its bound, or a Region's writes pass 1.5 times
their lower bound.

    .venv/bin/python tests/benchmarks/guardduty_scale.py [--scenario regions,accounts,invitations,full]
        [--latency-ms 50] [--keep DIR]
"""

from __future__ import annotations

import argparse
import math
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from onboard_1000 import (  # noqa: E402 - the sibling benchmark's measuring helpers
    children_cpu_seconds,
    load_average,
    parse_recap,
    process_cpu_seconds,
)
from radiant_emulator.process import EmulatorProcess  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.path.dirname(sys.executable)
# AWS's 17 Regions enabled by default (opt-in Regions left out), as a user enables GuardDuty everywhere.
DEFAULT_REGIONS = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1",
                   "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1", "ap-south-1",
                   "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2"]
ALL_PHASES = []  # no --tags: every phase's task results must not grow with Regions or accounts
INVITATION_TAGS = ["--tags", "preflight,guardduty"]

# name -> (sizes: (members, outside accounts, Regions), tags, runs, bounds in seconds per run, same task count)
SCENARIOS = {
    "regions": ([(10, 2, 2), (10, 2, 17)], ALL_PHASES, ("first", "rerun"), {}, True),
    "accounts": ([(10, 2, 2), (1000, 2, 2)], ALL_PHASES, ("first", "rerun"), {}, True),
    "invitations": ([(10, 40, 4)], INVITATION_TAGS, ("first", "rerun"), {"first": 40, "rerun": 15}, False),
    "full": ([(1000, 40, 17)], [], ("first", "rerun", "verify"), {"first": 180, "rerun": 60, "verify": 60}, False),
}
PLAYBOOK = {"first": "onboard.yml", "rerun": "onboard.yml", "verify": "verify.yml"}
WRITES_BOUND_RATIO = 1.5
GUARDDUTY_BATCH = 50  # accounts per CreateMembers / InviteMembers call (GuardDuty API reference)


def guardduty_write_lower_bound(members: int, outside: int) -> int:
    """The GuardDuty writes one Region needs on a first run of the sample organization, counted as issue 12 does.

    The administrator's own writes, one CreateMembers call per 50 accounts (the organization's members and the
    outside accounts), one InviteMembers call per 50 outside accounts, and each outside account's detector and
    acceptance. AutoEnableOrganizationMembers ALL enrols the organization's existing accounts without a call,
    but only eventually (up to 24 hours, API_UpdateOrganizationConfiguration), so the module adds those not yet
    enrolled itself; a run where auto-enable came first needs fewer, and its ratio is below 1.
    """
    administrator = 4  # EnableOrganizationAdminAccount, its detector, the organization configuration, the destination
    create_members = math.ceil((members + outside) / GUARDDUTY_BATCH)
    return administrator + create_members + math.ceil(outside / GUARDDUTY_BATCH) + 2 * outside


def guardduty_writes_by_region(records: list) -> dict:
    writes: dict[str, int] = {}
    for record in records:
        if record["service"] == "guardduty" and record["write"]:
            writes[record["region"]] = writes.get(record["region"], 0) + 1
    return writes


TASK_HEADER = re.compile(r"^(?:TASK|RUNNING HANDLER) \[(?:(?:[\w.]+\.)?(\w+) : )?.*\]")
RESULT_LINE = re.compile(r"^(ok|changed|skipping|failed|fatal|included): ")


def task_results_by_phase(output: str) -> dict:
    """Task results (one per host, per loop item, per include) per role, from the default callback's output."""
    counts: dict[str, int] = {}
    phase = None
    for line in output.split("PLAY RECAP", 1)[0].splitlines():
        header = TASK_HEADER.match(line)
        if header:
            phase = header.group(1) or "playbook"
            continue
        if phase and RESULT_LINE.match(line):
            counts[phase] = counts.get(phase, 0) + 1
    return counts


def run_size(members: int, outside: int, regions: int, tags: list, runs: tuple, workdir: str,
             latency_ms: float) -> dict:
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, "build", "collections"),
               AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
               AWS_DEFAULT_REGION="us-east-1", AWS_REGION="us-east-1",
               ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0", RADIANT_EMULATOR_LATENCY_MS=str(latency_ms))
    env.pop("AWS_PROFILE", None)
    env.pop("AWS_SESSION_TOKEN", None)
    label = f"{members} members, {outside} outside x {regions} Regions"
    result = {"label": label, "runs": {}}
    saved = os.environ.get("RADIANT_EMULATOR_LATENCY_MS")
    os.environ["RADIANT_EMULATOR_LATENCY_MS"] = str(latency_ms)  # the emulator process inherits it
    try:
        emulator = EmulatorProcess(log_path=os.path.join(workdir, "emulator.log"))
        emulator.start()
    finally:
        if saved is None:
            os.environ.pop("RADIANT_EMULATOR_LATENCY_MS", None)
        else:
            os.environ["RADIANT_EMULATOR_LATENCY_MS"] = saved
    try:
        env["AWS_ENDPOINT_URL"] = emulator.url
        inventory = os.path.join(workdir, "accounts.yml")
        started = time.monotonic()
        subprocess.run(
            [sys.executable, "-m", "radiant_emulator", "sample-org", "--endpoint", emulator.url,
             "--members", str(members), "--suspended", "1", "--outside", str(outside),
             "--regions", ",".join(DEFAULT_REGIONS[:regions]), "--company", "bench", "--inventory", inventory],
            env=env, check=True, capture_output=True, text=True,
        )
        print(f"\n== {label}: sample organization built in {time.monotonic() - started:.1f} s "
              f"({latency_ms:g} ms per AWS call)")
        for run_label in runs:
            playbook = PLAYBOOK[run_label]
            emulator.control("DELETE", "requests")
            emulator_pid = emulator._proc.pid  # noqa: SLF001 - measuring the process we started
            emulator_cpu, ansible_cpu = process_cpu_seconds(emulator_pid), children_cpu_seconds()
            began = time.monotonic()
            completed = subprocess.run(
                [os.path.join(BIN, "ansible-playbook"), playbook, "-i", inventory,
                 "-e", "radiant_external_id=rs-bench-external-id",
                 "-e", "radiant_policy_backup_dir=" + os.path.join(workdir, "policy-backups"),
                 "-e", "radiant_handoff_file=" + os.path.join(workdir, "radiant-handoff.json")]
                + (tags if run_label != "verify" else []),
                cwd=ROOT, env=env, capture_output=True, text=True, check=False,
            )
            wall = time.monotonic() - began
            ansible_cpu = children_cpu_seconds() - ansible_cpu
            emulator_cpu = process_cpu_seconds(emulator_pid) - emulator_cpu
            log = os.path.join(workdir, f"{run_label}.log")
            with open(log, "w", encoding="utf-8") as handle:
                handle.write(completed.stdout + completed.stderr)
            logged = emulator.control("GET", "requests")
            summary = logged["summary"]
            recap = parse_recap(completed.stdout)
            phases = task_results_by_phase(completed.stdout)
            run = {"wall": wall, "load": load_average(), "recap": recap, "summary": summary, "phases": phases,
                   "ansible_cpu": ansible_cpu, "emulator_cpu": emulator_cpu, "rc": completed.returncode,
                   "log": log, "guardduty_writes": guardduty_writes_by_region(logged["records"]),
                   "guardduty_write_bound": guardduty_write_lower_bound(members, outside)}
            result["runs"][run_label] = run
            print(f"{run_label:>6} ({playbook} {' '.join(tags) if run_label != 'verify' else ''}): "
                  f"{wall:6.1f} s wall, CPU {ansible_cpu:.1f} s Ansible + {emulator_cpu:.1f} s emulator, "
                  f"load {run['load']}; {sum(phases.values())} task results "
                  f"({recap['changed']} changed, {recap['skipped']} skipped) on {recap['hosts']} hosts; "
                  f"{summary['total']} AWS calls ({summary['reads']} reads, {summary['writes']} writes); "
                  f"rc={completed.returncode}")
            print("         task results per phase: " + ", ".join(f"{phase} {count}"
                                                                  for phase, count in sorted(phases.items())))
            if run["guardduty_writes"]:
                most = max(run["guardduty_writes"].values())
                print(f"         GuardDuty writes per Region: {min(run['guardduty_writes'].values())}-{most} "
                      f"(lower bound {run['guardduty_write_bound']}, ratio {most / run['guardduty_write_bound']:.2f})")
            if completed.returncode != 0:
                print("\n".join((completed.stdout + completed.stderr).splitlines()[-40:]))
                break
    finally:
        emulator.stop()
    return result


def check(name: str, sizes: list, runs: tuple, bounds: dict, same_tasks: bool) -> list:
    problems = []
    for size in sizes:
        for run_label in runs:
            run = size["runs"].get(run_label)
            if run is None:
                problems.append(f"{name}, {size['label']}: {run_label} did not run")
                continue
            if run["rc"] != 0:
                problems.append(f"{name}, {size['label']}: {run_label} failed, see {run['log']}")
            if run_label == "rerun" and (run["recap"]["changed"] or run["summary"]["writes"]):
                problems.append(f"{name}, {size['label']}: the re-run changed {run['recap']['changed']} task(s) "
                                f"and made {run['summary']['writes']} writes: "
                                + ", ".join(run["summary"].get("write_operations", [])))
            if run_label == "first":
                limit = WRITES_BOUND_RATIO * run["guardduty_write_bound"]
                for region, writes in sorted(run["guardduty_writes"].items()):
                    if writes > limit:
                        problems.append(f"{name}, {size['label']}: {writes} GuardDuty writes in {region}, more than "
                                        f"{WRITES_BOUND_RATIO} x the lower bound {run['guardduty_write_bound']}")
            bound = bounds.get(run_label)
            if bound is not None and run["wall"] > bound:
                problems.append(f"{name}, {size['label']}: {run_label} took {run['wall']:.0f} s, bound {bound} s "
                                f"(load {run['load']})")
    if same_tasks and len(sizes) >= 2:
        for run_label in runs:
            counted = [size["runs"].get(run_label, {}).get("phases") for size in sizes]
            if None in counted:
                continue
            for phase in sorted(set().union(*counted)):
                numbers = [phases.get(phase, 0) for phases in counted]
                if len(set(numbers)) > 1:
                    problems.append(f"{name}: {run_label}: phase {phase} has "
                                    + " vs ".join(f"{n} task results ({size['label']})"
                                                  for n, size in zip(numbers, sizes)))
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=",".join(SCENARIOS), help="comma-separated: " + ", ".join(SCENARIOS))
    parser.add_argument("--latency-ms", type=float, default=50.0, help="added to every AWS call (default 50)")
    parser.add_argument("--keep", help="keep inventories, emulator and playbook logs in this directory")
    args = parser.parse_args()
    problems = []
    with tempfile.TemporaryDirectory() as scratch:
        base = args.keep or scratch
        for name in args.scenario.split(","):
            size_specs, tags, runs, bounds, same_tasks = SCENARIOS[name]
            sizes = []
            for members, outside, regions in size_specs:
                workdir = os.path.join(base, f"{name}-{members}-{outside}-{regions}")
                os.makedirs(workdir, exist_ok=True)
                sizes.append(run_size(members, outside, regions, tags, runs, workdir, args.latency_ms))
            problems.extend(check(name, sizes, runs, bounds, same_tasks))
    for problem in problems:
        print("FAIL: " + problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
