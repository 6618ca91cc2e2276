# shellcheck shell=bash
# Source me: module runs of this shell's ansible-playbooks fork from a Python that has already imported
# boto3 (tests/harness/module_forkserver.py), half of a module run's CPU. The server ends with this shell.
# RADIANT_MODULE_FORKSERVER already set: kept (a caller's server), or empty: off (module runs start Python).
# The directory is made under TMPDIR, not the checkout: a socket path has at most 107 bytes.
if [ -z "${RADIANT_MODULE_FORKSERVER+set}" ] && forkserver_dir=$(mktemp -d "${TMPDIR:-/tmp}/radiant-forkserver.XXXXXX"); then
  python "$ROOT/tests/harness/module_forkserver.py" "$forkserver_dir/socket" \
    >"$forkserver_dir/ready" 2>"$forkserver_dir/log" &
  for _ in $(seq 1 100); do
    grep -q '^module_forkserver ready ' "$forkserver_dir/ready" 2>/dev/null && break
    sleep 0.1
  done
  if grep -q '^module_forkserver ready ' "$forkserver_dir/ready" 2>/dev/null; then
    export RADIANT_MODULE_FORKSERVER=$forkserver_dir/socket
  else
    echo "module fork server did not start (module runs start Python as usual):" >&2
    cat "$forkserver_dir/log" >&2
  fi
fi
