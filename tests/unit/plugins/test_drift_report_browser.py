"""The drift report as people see it: rendered once by headless Chromium, its DOM after layout read back and
its screenshot decoded, so the test proves the page displays (not only that the HTML string has the words).

Chromium is a system package (bindep.txt). When it is missing the test installs Debian's ``chromium`` if it
runs as root, and otherwise fails saying how to install it: a skipped browser test would not be a pass.
"""

import os
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser

import pytest

from ansible_collections.radiant.aws_onboarding.plugins.module_utils.drift_report import (
    DRIFT_COLOUR,
    drift_coverage,
    guardduty_region_coverage,
    render_html,
)

WIDTH, HEIGHT = 1400, 1000
NAMES = ("chromium", "chromium-browser")


def find_chromium():
    return next((path for path in map(shutil.which, NAMES) if path), None)


@pytest.fixture(scope="module")
def chromium():
    binary = find_chromium()
    if binary is None and hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-q", "chromium"], check=False, capture_output=True,
                       env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
        binary = find_chromium()
    if binary is None:
        pytest.fail("headless Chromium is needed to test the drift report as displayed: install Debian's "
                    "'chromium' package (apt-get install -y chromium; listed in bindep.txt)", pytrace=False)
    return binary


def decode_png(data):
    """Pixels of an 8-bit RGB/RGBA non-interlaced PNG (what Chromium writes) as rows of bytes, and the stride."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    offset, chunks, header = 8, [], None
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        body = data[offset + 8:offset + 8 + length]
        offset += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            chunks.append(body)
    width, height, depth, colour_type, _compression, _filter, interlace = header
    assert depth == 8 and colour_type in (2, 6) and interlace == 0, header
    stride = 3 if colour_type == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    row_bytes = width * stride
    rows, previous, position = [], bytearray(row_bytes), 0
    for _row in range(height):
        kind, line = raw[position], bytearray(raw[position + 1:position + 1 + row_bytes])
        position += 1 + row_bytes
        for index in range(row_bytes):
            left = line[index - stride] if index >= stride else 0
            up = previous[index]
            up_left = previous[index - stride] if index >= stride else 0
            if kind == 1:
                line[index] = (line[index] + left) & 0xFF
            elif kind == 2:
                line[index] = (line[index] + up) & 0xFF
            elif kind == 3:
                line[index] = (line[index] + (left + up) // 2) & 0xFF
            elif kind == 4:
                estimate = left + up - up_left
                distances = (abs(estimate - left), abs(estimate - up), abs(estimate - up_left))
                predictor = (left, up, up_left)[distances.index(min(distances))]
                line[index] = (line[index] + predictor) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, stride, rows


def count_colour(png, colour):
    width, _height, stride, rows = png
    wanted = bytes(int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return sum(1 for row in rows for x in range(width) if row[x * stride:x * stride + 3] == wanted)


class Dom(HTMLParser):
    """Text of the elements the test looks at, from Chromium's serialised DOM."""

    def __init__(self):
        super().__init__()
        self.stack, self.tags, self.text_by_id, self.matrix_rows, self.row = [], [], {}, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        self.stack.append((tag, attrs.get("id")))
        if tag == "tr" and any(element_id == "matrix" for _tag, element_id in self.stack):
            self.row = []
            self.matrix_rows.append(self.row)
        if tag == "td" and self.row is not None:
            self.row.append([attrs.get("class") or "", ""])

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        for _tag, element_id in self.stack:
            if element_id:
                self.text_by_id[element_id] = self.text_by_id.get(element_id, "") + data
        if self.row and any(tag == "td" for tag, _id in self.stack):
            self.row[-1][1] += data


def test_chromium_displays_the_drift_first_highlighted_and_escaped(chromium, tmp_path):
    regions = ["us-east-1", "us-west-2", "eu-west-1"]
    accounts = ["{0:012d}".format(210000000000 + number) for number in range(40)]
    features = [{"name": "S3_DATA_EVENTS"}, {"name": "EKS_AUDIT_LOGS"}]
    statuses = dict((account, "Enabled") for account in accounts)
    statuses[accounts[3]] = "Invited"
    membership = {"changed": True, "diff": {"before": {"relationship_status": statuses, "member_features": {}},
                                            "after": {}}}
    coverage = drift_coverage(
        guardduty=[guardduty_region_coverage(membership, region, features) for region in regions],
        accounts=[{"id": account, "name": "team <{0}> & co".format(number), "status": "ACTIVE"}
                  for number, account in enumerate(accounts)])
    drifted = accounts[17]
    drift = [{"account": drifted, "region": "us-west-2", "phase": "findings_export",
              "resource": "member publishing destination", "field": "status", "expected": "PUBLISHING",
              "actual": "<img src=x onerror=alert(1)>"},
             {"account": drifted, "region": "", "phase": "radiant_iam", "resource": "role radiant-aws-api-access-role",
              "field": "trust", "expected": "x", "actual": "y"}]
    page = tmp_path / "drift.html"
    page.write_text(render_html(drift, coverage), encoding="utf-8")
    screenshot = tmp_path / "drift.png"

    completed = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--force-color-profile=srgb",
         "--window-size={0},{1}".format(WIDTH, HEIGHT), "--screenshot=" + str(screenshot), "--dump-dom",
         page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stderr[-2000:]

    dom = Dom()
    dom.feed(completed.stdout)
    assert "img" not in dom.tags and "script" not in dom.tags  # the injected markup stayed text
    assert "<img src=x onerror=alert(1)>" in dom.text_by_id["findings"]
    assert "2 drift finding(s)" in dom.text_by_id["drift-count"]
    rows = [row for row in dom.matrix_rows if row]
    assert rows[0][0][1] == drifted + " team <17> & co" and "drift" in rows[0][0][0]
    region_cells = rows[0][-len(regions):]
    assert [("drift" in css, text.startswith("DRIFT")) for css, text in region_cells] == [
        (False, False), (True, True), (False, False)]
    assert rows[1][0][1].startswith(accounts[3])  # not covered (invited, not accepted): right after the drift
    assert all(row[-1][0] == "c ok" for row in rows[2:])

    png = decode_png(screenshot.read_bytes())
    assert png[:2] == (WIDTH, HEIGHT)
    distinct = set(row[x * png[2]:x * png[2] + 3] for row in png[3][::20] for x in range(0, WIDTH, 20))
    assert len(distinct) > 5, "the screenshot is blank"
    highlighted = count_colour(png, DRIFT_COLOUR)
    # The summary badges, the findings' account cells, the account, the phase counts and one Region cell.
    assert highlighted > 5000, highlighted
