# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read-only view of one region's GuardDuty, for verification and drift reports."""

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty import (
    GuardDutyError,
    detector_result,
    explain,
    find_detector_id,
    get_detector,
    is_not_delegated_admin,
    list_invitations,
    list_members,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_export import (
    Destinations,
    destination_result,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_features import (
    features_to_result,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_members import (
    MemberManager,
    member_result,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_organization import (
    admin_accounts_result,
    administrator_result,
    invitations_result,
    organization_configuration_result,
    read_admin_accounts,
    read_administrator,
    read_organization_configuration,
)

GATHER_CHOICES = (
    "detector",
    "administrator",
    "members",
    "member_features",
    "organization_configuration",
    "publishing_destinations",
    "invitations",
    "organization_admin_accounts",
)
DEFAULT_GATHER = ("detector", "administrator", "members", "organization_configuration", "publishing_destinations")


def gather(client, region, wanted):
    wanted = set(wanted)
    facts = {"region": region, "notes": []}
    detector_id = find_detector_id(client, region)
    facts["detector_id"] = detector_id
    if "detector" in wanted:
        facts["detector"] = detector_result(get_detector(client, detector_id, region)) if detector_id else None
    if "administrator" in wanted:
        facts["administrator"] = administrator_result(
            read_administrator(client, detector_id, region)) if detector_id else None
    if "members" in wanted or "member_features" in wanted:
        members = []
        if detector_id:
            try:
                records = list_members(client, detector_id)
            except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
                raise explain(e, "list the GuardDuty members in {0}".format(region),
                              {"region": region, "detector_id": detector_id}) from e
            members = [member_result(m) for m in records]
            if "member_features" in wanted:
                associated = [m["account_id"] for m in members if m["relationship_status"] == "Enabled"]
                manager = MemberManager(client, detector_id, region)
                features = manager.member_features(associated) if associated else {}
                for member in members:
                    found = features.get(member["account_id"])
                    member["features"] = features_to_result(found) if found is not None else None
        facts["members"] = members
    if "organization_configuration" in wanted:
        facts["organization_configuration"] = None
        if detector_id:
            try:
                facts["organization_configuration"] = organization_configuration_result(
                    read_organization_configuration(client, detector_id, region))
            except GuardDutyError as e:
                if e.error is None or not is_not_delegated_admin(e.error):
                    raise
                facts["notes"].append(
                    "organization_configuration is null: this account is not the GuardDuty delegated administrator "
                    "in {0}.".format(region)
                )
    if "publishing_destinations" in wanted:
        facts["publishing_destinations"] = []
        if detector_id:
            destinations = Destinations(client, region, detector_id=detector_id).all()
            facts["publishing_destinations"] = [destination_result(d) for d in destinations]
    if "invitations" in wanted:
        try:
            facts["invitations"] = invitations_result(list_invitations(client))
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
            raise explain(e, "list the GuardDuty invitations in {0}".format(region), {"region": region}) from e
    if "organization_admin_accounts" in wanted:
        facts["organization_admin_accounts"] = admin_accounts_result(read_admin_accounts(client, region, None))
    return facts
