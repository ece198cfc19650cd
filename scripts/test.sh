#!/usr/bin/env bash
# test.sh - the test command: every test of the workspace, including the
# real-Hadoop suite (tests/real) against a rig this script starts and stops
# (rig/run.sh) when Java 17 and Maven are on the machine. Without them the
# real suite is skipped with one line saying so; in CI (CI set) that is a
# failure. Extra arguments go to `cargo test`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

rig_dir=""
stop_rig() {
    if [ -n "$rig_dir" ]; then
        rig/run.sh stop "$rig_dir" >/dev/null 2>&1 || true
        rm -rf "$rig_dir"
    fi
}
trap stop_rig EXIT

if command -v javac >/dev/null 2>&1 && command -v mvn >/dev/null 2>&1; then
    # The rig seeds an `hjob state-server`: build the binary first.
    cargo build --locked -p hjob --bin hjob
    rig_dir="$(mktemp -d /tmp/hjob-rig.XXXXXX)"
    rig/run.sh start "$rig_dir" >/dev/null
    export HJOB_RIG="$rig_dir/rig.json"
elif [ -n "${CI:-}" ]; then
    echo "test.sh: the real-Hadoop suite needs Java 17 and Maven (apt-get install openjdk-17-jdk-headless maven)" >&2
    exit 1
else
    echo "test.sh: real-Hadoop suite skipped: no Java 17 or Maven here (apt-get install openjdk-17-jdk-headless maven, then scripts/test.sh)" >&2
fi

# The ZooKeeper suite (tests/zk) starts its own three-server ensemble from
# this class path (Apache ZooKeeper 3.9 from Maven Central).
if command -v java >/dev/null 2>&1 && command -v mvn >/dev/null 2>&1; then
    if HJOB_ZK_CLASSPATH="$(rig/zookeeper/classpath.sh)"; then
        export HJOB_ZK_CLASSPATH
    elif [ -n "${CI:-}" ]; then
        exit 1
    fi
fi

cargo test --workspace --locked "$@"
