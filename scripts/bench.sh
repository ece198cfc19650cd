#!/usr/bin/env bash
# bench.sh - every figure of hjob's performance bars, each measured in the
# same run as its baseline, in interleaved rounds (the order of the two
# alternates every round), with medians and ratios. A benchmark: nothing
# here is asserted by the tests. Against the sandbox by default; with
# --rig RIG_JSON the uploads also go to real Apache Hadoop (rig/run.sh).
#
#   upload   1 GiB new jar, first run (hash + upload + rename + submit) vs
#            `curl -T` doing the two-step CREATE to the same DataNode;
#            1 GiB with the hash remembered vs the same curl; user+sys CPU
#            of hjob (hash known) vs curl's; hjob's peak RSS.
#   submit   `hjob run shell --detach -- true`, wall, vs a curl script
#            sending the same requests; instructions of the same command
#            under callgrind.
#   state    `hjob state-server` GET /v1/state req/s under `wrk -t2 -c64`
#            vs nginx serving the same JSON as a static file; the state
#            server's GET p99 while an admin writes 10 times a second vs
#            nginx's p99 with no writes.
#
# Usage: scripts/bench.sh [--rounds N] [--size-mib M] [--rig RIG_JSON]
#                         [--only upload,submit,state] [--install-tools]
# Needs: a release build (cargo build --release -p hjob -p hjob-sandbox),
# curl, jq, python3, GNU time, valgrind, wrk and nginx; --install-tools
# installs the missing ones with apt-get.
set -euo pipefail

rounds=5
size_mib=1024
rig_json=""
only="upload,submit,state"
install=""
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) rounds="$2"; shift 2 ;;
        --size-mib) size_mib="$2"; shift 2 ;;
        --rig) rig_json="$2"; shift 2 ;;
        --only) only="$2"; shift 2 ;;
        --install-tools) install=1; shift ;;
        *) echo "usage: $0 [--rounds N] [--size-mib M] [--rig RIG_JSON] [--only upload,submit,state] [--install-tools]" >&2; exit 2 ;;
    esac
done
wants() { [[ ",$only," == *",$1,"* ]]; }

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/target/release"
# tool -> Debian package
declare -A packages=([curl]=curl [jq]=jq [python3]=python3 [/usr/bin/time]=time
    [valgrind]=valgrind [wrk]=wrk [nginx]=nginx-light)
missing=()
for tool in "${!packages[@]}"; do
    command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || missing+=("${packages[$tool]}")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ -n "$install" ]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
    else
        echo "bench: missing: ${missing[*]}; install them with" >&2
        echo "  DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing[*]}" >&2
        echo "or run scripts/bench.sh --install-tools" >&2
        exit 2
    fi
fi
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
[ -x "$bin/hjob" ] && [ -x "$bin/hjob-sandbox" ] || {
    echo "bench: build first: cargo build --release -p hjob -p hjob-sandbox" >&2; exit 2; }
if [ -n "$rig_json" ]; then
    [ -r "$rig_json" ] || { echo "bench: cannot read $rig_json (start a rig: rig/run.sh start DIR)" >&2; exit 2; }
fi

work="$(mktemp -d /tmp/hjob-bench.XXXXXX)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    [ -f "$work/nginx/nginx.pid" ] && kill "$(cat "$work/nginx/nginx.pid")" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

echo "bench: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "bench: hjob $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'), $rounds interleaved rounds per figure"

# measure.py ROUNDS OUT.json NAME=CMD[@@SETUP]...: runs each command once a
# round (the order rotating every round), its setup first and untimed;
# records wall time, user+sys CPU (wait4: the command and the children it
# waited for) and peak RSS; prints the medians.
cat > "$work/measure.py" <<'PY'
import json, os, statistics, subprocess, sys, time
rounds, out = int(sys.argv[1]), sys.argv[2]
entries = []
for arg in sys.argv[3:]:
    name, rest = arg.split("=", 1)
    cmd, _, setup = rest.partition("@@")
    entries.append((name, cmd, setup))
results = {name: {"wall": [], "cpu": [], "rss_kib": []} for name, _, _ in entries}
for r in range(rounds):
    order = entries[r % len(entries):] + entries[:r % len(entries)]
    for name, cmd, setup in order:
        if setup:
            subprocess.run(setup, shell=True, check=True, stdout=subprocess.DEVNULL)
        with open(out + "." + name + ".stderr", "wb") as err:
            start = time.perf_counter()
            p = subprocess.Popen(cmd, shell=True, stdout=subprocess.DEVNULL, stderr=err)
            _, status, ru = os.wait4(p.pid, 0)
            wall = time.perf_counter() - start
        p.returncode = os.waitstatus_to_exitcode(status)
        if p.returncode != 0:
            sys.stderr.write(open(out + "." + name + ".stderr").read())
            sys.exit("bench: %s exited %d: %s" % (name, p.returncode, cmd))
        results[name]["wall"].append(wall)
        results[name]["cpu"].append(ru.ru_utime + ru.ru_stime)
        results[name]["rss_kib"].append(ru.ru_maxrss)
for name, r in results.items():
    r["median_wall"] = statistics.median(r["wall"])
    r["median_cpu"] = statistics.median(r["cpu"])
    r["max_rss_kib"] = max(r["rss_kib"])
json.dump(results, open(out, "w"), indent=1)
PY
measure() { python3 "$work/measure.py" "$@"; }
# jqn EXPR FILE: a number from a results file.
jqn() { jq -r "$1" "$2"; }
fmt() { printf "%.${2:-2}f" "$1"; }
ratio() { jq -n "$1 / $2"; }
bars=()
bar() { bars+=("$(printf '%-62s %-22s %-22s %-8s %-10s %s' "$1" "$2" "$3" "$4" "$5" "$6")"); echo "  => $1: $2 vs $3: ratio $4 (goal $5): $6"; }
verdict() { if jq -en "$1" >/dev/null; then echo met; else echo "NOT met"; fi; }

"$bin/hjob-sandbox" --dir "$work/sandbox" --env-file "$work/env" \
    --action-duration 100ms --step-delay 10ms >/dev/null 2>"$work/sandbox.log" &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/env" ] && break; sleep 0.1; done
# shellcheck disable=SC1091
source "$work/env"
export HJOB_USER=bench HOME="$work/home" HJOB_CONFIG="$work/hjob.toml" NO_COLOR=1
export HJOB_SYSTEM_CONFIG=/nonexistent XDG_DATA_HOME="$work/home/data"
mkdir -p "$HOME"
: > "$HJOB_CONFIG"
hjob="$bin/hjob"
cluster="$("$hjob" cluster --output json)"
webhdfs="$(jq -r .cluster.webhdfs_url <<<"$cluster")"
oozie="$(jq -r .cluster.oozie_url <<<"$cluster")"
name_node="$(jq -r .cluster.name_node <<<"$cluster")"
job_tracker="$(jq -r .cluster.job_tracker <<<"$cluster")"

if wants submit; then
    echo "== submit path: hjob run shell --detach -- true vs a curl script with the same requests"
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
    # The requests hjob sends (README, "The requests of a run"), one curl each.
    cat > "$work/curl-submit.sh" <<EOF
#!/usr/bin/env bash
set -euo pipefail
curl -sf "$HJOB_STATE_URL/v1/state" >/dev/null
loc=\$(curl -s -X PUT -o /dev/null -w '%{redirect_url}' "$webhdfs$app_dir/workflow.xml?op=CREATE&overwrite=true&permission=644&user.name=bench")
curl -sf -X PUT -T "$work/workflow.xml" -H 'Content-Type: application/octet-stream' "\$loc" >/dev/null
curl -sf "$HJOB_STATE_URL/v1/state" >/dev/null
curl -sf -X POST -H 'Content-Type: application/xml;charset=UTF-8' --data-binary @"$work/conf.xml" \
    "$oozie/v1/jobs?action=start&user.name=bench" >/dev/null
EOF
    chmod +x "$work/curl-submit.sh"
    for _ in 1 2 3; do "$hjob" run shell --detach -- true >/dev/null 2>&1; "$work/curl-submit.sh"; done
    measure "$((rounds * 6))" "$work/submit.json" \
        "hjob=$hjob run shell --detach -- true" "curl=$work/curl-submit.sh"
    h=$(jqn .hjob.median_wall "$work/submit.json"); c=$(jqn .curl.median_wall "$work/submit.json")
    r=$(ratio "$h" "$c")
    bar "hjob run shell --detach -- true, wall (median of $((rounds * 6)))" "$(fmt "$(jq -n "$h*1000")" 1) ms" \
        "curl script $(fmt "$(jq -n "$c*1000")" 1) ms" "$(fmt "$r")" "<= 0.25" "$(verdict "$r <= 0.25")"

    echo "== submit path under callgrind: instructions of hjob run shell --detach -- true"
    counts=()
    for _ in 1 2 3; do
        valgrind --tool=callgrind --callgrind-out-file=/dev/null "$hjob" run shell --detach -- true \
            >/dev/null 2>"$work/callgrind.txt"
        counts+=("$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$work/callgrind.txt")")
    done
    ir=$(printf '%s\n' "${counts[@]}" | sort -n | sed -n 2p)
    bar "hjob run shell --detach -- true, instructions (callgrind, median of 3)" \
        "$(fmt "$(jq -n "$ir/1000000")" 1) M" "-" "-" "<= 15 M" "$(verdict "$ir <= 15000000")"
fi

# upload_bench LABEL WEBHDFS USER: the three upload figures and RSS.
upload_bench() {
    local label="$1" webhdfs="$2" user="$3"
    local big="$work/big.jar" hash_cache="$XDG_DATA_HOME/hjob/hash-cache.json"
    [ -f "$big" ] || head -c "$((size_mib * 1024 * 1024))" /dev/urandom > "$big"
    local del="curl -sf -X DELETE '$webhdfs/user/$user/.hjob/cache?op=DELETE&recursive=true&user.name=$user' >/dev/null"
    local hjob_run="$hjob run java --jar $big --main-class com.example.Big --detach --output json"
    cat > "$work/curl-upload.sh" <<EOF
#!/usr/bin/env bash
set -euo pipefail
loc=\$(curl -s -X PUT -o /dev/null -w '%{redirect_url}' "$webhdfs/user/$user/curl-big.jar?op=CREATE&overwrite=true&permission=644&user.name=$user")
curl -sf -X PUT -T "$big" -H 'Content-Type: application/octet-stream' -H 'Expect:' "\$loc" >/dev/null
EOF
    chmod +x "$work/curl-upload.sh"
    local curl_del="curl -sf -X DELETE '$webhdfs/user/$user/curl-big.jar?op=DELETE&user.name=$user' >/dev/null"
    # Warm the page cache and the hash cache.
    eval "$del"; $hjob_run >/dev/null 2>&1; "$work/curl-upload.sh"
    echo "== $label: ${size_mib} MiB, hjob first run / hjob hash known / curl -T, $rounds interleaved rounds"
    # Each timed upload starts with no dirty pages (sync, untimed): the
    # writeback of the run before must not land on the next one.
    measure "$rounds" "$work/upload.json" \
        "first=$hjob_run@@$del; rm -f $hash_cache; sync" \
        "known=$hjob_run@@$del; sync" \
        "curl=$work/curl-upload.sh@@$curl_del; sync"
    local f k c
    f=$(jqn .first.median_wall "$work/upload.json"); k=$(jqn .known.median_wall "$work/upload.json")
    c=$(jqn .curl.median_wall "$work/upload.json")
    local mib="$size_mib"
    echo "  runs (s): first $(jq -c '[.first.wall[]|.*100|round/100]' "$work/upload.json")," \
        "known $(jq -c '[.known.wall[]|.*100|round/100]' "$work/upload.json"), curl $(jq -c '[.curl.wall[]|.*100|round/100]' "$work/upload.json")"
    local r
    r=$(ratio "$c" "$f")
    bar "$label: $size_mib MiB new jar, first run (hash+upload+rename+submit)" \
        "$(fmt "$f") s ($(fmt "$(jq -n "$mib/$f")" 0) MiB/s)" "curl $(fmt "$c") s ($(fmt "$(jq -n "$mib/$c")" 0) MiB/s)" \
        "$(fmt "$r")x" ">= 0.95x" "$(verdict "$r >= 0.95")"
    r=$(ratio "$c" "$k")
    bar "$label: $size_mib MiB jar, hash known" \
        "$(fmt "$k") s ($(fmt "$(jq -n "$mib/$k")" 0) MiB/s)" "curl $(fmt "$c") s" "$(fmt "$r")x" ">= 1.0x" "$(verdict "$r >= 1.0")"
    local kc cc fc
    kc=$(jqn .known.median_cpu "$work/upload.json"); cc=$(jqn .curl.median_cpu "$work/upload.json")
    fc=$(jqn .first.median_cpu "$work/upload.json")
    r=$(ratio "$kc" "$cc")
    bar "$label: user+sys CPU, hash known (first run: $(fmt "$fc") s)" "$(fmt "$kc") s" "curl $(fmt "$cc") s" \
        "$(fmt "$r")x" "<= 1.5x" "$(verdict "$r <= 1.5")"
    local rss
    rss=$(jq '[.first.max_rss_kib, .known.max_rss_kib] | max' "$work/upload.json")
    bar "$label: hjob peak RSS during the uploads" "$(fmt "$(jq -n "$rss/1024")" 1) MiB" \
        "curl $(fmt "$(jq -n "$(jqn .curl.max_rss_kib "$work/upload.json")/1024")" 1) MiB" "-" "<= 20 MB" \
        "$(verdict "$rss * 1024 <= 20000000")"
}

if wants upload; then
    upload_bench sandbox "$webhdfs" bench
    if [ -n "$rig_json" ]; then
        rig_webhdfs="$(jq -r .webhdfs_url "$rig_json")"
        rig_user="$(jq -r .user "$rig_json")"
        # A stand-in for the state service and Oozie's submit, pointing at
        # the rig: only staging is measured there.
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
        pids+=($!)
        for _ in $(seq 100); do [ -s "$work/standin.port" ] && break; sleep 0.1; done
        saved_state_url="$HJOB_STATE_URL"
        export HJOB_STATE_URL="http://127.0.0.1:$(cat "$work/standin.port")" HJOB_USER="$rig_user"
        upload_bench "real Hadoop" "$rig_webhdfs" "$rig_user"
        export HJOB_STATE_URL="$saved_state_url" HJOB_USER=bench
    fi
fi

if wants state; then
    echo "== state server vs nginx serving the same JSON (wrk -t2 -c64, alternated)"
    mkdir -p "$work/state" "$work/nginx/root/v1" "$work/nginx/tmp"
    curl -sf "$HJOB_STATE_URL/v1/state" | jq '.version = 1 | del(.updated_at, .updated_by)' > "$work/state/seed.json"
    token="bench-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
    printf 'bench:%s\n' "$token" > "$work/state/tokens"
    "$hjob" state-server --listen 127.0.0.1:0 --store "$work/state/state.json" \
        --init "$work/state/seed.json" --tokens "$work/state/tokens" > "$work/state.log" 2>&1 &
    pids+=($!)
    state_url=""
    for _ in $(seq 100); do
        state_url="$(sed -n 's/.*listening on \(http:\/\/[0-9.:]*\).*/\1/p' "$work/state.log" | head -1)"
        [ -n "$state_url" ] && break; sleep 0.1
    done
    [ -n "$state_url" ] || { cat "$work/state.log" >&2; echo "bench: the state server did not start" >&2; exit 1; }
    curl -sf "$state_url/v1/state" > "$work/nginx/root/v1/state"
    # nginx's workers (www-data when started as root) read the file.
    chmod 755 "$work" "$work/nginx" "$work/nginx/root" "$work/nginx/root/v1"
    chmod 644 "$work/nginx/root/v1/state"
    cat > "$work/nginx/nginx.conf" <<EOF
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path $work/nginx/tmp;
    proxy_temp_path $work/nginx/tmp;
    fastcgi_temp_path $work/nginx/tmp;
    uwsgi_temp_path $work/nginx/tmp;
    scgi_temp_path $work/nginx/tmp;
    server {
        listen 127.0.0.1:0 reuseport;
        root $work/nginx/root;
        location = /v1/state { default_type application/json; }
    }
}
EOF
    # nginx cannot listen on port 0: take a free port.
    nginx_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    sed -i "s/listen 127.0.0.1:0 /listen 127.0.0.1:$nginx_port /" "$work/nginx/nginx.conf"
    "$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" 2>>"$work/nginx/error.log"
    nginx_url="http://127.0.0.1:$nginx_port"
    for _ in $(seq 50); do curl -sf "$nginx_url/v1/state" >/dev/null && break; sleep 0.1; done
    cmp -s <(curl -sf "$state_url/v1/state") <(curl -sf "$nginx_url/v1/state") || {
        echo "bench: nginx does not serve the state server's document" >&2; exit 1; }

    # wrk_run URL OUT: req/s and p99 (ms) of a 5 s run.
    wrk_run() {
        wrk -t2 -c64 -d5s --latency "$1/v1/state" > "$2"
        local rps p99
        rps=$(sed -n 's/^Requests\/sec:\s*\([0-9.]*\).*/\1/p' "$2")
        p99=$(awk '$1=="99%" { v=$2; if (v ~ /us$/) { sub(/us/,"",v); v/=1000 } else if (v ~ /ms$/) { sub(/ms/,"",v) } else if (v ~ /s$/) { sub(/s/,"",v); v*=1000 }; print v }' "$2")
        echo "$rps $p99"
    }
    median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR]=$1 } END { print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2) }'; }
    hj_rps=(); ng_rps=()
    for round in $(seq "$rounds"); do
        if [ $((round % 2)) -eq 1 ]; then order="hjob nginx"; else order="nginx hjob"; fi
        for who in $order; do
            if [ "$who" = hjob ]; then read -r rps p99 < <(wrk_run "$state_url" "$work/wrk.txt"); hj_rps+=("$rps")
            else read -r rps _ < <(wrk_run "$nginx_url" "$work/wrk.txt"); ng_rps+=("$rps"); fi
        done
    done
    h=$(median "${hj_rps[@]}"); n=$(median "${ng_rps[@]}")
    echo "  req/s: hjob ${hj_rps[*]}; nginx ${ng_rps[*]}"
    r=$(ratio "$h" "$n")
    bar "state-server GET /v1/state req/s, wrk -t2 -c64 (median of $rounds)" "$(fmt "$h" 0) req/s" \
        "nginx $(fmt "$n" 0) req/s" "$(fmt "$r")x" ">= 1.0x" "$(verdict "$r >= 1.0")"

    # An admin writing 10 times a second (read, change the message, PUT
    # with If-Match), one keep-alive connection.
    cat > "$work/writer.py" <<'PY'
import http.client, json, sys, time, urllib.parse
url, token, stop = urllib.parse.urlparse(sys.argv[1]), sys.argv[2], sys.argv[3]
import os
conn = http.client.HTTPConnection(url.hostname, url.port)
n, next_at = 0, time.monotonic()
while not os.path.exists(stop):
    conn.request("GET", "/v1/state")
    r = conn.getresponse(); doc = json.loads(r.read()); etag = r.getheader("ETag")
    doc["submission"]["message"] = "bench write %d" % n
    for k in ("version", "updated_at", "updated_by"): doc.pop(k, None)
    conn.request("PUT", "/v1/state", body=json.dumps(doc), headers={
        "Authorization": "Bearer " + token, "If-Match": etag, "Content-Type": "application/json"})
    r = conn.getresponse(); r.read()
    if r.status != 200: sys.exit("writer: PUT answered %d" % r.status)
    n += 1
    next_at += 0.1
    time.sleep(max(0, next_at - time.monotonic()))
print(n)
PY
    hj_p99=(); ng_p99=(); writes=()
    for round in $(seq "$rounds"); do
        rm -f "$work/stop"
        python3 "$work/writer.py" "$state_url" "$token" "$work/stop" > "$work/writes.txt" &
        writer=$!
        sleep 0.3
        read -r _ p99 < <(wrk_run "$state_url" "$work/wrk.txt"); hj_p99+=("$p99")
        touch "$work/stop"; wait "$writer" || { echo "bench: the admin writer failed" >&2; exit 1; }
        writes+=("$(cat "$work/writes.txt")")
        read -r rps p99 < <(wrk_run "$nginx_url" "$work/wrk.txt"); ng_p99+=("$p99")
    done
    h=$(median "${hj_p99[@]}"); n=$(median "${ng_p99[@]}")
    echo "  p99 (ms): hjob with writes ${hj_p99[*]} (writes per round: ${writes[*]}); nginx ${ng_p99[*]}"
    d=$(jq -n "$h - $n")
    bar "state-server GET p99 while an admin writes 10/s (median of $rounds)" "$(fmt "$h") ms" \
        "nginx (no writes) $(fmt "$n") ms" "$(printf '%+.2f' "$d") ms" "<= nginx + 2 ms" "$(verdict "$d <= 2")"
fi

echo
echo "== bars ($(date -u '+%Y-%m-%d %H:%M UTC'), load average at end: $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-62s %-22s %-22s %-8s %-10s %s\n' figure hjob baseline ratio goal verdict
printf '%s\n' "${bars[@]}"
