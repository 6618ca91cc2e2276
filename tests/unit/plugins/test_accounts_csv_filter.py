"""accounts_csv: the account list Radiant's AWS API credential takes, in AWS Organizations' export format."""

import csv
import io

from ansible_collections.radiant.aws_onboarding.plugins.filter.accounts_csv import accounts_csv

HOSTVARS = {
    "management": {"aws_account_id": "123456789012", "aws_account_name": "management", "aws_account_email": "m@x.test",
                   "aws_account_status": "ACTIVE"},
    "web": {"aws_account_id": "210987654321", "aws_account_name": 'web, "prod"', "aws_account_email": "w@x.test"},
    "partner": {"aws_account_id": "990000000001", "aws_account_name": "partner", "aws_account_email": "p@y.test"},
}
GROUPS = {"management_account": ["management"], "organization_members": ["web"], "outside_accounts": ["partner"]}


def test_rows_follow_the_export_format_and_quote_what_needs_it():
    text = accounts_csv(["123456789012", "210987654321", "990000000001", "555555555555"], HOSTVARS, GROUPS,
                        organization_id="o-abc123", management_account_id="123456789012")
    assert text.startswith("Account ID,ARN,Email,Name,State,Joined method,Joined timestamp\r\n")
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == ["123456789012", "arn:aws:organizations::123456789012:account/o-abc123/123456789012",
                       "m@x.test", "management", "ACTIVE", "", ""]
    assert rows[2] == ["210987654321", "arn:aws:organizations::123456789012:account/o-abc123/210987654321",
                       "w@x.test", 'web, "prod"', "ACTIVE", "", ""]
    # Outside the organization: no ARN, no state; an account the inventory does not know: its id only.
    assert rows[3] == ["990000000001", "", "p@y.test", "partner", "", "", ""]
    assert rows[4] == ["555555555555", "", "", "", "", "", ""]


def test_without_the_organization_id_the_arn_stays_empty():
    rows = list(csv.reader(io.StringIO(accounts_csv(["123456789012"], HOSTVARS, GROUPS))))
    assert rows[1][:2] == ["123456789012", ""]


def test_organization_account_arns_are_in_the_partition_given():
    text = accounts_csv(["210987654321"], HOSTVARS, GROUPS, organization_id="o-abc123",
                        management_account_id="123456789012", partition="aws-cn")
    assert list(csv.reader(io.StringIO(text)))[1][1] == \
        "arn:aws-cn:organizations::123456789012:account/o-abc123/210987654321"
