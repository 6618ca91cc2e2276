# shellcheck shell=bash
# Source me: start the emulator in the background and export what boto3, the AWS CLI and
# Ansible need to talk to it. Stops it on shell exit unless EMULATOR_KEEP=1.
#   EMULATOR_DIR   where the ready line and log go (default build/emulator)
EMULATOR_DIR=${EMULATOR_DIR:-build/emulator}
mkdir -p "$EMULATOR_DIR"
rm -f "$EMULATOR_DIR/ready"
python -m radiant_emulator serve >"$EMULATOR_DIR/ready" 2>"$EMULATOR_DIR/emulator.log" &
EMULATOR_PID=$!
for _ in $(seq 1 300); do
  grep -q '^radiant-emulator ready ' "$EMULATOR_DIR/ready" 2>/dev/null && break
  kill -0 "$EMULATOR_PID" 2>/dev/null || { cat "$EMULATOR_DIR/emulator.log" >&2; echo "emulator failed to start" >&2; exit 1; }
  sleep 0.1
done
EMULATOR_URL=$(awk '/^radiant-emulator ready /{print $3}' "$EMULATOR_DIR/ready")
[ -n "$EMULATOR_URL" ] || { echo "emulator did not report ready" >&2; exit 1; }
export EMULATOR_URL EMULATOR_PID
# Fake credentials for the emulator only; the management account is moto's default account.
export AWS_ENDPOINT_URL=$EMULATOR_URL AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
unset AWS_PROFILE AWS_SESSION_TOKEN
if [ "${EMULATOR_KEEP:-0}" != 1 ]; then
  trap 'kill "$EMULATOR_PID" 2>/dev/null; wait "$EMULATOR_PID" 2>/dev/null || true' EXIT
fi
