//! Embeds the workflow schemas the sandbox validates with (the shared
//! conformance kit's wrapper and every file it imports or includes), so an
//! installed `hjob-sandbox` needs no source tree. The files are read in
//! place from `../../shared/conformance/oozie` at build time, never copied
//! into the repository.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// `schemaLocation="..."` values in one schema file.
fn locations(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("schemaLocation=\"") {
        rest = &rest[at + "schemaLocation=\"".len()..];
        if let Some(end) = rest.find('"') {
            found.push(rest[..end].to_string());
            rest = &rest[end..];
        }
    }
    found
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let kit = manifest.join("../../shared/conformance/oozie");
    let wrapper = "validate-workflow.xsd".to_string();
    println!("cargo:rerun-if-changed={}", kit.join(&wrapper).display());
    // Relative names (to the kit), wrapper first; includes resolve against
    // the including file's directory.
    let mut names = BTreeSet::new();
    let mut todo = vec![wrapper.clone()];
    while let Some(name) = todo.pop() {
        if !names.insert(name.clone()) {
            continue;
        }
        let path = kit.join(&name);
        println!("cargo:rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "hjob-sandbox embeds the workflow schemas from {} ({e}); the shared conformance kit must sit at ../shared next to the repository when building",
                path.display()
            )
        });
        let dir = Path::new(&name).parent().unwrap_or(Path::new(""));
        for loc in locations(&text) {
            let joined = dir.join(&loc);
            todo.push(joined.to_string_lossy().replace('\\', "/"));
        }
    }
    let mut out = String::from(
        "/// Every schema file, as (path relative to the wrapper's directory, bytes); the wrapper first.\npub(crate) const SCHEMAS: &[(&str, &[u8])] = &[\n",
    );
    let mut ordered: Vec<&String> = vec![&wrapper];
    ordered.extend(names.iter().filter(|n| **n != wrapper));
    for name in ordered {
        let abs = kit.join(name).canonicalize().expect("schema file exists");
        writeln!(
            out,
            "    ({name:?}, include_bytes!({:?})),",
            abs.to_string_lossy()
        )
        .expect("write to String");
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it")).join("schemas.rs");
    std::fs::write(dest, out).expect("write OUT_DIR/schemas.rs");
}
