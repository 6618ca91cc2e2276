"""Run onboard.yml and verify.yml the way AWX / Automation Controller runs a job template, and check
what AWX would see: the job's status, its events and its artifacts (set_stats).

Each job gets a private data directory of its own, as AWX builds one: env/extravars holds the survey
answers (radiant_regions a list, as a multiselect sends it) and the emulator's endpoint,
env/envvars the credential as AWX's "Amazon Web Services" type injects it (AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, AWS_SECURITY_TOKEN), inventory/ the organization's hosts. The process has no
PWD and no other AWS variable. Jobs: onboard (successful, handoff artifact), verify (clean), verify
after a change made with boto3 behind the playbooks' back (drift), verify with a role that cannot
be assumed (error).

    python run_as_awx.py OUTPUT_DIR      (OUTPUT_DIR/awx_case.json comes from setup.yml)
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import ansible_runner
import boto3
import yaml

ROOT = Path(__file__).resolve().parents[5]
DRIFT_TASK = "Fail when anything drifted"
# The management account's key pair and session token, as the AWX credential holds them: they must
# never reach the job's output or artifacts.
CREDENTIAL = {
    "AWS_ACCESS_KEY_ID": "AKIAAWXRUNNERTEST001",
    "AWS_SECRET_ACCESS_KEY": "awx-runner-secret-7f3c9d2e71b0",
    "AWS_SECURITY_TOKEN": "awx-runner-session-token-6b1d04a9",
}
TRAIL_NAME = "management-events"


class JobCheckFailed(AssertionError):
    pass


def check(condition, message, job=None):
    if not condition:
        if job is not None:
            stdout = Path(job.config.artifact_dir, "stdout").read_text(encoding="utf-8", errors="replace")
            message += "\n--- last lines of the job's stdout:\n" + "\n".join(stdout.splitlines()[-60:])
        raise JobCheckFailed(message)


class AwxJobs:
    def __init__(self, output_dir):
        self.output_dir = Path(output_dir)
        self.case = json.loads((self.output_dir / "awx_case.json").read_text(encoding="utf-8"))
        self.org = self.case["sample_org"]
        self.jobs = 0
        self.survey = {
            "radiant_company_name": "awxco",
            "radiant_external_id": "rs-awx-external-id-0042",
            "radiant_regions": list(self.org["regions"]),
            "radiant_log_account_id": str(self.org["log_account_id"]),
        }
        # The organization's hosts without what the survey and the extra variables now say.
        inventory = yaml.safe_load(Path(self.org["inventory"]).read_text(encoding="utf-8"))
        for name in ("radiant_regions", "radiant_company_name", "radiant_aws_endpoint_url"):
            inventory["all"]["vars"].pop(name)
        self.inventory = inventory
        self.management_host = next(iter(inventory["all"]["children"]["management_account"]["hosts"]))

    def run(self, playbook, extra=None, tags=None):
        """One job in a fresh private data directory; returns ansible-runner's Runner."""
        self.jobs += 1
        private = self.output_dir / "jobs" / f"{self.jobs}-{playbook.replace('.yml', '')}"
        (private / "env").mkdir(parents=True)
        (private / "inventory").mkdir()
        extravars = dict(self.survey, radiant_aws_endpoint_url=self.case["aws_endpoint_url"], **(extra or {}))
        (private / "env" / "extravars").write_text(yaml.safe_dump(extravars), encoding="utf-8")
        (private / "env" / "envvars").write_text(yaml.safe_dump(CREDENTIAL), encoding="utf-8")
        (private / "inventory" / "hosts.yml").write_text(yaml.safe_dump(self.inventory), encoding="utf-8")
        return ansible_runner.run(private_data_dir=str(private), project_dir=str(ROOT), playbook=playbook,
                                  ident="job", tags=tags, quiet=True)


def artifacts(job):
    """The job's set_stats data, as AWX stores it (the playbook_on_stats event's artifact_data)."""
    stats = [event for event in job.events if event.get("event") == "playbook_on_stats"]
    check(len(stats) == 1, "no playbook_on_stats event", job)
    return stats[0]["event_data"].get("artifact_data", {})


def failed_tasks(job):
    return sorted({event["event_data"].get("task") for event in job.events if event.get("event") == "runner_on_failed"
                   and not event["event_data"].get("ignore_errors")})


def task_results(job, task):
    return [event["event"] for event in job.events if event.get("event", "").startswith("runner_on_")
            and event["event"] != "runner_on_start" and event["event_data"].get("task") == task]


def check_no_secret(job):
    # What the playbooks wrote: output, events, handoff, report, backups. Not 'command', ansible-runner's
    # record of the process environment (AWX keeps it out of the job's output and redacts it).
    for path in Path(job.config.artifact_dir).rglob("*"):
        if path.is_file() and path.name != "command":
            text = path.read_text(encoding="utf-8", errors="replace")
            for name in ("AWS_SECRET_ACCESS_KEY", "AWS_SECURITY_TOKEN"):
                check(CREDENTIAL[name] not in text, f"{name} of the credential is in {path}")


def main():
    jobs = AwxJobs(sys.argv[1])
    for name in list(os.environ):
        if name.startswith("AWS_"):
            del os.environ[name]
    os.environ.pop("PWD", None)
    os.environ["HOME"] = str(jobs.output_dir / "home")
    before = set(os.listdir(ROOT))
    management = str(jobs.org["management_account_id"])
    log_account = str(jobs.org["log_account_id"])

    # 1. onboard: successful, the handoff in the artifacts and beside them, nothing in the project.
    onboard = jobs.run("onboard.yml")
    check(onboard.status == "successful" and onboard.rc == 0,
          f"onboard job: status {onboard.status}, rc {onboard.rc}; failed tasks {failed_tasks(onboard)}", onboard)
    check(onboard.stats["failures"] == {} and onboard.stats["dark"] == {}, f"onboard stats {onboard.stats}", onboard)
    check(onboard.stats["changed"].get(jobs.management_host, 0) > 0, f"onboard changed nothing: {onboard.stats}")
    write_task = "Write the handoff file and, beside it, the accounts CSV for Radiant's AWS API credential"
    check(task_results(onboard, write_task) == ["runner_on_ok"],
          f"'{write_task}': {task_results(onboard, write_task)}", onboard)
    handoff = artifacts(onboard).get("radiant_handoff")
    check(handoff is not None, f"no radiant_handoff artifact: {artifacts(onboard)}", onboard)
    check(handoff["main_account_id"] == log_account, f"handoff main account {handoff['main_account_id']}")
    check(handoff["radiant_credentials"]["aws_external_role_id"] == jobs.survey["radiant_external_id"],
          f"handoff external id {handoff['radiant_credentials']}")
    check(handoff["regions"] == jobs.survey["radiant_regions"], f"handoff regions {handoff['regions']}")
    check(handoff["buckets"]["guardduty_findings"] == "arn:aws:s3:::awxco-guardduty-radiantsecurity",
          f"handoff bucket {handoff['buckets']}")
    handoff_file = Path(onboard.config.artifact_dir, "radiant-handoff.json")
    check(handoff_file.is_file(), f"no handoff file in the job's artifacts directory {onboard.config.artifact_dir}")
    check(json.loads(handoff_file.read_text(encoding="utf-8")) == handoff, "the handoff file and artifact differ")
    check_no_secret(onboard)

    # 2. verify, right after: clean.
    clean = jobs.run("verify.yml")
    check(clean.status == "successful" and clean.rc == 0,
          f"clean verify job: status {clean.status}, rc {clean.rc}; failed tasks {failed_tasks(clean)}", clean)
    check(task_results(clean, DRIFT_TASK) == ["runner_on_ok"], f"'{DRIFT_TASK}': {task_results(clean, DRIFT_TASK)}")
    summary = artifacts(clean).get("radiant_verify")
    check(summary is not None and summary["status"] == "clean" and summary["total"] == 0,
          f"clean verify artifact radiant_verify: {summary}", clean)
    report = json.loads(Path(clean.config.artifact_dir, "drift-report.json").read_text(encoding="utf-8"))
    check(report["status"] == "clean" and report["findings"] == [], f"clean drift report {report}")

    # 3. the organization trail stops logging behind the playbooks' back: verify says drift.
    boto3.client("cloudtrail", endpoint_url=jobs.case["aws_endpoint_url"], region_name=jobs.case["aws_region"],
                 aws_access_key_id=CREDENTIAL["AWS_ACCESS_KEY_ID"],
                 aws_secret_access_key=CREDENTIAL["AWS_SECRET_ACCESS_KEY"]).stop_logging(Name=TRAIL_NAME)
    # Job tags as a job template may set them: only the drifted phase, to keep the test short.
    drift = jobs.run("verify.yml", tags="org_trail")
    check(drift.status == "failed" and drift.rc == 2, f"drift verify job: status {drift.status}, rc {drift.rc}", drift)
    check(failed_tasks(drift) == [DRIFT_TASK], f"drift verify failed in {failed_tasks(drift)}, not only '{DRIFT_TASK}'",
          drift)
    summary = artifacts(drift).get("radiant_verify")
    check(summary is not None and summary["status"] == "drift", f"drift verify artifact radiant_verify: {summary}",
          drift)
    total = summary["total"]
    check(total >= 1 and summary["by_phase"] == {"org_trail": total} and summary["by_account"] == {management: total}
          and sum(summary["by_region"].values()) == total, f"drift counts {summary}")
    report = json.loads(Path(drift.config.artifact_dir, "drift-report.json").read_text(encoding="utf-8"))
    check(report["status"] == "drift" and len(report["findings"]) == summary["total"]
          and all(TRAIL_NAME in json.dumps(finding) for finding in report["findings"]), f"drift report {report}")
    check_no_secret(drift)

    # 4. a real error (a role no account has): status error, and not the drift task.
    error = jobs.run("verify.yml", extra={"radiant_assume_role_name": "NoSuchRole"})
    check(error.status == "failed" and error.rc != 0, f"error verify job: status {error.status}, rc {error.rc}", error)
    check(failed_tasks(error) and DRIFT_TASK not in failed_tasks(error),
          f"error verify failed in {failed_tasks(error)}", error)
    summary = artifacts(error).get("radiant_verify")
    check(summary is not None and summary["status"] == "error", f"error verify artifact radiant_verify: {summary}",
          error)
    report = json.loads(Path(error.config.artifact_dir, "drift-report.json").read_text(encoding="utf-8"))
    check(report["status"] == "error", f"error drift report {report}")

    # 5. the same drift from a shell, outside ansible-runner, with no PWD: exit 2 and the report, status
    # drift, in ~/.radiant-onboarding/<management account id>/ (only the org_trail phase, to save time).
    inventory = jobs.output_dir / "cli-accounts.yml"
    inventory.write_text(yaml.safe_dump(jobs.inventory), encoding="utf-8")
    extravars = dict(jobs.survey, radiant_aws_endpoint_url=jobs.case["aws_endpoint_url"])
    cli = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", str(inventory),
                          "-e", json.dumps(extravars), "--tags", "org_trail", "radiant.aws_onboarding.verify"],
                         cwd="/", env=dict(os.environ, **CREDENTIAL), capture_output=True, text=True, check=False)
    check(cli.returncode == 2, f"verify.yml from a shell exited {cli.returncode}:\n{cli.stdout[-3000:]}{cli.stderr}")
    report_file = Path(os.environ["HOME"], ".radiant-onboarding", management, "drift-report.json")
    check(report_file.is_file(), f"no {report_file}:\n{cli.stdout[-3000:]}")
    check(json.loads(report_file.read_text(encoding="utf-8"))["status"] == "drift", f"{report_file} is not drift")

    check(set(os.listdir(ROOT)) == before, f"the jobs wrote into the project: {sorted(set(os.listdir(ROOT)) - before)}")
    print(f"AWX-style jobs: onboard successful ({onboard.stats['changed'][jobs.management_host]} changed), "
          f"verify clean, verify drift ({len(failed_tasks(drift))} failed task), verify error ({failed_tasks(error)}), "
          f"verify from a shell: exit {cli.returncode}, {report_file}")


if __name__ == "__main__":
    try:
        main()
    except JobCheckFailed as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        sys.exit(1)
