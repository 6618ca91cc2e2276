# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The drift findings of the org_trail, findings_export, cross_account_logging and radiant_iam phases, from what
their verify registered.

Each phase's verify runs its own tasks in check mode with diffs; these filters turn the registered
results into the items of the shared radiant_drift list, so the roles only call them.
"""

from ansible_collections.radiant.aws_onboarding.plugins.filter.drift_findings import drift_findings

CLOUDTRAIL_PRINCIPAL = "cloudtrail.amazonaws.com"
STACKSETS_PRINCIPAL = "member.org.stacksets.cloudformation.amazonaws.com"
PUBLIC_ACCESS_SETTINGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


def _changed(result):
    """Ansible's ``is changed`` test, for a result that may be absent, skipped or looped."""
    if not isinstance(result, dict):
        return False
    if "changed" in result:
        return bool(result["changed"])
    return any(isinstance(item, dict) and item.get("changed") for item in result.get("results") or [])


def _mapping(value):
    return value if isinstance(value, dict) else {}


def _statements(policy):
    """A policy's statements as a list: a live policy's Statement may be one object (IAM policy grammar)."""
    statements = _mapping(policy).get("Statement")
    if statements is None:
        return []
    return statements if isinstance(statements, list) else [statements]


def _statement(policy, sid):
    return next((statement for statement in _statements(policy)
                 if isinstance(statement, dict) and statement.get("Sid") == sid), None)


def _added_or_updated(check):
    return list(check.get("statements_added") or []) + list(check.get("statements_updated") or [])


def org_trail_drift(results, ctx):
    """Findings of org_trail's verify: ``results`` holds its registered check-mode results by name
    (trusted_access, bucket_drift, bucket_policy, key, key_policy, topic, topic_planned, topic_policy, trail)."""
    results, ctx = _mapping(results), _mapping(ctx)
    management, log = ctx.get("management_account_id"), ctx.get("log_account_id")

    def finding(account, resource, field, expected, actual):
        return {"account": account, "resource": resource, "field": field, "expected": expected, "actual": actual,
                "phase": "org_trail", "region": ctx.get("region")}

    def policy_finding(name, resource):
        check = _mapping(results.get(name))
        if not _changed(check):
            return []
        return [finding(log, resource + " policy", "statements", _added_or_updated(check), "missing or different")]

    found = []
    trusted_access = _mapping(results.get("trusted_access"))
    if _changed(trusted_access):
        found.append(finding(management, "organization trusted access", "service_principals", CLOUDTRAIL_PRINCIPAL,
                             [principal for principal in trusted_access.get("enabled_service_principals") or []
                              if principal != CLOUDTRAIL_PRINCIPAL]))
    found.extend(finding(log, ctx.get("bucket_arn"), item.get("field"), item.get("expected"), item.get("actual"))
                 for item in results.get("bucket_drift") or [])
    found.extend(policy_finding("bucket_policy", ctx.get("bucket_arn")))
    if _changed(results.get("key")):
        found.append(finding(log, ctx.get("key_alias"), "key", "exists with rotation", "missing or different"))
    found.extend(policy_finding("key_policy", ctx.get("key_alias")))
    if _changed(results.get("topic")) or _changed(results.get("topic_planned")):
        found.append(finding(log, ctx.get("topic_arn"), "topic", "exists", "missing or different"))
    found.extend(policy_finding("topic_policy", ctx.get("topic_arn")))
    trail_diff = _mapping(_mapping(results.get("trail")).get("diff"))
    before, after = _mapping(trail_diff.get("before")), _mapping(trail_diff.get("after"))
    if not before:
        found.append(finding(management, ctx.get("trail_arn"), "exists", True, False))
    else:  # each trail setting that drifted
        found.extend(finding(management, ctx.get("trail_arn"), key, value, before.get(key))
                     for key, value in after.items() if key not in before or before[key] != value)
    return found


def findings_export_drift(results, account, region, bucket_name, key_alias, key_arn):
    """Findings of findings_export's verify: ``results`` holds its registered check-mode results by name."""
    results = _mapping(results)
    phase = "findings_export"
    key_name = "kms key alias/{0}".format(key_alias)
    bucket_resource = "bucket {0}".format(bucket_name)

    def finding(resource, field, expected, actual, **where):
        return dict({"account": account, "region": region, "phase": phase}, resource=resource, field=field,
                    expected=expected, actual=actual, **where)

    found = []
    if _changed(results.get("key")):
        found.append(finding(key_name, "(resource)", "present, enabled, rotated yearly", "missing or differs"))
    # resource_owner_info's record of the bucket, with its public_access_block and encryption facts.
    bucket = _mapping(results.get("bucket"))
    if bucket.get("name") != bucket_name or bucket.get("state") != "owned":
        found.append(finding(bucket_resource, "(resource)", "present", "missing"))
    else:
        block = _mapping(bucket.get("public_access_block"))
        found.extend(finding(bucket_resource, "public_access_block." + setting, True, block.get(setting))
                     for setting in PUBLIC_ACCESS_SETTINGS if not block.get(setting))
        encryption = _mapping(bucket.get("encryption"))
        rules = encryption.get("Rules")
        sse = _mapping(_mapping((rules or [{}])[0]).get("ApplyServerSideEncryptionByDefault"))
        accepted_keys = (key_arn, key_arn.split("/")[-1], "alias/" + key_alias)
        if sse.get("SSEAlgorithm", "") != "aws:kms" or sse.get("KMSMasterKeyID", "") not in accepted_keys:
            found.append(finding(bucket_resource, "default_encryption",
                                 {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_arn}, sse))
    for name, check in ((key_name + " policy", results.get("key_policy")),
                        (bucket_resource + " policy", results.get("bucket_policy"))):
        if not _changed(check):
            continue
        found.extend(finding(name, "Statement " + sid, "present", "missing")
                     for sid in check.get("statements_added") or [])
        found.extend(finding(name, "Statement " + sid, _statement(check.get("policy"), sid),
                             _statement(check.get("previous_policy"), sid))
                     for sid in check.get("statements_updated") or [])
    for check in _mapping(results.get("stale_policies")).get("results") or []:
        if not _changed(check):
            continue
        name = (key_name if _mapping(check.get("item")).get("type") == "kms_key" else bucket_resource) + " policy"
        found.extend(finding(name, "Statement " + sid, "absent", "present")
                     for sid in check.get("statements_removed") or [])
    # Both checks are guardduty_member_publishing_destinations results: the administrator's, then the members'.
    for resource, given in (("member publishing destination", results.get("member_check")),
                            ("publishing destination", results.get("destinations"))):
        check = _mapping(given)
        found.extend(finding(resource, "status", "PUBLISHING", entry["error"], account=entry.get("account_id"),
                             region=entry.get("region"))
                     for entry in map(_mapping, check.get("destinations") or []) if entry.get("error"))
        diff = _mapping(check.get("diff"))
        wanted_by_place = _mapping(diff.get("after"))
        for place in sorted(wanted_by_place, key=lambda key: str(key).lower()):  # as Jinja's dictsort
            place_account, place_region = place.split("/")[0], place.split("/")[1]
            found.extend(drift_findings({"changed": True, "diff": {"before": _mapping(diff.get("before")).get(place),
                                                                   "after": wanted_by_place[place]}},
                                        account=place_account, region=place_region, phase=phase, resource=resource))
    return found


def cross_account_logging_drift(results, ctx, reader_role_name, trail_name):
    """Findings of cross_account_logging's verify: ``results`` holds its registered check-mode results by name
    (bucket_policy, bucket_planned, topic_policy, reader_role, reader_policy, trails: cloudtrail_trail's result
    with accounts and diffs)."""
    results, ctx = _mapping(results), _mapping(ctx)
    target, phase = ctx.get("target_account_id"), "cross_account_logging"
    bucket_arn = ctx.get("bucket_arn")
    role = "role {0}".format(reader_role_name)

    def finding(resource, field, expected, actual, account=target):
        return {"account": account, "region": ctx.get("region"), "phase": phase, "resource": resource, "field": field,
                "expected": expected, "actual": actual}

    found = []
    if _changed(results.get("bucket_policy")):
        found.append(finding(bucket_arn + " policy", "statements", _added_or_updated(results["bucket_policy"]),
                             "missing or different"))
    if _changed(results.get("bucket_planned")):
        found.append(finding(bucket_arn, "exists", True, False))
    if _changed(results.get("reader_role")):
        found.append(finding(role, "trust policy", ctx.get("reader_trust"), "missing or different"))
    if _changed(results.get("topic_policy")):
        found.append(finding("{0} policy".format(ctx.get("topic_arn")), "statements",
                             _added_or_updated(results["topic_policy"]), "missing or different"))
    if _changed(results.get("reader_policy")):
        found.append(finding(role, "inline policy radiant-cloudtrail-log-read", "read the log bucket only",
                             "missing or different"))
    for entry in map(_mapping, _mapping(results.get("trails")).get("trails") or []):
        found.extend(drift_findings(entry, account=entry.get("account_id"), region=entry.get("region"), phase=phase,
                                    resource="trail {0}".format(trail_name)))
    return found


def radiant_iam_drift(results, ctx):
    """Findings of radiant_iam's verify: ``results`` holds its registered check-mode results by name (main and api:
    iam_role_with_policy's, whose per-account differences are the findings; trusted_access and stackset)."""
    results, ctx = _mapping(results), _mapping(ctx)
    phase = "radiant_iam"
    found = []
    for name in ("main", "api"):
        check = _mapping(results.get(name))
        if not check or check.get("skipped"):
            continue
        resource = "role {0}".format(ctx.get(name + "_role_name"))
        entries = check.get("roles")
        if entries is None:  # failed before any account was read (verify's failed_when keeps it from failing)
            found.append({"account": ctx.get(name + "_account_id"), "region": "", "phase": phase,
                          "resource": resource, "field": "error", "expected": "readable",
                          "actual": check.get("msg") or "no result"})
        for entry in map(_mapping, entries or []):
            where = {"account": entry.get("account_id"), "region": "", "phase": phase}
            if entry.get("error"):
                found.append(dict(where, resource=resource, field="error", expected="readable",
                                  actual=entry["error"]))
            found.extend(dict(where, resource=item.get("resource"), field=item.get("field"),
                              expected=item.get("expected"), actual=item.get("actual"))
                         for item in map(_mapping, entry.get("differences") or []))
    found.extend(drift_findings(_mapping(results.get("stackset")), account=ctx.get("management_account_id"),
                                region=ctx.get("stackset_region"), phase=phase,
                                resource="stack set {0}".format(ctx.get("stackset_name")), ignore=["template_body"]))
    if _changed(results.get("trusted_access")):
        found.append({"account": ctx.get("management_account_id"), "region": "", "phase": phase,
                      "resource": "organization trusted access", "field": "service_principals",
                      "expected": STACKSETS_PRINCIPAL, "actual": "not enabled"})
    return found


class FilterModule(object):
    def filters(self):
        return {"org_trail_drift": org_trail_drift, "findings_export_drift": findings_export_drift,
                "cross_account_logging_drift": cross_account_logging_drift, "radiant_iam_drift": radiant_iam_drift}
