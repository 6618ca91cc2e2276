"""The test suite's fork server for module runs (tests/harness/module_forkserver.py): a forwarded
AnsiballZ script runs in a child of the server exactly as ``python SCRIPT ARGS`` would run it (argv,
environment, working directory, umask, standard streams, exit code), and a Python that cannot reach
the server runs the script itself."""

import importlib.util
import os
import pathlib
import subprocess
import sys
import time

import pytest

HARNESS = pathlib.Path(__file__).resolve().parents[1] / "harness"

# What the venv's radiant-test-caches.pth does at start-up, then what Python does when forward() returns.
FORWARD = """
import sys
sys.path.insert(0, {harness!r})
sys.argv = {argv!r}
import module_forkserver
module_forkserver.forward({socket!r})
import runpy
runpy.run_path(sys.argv[0], run_name="__main__")
"""

PROBE = """
import os, sys
import __main__
print("argv", sys.argv[1:])
print("cwd", os.getcwd())
print("env", os.environ.get("PROBE_VALUE"))
print("umask", oct(os.umask(0)))
print("stdin", sys.stdin.read().strip())
print("parent", os.getppid())
print("file", os.path.basename(__main__.__file__), __name__)
print("path", os.environ.get("PROBE_PATH", "") in sys.path)
print("to stderr", file=sys.stderr)
sys.exit(int(os.environ.get("PROBE_EXIT", "0")))
"""


@pytest.fixture
def server(tmp_path):
    directory = tmp_path / "radiant-forkserver.test"
    directory.mkdir()
    socket_path = str(directory / "socket")
    process = subprocess.Popen([sys.executable, str(HARNESS / "module_forkserver.py"), socket_path],
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().startswith("module_forkserver ready ")
    yield process, socket_path
    process.kill()
    process.wait()


def _probe(tmp_path, name="AnsiballZ_probe.py", source=PROBE):
    script = tmp_path / name
    script.write_text(source)
    return str(script)


def _run(script, socket_path, cwd, stdin="", **env):
    code = FORWARD.format(harness=str(HARNESS), argv=[script, "one", "two"], socket=socket_path)
    return subprocess.run([sys.executable, "-c", code], input=stdin, capture_output=True, text=True, cwd=str(cwd),
                          env=dict(os.environ, **env), preexec_fn=lambda: os.umask(0o027), check=False)


def _lines(result):
    return dict(line.split(" ", 1) for line in result.stdout.splitlines())


def test_a_forwarded_script_runs_in_the_server_as_python_would_run_it(server, tmp_path):
    process, socket_path = server
    extra = str(tmp_path / "on-pythonpath")
    result = _run(_probe(tmp_path), socket_path, tmp_path, stdin="from stdin\n", PROBE_VALUE="42", PROBE_EXIT="3",
                  PYTHONPATH=extra, PROBE_PATH=extra)
    assert result.returncode == 3
    assert result.stderr == "to stderr\n"
    lines = _lines(result)
    assert lines["parent"] == str(process.pid)
    assert lines["argv"] == "['one', 'two']"
    assert lines["cwd"] == str(tmp_path)
    assert lines["env"] == "42"
    assert lines["umask"] == "0o27"
    assert lines["stdin"] == "from stdin"
    assert lines["file"] == "AnsiballZ_probe.py __main__"
    assert lines["path"] == "True"  # the caller's PYTHONPATH, as a task's environment sets it


def test_the_callers_warning_filters_apply_in_the_child(server, tmp_path):
    process, socket_path = server
    source = "import os, warnings\nprint('parent', os.getppid())\nwarnings.warn('from the probe', UserWarning)\n"
    result = _run(_probe(tmp_path, source=source), socket_path, tmp_path, PYTHONWARNINGS="error::UserWarning")
    assert _lines(result)["parent"] == str(process.pid)
    assert result.returncode == 1
    assert "UserWarning: from the probe" in result.stderr


def test_a_python_started_with_other_startup_variables_runs_the_script_itself(server, tmp_path):
    process, socket_path = server
    result = _run(_probe(tmp_path), socket_path, tmp_path, PYTHONHASHSEED="7")
    assert result.returncode == 0
    assert _lines(result)["parent"] != str(process.pid)


def test_an_uncaught_exception_prints_its_traceback_and_exits_1(server, tmp_path):
    socket_path = server[1]
    result = _run(_probe(tmp_path, source="raise RuntimeError('boom')\n"), socket_path, tmp_path)
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "RuntimeError: boom" in result.stderr


def test_a_script_that_is_not_a_module_payload_runs_in_its_own_python(server, tmp_path):
    process, socket_path = server
    result = _run(_probe(tmp_path, name="probe.py"), socket_path, tmp_path)
    assert result.returncode == 0
    assert _lines(result)["parent"] != str(process.pid)


def test_the_harness_boto3_scripts_are_forwarded_and_nothing_else_is():
    spec = importlib.util.spec_from_file_location("module_forkserver", HARNESS / "module_forkserver.py")
    module_forkserver = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module_forkserver)
    setup_files = HARNESS.parent / "integration" / "targets" / "setup_emulator" / "files"
    molecule_shared = HARNESS.parents[1] / "extensions" / "molecule" / "shared"
    assert module_forkserver.forwarded([str(setup_files / "boto3_call.py"), "s3", "list_buckets"])
    assert module_forkserver.forwarded([str(molecule_shared / "radiant_world.py")])
    assert module_forkserver.forwarded(["/tmp/ansible-tmp-1/AnsiballZ_ping.py"])
    assert not module_forkserver.forwarded([str(HARNESS / "zip_bytecode.py")])
    assert not module_forkserver.forwarded(["/usr/bin/ansible-playbook", "site.yml"])
    assert not module_forkserver.forwarded(["-c"])


def test_without_a_server_the_python_runs_the_module_itself(tmp_path):
    result = _run(_probe(tmp_path), str(tmp_path / "no-such-socket"), tmp_path, PROBE_EXIT="4")
    assert result.returncode == 4
    assert _lines(result)["argv"] == "['one', 'two']"


def test_the_server_ends_with_the_shell_that_started_it_and_removes_its_directory(tmp_path):
    directory = tmp_path / "radiant-forkserver.ends"
    directory.mkdir()
    socket_path = directory / "socket"
    subprocess.run(
        ["sh", "-c", '"$0" "$1" "$2" >/dev/null & while [ ! -S "$2" ]; do sleep 0.05; done',
         sys.executable, str(HARNESS / "module_forkserver.py"), str(socket_path)], timeout=30, check=True)
    deadline = time.monotonic() + 10
    while directory.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not directory.exists()


SHARED_LOADER_PROBE = """
import os, sys
sys.path.insert(0, {harness!r})
import boto3, botocore.session, module_forkserver
shared = module_forkserver.share_botocore_loader()
def loader(session):
    return session._session.get_component("data_loader")
print("server", loader(boto3.session.Session()) is shared and loader(boto3.session.Session()) is shared)
if os.fork() == 0:
    session = boto3.session.Session(region_name="eu-west-1", aws_access_key_id="a", aws_secret_access_key="b")
    print("child", loader(session) is shared, session.client("guardduty").meta.region_name, flush=True)
    os._exit(0)
os.wait()
own = botocore.session.Session()
own.set_config_variable("data_path", {data_path!r})
print("elsewhere", own.get_component("data_loader") is not shared)
"""


def test_every_session_in_the_server_and_its_children_reads_botocores_data_through_one_loader(tmp_path):
    code = SHARED_LOADER_PROBE.format(harness=str(HARNESS), data_path=str(tmp_path))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    lines = _lines(result)
    assert lines["server"] == "True"
    assert lines["child"] == "True eu-west-1"
    assert lines["elsewhere"] == "True"  # a session given its own AWS_DATA_PATH keeps a loader of its own
