"""Print, as JSON, the GuardDuty state of an organization, read with boto3 outside any module.

Usage: guardduty_state.py ENDPOINT ADMIN_ACCOUNT REGION[,REGION...] OUTSIDE_ACCOUNT[,...]
Credentials (environment) act as the management account; the administrator and the outside
accounts are reached through OrganizationAccountAccessRole.
"""

import json
import sys
from pathlib import Path

import boto3

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "setup_emulator" / "files"))
from account_session import account_session  # noqa: E402


def session_for(endpoint, account_id):
    return account_session(endpoint, account_id)


def features_of(configuration):
    """{feature: {"status": ..., additional configuration name: status}}"""
    return {f["Name"]: {"status": f["Status"], **{a["Name"]: a["Status"] for a in f.get("AdditionalConfiguration", [])}}
            for f in configuration.get("Features", [])}


def detector(client):
    ids = client.list_detectors()["DetectorIds"]
    if not ids:
        return None
    found = client.get_detector(DetectorId=ids[0])
    return {
        "count": len(ids),
        "id": ids[0],
        "status": found["Status"],
        "frequency": found.get("FindingPublishingFrequency"),
        "tags": found.get("Tags") or {},
        "features": features_of(found),
    }


def main():
    endpoint, admin, regions, outside = sys.argv[1], sys.argv[2], sys.argv[3].split(","), sys.argv[4]
    outside = [a for a in outside.split(",") if a]
    admin_session = session_for(endpoint, admin)
    outside_sessions = {a: session_for(endpoint, a) for a in outside}
    state = {}
    for region in regions:
        management = boto3.client("guardduty", endpoint_url=endpoint, region_name=region)
        gd = admin_session.client("guardduty", endpoint_url=endpoint, region_name=region)
        admin_detector = detector(gd)
        region_state = {
            "admins": [a["AdminAccountId"] for a in management.list_organization_admin_accounts()["AdminAccounts"]],
            "management_detector": detector(management),
            "admin_detector": admin_detector,
            "members": {},
            "member_features": {},
            "organization": None,
            "outside_administrators": {},
        }
        if admin_detector:
            detector_id = admin_detector["id"]
            pages = gd.get_paginator("list_members").paginate(DetectorId=detector_id, OnlyAssociated="false")
            members = [m for page in pages for m in page["Members"]]
            region_state["members"] = {m["AccountId"]: m["RelationshipStatus"] for m in members}
            enabled = [m["AccountId"] for m in members if m["RelationshipStatus"] == "Enabled"]
            for start in range(0, len(enabled), 50):
                answer = gd.get_member_detectors(DetectorId=detector_id, AccountIds=enabled[start:start + 50])
                for member in answer["MemberDataSourceConfigurations"]:
                    region_state["member_features"][member["AccountId"]] = features_of(member)
            try:
                config = gd.describe_organization_configuration(DetectorId=detector_id)
                region_state["organization"] = {
                    "auto_enable": config.get("AutoEnableOrganizationMembers"),
                    "features": {f["Name"]: f["AutoEnable"] for f in config.get("Features", [])},
                }
            except gd.exceptions.BadRequestException:
                region_state["organization"] = None
        for account, session in outside_sessions.items():
            client = session.client("guardduty", endpoint_url=endpoint, region_name=region)
            ids = client.list_detectors()["DetectorIds"]
            administrator = client.get_administrator_account(DetectorId=ids[0]).get("Administrator") if ids else None
            region_state["outside_administrators"][account] = administrator["AccountId"] if administrator else None
        state[region] = region_state
    print(json.dumps(state))


if __name__ == "__main__":
    main()
