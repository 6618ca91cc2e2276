"""Run onboard.yml under AWS faults (throttling and 5xx) for several seeds; every run must converge.

For each fault level and seed: a fresh emulator, the molecule scenarios' sample organization
(``radiant_emulator sample-org --members 8 --suspended 1 --outside 2 --regions
us-east-1,us-west-2``), fault injection switched on for every service and operation (the
emulator's ``PUT /_emulator/faults``), onboard.yml as users run it, then, with the faults off,
verify.yml (the run converged: no drift). Prints per run: the result, wall time with the load
average, requests and injected faults (by kind and by service: the amazon.aws/community.aws
modules' S3, KMS, SNS and IAM calls included), and the AWS calls per service that were retried.

Fails when a run has a failed host, verify.yml reports drift, or no fault reached a service.

    .venv/bin/python tests/benchmarks/faults_onboarding.py [--light-seeds 1,2,3,4,5]
        [--heavy-seeds 1,2,3] [--no-verify] [--keep DIR]

Levels: light 10% throttling + 5% 5xx (5 seeds), heavy 20% + 10% (3 seeds); about 3-5 minutes
a seed on 2 shared cores (the retries' backoff adds to the playbook's time).
make test runs one seed of the light level, in tests/integration/targets/playbook_safety (its
onboarding at -vvv); the heavy level runs here only (make bench).
"""

from __future__ import annotations

import argparse
import collections
import os
import subprocess
import sys
import tempfile
import time

from onboard_1000 import load_average, parse_recap
from radiant_emulator.process import EmulatorProcess

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.path.dirname(sys.executable)
REGIONS = "us-east-1,us-west-2"
LEVELS = (("light", 0.10, 0.05), ("heavy", 0.20, 0.10))
REUSED_MODULE_SERVICES = ("s3", "kms", "sns", "iam")


def playbook(env: dict, workdir: str, name: str, label: str) -> tuple[subprocess.CompletedProcess, str]:
    completed = subprocess.run(
        [os.path.join(BIN, "ansible-playbook"), name, "-i", os.path.join(workdir, "accounts.yml"),
         "-e", "radiant_external_id=rs-bench-external-id",
         "-e", "radiant_policy_backup_dir=" + os.path.join(workdir, "policy-backups"),
         "-e", "radiant_handoff_file=" + os.path.join(workdir, "radiant-handoff.json")],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )
    log = os.path.join(workdir, f"{label}.log")
    with open(log, "w", encoding="utf-8") as handle:
        handle.write(completed.stdout + completed.stderr)
    return completed, log


def run_seed(level: str, throttle: float, server_error: float, seed: int, workdir: str, verify: bool) -> dict:
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, "build", "collections"),
               AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
               AWS_DEFAULT_REGION="us-east-1", AWS_REGION="us-east-1", ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0")
    env.pop("AWS_PROFILE", None)
    env.pop("AWS_SESSION_TOKEN", None)
    result = {"level": level, "seed": seed, "problems": []}
    with EmulatorProcess(log_path=os.path.join(workdir, "emulator.log")) as emulator:
        env["AWS_ENDPOINT_URL"] = emulator.url
        subprocess.run(
            [sys.executable, "-m", "radiant_emulator", "sample-org", "--endpoint", emulator.url,
             "--members", "8", "--suspended", "1", "--outside", "2", "--regions", REGIONS,
             "--company", "faults", "--inventory", os.path.join(workdir, "accounts.yml")],
            env=env, check=True, capture_output=True, text=True,
        )
        emulator.control("DELETE", "requests")
        emulator.control("PUT", "faults", {"seed": seed, "rules": [
            {"kind": "throttle", "rate": throttle}, {"kind": "server_error", "rate": server_error}]})
        began = time.monotonic()
        completed, log = playbook(env, workdir, "onboard.yml", "onboard")
        result["wall"], result["load"] = time.monotonic() - began, load_average()
        records = emulator.control("GET", "requests")["records"]
        emulator.control("DELETE", "faults")
        recap = parse_recap(completed.stdout)
        faulted = [record for record in records if record.get("fault")]
        result.update(rc=completed.returncode, recap=recap, requests=len(records), log=log,
                      faults=collections.Counter(record["fault"] for record in faulted),
                      faulted_services=collections.Counter(record["service"] for record in faulted))
        if completed.returncode != 0 or recap["failed"]:
            result["problems"].append(f"{level} seed {seed}: onboard.yml failed ({recap['failed']} failed host(s), "
                                      f"rc={completed.returncode}), see {log}")
            print("\n".join((completed.stdout + completed.stderr).splitlines()[-25:]))
        missed = [service for service in REUSED_MODULE_SERVICES + ("guardduty", "organizations")
                  if not result["faulted_services"].get(service)]
        if missed:
            result["problems"].append(f"{level} seed {seed}: no fault reached {', '.join(missed)}")
        if verify and not result["problems"]:
            checked, verify_log = playbook(env, workdir, "verify.yml", "verify")
            if checked.returncode != 0:
                result["problems"].append(f"{level} seed {seed}: verify.yml found drift after the run, "
                                          f"see {verify_log}")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--light-seeds", default="1,2,3,4,5", help="seeds at 10%% throttling + 5%% 5xx")
    parser.add_argument("--heavy-seeds", default="1,2,3", help="seeds at 20%% throttling + 10%% 5xx")
    parser.add_argument("--no-verify", action="store_true", help="skip verify.yml after each run")
    parser.add_argument("--keep", help="keep inventories and playbook logs in this directory")
    args = parser.parse_args()
    seeds = {"light": args.light_seeds, "heavy": args.heavy_seeds}

    results = []
    with tempfile.TemporaryDirectory() as scratch:
        base = args.keep or scratch
        for level, throttle, server_error in LEVELS:
            for seed in [int(seed) for seed in seeds[level].split(",") if seed]:
                workdir = os.path.join(base, f"{level}-seed-{seed}")
                os.makedirs(workdir, exist_ok=True)
                result = run_seed(level, throttle, server_error, seed, workdir, verify=not args.no_verify)
                results.append(result)
                print(f"{level} ({throttle:.0%} throttling + {server_error:.0%} 5xx), seed {seed}: "
                      f"{'converged' if not result['problems'] else 'FAILED'}, {result['wall']:.0f} s wall "
                      f"(load {result['load']}), {result['recap']['ok']} task results, "
                      f"{result['recap']['failed']} failed; {result['requests']} requests, "
                      f"{sum(result['faults'].values())} faulted ({dict(result['faults'])}); by service: "
                      f"{dict(sorted(result['faulted_services'].items()))}", flush=True)

    problems = [problem for result in results for problem in result["problems"]]
    print(f"\n{len(results) - sum(1 for r in results if r['problems'])} of {len(results)} runs converged")
    for problem in problems:
        print("FAIL: " + problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
