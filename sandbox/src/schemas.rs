//! The workflow schemas, embedded at build time (see `build.rs`) and written
//! to a private temp dir when the sandbox starts, because xmllint reads a
//! schema and its imports from files.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

include!(concat!(env!("OUT_DIR"), "/schemas.rs"));

/// The embedded schema set, written out under a fresh temp dir.
pub(crate) struct SchemaDir {
    _dir: tempfile::TempDir,
    wrapper: PathBuf,
}

impl SchemaDir {
    /// Writes every embedded schema file under a new temp dir.
    pub(crate) fn write() -> anyhow::Result<SchemaDir> {
        let dir = tempfile::Builder::new()
            .prefix("hjob-sandbox-schemas-")
            .tempdir()
            .context("creating a temp dir for the workflow schemas")?;
        let wrapper = write_into(dir.path())?;
        Ok(SchemaDir { _dir: dir, wrapper })
    }

    /// The wrapper schema to hand to `xmllint --schema`.
    pub(crate) fn wrapper(&self) -> &Path {
        &self.wrapper
    }
}

/// Writes the embedded files under `root`; returns the wrapper's path.
pub(crate) fn write_into(root: &Path) -> anyhow::Result<PathBuf> {
    for (name, bytes) in SCHEMAS {
        let path = root.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(root.join(SCHEMAS[0].0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wrapper_comes_first_and_every_import_and_include_is_embedded() {
        assert_eq!(SCHEMAS[0].0, "validate-workflow.xsd");
        let names: Vec<&str> = SCHEMAS.iter().map(|(n, _)| *n).collect();
        for needed in [
            "xsd/oozie-workflow-0.5.xsd",
            "xsd/oozie-workflow-1.0.xsd",
            "xsd/shell-action-0.3.xsd",
            "xsd/oozie-common-1.0.xsd",
        ] {
            assert!(names.contains(&needed), "{needed} missing from {names:?}");
        }
    }

    /// The written set validates on its own, with no network and nothing
    /// read from the source tree: the valid samples of the conformance kit
    /// pass, an invalid one fails.
    #[test]
    fn the_written_schemas_validate_samples_without_the_source_tree() {
        let schemas = SchemaDir::write().unwrap();
        assert!(!schemas.wrapper().starts_with(env!("CARGO_MANIFEST_DIR")));
        let samples =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance/oozie/samples");
        let xmllint = |file: &Path| {
            std::process::Command::new("xmllint")
                .args(["--noout", "--nonet", "--schema"])
                .arg(schemas.wrapper())
                .arg(file)
                .output()
                .expect("xmllint runs")
        };
        for name in [
            "shell-only-0.5.xml",
            "mixed-java-shell-spark-1.0.xml",
            "hive2-1.0.xml",
        ] {
            let out = xmllint(&samples.join("valid").join(name));
            assert!(
                out.status.success(),
                "{name}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        for name in ["shell-missing-exec.xml", "unknown-action-namespace.xml"] {
            assert!(
                !xmllint(&samples.join("invalid").join(name))
                    .status
                    .success(),
                "{name} passed"
            );
        }
    }
}
