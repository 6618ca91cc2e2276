"""Print, as JSON, the publishing destinations of other accounts' detectors, read with boto3.

Usage: member_destinations.py ENDPOINT ACCOUNT[,ACCOUNT...] REGION[,REGION...] [delete]
(credentials: the management account; other accounts through OrganizationAccountAccessRole).
Prints {"<account>/<region>": [{"DestinationArn", "KmsKeyArn", "Status"}, ...]}, [] where the
detector has none; pairs without a detector are left out. With "delete", deletes the destinations
it prints (drift behind the onboarding's back).
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "setup_emulator" / "files"))
from account_session import account_session, caller_account  # noqa: E402


def main(endpoint: str, accounts: str, regions: str, action: str = "read") -> None:
    caller = caller_account(endpoint)
    found = {}
    for account_id in accounts.split(","):
        session = account_session(endpoint, account_id, caller)
        for region in regions.split(","):
            guardduty = session.client("guardduty", endpoint_url=endpoint, region_name=region)
            for detector_id in guardduty.list_detectors()["DetectorIds"]:
                destinations = guardduty.list_publishing_destinations(DetectorId=detector_id)["Destinations"]
                found[f"{account_id}/{region}"] = [
                    dict(guardduty.describe_publishing_destination(
                        DetectorId=detector_id, DestinationId=d["DestinationId"])["DestinationProperties"],
                        Status=d["Status"])
                    for d in destinations]
                for destination in destinations if action == "delete" else []:
                    guardduty.delete_publishing_destination(DetectorId=detector_id,
                                                            DestinationId=destination["DestinationId"])
    json.dump(found, sys.stdout)


if __name__ == "__main__":
    main(*sys.argv[1:])
