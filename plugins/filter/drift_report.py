# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""verify.yml's coverage structure and HTML report (the logic lives in module_utils/drift_report.py)."""

from ansible_collections.radiant.aws_onboarding.plugins.module_utils.drift_report import (
    drift_coverage,
    guardduty_region_coverage,
    render_html,
)


def drift_report_html(drift, coverage=None, title="Radiant onboarding: drift and coverage", generated=""):
    return render_html(drift, coverage, title=title, generated=generated)


def coverage_from_sources(sources):
    """drift_coverage with its inputs in one dict (verify.yml passes what it has, defaults for the rest)."""
    sources = sources if isinstance(sources, dict) else {}
    return drift_coverage(**dict((key, value) for key, value in sources.items() if key in (
        "guardduty", "regions", "accounts", "outside_accounts", "admin_destinations",
        "member_destinations", "api_roles", "stackset")))


class FilterModule(object):
    def filters(self):
        return {
            "drift_report_html": drift_report_html,
            "drift_coverage": coverage_from_sources,
            "guardduty_region_coverage": guardduty_region_coverage,
        }
