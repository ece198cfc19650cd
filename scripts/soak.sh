#!/usr/bin/env bash
# soak.sh - many concurrent `hjob run`s against the sandbox with random
# faults injected (connection resets after submit, safe-mode 503s, dropped
# uploads, a slow Oozie); reports jobs submitted vs jobs created
# (duplicates), wrong exit codes and hangs. Not run in CI.
#
# Usage: scripts/soak.sh [RUNS] [SEED]   (default 200 runs, a random seed)
# Needs: a build of hjob and hjob-sandbox (release preferred; honours
# CARGO_TARGET_DIR), jq, GNU timeout.
# Exit status: 0 when there are no duplicates, wrong exit codes or hangs.
set -euo pipefail

runs="${1:-200}"
seed="${2:-$RANDOM}"
RANDOM=$seed
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
bin="$target/release"
[ -x "$bin/hjob" ] && [ -x "$bin/hjob-sandbox" ] || bin="$target/debug"
[ -x "$bin/hjob" ] && [ -x "$bin/hjob-sandbox" ] || {
    echo "soak: build first: cargo build --release -p hjob -p hjob-sandbox" >&2; exit 2; }
command -v jq >/dev/null || { echo "soak: jq is missing (apt-get install jq)" >&2; exit 2; }
command -v timeout >/dev/null || { echo "soak: GNU timeout is missing" >&2; exit 2; }

work="$(mktemp -d /tmp/hjob-soak.XXXXXX)"
sandbox_pid=""
cleanup() {
    if [ -n "$sandbox_pid" ]; then kill "$sandbox_pid" 2>/dev/null || true; wait "$sandbox_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

# Random fault budgets for this seed (shared by all runs, taken first come).
resets=$((10 + RANDOM % 21))     # 10..30 lost submit answers
unavailable=$((10 + RANDOM % 21)) # 10..30 safe-mode 503s (POSTs and reads)
drops=$((5 + RANDOM % 11))       # 5..15 cut-off DataNode uploads
nn503=$((5 + RANDOM % 11))       # 5..15 NameNode 503s
latency=$((20 + RANDOM % 61))    # 20..80 ms on every Oozie answer
faults=(--fault "oozie:reset-after-submitx$resets" --fault "oozie:503x$unavailable"
        --fault "datanode:drop-uploadx$drops" --fault "namenode:503x$nn503"
        --fault "latency:oozie=${latency}ms")

"$bin/hjob-sandbox" --dir "$work/sandbox" --env-file "$work/env" \
    --action-duration 200ms --step-delay 20ms "${faults[@]}" \
    >/dev/null 2>"$work/sandbox.log" &
sandbox_pid=$!
for _ in $(seq 100); do [ -s "$work/env" ] && break; sleep 0.1; done
[ -s "$work/env" ] || { echo "soak: the sandbox did not start:" >&2; cat "$work/sandbox.log" >&2; exit 2; }
# shellcheck disable=SC1091
source "$work/env"
export HOME="$work/home" HJOB_USER=soak HJOB_CONFIG="$work/hjob.toml" HJOB_SYSTEM_CONFIG=/nonexistent \
    XDG_CONFIG_HOME="$work/home/config" XDG_DATA_HOME="$work/home/data" NO_COLOR=1
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
head -c 300000 /dev/urandom > "$work/payload.bin"

echo "soak: $runs concurrent runs against $HJOB_STATE_URL ($bin), seed $seed: ${faults[*]}"
started=$(date +%s)
pids=()
for i in $(seq "$runs"); do
    case $((RANDOM % 4)) in
        0) expect=0; cmd=(shell --file "$work/payload.bin" -- true) ;;
        1) expect=1; cmd=(shell -- sh -c 'exit 1') ;;
        2) expect=0; cmd=(shell -- sleep "0.$((RANDOM % 5))") ;;
        3) expect=1; cmd=(shell --file "$work/payload.bin" -- sh -c "sleep 0.$((RANDOM % 5)); exit 1") ;;
    esac
    (
        set +e
        timeout 120 "$bin/hjob" --output json run "${cmd[@]}" >"$work/out.$i" 2>"$work/err.$i"
        echo "$? $expect" >"$work/rc.$i"
    ) &
    pids+=("$!")
done
wait "${pids[@]}"
elapsed=$(( $(date +%s) - started ))

hangs=0; wrong=0; submitted=0; : >"$work/reported"
for i in $(seq "$runs"); do
    read -r rc expect <"$work/rc.$i"
    if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
        hangs=$((hangs + 1)); echo "  run $i: hung (killed by timeout)"; continue
    fi
    if [ "$rc" != "$expect" ]; then
        wrong=$((wrong + 1))
        echo "  run $i: exit $rc, expected $expect: $(tail -2 "$work/err.$i" | tr '\n' ' ')"
    fi
    if id=$(jq -er .id "$work/out.$i" 2>/dev/null); then
        submitted=$((submitted + 1)); echo "$id" >>"$work/reported"
    fi
done

# Jobs that exist, on every cluster, against the ids the runs reported.
: >"$work/names"; : >"$work/ids"; per_cluster=""
clusters=$(jq -r '.clusters | keys[]' <<<"$("$bin/hjob" cluster --output json)")
[ -n "$clusters" ] || { echo "soak: no clusters in the state document" >&2; exit 2; }
for cluster in $clusters; do
    jobs_json=$("$bin/hjob" list --all-users --limit 1000 --cluster "$cluster" --output json)
    jq -r '.jobs[].name' <<<"$jobs_json" >>"$work/names"
    jq -r '.jobs[].id' <<<"$jobs_json" >>"$work/ids"
    per_cluster="$per_cluster $cluster=$(jq '.jobs | length' <<<"$jobs_json")"
done
created=$(wc -l <"$work/ids")
# A duplicate is a second job with the same app name (it embeds the submission id).
duplicates=$(sort "$work/names" | uniq -d -c | awk '{n += $1 - 1} END {print n + 0}')
unreported=$(sort "$work/ids" | comm -23 - <(sort -u "$work/reported") | wc -l)
lost=$(sort -u "$work/reported" | comm -23 - <(sort "$work/ids") | wc -l)

lost_answers=$(grep -l "answer was lost" "$work"/err.* 2>/dev/null | wc -l)
resent=$(grep -l "did not take the submission" "$work"/err.* 2>/dev/null | wc -l)
reuploads=$(grep -l "retrying from the start" "$work"/err.* 2>/dev/null | wc -l)
echo "soak: faults met by clients: $lost_answers lost submit answers (adopted), $resent refused submits (resent), $reuploads re-sent uploads"
echo "soak: $submitted runs reported a job, $created jobs exist:$per_cluster ($unreported not reported by any run, $lost reported but missing), ${elapsed}s"
echo "soak: $runs runs, $created jobs created, $duplicates duplicates, $wrong wrong exit codes, $hangs hangs"
[ "$duplicates" = 0 ] && [ "$wrong" = 0 ] && [ "$hangs" = 0 ] && [ "$lost" = 0 ]
