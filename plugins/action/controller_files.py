# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write the run's own files (handoff, accounts CSV, drift reports) on the controller, in one task.

ansible.builtin.copy delegated to localhost runs two modules per file (stat, then copy), each a new
Python: about a second of CPU per file for what is a local write. Here the worker that runs the task
writes them itself: atomically (a temporary file renamed over the old one), only when the content or
the mode differs, with check mode and a diff per file.
"""

import os
import stat
import tempfile

from ansible import constants as C
from ansible.module_utils.common.text.converters import to_bytes, to_text
from ansible.plugins.action import ActionBase

from ansible_collections.radiant.aws_onboarding.plugins.module_utils.common import (
    controller_files_argument_spec,
    diff_of,
)


class FileError(Exception):
    """A file that cannot be written as asked (the message names it and the option)."""


def parse_mode(value, option):
    """An octal permission string such as "0644" as an int; FileError otherwise."""
    try:
        mode = int(str(value), 8)
    except ValueError:
        mode = -1
    if not 0 <= mode <= 0o7777:
        raise FileError("{0}: {1!r} is not an octal file mode such as '0644'".format(option, value))
    return mode


def _current(path):
    """(bytes, mode) of the regular file at ``path``, or (None, None) when there is none."""
    try:
        with open(path, "rb") as handle:
            return handle.read(), stat.S_IMODE(os.fstat(handle.fileno()).st_mode)
    except FileNotFoundError:
        return None, None
    except IsADirectoryError as e:
        raise FileError("files.path: {0} is a directory, not a file".format(path)) from e


def _replace(path, data, mode):
    """Write ``data`` to ``path`` through a temporary file in the same directory, then rename it."""
    directory = os.path.dirname(path)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".{0}.".format(os.path.basename(path)))
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def _diff(path, before, after):
    if max(len(before or b""), len(after)) > C.MAX_FILE_SIZE_FOR_DIFF:
        return diff_of("", "(over {0} bytes: no diff shown)\n".format(C.MAX_FILE_SIZE_FOR_DIFF), path, path)
    return diff_of(to_text(before or b""), to_text(after),
                   path if before is not None else "{0} (absent)".format(path), path)


def write_files(files, directory_mode="0755", check_mode=False, with_diff=False):
    """Bring each of ``files`` (path, content, mode) to its content and mode.

    Returns the task result: ``changed``, ``files`` (path, changed, created, size) and, with
    ``with_diff``, ``diff`` (one per changed file). Every option is checked before any write;
    FileError names the file and the option.
    """
    directory_mode = parse_mode(directory_mode, "directory_mode")
    wanted = []
    for entry in files:
        path = os.path.abspath(os.path.expanduser(entry["path"]))
        if any(path == seen for seen, _data, _mode in wanted):
            raise FileError("files.path: {0} is listed twice".format(path))
        wanted.append((path, to_bytes(entry["content"], errors="surrogate_or_strict"),
                       parse_mode(entry["mode"], "files.mode of {0}".format(path))))

    result = {"changed": False, "files": []}
    diffs = []
    for path, data, mode in wanted:
        before, before_mode = _current(path)
        changed = before != data or before_mode != mode
        if changed and not check_mode:
            directory = os.path.dirname(path)
            if not os.path.isdir(directory):
                os.makedirs(directory, mode=directory_mode)
            _replace(path, data, mode)
        result["files"].append({"path": path, "changed": changed, "created": before is None, "size": len(data)})
        if changed:
            result["changed"] = True
            if with_diff and before != data:
                diffs.append(_diff(path, before, data))
    if with_diff:
        result["diff"] = diffs
    return result


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        _validation, args = self.validate_argument_spec(argument_spec=controller_files_argument_spec())
        try:
            result.update(write_files(args["files"], args["directory_mode"], check_mode=self._task.check_mode,
                                      with_diff=self._task.diff))
        except (FileError, OSError) as e:
            result.update(failed=True, msg=str(e))
        return result
