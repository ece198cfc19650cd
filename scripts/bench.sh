#!/usr/bin/env bash
# bench.sh - hjob's submission benchmarks against the sandbox (not run in CI).
#
#   1. `hjob run shell --detach` (state -> stage -> submit) against a curl
#      script that sends the same requests to the same sandbox: wall-time ratio.
#   2. A 1 GiB upload: `hjob run java --jar BIG --detach` (hash + two-step
#      CREATE + submit) against `curl -T` to the same DataNode; throughput and
#      hjob's peak RSS.
#   3. A re-run with the unchanged jar: jar bytes uploaded and wall time.
#
# Usage: scripts/bench.sh [--runs N] [--size-mib M]
# Needs: a release build (cargo build --release -p hjob -p hjob-sandbox),
# curl, jq, hyperfine and GNU time (apt-get install hyperfine time jq).
set -euo pipefail

runs=20
size_mib=1024
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --size-mib) size_mib="$2"; shift 2 ;;
        *) echo "usage: $0 [--runs N] [--size-mib M]" >&2; exit 2 ;;
    esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/target/release"
for tool in curl jq hyperfine /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install curl jq hyperfine time)" >&2; exit 2; }
done
[ -x "$bin/hjob" ] && [ -x "$bin/hjob-sandbox" ] || {
    echo "bench: build first: cargo build --release -p hjob -p hjob-sandbox" >&2; exit 2; }

work="$(mktemp -d /tmp/hjob-bench.XXXXXX)"
sandbox_pid=""
cleanup() {
    [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

"$bin/hjob-sandbox" --dir "$work/sandbox" --env-file "$work/env" \
    --action-duration 100ms --step-delay 10ms >/dev/null 2>"$work/sandbox.log" &
sandbox_pid=$!
for _ in $(seq 100); do [ -s "$work/env" ] && break; sleep 0.1; done
# shellcheck disable=SC1091
source "$work/env"
export HJOB_USER=bench HOME="$work/home" HJOB_CONFIG="$work/hjob.toml" NO_COLOR=1
export HJOB_SYSTEM_CONFIG=/nonexistent
mkdir -p "$HOME"
: > "$HJOB_CONFIG"
hjob="$bin/hjob"

cluster="$("$hjob" cluster --output json)"
webhdfs="$(jq -r .cluster.webhdfs_url <<<"$cluster")"
oozie="$(jq -r .cluster.oozie_url <<<"$cluster")"
name_node="$(jq -r .cluster.name_node <<<"$cluster")"
job_tracker="$(jq -r .cluster.job_tracker <<<"$cluster")"

echo "== 1. submit path: hjob run shell --detach vs the same requests with curl"
"$hjob" run shell --dry-run --output json -- true > "$work/dry.json"
jq -r .workflow_xml "$work/dry.json" > "$work/workflow.xml"
app_dir=/user/bench/.hjob/runs/curl-bench
cat > "$work/conf.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<configuration>
  <property><name>user.name</name><value>bench</value></property>
  <property><name>oozie.wf.application.path</name><value>${name_node}${app_dir}</value></property>
  <property><name>nameNode</name><value>${name_node}</value></property>
  <property><name>jobTracker</name><value>${job_tracker}</value></property>
  <property><name>queueName</name><value>default</value></property>
  <property><name>oozie.use.system.libpath</name><value>true</value></property>
  <property><name>hjob.submission.id</name><value>curl-bench</value></property>
</configuration>
EOF
cat > "$work/curl-submit.sh" <<EOF
#!/usr/bin/env bash
set -euo pipefail
curl -sf "$HJOB_STATE_URL/v1/state" >/dev/null
curl -sf -X PUT "$webhdfs$app_dir?op=MKDIRS&permission=755&user.name=bench" >/dev/null
loc=\$(curl -s -X PUT -o /dev/null -w '%{redirect_url}' "$webhdfs$app_dir/workflow.xml?op=CREATE&overwrite=true&permission=644&user.name=bench")
curl -sf -X PUT -T "$work/workflow.xml" -H 'Content-Type: application/octet-stream' "\$loc" >/dev/null
curl -sf "$webhdfs$app_dir/workflow.xml?op=GETFILESTATUS&user.name=bench" >/dev/null
curl -sf "$HJOB_STATE_URL/v1/state" >/dev/null
curl -sf -X POST -H 'Content-Type: application/xml;charset=UTF-8' --data-binary @"$work/conf.xml" \
    "$oozie/v1/jobs?action=start&user.name=bench" >/dev/null
EOF
chmod +x "$work/curl-submit.sh"
hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/submit.json" \
    -n hjob "$hjob run shell --detach -- true" \
    -n curl "$work/curl-submit.sh" 2>&1 | sed 's/^/  /'
hjob_mean=$(jq '.results[] | select(.command=="hjob") | .mean' "$work/submit.json")
curl_mean=$(jq '.results[] | select(.command=="curl") | .mean' "$work/submit.json")
echo "  submit: hjob $(printf %.1f "$(jq -n "$hjob_mean*1000")") ms, curl $(printf %.1f "$(jq -n "$curl_mean*1000")") ms, ratio $(printf %.2f "$(jq -n "$hjob_mean/$curl_mean")") (goal <= 1.0)"

echo "== 2. upload of ${size_mib} MiB: hjob vs curl -T to the same DataNode"
big="$work/big.jar"
head -c "$((size_mib * 1024 * 1024))" /dev/urandom > "$big"
bytes=$(stat -c %s "$big")
elapsed() { awk '{ n = split($NF, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' <<<"$(grep 'Elapsed (wall clock)' "$1")"; }
hjob_upload() {
    /usr/bin/time -v -o "$work/time.txt" "$hjob" run java --jar "$big" --main-class com.example.Big \
        --detach --output json > "$work/run.json"
}
# First run: SHA-256 of the file, two-step CREATE, rename into the cache, submit.
hjob_upload
first_s=$(elapsed "$work/time.txt")
echo "  hjob first run (hash + upload + submit): $(printf %.2f "$first_s") s, uploaded $(jq .uploaded_bytes "$work/run.json") bytes"
# Then alternate: upload only (hash remembered, HDFS cache emptied) vs curl.
hjob_times=(); curl_times=(); rss_max=0
for round in 1 2 3; do
    curl -sf -X DELETE "$webhdfs/user/bench/.hjob/cache?op=DELETE&recursive=true&user.name=bench" >/dev/null
    hjob_upload
    hjob_times+=("$(elapsed "$work/time.txt")")
    rss=$(grep 'Maximum resident set size' "$work/time.txt" | awk '{print $NF}')
    [ "$rss" -gt "$rss_max" ] && rss_max=$rss
    start=$(date +%s.%N)
    loc=$(curl -s -X PUT -o /dev/null -w '%{redirect_url}' \
        "$webhdfs/user/bench/curl-big.jar?op=CREATE&overwrite=true&permission=644&user.name=bench")
    curl -sf -X PUT -T "$big" -H 'Content-Type: application/octet-stream' -H 'Expect:' "$loc" >/dev/null
    curl_times+=("$(echo "$(date +%s.%N) - $start" | bc)")
done
median() { printf '%s\n' "$@" | sort -g | sed -n 2p; }
hjob_s=$(median "${hjob_times[@]}"); curl_s=$(median "${curl_times[@]}")
echo "  hjob upload (median of 3): $(printf %.2f "$hjob_s") s, $(echo "$bytes / $hjob_s / 1048576" | bc) MiB/s (runs: ${hjob_times[*]})"
echo "  curl -T     (median of 3): $(printf %.2f "$curl_s") s, $(echo "$bytes / $curl_s / 1048576" | bc) MiB/s (runs: ${curl_times[*]})"
echo "  throughput ratio hjob/curl: $(echo "scale=2; $curl_s / $hjob_s" | bc) (goal >= 0.9)"
echo "  hjob peak RSS: $((rss_max / 1024)) MiB (goal <= 30 MB)"

echo "== 3. re-run with the unchanged jar"
hjob_upload
echo "  jar bytes uploaded: $(jq .uploaded_bytes "$work/run.json") (goal 0), wall time $(printf %.2f "$(elapsed "$work/time.txt")") s"
