"""Run the onboarding playbooks on a 100- and a 1,000-member organization and bound their cost.

For each size: start a fresh emulator, build the sample organization with the documented
command (``python -m radiant_emulator sample-org ... --suspended 1 --outside 2 --regions
us-east-1,us-west-2``), then run onboard.yml (first run), onboard.yml again (idempotent
re-run) and verify.yml. For each run it prints the wall time (with the load average, since the
machine is shared), the Ansible task results (from PLAY RECAP) and the AWS calls per
service:operation (from the emulator's request log), then the per-account slope between the
two sizes. API call counts do not depend on the machine's load: they are the primary figure.

Fails when: a run fails; the re-run reports a change or makes any write; verify.yml reports
drift; the Ansible task results grow with the number of accounts (organization-wide work runs
from the role hosts with batch calls); the AWS calls per added account exceed
--max-calls-per-account; the first run at the largest size takes --limit seconds or more.

    .venv/bin/python tests/benchmarks/onboard_1000.py [--members 100,1000] [--limit SECONDS]
        [--max-calls-per-account N] [--keep DIR]

Takes about 15 minutes (six playbook runs of 2-3 minutes each on 2 shared cores); --keep DIR
keeps each size's inventory and playbook logs (with profile_tasks timings) in DIR/members-N.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time

from radiant_emulator.process import EmulatorProcess

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.path.dirname(sys.executable)
REGIONS = "us-east-1,us-west-2"
RUNS = (("first", "onboard.yml"), ("rerun", "onboard.yml"), ("verify", "verify.yml"))
RECAP_LINE = re.compile(r"^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+"
                        r"skipped=(\d+)\s+rescued=(\d+)\s+ignored=(\d+)")
PROFILE_LINE = re.compile(r"^(.+?) -+ (\d+\.\d+)s$")


def load_average() -> str:
    with open("/proc/loadavg", encoding="ascii") as handle:
        return " ".join(handle.read().split()[:3])


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def process_cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def parse_recap(output: str) -> dict:
    """Sum PLAY RECAP over hosts: ok counts every task result that ran, changed those that changed."""
    totals = {"hosts": 0, "ok": 0, "changed": 0, "failed": 0, "skipped": 0}
    for line in output.split("PLAY RECAP", 1)[-1].splitlines():
        match = RECAP_LINE.match(line.strip())
        if match:
            totals["hosts"] += 1
            totals["ok"] += int(match.group(2))
            totals["changed"] += int(match.group(3))
            totals["failed"] += int(match.group(5)) + int(match.group(4))
            totals["skipped"] += int(match.group(6))
    return totals


def slowest_tasks(output: str, count: int = 5) -> list[str]:
    """The profile_tasks callback's lines after the recap, slowest first."""
    lines = []
    for line in output.split("PLAY RECAP", 1)[-1].splitlines():
        match = PROFILE_LINE.match(line.strip())
        if match:
            lines.append((float(match.group(2)), match.group(1).strip()))
    return [f"{seconds:6.1f} s  {name}" for seconds, name in sorted(lines, reverse=True)[:count]]


def run_size(members: int, workdir: str) -> dict:
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, "build", "collections"),
               AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
               AWS_DEFAULT_REGION="us-east-1", AWS_REGION="us-east-1",
               ANSIBLE_CALLBACKS_ENABLED="ansible.posix.profile_tasks", PROFILE_TASKS_TASK_OUTPUT_LIMIT="8",
               ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0")
    env.pop("AWS_PROFILE", None)
    env.pop("AWS_SESSION_TOKEN", None)
    results = {"members": members, "runs": {}}
    with EmulatorProcess(log_path=os.path.join(workdir, "emulator.log")) as emulator:
        env["AWS_ENDPOINT_URL"] = emulator.url
        inventory = os.path.join(workdir, "accounts.yml")
        started = time.monotonic()
        subprocess.run(
            [sys.executable, "-m", "radiant_emulator", "sample-org", "--endpoint", emulator.url,
             "--members", str(members), "--suspended", "1", "--outside", "2", "--regions", REGIONS,
             "--company", "bench", "--inventory", inventory],
            env=env, check=True, capture_output=True, text=True,
        )
        print(f"\n== {members} members: sample organization built in {time.monotonic() - started:.1f} s")
        for label, playbook in RUNS:
            emulator.control("DELETE", "requests")
            log = os.path.join(workdir, f"{label}.log")
            emulator_pid = emulator._proc.pid  # noqa: SLF001 - measuring the process we started
            emulator_cpu, ansible_cpu = process_cpu_seconds(emulator_pid), children_cpu_seconds()
            began = time.monotonic()
            completed = subprocess.run(
                [os.path.join(BIN, "ansible-playbook"), playbook, "-i", inventory,
                 "-e", "radiant_external_id=rs-bench-external-id",
                 "-e", "radiant_policy_backup_dir=" + os.path.join(workdir, "policy-backups"),
                 "-e", "radiant_handoff_file=" + os.path.join(workdir, "radiant-handoff.json")],
                cwd=ROOT, env=env, capture_output=True, text=True, check=False,
            )
            wall = time.monotonic() - began
            ansible_cpu = children_cpu_seconds() - ansible_cpu
            emulator_cpu = process_cpu_seconds(emulator_pid) - emulator_cpu
            with open(log, "w", encoding="utf-8") as handle:
                handle.write(completed.stdout + completed.stderr)
            summary = emulator.control("GET", "requests/summary")
            recap = parse_recap(completed.stdout)
            run = {"wall": wall, "load": load_average(), "recap": recap, "summary": summary,
                   "ansible_cpu": ansible_cpu, "emulator_cpu": emulator_cpu,
                   "rc": completed.returncode, "log": log, "slowest": slowest_tasks(completed.stdout)}
            results["runs"][label] = run
            print(f"{label:>6} ({playbook}): {wall:6.1f} s wall (load {run['load']}), CPU {ansible_cpu:.1f} s "
                  f"Ansible + {emulator_cpu:.1f} s emulator, "
                  f"{recap['ok']} task results ok ({recap['changed']} changed, {recap['skipped']} skipped) "
                  f"on {recap['hosts']} hosts; {summary['total']} AWS calls "
                  f"({summary['reads']} reads, {summary['writes']} writes); rc={completed.returncode}")
            for line in run["slowest"]:
                print("         " + line)
            costly = sorted(summary.get("seconds_by_operation", {}).items(), key=lambda item: -item[1])[:3]
            print(f"         emulator serving {summary.get('seconds', 0):.1f} s in all; most: "
                  + ", ".join(f"{op} {seconds:.1f} s" for op, seconds in costly))
            if completed.returncode != 0:
                print("\n".join((completed.stdout + completed.stderr).splitlines()[-40:]))
                break
    return results


def print_operations(sizes: list[dict]) -> None:
    for label, _playbook in RUNS:
        operations = sorted({op for size in sizes if label in size["runs"]
                             for op in size["runs"][label]["summary"]["by_operation"]})
        if not operations:
            continue
        header = "".join(f"{size['members']:>8}" for size in sizes)
        print(f"\n{label}: AWS calls by service:operation (members {header.strip()})")
        for op in operations:
            counts = "".join(f"{size['runs'].get(label, {}).get('summary', {}).get('by_operation', {}).get(op, 0):>8}"
                             for size in sizes)
            print(f"  {op:<58}{counts}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", default="100,1000", help="comma-separated organization sizes, smallest first")
    # Bounds from the measured figures (docs/testing.md, "Scale") with headroom: 1,000 members took
    # 125-155 s for the first run at load 4-5 on 2 cores, and 0.33 AWS calls per added member
    # (pages of 20 or 50 accounts); one call per member in any run would push the slope past 0.5.
    parser.add_argument("--limit", type=float, default=360.0,
                        help="fail when the largest size's first run takes this many seconds or more")
    parser.add_argument("--max-calls-per-account", type=float, default=0.5,
                        help="fail when a run's AWS calls grow by more than this per added member")
    parser.add_argument("--keep", help="keep inventories and playbook logs in this directory")
    args = parser.parse_args()
    member_counts = [int(count) for count in args.members.split(",")]

    sizes = []
    with tempfile.TemporaryDirectory() as scratch:
        base = args.keep or scratch
        for members in member_counts:
            workdir = os.path.join(base, f"members-{members}")
            os.makedirs(workdir, exist_ok=True)
            sizes.append(run_size(members, workdir))
        print_operations(sizes)

        problems = []
        for size in sizes:
            for label, playbook in RUNS:
                run = size["runs"].get(label)
                if run is None:
                    problems.append(f"{size['members']} members: {label} ({playbook}) did not run")
                elif run["rc"] != 0:
                    problems.append(f"{size['members']} members: {label} ({playbook}) failed, see {run['log']}")
            rerun = size["runs"].get("rerun")
            if rerun and rerun["recap"]["changed"]:
                problems.append(f"{size['members']} members: the re-run changed {rerun['recap']['changed']} task(s)")
            if rerun and rerun["summary"]["writes"]:
                problems.append(f"{size['members']} members: the re-run made {rerun['summary']['writes']} writes: "
                                + ", ".join(rerun["summary"]["write_operations"]))
        if len(sizes) >= 2:
            small, large = sizes[0], sizes[-1]
            added = large["members"] - small["members"]
            print(f"\nGrowth from {small['members']} to {large['members']} members ({added} accounts added):")
            for label, _playbook in RUNS:
                if label not in small["runs"] or label not in large["runs"]:
                    continue
                before, after = small["runs"][label], large["runs"][label]
                calls = (after["summary"]["total"] - before["summary"]["total"]) / added
                writes = (after["summary"]["writes"] - before["summary"]["writes"]) / added
                tasks = after["recap"]["ok"] - before["recap"]["ok"]
                seconds = (after["wall"] - before["wall"]) / added
                cpu = (after["ansible_cpu"] + after["emulator_cpu"]
                       - before["ansible_cpu"] - before["emulator_cpu"]) / added
                print(f"  {label:>6}: {calls:.2f} AWS calls ({writes:.2f} writes) per account, "
                      f"{tasks:+d} task results, {seconds * 1000:.1f} ms wall and {cpu * 1000:.1f} ms CPU per account")
                if calls > args.max_calls_per_account:
                    problems.append(f"{label}: {calls:.2f} AWS calls per added account, bound "
                                    f"{args.max_calls_per_account}")
                # Organization-wide work must not add Ansible tasks per account (docs/requirements.md#scale).
                if tasks > 0:
                    problems.append(f"{label}: {tasks} more task results at {large['members']} members than at "
                                    f"{small['members']}: a task runs per account")
        first = sizes[-1]["runs"].get("first")
        if first and first["wall"] >= args.limit:
            problems.append(f"{sizes[-1]['members']} members: first run took {first['wall']:.0f} s, "
                            f"limit {args.limit:.0f} s")
        for problem in problems:
            print("FAIL: " + problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
