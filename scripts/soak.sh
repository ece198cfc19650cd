#!/usr/bin/env bash
# soak.sh - many concurrent `hjob run`s against the sandbox with faults
# injected (connection resets after submit, safe-mode 503s, dropped uploads,
# slow Oozie); reports duplicates, wrong exit codes and hangs. Not run in CI.
#
# Usage: scripts/soak.sh [RUNS]   (default 200)
# Needs: a build of hjob and hjob-sandbox (release preferred), jq, GNU timeout.
set -euo pipefail

runs="${1:-200}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/target/release"
[ -x "$bin/hjob" ] && [ -x "$bin/hjob-sandbox" ] || bin="$root/target/debug"
[ -x "$bin/hjob" ] && [ -x "$bin/hjob-sandbox" ] || {
    echo "soak: build first: cargo build --release -p hjob -p hjob-sandbox" >&2; exit 2; }
command -v jq >/dev/null || { echo "soak: jq is missing (apt-get install jq)" >&2; exit 2; }

work="$(mktemp -d /tmp/hjob-soak.XXXXXX)"
sandbox_pid=""
cleanup() { [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

"$bin/hjob-sandbox" --dir "$work/sandbox" --env-file "$work/env" \
    --action-duration 200ms --step-delay 20ms \
    --fault oozie:reset-after-submitx25 --fault oozie:503x40 \
    --fault datanode:drop-uploadx15 --fault latency:oozie=30ms \
    >/dev/null 2>"$work/sandbox.log" &
sandbox_pid=$!
for _ in $(seq 100); do [ -s "$work/env" ] && break; sleep 0.1; done
# shellcheck disable=SC1091
source "$work/env"
export HOME="$work/home" HJOB_USER=soak HJOB_CONFIG="$work/hjob.toml" HJOB_SYSTEM_CONFIG=/nonexistent NO_COLOR=1
mkdir -p "$HOME"
cat > "$HJOB_CONFIG" <<'EOF'
[http]
timeout = "10s"
retries = 6
backoff_initial = "50ms"
backoff_max = "1s"
[wait]
poll_initial = "100ms"
poll_max = "500ms"
EOF
head -c 300000 /dev/urandom > "$work/job.sh.bin"
printf '#!/bin/sh\necho shipped\n' > "$work/job.sh"

echo "soak: $runs concurrent runs against $HJOB_STATE_URL ($bin)"
started=$(date +%s)
pids=()
for i in $(seq "$runs"); do
    case $((i % 3)) in
        0) expect=0; cmd=(shell --file "$work/job.sh.bin" -- true) ;;
        1) expect=1; cmd=(shell -- sh -c 'exit 1') ;;
        2) expect=0; cmd=(shell --script "$work/job.sh" -- a b) ;;
    esac
    (
        set +e
        timeout 180 "$bin/hjob" --output json run "${cmd[@]}" >"$work/out.$i" 2>"$work/err.$i"
        echo "$? $expect" >"$work/rc.$i"
    ) &
    pids+=("$!")
done
wait "${pids[@]}"
elapsed=$(( $(date +%s) - started ))

hangs=0; wrong=0; reported=0
for i in $(seq "$runs"); do
    read -r rc expect <"$work/rc.$i"
    if [ "$rc" = 124 ]; then hangs=$((hangs + 1)); continue; fi
    if [ "$rc" != "$expect" ]; then
        wrong=$((wrong + 1))
        echo "  run $i: exit $rc, expected $expect: $(tail -2 "$work/err.$i" | tr '\n' ' ')"
    fi
    jq -e .id "$work/out.$i" >/dev/null 2>&1 && reported=$((reported + 1))
done
jobs_json=$("$bin/hjob" list --all-users --limit 5000 --cluster alpha --output json)
created=$(jq '.jobs | length' <<<"$jobs_json")
duplicates=$(jq '[.jobs[].name] | group_by(.) | map(length - 1) | add // 0' <<<"$jobs_json")
lost_answers=$(grep -l "answer was lost" "$work"/err.* 2>/dev/null | wc -l)
cut_uploads=$(grep -l "was cut off" "$work"/err.* 2>/dev/null | wc -l)
refused=$(grep -l "did not take the submission" "$work"/err.* 2>/dev/null | wc -l)
echo "soak: faults seen by clients: $lost_answers lost submit answers (adopted), $refused refused submits (resent), $cut_uploads cut-off uploads (retried)"
echo "soak: $runs runs in ${elapsed}s, $reported reported a job, $created jobs created, $duplicates duplicates, $wrong wrong exit codes, $hangs hangs"
[ "$duplicates" = 0 ] && [ "$wrong" = 0 ] && [ "$hangs" = 0 ]
