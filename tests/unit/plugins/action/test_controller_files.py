"""controller_files: writes only what differs, atomically, with check mode and diffs; bad options
fail before any file is written."""

import os
import stat

import pytest

from ansible_collections.radiant.aws_onboarding.plugins.action import controller_files as action


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_creates_missing_directories_and_files_then_changes_nothing(tmp_path):
    handoff = tmp_path / "out" / "deep" / "handoff.json"
    csv = tmp_path / "out" / "accounts.csv"
    files = [{"path": str(handoff), "content": '{"a": 1}\n', "mode": "0644"},
             {"path": str(csv), "content": "Account ID\n111122223333\n", "mode": "0600"}]

    first = action.write_files(files)
    assert first["changed"] is True
    assert [(f["changed"], f["created"]) for f in first["files"]] == [(True, True), (True, True)]
    assert handoff.read_text() == '{"a": 1}\n' and csv.read_text() == "Account ID\n111122223333\n"
    assert (_mode(handoff), _mode(csv), _mode(handoff.parent)) == (0o644, 0o600, 0o755)

    again = action.write_files(files)
    assert again["changed"] is False
    assert [f["changed"] for f in again["files"]] == [False, False]


def test_rewrites_changed_content_and_mode_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "report.json"
    target.write_text("old\n")
    os.chmod(target, 0o600)
    result = action.write_files([{"path": str(target), "content": "new\n", "mode": "0644"}], with_diff=True)
    assert result["changed"] is True and result["files"][0]["created"] is False
    assert target.read_text() == "new\n" and _mode(target) == 0o644
    assert result["diff"] == [{"before_header": str(target), "after_header": str(target),
                               "before": "old\n", "after": "new\n"}]
    assert sorted(os.listdir(tmp_path)) == ["report.json"]


def test_mode_only_change_is_a_change_without_content_diff(tmp_path):
    target = tmp_path / "accounts.csv"
    target.write_text("x\n")
    os.chmod(target, 0o644)
    result = action.write_files([{"path": str(target), "content": "x\n", "mode": "0600"}], with_diff=True)
    assert result["changed"] is True and result["diff"] == []
    assert _mode(target) == 0o600


def test_check_mode_reports_and_writes_nothing(tmp_path):
    target = tmp_path / "new" / "handoff.json"
    result = action.write_files([{"path": str(target), "content": "{}\n", "mode": "0644"}],
                                check_mode=True, with_diff=True)
    assert result["changed"] is True and result["files"][0]["created"] is True
    assert result["diff"][0]["before_header"] == "{0} (absent)".format(target)
    assert result["diff"][0]["after"] == "{}\n"
    assert not (tmp_path / "new").exists()


def test_large_content_gets_no_inline_diff(tmp_path, monkeypatch):
    monkeypatch.setattr(action.C, "MAX_FILE_SIZE_FOR_DIFF", 10)
    target = tmp_path / "report.html"
    result = action.write_files([{"path": str(target), "content": "x" * 11, "mode": "0644"}], with_diff=True)
    assert result["diff"][0]["after"] == "(over 10 bytes: no diff shown)\n"
    assert target.read_text() == "x" * 11


@pytest.mark.parametrize("files, directory_mode, message", [
    ([{"path": "a", "content": "", "mode": "rw-r--r--"}], "0755", "files.mode of"),
    ([{"path": "a", "content": "", "mode": "0644"}], "999", "directory_mode: '999' is not an octal file mode"),
    ([{"path": "a", "content": "1", "mode": "0644"}, {"path": "./a", "content": "2", "mode": "0644"}], "0755",
     "is listed twice"),
])
def test_bad_options_fail_before_any_write(tmp_path, monkeypatch, files, directory_mode, message):
    monkeypatch.chdir(tmp_path)
    first = [{"path": "first.txt", "content": "1", "mode": "0644"}]
    with pytest.raises(action.FileError, match=message):
        action.write_files(first + files, directory_mode)
    assert os.listdir(tmp_path) == []


def test_a_directory_in_the_way_is_named(tmp_path):
    (tmp_path / "handoff.json").mkdir()
    with pytest.raises(action.FileError, match="is a directory, not a file"):
        action.write_files([{"path": str(tmp_path / "handoff.json"), "content": "{}", "mode": "0644"}])
