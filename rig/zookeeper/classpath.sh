#!/usr/bin/env bash
# classpath.sh - prints the class path of Apache ZooKeeper 3.9 (rig/zookeeper/pom.xml)
# for the tests/zk ensemble, resolving it from Maven Central on the first
# run (a few MB) and caching it in rig/target/zookeeper-cp.txt.
# scripts/test.sh exports it as HJOB_ZK_CLASSPATH.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
target="$here/../target"
out="$target/zookeeper-cp.txt"
mkdir -p "$target"
if [ ! -s "$out" ] || [ "$here/pom.xml" -nt "$out" ]; then
    repo=()
    [ -n "${HJOB_RIG_MAVEN_REPO:-}" ] && repo=(-Dmaven.repo.local="$HJOB_RIG_MAVEN_REPO")
    mvn -B -q "${repo[@]}" -s "$here/../settings.xml" -f "$here/pom.xml" dependency:build-classpath \
        -Dmdep.outputFile="$out.tmp" >"$target/zookeeper-mvn.log" 2>&1 \
        || { tail -20 "$target/zookeeper-mvn.log" >&2; echo "classpath.sh: resolving ZooKeeper failed (see $target/zookeeper-mvn.log)" >&2; exit 1; }
    mv "$out.tmp" "$out"
fi
cat "$out"
