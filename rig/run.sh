#!/usr/bin/env bash
# rig/run.sh - real Apache Hadoop on loopback for hjob's tests.
#
#   rig/run.sh start DIR   build what is missing, start the rig (MiniDFSCluster
#                          with WebHDFS + MiniYARNCluster + real Apache Oozie
#                          5.2.1, one JVM) and an
#                          `hjob state-server` seeded with a cluster that points
#                          at it; wait until every server answers; write
#                          DIR/rig.json; print `export HJOB_STATE_URL=…` and
#                          `export HJOB_USER=…` lines.
#   rig/run.sh stop DIR    stop everything `start` started.
#   rig/run.sh build       resolve the class path and compile, nothing else.
#
# Needs: Java 17 (javac), Maven, curl, and an hjob binary ($HJOB_BIN, else
# cargo's target dir, else `hjob` on PATH). With MIT Kerberos' KDC installed
# (krb5-kdc, krb5-admin-server; required when CI is set) it also starts a
# throwaway KDC (realm HJOB.RIG) and the same Oozie behind Oozie's own
# Kerberos authentication on a second port (rig.json `kerberos`). Every
# failure names its step.
set -euo pipefail
# The KDC's tools live in /usr/sbin, which a non-login PATH may lack.
PATH="$PATH:/usr/sbin:/sbin"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
target="$here/target"
rig_user="${HJOB_RIG_USER:-rigrunner}"

say() { printf 'rig: %s\n' "$*" >&2; }
fail() { say "$1 failed: $2"; exit 1; }

pick_java_home() {
    if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
        return
    fi
    # Container JVMs start $JAVA_HOME/bin/java, so it must be set, and Java 17.
    for candidate in /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/java-17-openjdk-arm64 /usr/lib/jvm/java-17-openjdk; do
        if [ -x "$candidate/bin/javac" ]; then
            export JAVA_HOME="$candidate"
            return
        fi
    done
    local javac
    javac="$(command -v javac || true)"
    [ -n "$javac" ] || fail "checking tools" "no javac: install OpenJDK 17 (apt-get install openjdk-17-jdk-headless)"
    JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$javac")")")"
    export JAVA_HOME
}

build() {
    pick_java_home
    command -v mvn >/dev/null || fail "checking tools" "no mvn: install Maven (apt-get install maven)"
    mkdir -p "$target"
    if [ ! -s "$target/cp.txt" ] || [ "$here/pom.xml" -nt "$target/cp.txt" ] || [ "$here/settings.xml" -nt "$target/cp.txt" ]; then
        say "resolving the Hadoop + Oozie class path (Maven Central; the first run downloads ~175 MB)"
        # HJOB_RIG_MAVEN_REPO: a Maven repository of its own (CI caches).
        local repo=()
        [ -n "${HJOB_RIG_MAVEN_REPO:-}" ] && repo=(-Dmaven.repo.local="$HJOB_RIG_MAVEN_REPO")
        mvn -B -q "${repo[@]}" -s "$here/settings.xml" -f "$here/pom.xml" dependency:build-classpath \
            -Dmdep.outputFile="$target/cp.txt" >"$target/mvn.log" 2>&1 \
            || { tail -20 "$target/mvn.log" >&2; fail "resolving the class path" "see $target/mvn.log"; }
    fi
    local srcdir="$here/src/main/java/hjob/rig" stamp="$target/classes/.stamp" stale=""
    [ -f "$stamp" ] || stale=1
    [ -n "$stale" ] || [ -z "$(find "$srcdir" -name '*.java' -newer "$stamp")" ] || stale=1
    if [ -n "$stale" ]; then
        say "compiling rig/src"
        mkdir -p "$target/classes"
        "$JAVA_HOME/bin/javac" --release 17 -nowarn -cp "$(cat "$target/cp.txt")" \
            -d "$target/classes" "$srcdir"/*.java || fail "compiling" "javac $srcdir/*.java"
        touch "$stamp"
    fi
}

find_hjob() {
    if [ -n "${HJOB_BIN:-}" ]; then
        [ -x "$HJOB_BIN" ] || fail "finding hjob" "HJOB_BIN=$HJOB_BIN is not executable"
        echo "$HJOB_BIN"; return
    fi
    local dir="${CARGO_TARGET_DIR:-$root/target}"
    for candidate in "$dir/debug/hjob" "$dir/release/hjob"; do
        [ -x "$candidate" ] && { echo "$candidate"; return; }
    done
    command -v hjob || fail "finding hjob" "no hjob binary: run 'cargo build' (or set HJOB_BIN)"
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Waits until $2 (a file) exists, while the process in pid file $1 lives.
wait_for_file() {
    local pidfile="$1" file="$2" seconds="$3" step="$4" log="$5"
    local deadline=$((SECONDS + seconds))
    while [ ! -s "$file" ]; do
        if ! alive "$pidfile"; then
            tail -30 "$log" >&2
            fail "$step" "the process exited; the last lines of $log are above"
        fi
        [ "$SECONDS" -lt "$deadline" ] || { tail -30 "$log" >&2; fail "$step" "not ready after ${seconds}s (see $log)"; }
        sleep 0.5
    done
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
        || echo $((20000 + RANDOM % 20000))
}

# A throwaway MIT KDC in $1 (realm HJOB.RIG, TCP on loopback) with
# HTTP/localhost (for Oozie) and the rig user, each with a keytab.
start_kdc() {
    local kdir="$1" port
    mkdir -p "$kdir"
    port="$(free_port)"
    printf '%s\n' "[libdefaults]" " default_realm = HJOB.RIG" " dns_lookup_kdc = false" \
        " dns_lookup_realm = false" " dns_canonicalize_hostname = false" " rdns = false" \
        " udp_preference_limit = 1" "[realms]" " HJOB.RIG = {" "  kdc = 127.0.0.1:$port" " }" \
        >"$kdir/krb5.conf"
    printf '%s\n' "[kdcdefaults]" " kdc_listen = \"\"" " kdc_tcp_listen = 127.0.0.1:$port" "[realms]" \
        " HJOB.RIG = {" "  database_name = $kdir/principal" "  key_stash_file = $kdir/stash" \
        "  acl_file = $kdir/kadm5.acl" "  kdc_listen = \"\"" "  kdc_tcp_listen = 127.0.0.1:$port" " }" \
        >"$kdir/kdc.conf"
    : >"$kdir/kadm5.acl"
    local env=(env KRB5_CONFIG="$kdir/krb5.conf" KRB5_KDC_PROFILE="$kdir/kdc.conf")
    local master
    master="$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
    "${env[@]}" kdb5_util -r HJOB.RIG create -s -P "$master" >"$kdir/setup.log" 2>&1 \
        || fail "creating the KDC" "see $kdir/setup.log"
    local p
    for p in HTTP/localhost "$rig_user"; do
        "${env[@]}" kadmin.local -r HJOB.RIG -q "addprinc -randkey $p" >>"$kdir/setup.log" 2>&1 \
            || fail "creating the KDC" "addprinc $p (see $kdir/setup.log)"
    done
    "${env[@]}" kadmin.local -r HJOB.RIG -q "ktadd -k $kdir/http.keytab HTTP/localhost" >>"$kdir/setup.log" 2>&1 \
        || fail "creating the KDC" "ktadd HTTP/localhost (see $kdir/setup.log)"
    "${env[@]}" kadmin.local -r HJOB.RIG -q "ktadd -k $kdir/user.keytab $rig_user" >>"$kdir/setup.log" 2>&1 \
        || fail "creating the KDC" "ktadd $rig_user (see $kdir/setup.log)"
    ( exec "${env[@]}" setsid krb5kdc -n >"$kdir/kdc.log" 2>&1 </dev/null ) &
    echo $! >"$kdir/kdc.pid"
    local deadline=$((SECONDS + 20))
    until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
        alive "$kdir/kdc.pid" || { cat "$kdir/kdc.log" >&2; fail "starting the KDC" "krb5kdc exited"; }
        [ "$SECONDS" -lt "$deadline" ] || fail "starting the KDC" "nothing listens on 127.0.0.1:$port"
        sleep 0.2
    done
}

start() {
    local dir="$1"
    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd)"
    if alive "$dir/hadoop.pid" || alive "$dir/state.pid"; then
        fail "starting" "a rig is already running in $dir (rig/run.sh stop $dir)"
    fi
    command -v curl >/dev/null || fail "checking tools" "no curl (apt-get install curl)"
    local hjob
    hjob="$(find_hjob)"
    build
    rm -rf "$dir/hadoop" "$dir/hadoop.env" "$dir/rig.json" "$dir/state" "$dir/kdc"
    mkdir -p "$dir/hadoop" "$dir/state"

    local kerberos=() krb5_opts=()
    if command -v krb5kdc >/dev/null && command -v kdb5_util >/dev/null && command -v kadmin.local >/dev/null; then
        say "starting a Kerberos KDC (realm HJOB.RIG)"
        start_kdc "$dir/kdc"
        kerberos=(HJOB_RIG_HTTP_KEYTAB="$dir/kdc/http.keytab" HJOB_RIG_HTTP_PRINCIPAL="HTTP/localhost@HJOB.RIG")
        krb5_opts=(-Djava.security.krb5.conf="$dir/kdc/krb5.conf")
    elif [ -n "${CI:-}" ]; then
        fail "checking tools" "no MIT KDC (apt-get install krb5-kdc krb5-admin-server)"
    else
        say "no MIT KDC here (apt-get install krb5-kdc krb5-admin-server): the Kerberos Oozie port is off"
    fi

    say "starting Hadoop (NameNode, DataNode, ResourceManager, NodeManager) and Oozie"
    local cp
    cp="$target/classes:$here/src/main/resources:$(cat "$target/cp.txt")"
    local opens=(
        -XX:+IgnoreUnrecognizedVMOptions
        --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED
        --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.math=ALL-UNNAMED
        --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.text=ALL-UNNAMED
        --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
        --add-opens=java.base/java.util.zip=ALL-UNNAMED --add-opens=java.base/sun.security.util=ALL-UNNAMED
        --add-opens=java.base/sun.security.x509=ALL-UNNAMED
    )
    (
        cd "$dir/hadoop"
        exec env "${kerberos[@]}" setsid "$JAVA_HOME/bin/java" -Xmx1g -XX:+UseSerialGC -Djava.net.preferIPv4Stack=true \
            "${krb5_opts[@]}" "${opens[@]}" -cp "$cp" hjob.rig.Rig "$dir/hadoop" "$rig_user" \
            >"$dir/hadoop.log" 2>&1 </dev/null
    ) &
    echo $! >"$dir/hadoop.pid"
    wait_for_file "$dir/hadoop.pid" "$dir/hadoop/hadoop.env" 300 "starting Hadoop" "$dir/hadoop.log"

    # shellcheck disable=SC1091
    . "$dir/hadoop/hadoop.env"

    say "starting hjob state-server"
    local token
    token="rig-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
    printf 'rig:%s\n' "$token" >"$dir/state/tokens"
    printf '%s\n' "$token" >"$dir/state/admin-token"
    chmod 600 "$dir/state/tokens" "$dir/state/admin-token"
    cat >"$dir/state/seed.json" <<EOF
{
  "version": 1,
  "active_cluster": "rig",
  "submission": {"enabled": true},
  "clusters": {
    "rig": {
      "oozie_url": "$oozie_url",
      "webhdfs_url": "$webhdfs_url",
      "name_node": "$name_node",
      "job_tracker": "$job_tracker",
      "yarn_url": "$yarn_url",
      "queue": "default"
    }
  }
}
EOF
    (
        exec setsid "$hjob" state-server --listen 127.0.0.1:0 --store "$dir/state/state.json" \
            --init "$dir/state/seed.json" --tokens "$dir/state/tokens" \
            >"$dir/state.log" 2>&1 </dev/null
    ) &
    echo $! >"$dir/state.pid"
    local deadline=$((SECONDS + 30)) state_url=""
    while [ -z "$state_url" ]; do
        alive "$dir/state.pid" || { cat "$dir/state.log" >&2; fail "starting hjob state-server" "it exited (log above)"; }
        [ "$SECONDS" -lt "$deadline" ] || fail "starting hjob state-server" "no listening line in $dir/state.log"
        state_url="$(sed -n 's/.*listening on \(http:\/\/[0-9.:]*\).*/\1/p' "$dir/state.log" | head -1)"
        [ -n "$state_url" ] || sleep 0.2
    done
    curl -fsS --max-time 5 "$state_url/v1/state" >/dev/null || fail "probing hjob state-server" "GET $state_url/v1/state"

    local kerberos_json=null
    if [ -n "${kerberos_oozie_url:-}" ]; then
        kerberos_json="{\"oozie_url\": \"$kerberos_oozie_url\", \"krb5_conf\": \"$dir/kdc/krb5.conf\", \"principal\": \"$rig_user@HJOB.RIG\", \"keytab\": \"$dir/kdc/user.keytab\", \"counts_url\": \"$control_url/kerberos-oozie/counts\"}"
    elif [ -n "${CI:-}" ]; then
        fail "starting Oozie" "the Kerberos Oozie port did not start (see $dir/hadoop.log)"
    fi
    cat >"$dir/rig.json.tmp" <<EOF
{
  "state_url": "$state_url",
  "user": "$user",
  "webhdfs_url": "$webhdfs_url",
  "namenode_http": "$namenode_http",
  "datanode_http": "$datanode_http",
  "name_node": "$name_node",
  "job_tracker": "$job_tracker",
  "yarn_url": "$yarn_url",
  "nodemanager_url": "$nodemanager_url",
  "oozie_url": "$oozie_url",
  "control_url": "$control_url",
  "superuser": "$superuser",
  "admin_token_file": "$dir/state/admin-token",
  "hjob": "$hjob",
  "kerberos": $kerberos_json,
  "dir": "$dir"
}
EOF
    mv "$dir/rig.json.tmp" "$dir/rig.json"
    say "ready: $dir/rig.json"
    printf 'export HJOB_STATE_URL=%s\n' "$state_url"
    printf 'export HJOB_USER=%s\n' "$user"
    printf 'export HJOB_RIG=%s\n' "$dir/rig.json"
}

stop_one() {
    local pidfile="$1"
    [ -f "$pidfile" ] || return 0
    local pid
    pid="$(cat "$pidfile")"
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
        local i
        for i in $(seq 1 60); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.5
        done
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
}

stop() {
    local dir="$1"
    [ -d "$dir" ] || fail "stopping" "no such directory: $dir"
    stop_one "$dir/state.pid"
    stop_one "$dir/hadoop.pid"
    stop_one "$dir/kdc/kdc.pid"
    rm -f "$dir/rig.json"
    say "stopped"
}

case "${1:-}" in
    start) [ $# -eq 2 ] || { echo "usage: $0 start DIR" >&2; exit 2; }; start "$2" ;;
    stop) [ $# -eq 2 ] || { echo "usage: $0 stop DIR" >&2; exit 2; }; stop "$2" ;;
    build) build ;;
    *) echo "usage: $0 start DIR | stop DIR | build" >&2; exit 2 ;;
esac
