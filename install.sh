#!/usr/bin/env bash
# install.sh - build hjob and hjob-sandbox and install them, with shell
# completions and the man page, under ${PREFIX:-$HOME/.local}. Safe to run
# again: it replaces what it installed before and says what changed.
#
#   ./install.sh                      build (release) and install
#   PREFIX=/usr/local ./install.sh    install elsewhere
#   ./install.sh --from DIR           install binaries already built in DIR (no build)
#   ./install.sh --regen-completions  rewrite completions/ from the CLI (for developers)
#
# Installed files:
#   $PREFIX/bin/hjob, $PREFIX/bin/hjob-sandbox
#   $PREFIX/share/bash-completion/completions/hjob
#   $PREFIX/share/zsh/site-functions/_hjob
#   $PREFIX/share/fish/vendor_completions.d/hjob.fish
#   $PREFIX/share/man/man1/hjob.1
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

say() { printf 'install.sh: %s\n' "$*"; }
die() { printf 'install.sh: error: %s\n' "$*" >&2; exit 1; }

need_cargo() {
    command -v cargo >/dev/null 2>&1 ||
        die "cargo not found; install Rust from https://rustup.rs (or your distribution's rustup package) and run this again"
}

# Where cargo puts binaries: honours CARGO_TARGET_DIR and .cargo/config.
target_dir() {
    local dir
    dir=$(cargo metadata --no-deps --format-version 1 2>/dev/null |
        sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
    printf '%s\n' "${dir:-${CARGO_TARGET_DIR:-target}}"
}

# put SRC DEST MODE: installs SRC as DEST and says whether anything changed.
put() {
    local src="$1" dest="$2" mode="$3"
    if [ -f "$dest" ] && cmp -s "$src" "$dest"; then
        say "unchanged  $dest"
    else
        install -m "$mode" "$src" "$dest"
        say "installed  $dest"
    fi
}

# generate HJOB ARGS... DEST: writes `HJOB ARGS...` output to DEST via a temp
# file, so a failure never leaves a half-written file behind.
generate() {
    local hjob="$1" dest="${*: -1}" tmp
    local args=("${@:2:$#-2}")
    tmp=$(mktemp)
    if ! "$hjob" "${args[@]}" >"$tmp"; then
        rm -f "$tmp"
        die "'hjob ${args[*]}' failed"
    fi
    put "$tmp" "$dest" 644
    rm -f "$tmp"
}

# What hjob-sandbox needs besides Rust; each missing one is named with the
# way to get it. hjob itself needs nothing else, so these are notes, not
# errors.
check_sandbox_prereqs() {
    # Linux: the dynamic linker's cache lists libxml2 (macOS has it built in).
    local ldconfig
    ldconfig="$(command -v ldconfig || echo /sbin/ldconfig)"
    if [ -x "$ldconfig" ] && ! "$ldconfig" -p 2>/dev/null | grep -q 'libxml2\.so'; then
        say "note: libxml2 not found; hjob-sandbox validates workflows with it. Install it with"
        say "      apt-get install libxml2 (Debian/Ubuntu) or dnf install libxml2 (Fedora)"
    fi
    if ! command -v sh >/dev/null 2>&1; then
        say "note: sh not found; hjob-sandbox runs shell actions with it"
    fi
}

if [ "${1:-}" = "--regen-completions" ]; then
    [ $# -eq 1 ] || die "--regen-completions takes no other argument"
    need_cargo
    cargo build --quiet --locked -p hjob
    hjob="$(target_dir)/debug/hjob"
    mkdir -p completions
    generate "$hjob" completions bash completions/hjob.bash
    generate "$hjob" completions zsh completions/_hjob
    generate "$hjob" completions fish completions/hjob.fish
    generate "$hjob" man completions/hjob.1
    say "now commit completions/"
    exit 0
fi

case "${1:-}" in
    --from)
        [ $# -eq 2 ] || die "--from needs one directory, e.g. ./install.sh --from target/release"
        bin_dir="$2"
        [ -x "$bin_dir/hjob" ] || die "$bin_dir/hjob does not exist or is not executable"
        ;;
    "")
        need_cargo
        if [ ! -f ../shared/conformance/oozie/validate-workflow.xsd ]; then
            say "note: ../shared/conformance (beside this repository) is missing; hjob-sandbox embeds its"
            say "      workflow schemas at build time, so only hjob can be built without it"
        fi
        say "building hjob and hjob-sandbox (release; the first build takes a few minutes)"
        if ! cargo build --release --locked -p hjob -p hjob-sandbox; then
            say "building both failed; building hjob alone"
            cargo build --release --locked -p hjob || die "the build failed (see cargo's messages above)"
        fi
        bin_dir="$(target_dir)/release"
        ;;
    *) die "unknown argument $1 (see the comment at the top of install.sh)" ;;
esac

prefix="${PREFIX:-$HOME/.local}"
share="$prefix/share"
install -d "$prefix/bin" \
    "$share/bash-completion/completions" \
    "$share/zsh/site-functions" \
    "$share/fish/vendor_completions.d" \
    "$share/man/man1"

put "$bin_dir/hjob" "$prefix/bin/hjob" 755
if [ -x "$bin_dir/hjob-sandbox" ]; then
    put "$bin_dir/hjob-sandbox" "$prefix/bin/hjob-sandbox" 755
    check_sandbox_prereqs
else
    say "skipped    hjob-sandbox: no $bin_dir/hjob-sandbox was built (hjob itself does not need it)"
fi

hjob="$prefix/bin/hjob"
generate "$hjob" completions bash "$share/bash-completion/completions/hjob"
generate "$hjob" completions zsh "$share/zsh/site-functions/_hjob"
generate "$hjob" completions fish "$share/fish/vendor_completions.d/hjob.fish"
generate "$hjob" man "$share/man/man1/hjob.1"

case ":$PATH:" in
    *":$prefix/bin:"*) ;;
    *)
        say "note: $prefix/bin is not on your PATH; add it, for example:"
        say "      echo 'export PATH=\"$prefix/bin:\$PATH\"' >> ~/.bashrc"
        ;;
esac
if [ -x "$prefix/bin/hjob-sandbox" ]; then
    say "done: $("$hjob" --version); try: hjob-sandbox exec -- hjob run shell -- echo hello"
else
    say "done: $("$hjob" --version); try 'hjob --help'"
fi
