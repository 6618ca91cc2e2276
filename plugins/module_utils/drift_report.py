# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""verify.yml's report for people: what is in place (coverage) and what drifted, as one HTML page.

The coverage is read from the results verify.yml's phases already register (check-mode runs with
diffs), so it costs no AWS call and no task per account or Region:

* ``guardduty_region_coverage``: one Region's GuardDuty from the membership, detector and invitation
  results (relationship status as AWS has it, i.e. the diff's *before*; protection plans as desired
  unless the diff shows the member's live plans differ);
* ``drift_coverage``: every Region's GuardDuty, the publishing destinations and the API role per account;
* ``render_html``: a self-contained page (inline CSS, no script, no network), everything escaped.
"""

import json
from html import escape

PHASES = ("org_trail", "guardduty_org", "findings_export", "sns_wiring", "radiant_iam", "cross_account_logging")
PHASE_LABELS = {
    "org_trail": "trail",
    "guardduty_org": "GuardDuty",
    "findings_export": "export",
    "sns_wiring": "SNS",
    "radiant_iam": "IAM",
    "cross_account_logging": "x-acct trail",
}
# The drift highlight: tests find it in the screenshot, so it is one exact colour.
DRIFT_COLOUR = "#ff9e9e"
# Findings listed in full on the page; the rest stay in the JSON report.
MAX_FINDING_ROWS = 2000
# Accounts shown cell by cell although fully covered and without drift; the others are summarised.
MAX_CLEAN_ROWS = 25
VALUE_CHARS = 400

ENABLED = "Enabled"


def _plans_wanted(features):
    """Names of the protection plans the onboarding enables (``guardduty_org_features``)."""
    return [feature["name"] for feature in features or []
            if isinstance(feature, dict) and feature.get("name")
            and str(feature.get("status", "ENABLED")).upper() == "ENABLED"]


def _diff_side(result, side):
    diff = (result or {}).get("diff") if isinstance(result, dict) else None
    if isinstance(diff, list):
        diff = diff[0] if len(diff) == 1 else None
    return (diff or {}).get(side) if isinstance(diff, dict) else None


def _feature_statuses(features):
    """name -> status from GuardDuty's list of features or the modules' diff view (name -> {status, ...})."""
    if isinstance(features, dict):
        return dict((name, (value or {}).get("status") if isinstance(value, dict) else value)
                    for name, value in features.items())
    return dict((feature.get("name"), feature.get("status")) for feature in features or [] if isinstance(feature, dict))


def _detector_plans_off(detector_result, wanted):
    """Wanted plans a detector lacks, read from its live state: the diff's before (None: no detector yet),
    or without a diff the result's detector."""
    detector_result = detector_result if isinstance(detector_result, dict) else {}
    if isinstance(detector_result.get("diff"), (dict, list)):
        live = _diff_side(detector_result, "before") or {}
    else:
        live = detector_result.get("detector") or {}
    statuses = _feature_statuses(live.get("features"))
    return [name for name in wanted if statuses.get(name) != "ENABLED"]


def _detector_present(detector_result):
    live = _diff_side(detector_result, "before")
    if isinstance(live, dict) and live:
        return True
    if isinstance(detector_result, dict) and detector_result.get("changed"):
        return False  # check mode would create it
    return bool((detector_result or {}).get("detector_id"))


def guardduty_region_coverage(membership, region, features=None, management_account_id="", management_detector=None,
                              admin_account_id="", admin_detector=None):
    """One Region's GuardDuty coverage: account id -> {member, detector, plans_off}.

    ``membership`` is guardduty_members' check-mode result with ``diff``: ``before.relationship_status`` is
    what AWS has for every desired account, ``before.member_features`` the live plans of the members whose
    plans differ from the desired ones (members absent from it have the desired plans). Plans of accounts
    that are not Enabled members are unknown (None).
    """
    wanted = _plans_wanted(features)
    accounts = {}
    membership = membership if isinstance(membership, dict) else {}
    before = _diff_side(membership, "before") or {}
    statuses = before.get("relationship_status")
    if not isinstance(statuses, dict):  # no diff: the result's members are the live ones when nothing changed
        statuses = {} if membership.get("changed") else dict(
            (str(member.get("account_id")), member.get("relationship_status"))
            for member in membership.get("members") or [])
    member_features = before.get("member_features") or {}
    for account_id, status in statuses.items():
        cell = {"member": status, "detector": status == ENABLED, "plans_off": None}
        if status == ENABLED:
            live = member_features.get(account_id) or {}
            cell["plans_off"] = [name for name in wanted
                                 if name in live and (live[name] or {}).get("status") != "ENABLED"]
        accounts[str(account_id)] = cell
    if admin_account_id:
        accounts[str(admin_account_id)] = {"member": "administrator", "detector": _detector_present(admin_detector),
                                           "plans_off": _detector_plans_off(admin_detector, wanted)}
    if management_account_id and str(management_account_id) in accounts:
        cell = accounts[str(management_account_id)]
        cell["detector"] = _detector_present(management_detector)
        cell["plans_off"] = _detector_plans_off(management_detector, wanted)
    return {"region": region, "plans": wanted, "accounts": accounts}


def _destination_status(current, live=None, diffed=False):
    """A destination's status: with a diff, its before says whether one exists (the status is read from the
    result, which reports the live status of an existing destination); without one, the result alone."""
    current = current if isinstance(current, dict) else {}
    if diffed and not live:
        return "missing"
    if not diffed and not current.get("destination_id"):
        return "missing"
    return current.get("status") or (live or {}).get("status") or "present"


def destinations_coverage(*checks):
    """(account, region) -> publishing destination status ('missing' when there is none, 'error'), from
    guardduty_member_publishing_destinations' check-mode results (the administrator's, the members')."""
    found = {}
    for check in (check for check in checks if isinstance(check, dict)):
        before = _diff_side(check, "before") or {}
        for entry in check.get("destinations") or []:
            where = (str(entry.get("account_id")), entry.get("region"))
            if entry.get("error"):
                found[where] = "error"
                continue
            key = "{0}/{1}".format(*where)
            # The diff lists the pairs that would change; the others are as the result reports them.
            found[where] = _destination_status(entry, before.get(key), key in before)
    return found


def api_roles_coverage(direct_results=None, stackset=None):
    """account -> 'present', 'missing or differs', 'error', or the stack instance's status.

    ``direct_results``: iam_role_with_policy's result (its ``roles``, one entry per account)."""
    found = {}
    stackset = stackset if isinstance(stackset, dict) else {}
    for instance in stackset.get("instances") or []:
        status = instance.get("status")
        found[str(instance.get("account"))] = "present" if status == "CURRENT" else (status or "unknown")
    direct_results = direct_results if isinstance(direct_results, dict) else {}
    for entry in direct_results.get("roles") or []:
        found[str(entry["account_id"])] = ("error" if entry.get("error") else
                                           "missing or differs" if entry.get("changed") else "present")
    return found


def drift_coverage(guardduty=None, regions=None, accounts=None, outside_accounts=None, admin_destinations=None,
                   member_destinations=None, api_roles=None, stackset=None):
    """The compact coverage structure verify.yml renders (and keeps): one dict, no per-account task.

    ``accounts``: organizations_info's accounts (id, name, status); ``outside_accounts``: [{id, name}].
    Returns {regions, plans, accounts: {id: {name, kind}}, guardduty: {region: {id: cell}},
    destinations: {region: {id: status}}, api_role: {id: status}}.
    """
    known = {}
    for account in accounts or []:
        if isinstance(account, dict) and account.get("id"):
            known[str(account["id"])] = {"name": account.get("name") or "", "kind": str(account.get("status") or "")}
    for account in outside_accounts or []:  # {id, name} or an inventory host's variables
        account_id = account.get("id") or account.get("aws_account_id") if hasattr(account, "get") else None
        if account_id:
            known.setdefault(str(account_id), {"name": account.get("name") or account.get("aws_account_name") or "",
                                               "kind": "outside"})
    guardduty_by_region = {}
    plans = []
    for entry in guardduty or []:
        if not isinstance(entry, dict) or not entry.get("region"):
            continue
        guardduty_by_region[entry["region"]] = entry.get("accounts") or {}
        plans = plans or list(entry.get("plans") or [])
    destinations = {}
    for (account_id, region), status in destinations_coverage(admin_destinations, member_destinations).items():
        destinations.setdefault(region, {})[account_id] = status
    region_list = list(regions or [])
    for region in list(guardduty_by_region) + list(destinations):
        if region and region not in region_list:
            region_list.append(region)
    return {
        "regions": region_list,
        "plans": plans,
        "accounts": known,
        "guardduty": guardduty_by_region,
        "destinations": destinations,
        "api_role": api_roles_coverage(api_roles, stackset),
    }


# ---- HTML ------------------------------------------------------------------------------------------

def finding_account(finding):
    """The account a finding is about: GuardDuty member findings sit on the administrator's 'members'
    resource with the member in the field (relationship_status.<id>, member_features.<id>...)."""
    account = str(finding.get("account") or "")
    field = str(finding.get("field") or "")
    if finding.get("resource") == "members":
        head, _sep, rest = field.partition(".")
        if head in ("relationship_status", "member_features") and rest:
            return rest.split(".", 1)[0]
    return account


def _text(value):
    if isinstance(value, str):
        text = value
    else:
        try:
            text = json.dumps(value, sort_keys=True, default=str)
        except (TypeError, ValueError):
            text = str(value)
    if len(text) > VALUE_CHARS:
        text = text[:VALUE_CHARS] + "\u2026 ({0} characters; the JSON report has all)".format(len(text))
    return escape(text)


CSS = """
body{font:13px/1.35 -apple-system,'Segoe UI',Helvetica,Arial,sans-serif;margin:16px;color:#1d1d1d;background:#fff}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:22px 0 6px}
.meta{color:#555;margin-bottom:10px}
.summary span{display:inline-block;margin:0 8px 6px 0;padding:4px 9px;border-radius:4px;background:#eef1f5}
.summary .bad{background:DRIFT;color:#5c0000;font-weight:600}.summary .good{background:#d4f0dc}
table{border-collapse:collapse;margin-bottom:8px}
th,td{border:1px solid #d0d4da;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f2f4f7;font-weight:600;position:sticky;top:0}
td.c{text-align:center;white-space:nowrap;font-size:12px}
.drift{background:DRIFT;color:#5c0000;font-weight:600}
.ok{background:#d4f0dc}.partial{background:#fff1c2}.missing{background:#e9e9e9;color:#666}
.na{color:#aaa}
.findings td{max-width:420px;word-break:break-word}
.legend span{display:inline-block;padding:2px 8px;margin-right:6px;border:1px solid #d0d4da}
details{margin:6px 0}summary{cursor:pointer;font-weight:600}
.ids{column-width:260px;font-size:12px}
""".replace("DRIFT", DRIFT_COLOUR)


def _cell_state(cell, destination, plans_total):
    """(css class, text, title) of one account x Region cell, without drift."""
    if not cell and destination is None:
        return "na", "\u2013", "not part of the onboarding here"
    parts, title, complete = [], [], True
    if cell:
        member = cell.get("member") or "not a member"
        title.append("GuardDuty: " + member)
        if member not in (ENABLED, "administrator"):
            complete = False
        parts.append("admin" if member == "administrator" else member)
        if not cell.get("detector"):
            complete = False
            title.append("no detector")
        off = cell.get("plans_off")
        if off is None:
            parts.append("plans ?")
            complete = complete and plans_total == 0
        else:
            parts.append("{0}/{1}".format(plans_total - len(off), plans_total))
            if off:
                complete = False
                title.append("plans off: " + ", ".join(off))
    else:
        complete = False
        parts.append("no GuardDuty record")
    if destination is not None:
        parts.append("pub" if destination == "PUBLISHING" else "dest " + destination)
        title.append("publishing destination: " + destination)
        if destination != "PUBLISHING":
            complete = False
    state = "ok" if complete else ("missing" if cell and cell.get("member") not in (ENABLED, "administrator")
                                   and not cell.get("detector") else "partial")
    return state, " ".join(parts), "; ".join(title)


def render_html(drift, coverage=None, title="Radiant onboarding: drift and coverage", generated=""):
    """The report page. ``drift``: radiant_drift; ``coverage``: drift_coverage()'s result."""
    drift = [finding for finding in drift or [] if isinstance(finding, dict)]
    coverage = coverage or {}
    regions = list(coverage.get("regions") or [])
    plans = list(coverage.get("plans") or [])
    names = coverage.get("accounts") or {}
    guardduty = coverage.get("guardduty") or {}
    destinations = coverage.get("destinations") or {}
    api_role = coverage.get("api_role") or {}

    by_account = {}
    for finding in drift:
        by_account.setdefault(finding_account(finding), []).append(finding)
    account_ids = set(names) | set(by_account) | set(api_role)
    for region in regions:
        account_ids.update(guardduty.get(region, {}))
        account_ids.update(destinations.get(region, {}))
    account_ids.discard("")

    def name_of(account_id):
        return (names.get(account_id) or {}).get("name") or ""

    def account_cell(account_id):
        name = name_of(account_id)
        kind = (names.get(account_id) or {}).get("kind") or ""
        text = escape(account_id or "(organization)")
        if name:
            text += " <small>" + escape(name) + "</small>"
        if kind and kind != "ACTIVE":
            text += " <small>(" + escape(kind) + ")</small>"
        return text

    rows = []  # (sort key, html) per account
    clean = []
    cells_total = cells_ok = 0
    for account_id in account_ids:
        findings = by_account.get(account_id, [])
        drift_regions = set(str(finding.get("region") or "") for finding in findings)
        phase_counts = {}
        for finding in findings:
            phase_counts[finding.get("phase") or ""] = phase_counts.get(finding.get("phase") or "", 0) + 1
        incomplete = False
        region_cells = []
        for region in regions:
            cell = (guardduty.get(region) or {}).get(account_id)
            destination = (destinations.get(region) or {}).get(account_id)
            state, text, tip = _cell_state(cell, destination, len(plans))
            if state != "na":
                cells_total += 1
                cells_ok += state == "ok"
                incomplete = incomplete or state != "ok"
            if region in drift_regions:
                count = sum(1 for finding in findings if finding.get("region") == region)
                state, tip = "drift", "{0} drift finding(s); {1}".format(count, tip)
                text = "DRIFT " + text
            region_cells.append('<td class="c {0}" title="{1}">{2}</td>'.format(state, escape(tip), escape(text)))
        role = api_role.get(account_id)
        if role is not None and role != "present":
            incomplete = True
        phase_cells = "".join(
            '<td class="c drift">{0}</td>'.format(phase_counts[phase]) if phase_counts.get(phase)
            else '<td class="c na">0</td>' for phase in PHASES)
        role_cell = ('<td class="c na">\u2013</td>' if role is None else
                     '<td class="c {0}">{1}</td>'.format(
                         "ok" if role == "present" else ("drift" if phase_counts.get("radiant_iam") else "partial"),
                         escape(role)))
        account_class = ' class="drift"' if findings else ""
        row = "<tr{0}><td{1}>{2}</td><td class=\"c\">{3}</td>{4}{5}{6}</tr>".format(
            "" if findings or incomplete else ' class="clean"', account_class, account_cell(account_id),
            len(findings), phase_cells, role_cell, "".join(region_cells))
        if findings or incomplete:
            rows.append(((0 if findings else 1, -len(findings), account_id), row))
        else:
            clean.append((account_id, row))
    rows.sort(key=lambda row: row[0])
    clean.sort()
    # A few clean accounts are shown cell by cell; thousands are one collapsed list.
    shown_clean, summarised = (clean, []) if len(clean) <= MAX_CLEAN_ROWS else ([], clean)

    out = ['<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           "<title>{0}</title><style>{1}</style></head><body>".format(escape(title), CSS),
           "<h1>{0}</h1>".format(escape(title))]
    if generated:
        out.append('<div class="meta">Generated {0}</div>'.format(escape(str(generated))))
    drifted_accounts = len([account for account in by_account if by_account[account]])
    out.append('<div class="summary" id="summary">')
    out.append('<span class="{0}" id="drift-count">{1} drift finding(s)</span>'.format(
        "bad" if drift else "good", len(drift)))
    out.append('<span class="{0}">{1} account(s) with drift</span>'.format(
        "bad" if drifted_accounts else "good", drifted_accounts))
    out.append("<span>{0} account(s)</span><span>{1} Region(s)</span>".format(len(account_ids), len(regions)))
    out.append("<span>{0} of {1} account \u00d7 Region cells fully covered</span>".format(cells_ok, cells_total))
    out.append("<span>{0} protection plan(s) wanted</span></div>".format(len(plans)))

    out.append('<h2 id="drift">Drift</h2>')
    if not drift:
        out.append('<p id="no-drift">No drift: the organization matches the onboarding.</p>')
    else:
        ordered = sorted(drift, key=lambda f: (finding_account(f), str(f.get("region") or ""),
                                               str(f.get("phase") or ""), str(f.get("resource") or "")))
        out.append('<table class="findings" id="findings"><thead><tr><th>Account</th><th>Region</th><th>Phase</th>'
                   "<th>Resource</th><th>Field</th><th>Expected</th><th>Actual</th></tr></thead><tbody>")
        for finding in ordered[:MAX_FINDING_ROWS]:
            out.append("<tr class=\"drift-row\"><td class=\"drift\">{0}</td><td>{1}</td><td>{2}</td><td>{3}</td>"
                       "<td>{4}</td><td>{5}</td><td>{6}</td></tr>".format(
                           account_cell(finding_account(finding)), escape(str(finding.get("region") or "global")),
                           escape(str(finding.get("phase") or "")), _text(finding.get("resource") or ""),
                           _text(finding.get("field") or ""), _text(finding.get("expected")),
                           _text(finding.get("actual"))))
        out.append("</tbody></table>")
        if len(ordered) > MAX_FINDING_ROWS:
            out.append("<p>{0} more finding(s) are in the JSON report.</p>".format(len(ordered) - MAX_FINDING_ROWS))

    out.append('<h2 id="coverage">Coverage: accounts \u00d7 Regions</h2>')
    out.append('<div class="legend"><span class="ok">covered</span><span class="partial">partly</span>'
               '<span class="missing">not a member</span><span class="drift">drift</span>'
               '<span class="na">\u2013 not onboarded here</span> Cell: GuardDuty membership, protection plans '
               "enabled/wanted, publishing destination (pub = PUBLISHING). Drifted accounts first.</div>")
    out.append('<table id="matrix"><thead><tr><th>Account</th><th>drift</th>')
    out.extend("<th>{0}</th>".format(escape(PHASE_LABELS[phase])) for phase in PHASES)
    out.append("<th>API role</th>")
    out.extend("<th>{0}</th>".format(escape(region)) for region in regions)
    out.append("</tr></thead><tbody>")
    out.extend(html for _key, html in rows)
    out.extend(row for _account_id, row in shown_clean)
    out.append("</tbody></table>")
    if summarised:
        out.append('<details id="clean-accounts"><summary>{0} account(s) fully covered in every Region, '
                   "without drift</summary><div class=\"ids\">{1}</div></details>".format(
                       len(summarised), "<br>".join(account_cell(account_id) for account_id, _row in summarised)))

    if plans and guardduty:
        out.append('<h2 id="plans">Protection plans: enabled accounts per Region</h2>')
        out.append('<table id="plan-table"><thead><tr><th>Region</th>')
        out.extend("<th>{0}</th>".format(escape(plan)) for plan in plans)
        out.append("</tr></thead><tbody>")
        for region in regions:
            cells = [cell for cell in (guardduty.get(region) or {}).values() if cell.get("plans_off") is not None]
            unknown = len(guardduty.get(region) or {}) - len(cells)
            out.append("<tr><td>{0}{1}</td>".format(
                escape(region), " <small>({0} not Enabled)</small>".format(unknown) if unknown else ""))
            for plan in plans:
                enabled = sum(1 for cell in cells if plan not in cell["plans_off"])
                out.append('<td class="c {0}">{1}/{2}</td>'.format(
                    "ok" if enabled == len(cells) else "partial", enabled, len(cells)))
            out.append("</tr>")
        out.append("</tbody></table>")
    out.append("</body></html>\n")
    return "".join(out)
