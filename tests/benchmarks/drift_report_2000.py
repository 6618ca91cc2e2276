"""Benchmark: verify.yml's HTML drift and coverage report for 2,000 accounts x 17 Regions.

The coverage is built the way verify.yml builds it (guardduty_region_coverage per Region from a check-mode
membership result with a diff, drift_coverage over all of it, then drift_report_html), from synthetic results
shaped like the modules' (no emulator: the report is pure Python). Two organizations:

* typical: 40 accounts drifted in one Region each (a protection plan off), 10 invited accounts that never
  accepted - the page lists those 50 cell by cell and summarises the 1,950 others;
* worst: one Region has no publishing destinations anywhere, so every account is partly covered and every
  account gets its matrix row (34,000 cells), plus 3,000 findings (the page lists 2,000).

Prints, for each, the time to build the coverage and to render, and the page size; fails when a page takes 5 s
of CPU or more to render or weighs 8 MB or more.

    .venv/bin/python tests/benchmarks/drift_report_2000.py [--accounts 2000] [--regions 17] [--keep DIR]
"""

import argparse
import os
import sys
import time

from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
_AnsibleCollectionFinder(paths=[os.path.join(ROOT, "build", "collections")], scan_sys_paths=True)._install()

from ansible_collections.radiant.aws_onboarding.plugins.module_utils.drift_report import (  # noqa: E402
    drift_coverage,
    guardduty_region_coverage,
    render_html,
)

REGIONS = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "eu-west-1", "eu-west-2", "eu-west-3",
           "eu-central-1", "eu-north-1", "ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
           "ap-southeast-1", "ap-southeast-2", "sa-east-1"]
FEATURES = [{"name": name} for name in ("S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "EBS_MALWARE_PROTECTION",
                                        "RDS_LOGIN_EVENTS", "LAMBDA_NETWORK_LOGS", "RUNTIME_MONITORING")]
MAX_SECONDS = 5.0
MAX_BYTES = 8 * 1024 * 1024


def organization(accounts, regions, worst):
    ids = ["{0:012d}".format(300000000000 + number * 7919) for number in range(accounts)]
    management, admin = ids[0], ids[1]
    invited = set(ids[2:12])
    drifted = ids[100:140]
    per_region, member_destinations, drift = [], [], []
    for index, region in enumerate(regions):
        statuses = dict((a, "Invited" if a in invited else "Enabled") for a in ids if a != admin)
        plans = dict((a, {"S3_DATA_EVENTS": {"status": "DISABLED", "additional_configuration": {}}})
                     for number, a in enumerate(drifted) if number % len(regions) == index)
        membership = {"changed": bool(plans), "diff": {"before": {"relationship_status": statuses,
                                                                  "member_features": plans}, "after": {}}}
        detector = {"changed": False, "diff": {"before": {"features": dict(
            (feature["name"], {"status": "ENABLED"}) for feature in FEATURES)}, "after": {}}}
        per_region.append(guardduty_region_coverage(membership, region, FEATURES, management_account_id=management,
                                                    management_detector=detector, admin_account_id=admin,
                                                    admin_detector=detector))
        for account in plans:
            drift.append({"account": admin, "region": region, "phase": "guardduty_org", "resource": "members",
                          "field": "member_features.{0}.S3_DATA_EVENTS.status".format(account),
                          "expected": "ENABLED", "actual": "DISABLED"})
        missing = worst and index == len(regions) - 1
        for account in ids:
            member_destinations.append({"account_id": account, "region": region, "changed": missing,
                                        "destination_id": None if missing else "dest", "status": None if missing
                                        else "PUBLISHING"})
    if worst:
        drift.extend({"account": ids[number % accounts], "region": regions[-1], "phase": "findings_export",
                      "resource": "member publishing destination", "field": "status", "expected": "PUBLISHING",
                      "actual": "missing"} for number in range(3000))
    names = [{"id": a, "name": "account <{0}> & team".format(number), "status": "ACTIVE"}
             for number, a in enumerate(ids)]
    return {"guardduty": per_region, "regions": regions, "accounts": names,
            "member_destinations": {"destinations": member_destinations}}, drift


def matrix_rows(page):
    return page.split('id="matrix"', 1)[1].split("</table>", 1)[0].count("<tr") - 1  # without the header


def run(label, accounts, regions, worst, keep):
    sources, drift = organization(accounts, regions, worst)
    started = time.perf_counter()
    coverage = drift_coverage(**sources)
    built = time.perf_counter() - started
    started, cpu_started = time.perf_counter(), time.process_time()
    page = render_html(drift, coverage, generated="benchmark")
    rendered, rendered_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    size = len(page.encode("utf-8"))
    print("{0:>8}: {1} accounts x {2} Regions, {3} findings: coverage {4:.2f} s, render {5:.2f} s ({9:.2f} s CPU), "
          "page {6:,} bytes "
          "({7:.1f} MB), {8} matrix rows".format(label, accounts, len(regions), len(drift), built, rendered, size,
                                                 size / 1048576.0, matrix_rows(page), rendered_cpu))
    if keep:
        os.makedirs(keep, exist_ok=True)
        with open(os.path.join(keep, label + ".html"), "w", encoding="utf-8") as handle:
            handle.write(page)
    problems = []
    # CPU time: the bound holds on a shared machine too.
    if rendered_cpu >= MAX_SECONDS:
        problems.append("{0}: rendering took {1:.1f} s of CPU (bound {2} s)".format(label, rendered_cpu, MAX_SECONDS))
    if size >= MAX_BYTES:
        problems.append("{0}: the page weighs {1:,} bytes (bound {2:,})".format(label, size, MAX_BYTES))
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--regions", type=int, default=len(REGIONS))
    parser.add_argument("--keep", help="write the pages to this directory")
    args = parser.parse_args()
    regions = REGIONS[:args.regions]
    problems = run("typical", args.accounts, regions, False, args.keep)
    problems += run("worst", args.accounts, regions, True, args.keep)
    for problem in problems:
        print("FAIL " + problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
