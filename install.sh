#!/usr/bin/env bash
# install.sh - build hjob and hjob-sandbox and install them, with shell
# completions and the man page, under ${PREFIX:-$HOME/.local}. Safe to run
# again: it overwrites what it installed before.
#
#   ./install.sh                      build (release) and install
#   PREFIX=/usr/local ./install.sh    install elsewhere
#   ./install.sh --regen-completions  rewrite completions/ from the CLI (for developers)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

say() { printf 'install.sh: %s\n' "$*"; }
die() { printf 'install.sh: error: %s\n' "$*" >&2; exit 1; }

command -v cargo >/dev/null 2>&1 || die "cargo not found; install Rust from https://rustup.rs (or your distribution's rustup package) and run this again"

regen_completions() {
    local hjob="$1"
    mkdir -p completions
    "$hjob" completions bash > completions/hjob.bash
    "$hjob" completions zsh > completions/_hjob
    "$hjob" completions fish > completions/hjob.fish
    "$hjob" man > completions/hjob.1
    say "wrote completions/hjob.bash, completions/_hjob, completions/hjob.fish and completions/hjob.1"
}

if [ "${1:-}" = "--regen-completions" ]; then
    cargo build --quiet -p hjob
    regen_completions target/debug/hjob
    exit 0
fi
[ $# -eq 0 ] || die "unknown argument $1 (see the comment at the top of install.sh)"

prefix="${PREFIX:-$HOME/.local}"
say "building hjob and hjob-sandbox (release; the first build takes a few minutes)"
cargo build --release --locked -p hjob -p hjob-sandbox

install -d "$prefix/bin" \
    "$prefix/share/bash-completion/completions" \
    "$prefix/share/zsh/site-functions" \
    "$prefix/share/fish/vendor_completions.d" \
    "$prefix/share/man/man1"
install -m 755 target/release/hjob "$prefix/bin/hjob"
install -m 755 target/release/hjob-sandbox "$prefix/bin/hjob-sandbox"
say "installed $prefix/bin/hjob and $prefix/bin/hjob-sandbox"

target/release/hjob completions bash > "$prefix/share/bash-completion/completions/hjob"
target/release/hjob completions zsh > "$prefix/share/zsh/site-functions/_hjob"
target/release/hjob completions fish > "$prefix/share/fish/vendor_completions.d/hjob.fish"
target/release/hjob man > "$prefix/share/man/man1/hjob.1"
say "installed completions (bash, zsh, fish) and the man page under $prefix/share"

case ":$PATH:" in
    *":$prefix/bin:"*) ;;
    *) say "note: $prefix/bin is not on your PATH; add it, e.g. echo 'export PATH=\"$prefix/bin:\$PATH\"' >> ~/.bashrc" ;;
esac
say "done: try 'hjob --help', or the sandbox quick start in README.md"
