#!/usr/bin/env bash
# bench.sh - hjob's submission benchmarks against the sandbox (not run in CI).
#
#   1. `hjob run shell --detach` (state -> stage -> submit) against a curl
#      script that sends the same requests to the same sandbox: wall-time ratio.
#   2. A 1 GiB upload: `hjob run java --jar BIG --detach` (hash + two-step
#      CREATE + submit) against `curl -T` to the same DataNode; throughput and
#      hjob's peak RSS.
#   3. A re-run with the unchanged jar: jar bytes uploaded and wall time.
#   4. With --rig DIR/rig.json: item 2 again against real Apache Hadoop (the
#      rig's NameNode and DataNode, rig/run.sh), hjob vs curl doing the same
#      two-step CREATE to the same DataNode. Oozie's submit is answered by a
#      small stand-in, so only staging is measured.
#
# Usage: scripts/bench.sh [--runs N] [--size-mib M] [--rig RIG_JSON]
# Needs: a release build (cargo build --release -p hjob -p hjob-sandbox),
# curl, jq, hyperfine and GNU time (apt-get install hyperfine time jq).
set -euo pipefail

runs=20
size_mib=1024
rig_json=""
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --size-mib) size_mib="$2"; shift 2 ;;
        --rig) rig_json="$2"; shift 2 ;;
        *) echo "usage: $0 [--runs N] [--size-mib M] [--rig RIG_JSON]" >&2; exit 2 ;;
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
standin_pid=""
cleanup() {
    [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null || true
    [ -n "$standin_pid" ] && kill "$standin_pid" 2>/dev/null || true
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

big="$work/big.jar"
head -c "$((size_mib * 1024 * 1024))" /dev/urandom > "$big"
bytes=$(stat -c %s "$big")
elapsed() { awk '{ n = split($NF, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' <<<"$(grep 'Elapsed (wall clock)' "$1")"; }
hjob_upload() {
    /usr/bin/time -v -o "$work/time.txt" "$hjob" run java --jar "$big" --main-class com.example.Big \
        --detach --output json > "$work/run.json"
}
median() { printf '%s\n' "$@" | sort -g | sed -n 2p; }

# upload_bench WEBHDFS USER: hjob's first run, then three alternating rounds
# of hjob (hash remembered, HDFS cache emptied) and curl -T.
upload_bench() {
    local webhdfs="$1" user="$2"
    curl -sf -X DELETE "$webhdfs/user/$user/.hjob?op=DELETE&recursive=true&user.name=$user" >/dev/null || true
    rm -rf "$HOME/.local/share/hjob"
    # First run: SHA-256 of the file, two-step CREATE, rename into the cache, submit.
    hjob_upload
    first_s=$(elapsed "$work/time.txt")
    echo "  hjob first run (hash + upload + submit): $(printf %.2f "$first_s") s, uploaded $(jq .uploaded_bytes "$work/run.json") bytes"
    hjob_times=(); curl_times=(); rss_max=0
    for round in 1 2 3; do
        curl -sf -X DELETE "$webhdfs/user/$user/.hjob/cache?op=DELETE&recursive=true&user.name=$user" >/dev/null
        hjob_upload
        hjob_times+=("$(elapsed "$work/time.txt")")
        rss=$(grep 'Maximum resident set size' "$work/time.txt" | awk '{print $NF}')
        [ "$rss" -gt "$rss_max" ] && rss_max=$rss
        start=$(date +%s.%N)
        loc=$(curl -s -X PUT -o /dev/null -w '%{redirect_url}' \
            "$webhdfs/user/$user/curl-big.jar?op=CREATE&overwrite=true&permission=644&user.name=$user")
        curl -sf -X PUT -T "$big" -H 'Content-Type: application/octet-stream' -H 'Expect:' "$loc" >/dev/null
        curl_times+=("$(echo "$(date +%s.%N) - $start" | bc)")
    done
    hjob_s=$(median "${hjob_times[@]}"); curl_s=$(median "${curl_times[@]}")
    echo "  hjob upload (median of 3): $(printf %.2f "$hjob_s") s, $(echo "$bytes / $hjob_s / 1048576" | bc) MiB/s (runs: ${hjob_times[*]})"
    echo "  curl -T     (median of 3): $(printf %.2f "$curl_s") s, $(echo "$bytes / $curl_s / 1048576" | bc) MiB/s (runs: ${curl_times[*]})"
    echo "  throughput ratio hjob/curl: $(echo "scale=2; $curl_s / $hjob_s" | bc) (goal >= 0.9)"
    echo "  hjob peak RSS: $((rss_max / 1024)) MiB (goal <= 30 MB)"
}

echo "== 2. upload of ${size_mib} MiB: hjob vs curl -T to the same DataNode (sandbox)"
upload_bench "$webhdfs" bench

echo "== 3. re-run with the unchanged jar"
hjob_upload
echo "  jar bytes uploaded: $(jq .uploaded_bytes "$work/run.json") (goal 0), wall time $(printf %.2f "$(elapsed "$work/time.txt")") s"

if [ -n "$rig_json" ]; then
    echo "== 4. upload of ${size_mib} MiB to real Apache Hadoop (the rig): hjob vs curl -T"
    rig_webhdfs="$(jq -r .webhdfs_url "$rig_json")"
    rig_user="$(jq -r .user "$rig_json")"
    # A stand-in for the state service and Oozie's submit, pointing at the rig.
    python3 - "$rig_json" "$work/standin.port" <<'PY' &
import json, sys, itertools
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
rig = json.load(open(sys.argv[1]))
ids = itertools.count(1)
class H(BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def send(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def do_GET(self):
        base = "http://127.0.0.1:%d" % self.server.server_port
        self.send(200, {"version": 1, "active_cluster": "rig", "submission": {"enabled": True},
            "clusters": {"rig": {"oozie_url": base + "/oozie", "webhdfs_url": rig["webhdfs_url"],
                "name_node": rig["name_node"], "job_tracker": rig["job_tracker"], "yarn_url": rig["yarn_url"]}}})
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send(201, {"id": "%07d-000000000000000-oozie-oozi-W" % next(ids)})
server = ThreadingHTTPServer(("127.0.0.1", 0), H)
open(sys.argv[2], "w").write(str(server.server_port))
server.serve_forever()
PY
    standin_pid=$!
    for _ in $(seq 100); do [ -s "$work/standin.port" ] && break; sleep 0.1; done
    export HJOB_STATE_URL="http://127.0.0.1:$(cat "$work/standin.port")" HJOB_USER="$rig_user"
    upload_bench "$rig_webhdfs" "$rig_user"
fi
