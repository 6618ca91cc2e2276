"""A fork server for module runs: the test suite's preloaded Python for AnsiballZ.

Every Ansible module run starts a new Python that imports boto3 and botocore before it does
anything: 0.5 s of a 1.0 s module run (``python -X importtime``, docs/testing.md). The test suite
runs thousands of module runs, so a server imports them once and forks a child for each run. The
child runs the AnsiballZ script as ``python AnsiballZ_x.py`` would: the same argv, environment,
working directory, umask and standard streams, its exit code returned to the caller. Only
third-party libraries that every module run imports from the same venv are preloaded, with the
botocore data their clients read (``share_botocore_loader``); ansible's module_utils and the
collections' code still come from the module's own zip payload.

How a module run gets here: the test venv's ``radiant-test-caches.pth`` (Makefile) calls
``forward()`` in every Python started with RADIANT_MODULE_FORKSERVER set to the server's socket.
``forward()`` returns at once unless the script is an AnsiballZ payload or one of the harness's own
boto3 scripts (``HARNESS_SCRIPT_DIRS``, run by tasks as ``python SCRIPT``); it hands the process's
stdin, stdout and stderr to the server (SCM_RIGHTS), waits for the child's exit code and exits
with it. If the server cannot be reached or never starts the child, the Python goes on and runs
the module itself. scripts/forkserver-env.sh starts a server for scripts/integration.sh and
scripts/molecule.sh (RADIANT_MODULE_FORKSERVER= turns it off). Benchmarks, the demo and users' runs
start Python as usual.

    python tests/harness/module_forkserver.py SOCKET    serve until the parent process ends
"""

import marshal
import os
import socket
import struct
import sys

_HEADER = struct.Struct("!I")
_STARTED = b"S"
_EXIT = struct.Struct("!i")


# The test harness's own boto3 scripts, which its tasks run as ``python SCRIPT``: they import boto3 first too.
_REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
HARNESS_SCRIPT_DIRS = (
    os.path.join(_REPOSITORY, "tests", "integration", "targets", "setup_emulator", "files"),
    os.path.join(_REPOSITORY, "extensions", "molecule", "shared"),
)


def forwarded(argv):
    """Whether ``python ARGV`` runs in the server: an AnsiballZ payload, or one of the harness's scripts."""
    if not argv or not argv[0].endswith(".py"):
        return False
    if os.path.basename(argv[0]).startswith("AnsiballZ_"):
        return True
    return os.path.dirname(os.path.realpath(argv[0])) in HARNESS_SCRIPT_DIRS


def _receive_exactly(connection, size):
    data = b""
    while len(data) < size:
        chunk = connection.recv(size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def forward(socket_path):
    """Run this process's script in the server and exit with its code, if it is ``forwarded``; else return."""
    if not forwarded(sys.argv):
        return
    try:
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.connect(socket_path)
        umask = os.umask(0o22)
        os.umask(umask)
        # sys.path as this interpreter computed it (the script's directory, PYTHONPATH, site-packages).
        request = marshal.dumps((list(sys.argv), list(sys.path), os.getcwd(), dict(os.environb), umask))
        socket.send_fds(connection, [_HEADER.pack(len(request)) + request], [0, 1, 2])
        if connection.recv(1) != _STARTED:
            return  # no child ran: this Python runs the module itself
    except OSError:
        return
    status = _receive_exactly(connection, _EXIT.size)
    if status is None:
        os.write(2, b"module_forkserver: the module's process ended without an exit status\n")
        os._exit(1)
    os._exit(_EXIT.unpack(status)[0])


# Startup variables the child applies itself: the caller's sys.path carries PYTHONPATH, and _run_script adds
# PYTHONWARNINGS' filters (ansible-compat sets it for molecule's runs) when the server started without any.
_APPLIED_IN_CHILD = (b"PYTHONPATH", b"PYTHONWARNINGS")


def _startup_environment(environ):
    """The variables that change how Python starts, but for those the child applies."""
    return dict((name, value) for name, value in environ.items()
                if name.startswith(b"PYTHON") and name not in _APPLIED_IN_CHILD)


def _can_fork_for(environ):
    """Whether a child of this server starts as a Python with ``environ`` would."""
    own_warnings = os.environb.get(b"PYTHONWARNINGS")
    return (_startup_environment(environ) == _startup_environment(os.environb)
            and own_warnings in (None, environ.get(b"PYTHONWARNINGS")))


def _run_script(argv, path, cwd, environ, umask):
    """In the forked child: what the interpreter does for ``python SCRIPT ARGS``; returns the exit code."""
    import types

    os.chdir(cwd)
    os.umask(umask)
    warning_options = environ.get(b"PYTHONWARNINGS") if b"PYTHONWARNINGS" not in os.environb else None
    os.environ.clear()
    os.environb.update(environ)
    if warning_options:  # as the interpreter does at start: each option a filter, the last one first
        import warnings

        options = [option for option in warning_options.decode().split(",") if option]
        sys.warnoptions.extend(options)
        warnings._processoptions(options)  # pylint: disable=protected-access
    sys.argv = argv
    # The caller's path, then what .pth files processed after the caller asked added (the server's).
    sys.path[:] = list(path) + [entry for entry in sys.path[1:] if entry not in path]
    main = types.ModuleType("__main__")
    main.__file__ = argv[0]
    main.__builtins__ = __builtins__
    sys.modules["__main__"] = main
    try:
        with open(argv[0], "rb") as script:
            code = compile(script.read(), argv[0], "exec")
        exec(code, main.__dict__)  # noqa: S102 - running the script is the point
    except SystemExit as exit_request:
        code = exit_request.code
        if code is None:
            return 0
        if isinstance(code, int):
            return code
        print(code, file=sys.stderr)
        return 1
    except BaseException:  # noqa: BLE001 - report it as the interpreter would
        import traceback

        traceback.print_exc()
        return 1
    return 0


def _child(connection, request, fds):
    import signal

    for number in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM, signal.SIGPIPE):
        signal.signal(number, signal.SIG_IGN if number == signal.SIGPIPE else signal.SIG_DFL)
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    sys.stdin = open(0, closefd=False)  # noqa: SIM115 - the streams live as long as the process
    sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
    connection.sendall(_STARTED)
    status = 1
    try:
        status = _run_script(*marshal.loads(request))
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        try:
            connection.sendall(_EXIT.pack(status))
        finally:
            os._exit(status)


# The services the collection's and the harness's module runs make clients for: their models are read once, here.
PRELOADED_SERVICES = ("account", "cloudformation", "cloudtrail", "guardduty", "iam", "kms", "organizations", "s3",
                      "sns", "sts")
_SERVICE_DATA = ("service-2", "paginators-1", "waiters-2", "endpoint-rule-set-1")


def share_botocore_loader():
    """Make every botocore session of this process, and of its forked children, use one data loader.

    A session reads botocore's JSON data (endpoints, partitions, each service's model) through its own
    loader, which caches what it read for that session only: a module run's first client spent about
    0.2 s of its 0.6 s of CPU listing and reading those files. The files are the installed package's and
    never change, so one loader, warmed here before any fork, serves them all. A session given another
    data path (AWS_DATA_PATH) gets its own loader, as botocore would make it.
    """
    import botocore.loaders
    import botocore.session

    make_loader = botocore.loaders.create_loader
    shared = make_loader()

    def create_loader(search_path_string=None):
        return shared if search_path_string is None else make_loader(search_path_string)

    botocore.session.create_loader = create_loader
    return shared


def _preload():
    """Import what every module run imports from the venv, and what creating a client imports and reads."""
    import boto3
    from botocore.exceptions import DataNotFoundError

    loader = share_botocore_loader()
    session = boto3.session.Session(aws_access_key_id="preload", aws_secret_access_key="preload",
                                    region_name="us-east-1")
    for service in PRELOADED_SERVICES:
        session.client(service)  # imports botocore's lazily loaded modules and reads the model; no call is made
        for type_name in _SERVICE_DATA:
            try:
                loader.load_service_model(service, type_name)
            except DataNotFoundError:  # a service without waiters has no waiters-2 to read
                continue


def serve(socket_path):
    import select
    import signal

    _preload()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    parent = os.getppid()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(socket_path)
    listener.listen(64)
    print("module_forkserver ready {0}".format(socket_path), flush=True)
    try:
        while os.getppid() == parent:  # the shell that started it has ended: so does the server
            if not select.select([listener], [], [], 1.0)[0]:
                continue
            connection = listener.accept()[0]
            with connection:
                try:
                    message, fds = socket.recv_fds(connection, _HEADER.size + 65536, 3)[:2]
                    size = _HEADER.unpack(message[:_HEADER.size])[0]
                    request = message[_HEADER.size:]
                    while len(request) < size:
                        chunk = connection.recv(size - len(request))
                        if not chunk:
                            break
                        request += chunk
                except (OSError, struct.error):
                    continue
                if len(fds) != 3 or len(request) != size or not _can_fork_for(marshal.loads(request)[3]):
                    # A Python started otherwise (PYTHONHASHSEED, PYTHONWARNINGS, ...) runs the script itself.
                    for fd in fds:
                        os.close(fd)
                    continue
                if os.fork() == 0:
                    listener.close()
                    _child(connection, request, fds)
                for fd in fds:
                    os.close(fd)
    finally:
        listener.close()
        directory = os.path.dirname(socket_path)
        if os.path.basename(directory).startswith("radiant-forkserver."):
            import shutil

            shutil.rmtree(directory, ignore_errors=True)  # scripts/forkserver-env.sh made it for this server
        elif os.path.exists(socket_path):
            os.unlink(socket_path)


if __name__ == "__main__":
    serve(sys.argv[1])
