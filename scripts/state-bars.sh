#!/usr/bin/env bash
# state-bars.sh - measure the bars of the state service and the
# state client (a benchmark, not run in CI; timings are printed, never
# asserted by the tests).
#
#   1. 2,000 idle + 200 slow-drip connections held open against
#      `hjob state-server` limited to 1,024 files: latency of 500 GETs on
#      fresh connections (goal: p99 < 100 ms, 0 failed).
#   2. GET latency for 5 s while an admin writes in a loop with a slow disk
#      (HJOB_STATE_SERVER_FSYNC_DELAY=300ms) (goal: p99 < 10 ms).
#   3. The pass/fail bars, by running their tests: 30 random kill -9s under
#      concurrent writers (0 lost acknowledged writes, 0 audit gaps or
#      duplicates, 0 temp files); duplicate-key, oversized and non-UTF-8
#      documents (exit 4, 0 submissions); lost submit answers x odd names
#      (0 duplicates).
#
# Usage: scripts/state-bars.sh [--debug]   (release build by default)
# Needs: prlimit (util-linux).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
profile=(--release)
[ "${1:-}" = "--debug" ] && profile=()
command -v prlimit >/dev/null || { echo "state-bars: prlimit is missing (util-linux)" >&2; exit 2; }
cargo test "${profile[@]}" --test it trusted::bars -- --ignored --nocapture 2>&1 | grep '^BAR'
cargo test "${profile[@]}" --test it -- \
    trusted::thirty_kill_9s_under_concurrent_writers_lose_nothing_and_audit_each_version_once \
    trusted::a_duplicate_key_or_non_utf8_state_document_exits_4_and_submits_nothing \
    trusted::an_endless_state_answer_is_cut_at_1_mib_and_exits_4 \
    trusted::a_lost_submit_answer_never_makes_a_second_job_whatever_the_name \
    2>&1 | grep -E '^test |test result'
