"""Create GuardDuty detectors in other accounts, as their owners would (test set-up).

Usage: member_detectors.py ENDPOINT '{"<account id>": ["us-east-1", ...], ...}'
Each account is reached by assuming its OrganizationAccountAccessRole with the environment's
(management account's) credentials; the management account itself uses them directly.
Prints {"<account>/<region>": "<detector ARN>"}. Also used by the role_findings_export target.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "setup_emulator" / "files"))
from account_session import account_session, caller_account  # noqa: E402


def main(endpoint: str, spec: str) -> None:
    caller = caller_account(endpoint)
    created = {}
    for account_id, regions in json.loads(spec).items():
        session = account_session(endpoint, account_id, caller)
        for region in regions:
            guardduty = session.client("guardduty", endpoint_url=endpoint, region_name=region)
            detector_id = guardduty.create_detector(Enable=True)["DetectorId"]
            created[f"{account_id}/{region}"] = f"arn:aws:guardduty:{region}:{account_id}:detector/{detector_id}"
    json.dump(created, sys.stdout)


if __name__ == "__main__":
    main(*sys.argv[1:])
