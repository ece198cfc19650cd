//! The `hjob` binary: everything lives in the library; see [`hjob::main`].

fn main() -> std::process::ExitCode {
    hjob::main()
}
