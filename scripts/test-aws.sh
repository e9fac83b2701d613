#!/usr/bin/env bash
# The test:aws tier: runs test/aws against moto (EventBridge, SQS, DynamoDB, Secrets Manager over the
# real AWS protocols on loopback). Needs python3 (3.11) and PyPI. The first run creates .venv from
# requirements-dev.txt (a couple of minutes); later runs reuse it until the requirements change.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

venv=.venv
stamp="$venv/.requirements.sha256"
wanted="$(sha256sum requirements-dev.txt | cut -d' ' -f1)"

if [[ ! -x "$venv/bin/moto_server" || ! -f "$stamp" || "$(cat "$stamp")" != "$wanted" ]]; then
  echo "Installing Python test tools into $venv (moto, cfn-lint)…" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r requirements-dev.txt
  echo "$wanted" >"$stamp"
fi

port="$("$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
log="$(mktemp -t moto-server.XXXXXX.log)"

"$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
moto_pid=$!

stop_moto() {
  kill "$moto_pid" 2>/dev/null || true
  wait "$moto_pid" 2>/dev/null || true
  rm -f "$log"
}
trap stop_moto EXIT

endpoint="http://127.0.0.1:$port"
answers() {
  "$venv/bin/python" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' \
    "$endpoint/moto-api/" >/dev/null 2>&1
}
for _ in $(seq 1 100); do
  if answers; then break; fi
  if ! kill -0 "$moto_pid" 2>/dev/null; then
    echo "moto_server exited before answering; its log:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.2
done
if ! answers; then
  echo "moto_server did not answer on $endpoint within 20 s; its log:" >&2
  cat "$log" >&2
  exit 1
fi

export AWS_ENDPOINT_URL="$endpoint"
export AWS_REGION=us-east-1
export AWS_ACCESS_KEY_ID=testing
export AWS_SECRET_ACCESS_KEY=testing
unset AWS_PROFILE AWS_SESSION_TOKEN
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true

npx vitest run --config vitest.aws.config.ts "$@"

# cfn-lint on the synthesized templates: errors fail the tier; warnings are printed and the ones
# that remain are explained in the README ("Deploying to AWS"). Exit status is a bit mask:
# 1 crash/usage, 2 errors, 4 warnings, 8 informational.
cdk_out="$(mktemp -d -t cdk-out.XXXXXX)"
trap 'stop_moto; rm -rf "$cdk_out"' EXIT
# The app as deployed by default, and with both opt-in consumers (the ordered route's pipe and FIFO
# queues, the example consumer's rule and queues).
for variant in default consumers; do
  echo "Synthesizing the CDK app ($variant) for cfn-lint…" >&2
  # The example configuration, named: the app never falls back to it by itself.
  context=(-c config=config/bridge.example.json)
  [[ "$variant" == consumers ]] && context+=(-c exampleConsumer=true -c orderedConsumer=true)
  rm -rf "${cdk_out:?}"/*
  CDK_DISABLE_CLI_TELEMETRY=true npx cdk synth --quiet --no-notices "${context[@]}" -o "$cdk_out" >/dev/null
  set +e
  "$venv/bin/cfn-lint" "$cdk_out"/*.template.json
  lint_status=$?
  set -e
  if (( lint_status & 3 )); then
    echo "cfn-lint found errors in the synthesized templates ($variant, exit status $lint_status)." >&2
    exit 1
  fi
  echo "cfn-lint: no errors in $(ls "$cdk_out"/*.template.json | wc -l) template(s) ($variant, exit status $lint_status)." >&2
done
