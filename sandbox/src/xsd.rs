//! Workflow XSD validation inside the sandbox's process, with the system's
//! libxml2 (the library `xmllint` is a front end to), loaded at run time
//! with `libloading`.
//!
//! Why not spawn `xmllint` per submission, as the sandbox used to: the
//! process start and the parse of the ~40 schema files cost 12-19 ms per
//! submit, more than everything else a submission does, in every test and
//! in every benchmark of hjob's submit path. Here the schema set is parsed
//! once at start and each definition is checked in well under a
//! millisecond, with the same library and therefore the same verdicts and
//! messages as `xmllint --noout --nonet --schema`.
//!
//! This is the sandbox's one module allowed `unsafe` (the workspace denies
//! it): every block is a call into libxml2 with its documented contract.
#![allow(unsafe_code)]

use std::ffi::{CStr, CString, c_char, c_int, c_void};
use std::path::Path;
use std::sync::Mutex;

use anyhow::Context as _;

/// libxml2's `xmlError` (stable across 2.9 to 2.14).
#[repr(C)]
struct XmlError {
    domain: c_int,
    code: c_int,
    message: *const c_char,
    level: c_int,
    file: *const c_char,
    line: c_int,
    str1: *const c_char,
    str2: *const c_char,
    str3: *const c_char,
    int1: c_int,
    int2: c_int,
    ctxt: *mut c_void,
    node: *mut c_void,
}

/// `XML_ERR_ERROR`: errors and fatal errors, not warnings.
const LEVEL_ERROR: c_int = 2;
/// xmllint's default parser options plus `--nonet`:
/// `XML_PARSE_NONET | XML_PARSE_COMPACT | XML_PARSE_BIG_LINES`.
const PARSE_OPTIONS: c_int = (1 << 11) | (1 << 16) | (1 << 22);

type StructuredErrorFunc = unsafe extern "C" fn(*mut c_void, *const XmlError);
type InitParser = unsafe extern "C" fn();
type SetStructuredErrorFunc = unsafe extern "C" fn(*mut c_void, Option<StructuredErrorFunc>);
type LineNumbersDefault = unsafe extern "C" fn(c_int) -> c_int;
type NewParserCtxt = unsafe extern "C" fn(*const c_char) -> *mut c_void;
type Parse = unsafe extern "C" fn(*mut c_void) -> *mut c_void;
type Free = unsafe extern "C" fn(*mut c_void);
type NewValidCtxt = unsafe extern "C" fn(*mut c_void) -> *mut c_void;
type ReadMemory =
    unsafe extern "C" fn(*const c_char, c_int, *const c_char, *const c_char, c_int) -> *mut c_void;
type ValidateDoc = unsafe extern "C" fn(*mut c_void, *mut c_void) -> c_int;

/// Why a definition is not valid: libxml2's first error, as xmllint would
/// print it after `error : `, and its line when it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Invalid {
    pub(crate) line: Option<u32>,
    pub(crate) message: String,
}

/// The workflow schema set, parsed once, and the libxml2 functions that
/// check a definition against it.
pub(crate) struct WorkflowSchema {
    _library: libloading::Library,
    set_structured_error_func: SetStructuredErrorFunc,
    line_numbers_default: LineNumbersDefault,
    new_valid_ctxt: NewValidCtxt,
    free_valid_ctxt: Free,
    read_memory: ReadMemory,
    validate_doc: ValidateDoc,
    free_doc: Free,
    free_schema: Free,
    /// The parsed `xmlSchema`; validations take the lock, so one runs at a
    /// time (each takes well under a millisecond).
    schema: Mutex<*mut c_void>,
}

// SAFETY: the schema pointer is only used under its mutex, and libxml2
// (built thread-safe on every distribution) keeps its error and parser
// defaults per thread; the function pointers are plain code addresses.
unsafe impl Send for WorkflowSchema {}
// SAFETY: as above: shared use goes through the mutex.
unsafe impl Sync for WorkflowSchema {}

/// Collects the first error libxml2 reports on this thread.
extern "C" fn first_error(collector: *mut c_void, error: *const XmlError) {
    if collector.is_null() || error.is_null() {
        return;
    }
    // SAFETY: `collector` is the `Option<Invalid>` that `collecting` passed
    // in for the duration of the call, and `error` is libxml2's error for
    // the duration of this callback.
    let (first, error) = unsafe { (&mut *(collector as *mut Option<Invalid>), &*error) };
    if first.is_some() || error.level < LEVEL_ERROR || error.message.is_null() {
        return;
    }
    // SAFETY: a non-null message is a NUL-terminated string.
    let message = unsafe { CStr::from_ptr(error.message) }
        .to_string_lossy()
        .trim()
        .to_string();
    *first = Some(Invalid {
        line: u32::try_from(error.line).ok().filter(|n| *n > 0),
        message,
    });
}

/// The function `name` of `library`.
///
/// # Safety
/// `T` must be the C signature of `name`.
unsafe fn symbol<T: Copy>(library: &libloading::Library, name: &str) -> anyhow::Result<T> {
    // SAFETY: the caller vouches for the signature.
    let symbol = unsafe { library.get::<T>(name.as_bytes()) }
        .with_context(|| format!("libxml2 has no {name}"))?;
    Ok(*symbol)
}

/// The shared library's name: libxml2 2.9-2.13, then the 2.14 soname, then
/// macOS's.
const LIBRARY_NAMES: [&str; 3] = ["libxml2.so.2", "libxml2.so.16", "libxml2.2.dylib"];

impl WorkflowSchema {
    /// Loads libxml2 and parses the schema whose wrapper is at `wrapper`
    /// (its imports resolve against its directory, which may be removed
    /// once this returns).
    pub(crate) fn load(wrapper: &Path) -> anyhow::Result<WorkflowSchema> {
        let library = LIBRARY_NAMES
            .iter()
            // SAFETY: loading libxml2 runs no initialisers with preconditions.
            .find_map(|name| unsafe { libloading::Library::new(name) }.ok())
            .context(
                "libxml2 not found: the sandbox validates workflows with it, as Oozie does (Debian/Ubuntu: apt-get install libxml2; Fedora: dnf install libxml2)",
            )?;
        // SAFETY: each symbol has the C signature declared for its type, and
        // the schema is parsed once, before any validation can run.
        let schema = unsafe {
            let init_parser: InitParser = symbol(&library, "xmlInitParser")?;
            let new_parser_ctxt: NewParserCtxt = symbol(&library, "xmlSchemaNewParserCtxt")?;
            let parse: Parse = symbol(&library, "xmlSchemaParse")?;
            let free_parser_ctxt: Free = symbol(&library, "xmlSchemaFreeParserCtxt")?;
            let path = CString::new(wrapper.as_os_str().as_encoded_bytes())
                .context("the schema path has a NUL byte")?;
            init_parser();
            let ctxt = new_parser_ctxt(path.as_ptr());
            anyhow::ensure!(!ctxt.is_null(), "libxml2 could not start a schema parser");
            let schema = parse(ctxt);
            free_parser_ctxt(ctxt);
            WorkflowSchema {
                set_structured_error_func: symbol(&library, "xmlSetStructuredErrorFunc")?,
                line_numbers_default: symbol(&library, "xmlLineNumbersDefault")?,
                new_valid_ctxt: symbol(&library, "xmlSchemaNewValidCtxt")?,
                free_valid_ctxt: symbol(&library, "xmlSchemaFreeValidCtxt")?,
                read_memory: symbol(&library, "xmlReadMemory")?,
                validate_doc: symbol(&library, "xmlSchemaValidateDoc")?,
                free_doc: symbol(&library, "xmlFreeDoc")?,
                free_schema: symbol(&library, "xmlSchemaFree")?,
                schema: Mutex::new(schema),
                _library: library,
            }
        };
        anyhow::ensure!(
            !schema.schema.lock().expect("not poisoned").is_null(),
            "libxml2 could not parse the workflow schemas at {}",
            wrapper.display()
        );
        Ok(schema)
    }

    /// Checks `definition` against the schema set: `Err` carries libxml2's
    /// first error (a well-formedness error or a schema validity error).
    pub(crate) fn validate(&self, definition: &str) -> Result<(), Invalid> {
        let Ok(len) = c_int::try_from(definition.len()) else {
            return Err(Invalid {
                line: None,
                message: "document too large".into(),
            });
        };
        let schema = self.schema.lock().unwrap_or_else(|e| e.into_inner());
        let mut first: Option<Invalid> = None;
        // SAFETY: the error callback and its collector are installed for
        // this thread only and removed before `first` goes out of scope;
        // the document and validation context are freed exactly once.
        let valid = unsafe {
            (self.set_structured_error_func)(
                &mut first as *mut Option<Invalid> as *mut c_void,
                Some(first_error),
            );
            let previous_line_numbers = (self.line_numbers_default)(1);
            let doc = (self.read_memory)(
                definition.as_ptr() as *const c_char,
                len,
                std::ptr::null(),
                std::ptr::null(),
                PARSE_OPTIONS,
            );
            let valid = if doc.is_null() {
                false
            } else {
                let ctxt = (self.new_valid_ctxt)(*schema);
                let code = if ctxt.is_null() {
                    -1
                } else {
                    let code = (self.validate_doc)(ctxt, doc);
                    (self.free_valid_ctxt)(ctxt);
                    code
                };
                (self.free_doc)(doc);
                code == 0
            };
            (self.line_numbers_default)(previous_line_numbers);
            (self.set_structured_error_func)(std::ptr::null_mut(), None);
            valid
        };
        if valid {
            return Ok(());
        }
        Err(first.unwrap_or(Invalid {
            line: None,
            message: "invalid document".into(),
        }))
    }
}

impl Drop for WorkflowSchema {
    fn drop(&mut self) {
        let schema = *self.schema.get_mut().unwrap_or_else(|e| e.into_inner());
        if !schema.is_null() {
            // SAFETY: the schema was made by xmlSchemaParse and no
            // validation can be running while `self` is dropped.
            unsafe { (self.free_schema)(schema) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schemas::SchemaDir;

    fn schema() -> WorkflowSchema {
        let dir = SchemaDir::write().unwrap();
        WorkflowSchema::load(dir.wrapper()).unwrap()
    }

    fn samples() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance/oozie/samples")
    }

    /// Every sample of the conformance kit gets xmllint's verdict, and the
    /// first message xmllint prints for an invalid one.
    #[test]
    fn verdicts_and_first_messages_match_xmllint_on_every_sample() {
        let schema = schema();
        let dir = SchemaDir::write().unwrap();
        let mut checked = 0;
        for kind in ["valid", "invalid"] {
            for entry in std::fs::read_dir(samples().join(kind)).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_none_or(|e| e != "xml") {
                    continue;
                }
                let out = std::process::Command::new("xmllint")
                    .args(["--noout", "--nonet", "--schema"])
                    .arg(dir.wrapper())
                    .arg(&path)
                    .output()
                    .expect("xmllint runs");
                let text = std::fs::read_to_string(&path).unwrap();
                let ours = schema.validate(&text);
                assert_eq!(ours.is_ok(), out.status.success(), "{}", path.display());
                if let Err(invalid) = ours {
                    let stderr = String::from_utf8_lossy(&out.stderr);
                    let first = stderr.lines().next().unwrap_or_default();
                    assert!(
                        first.ends_with(&invalid.message),
                        "{}: xmllint said {first:?}, we said {invalid:?}",
                        path.display()
                    );
                    if let Some(line) = invalid.line {
                        assert!(first.contains(&format!(":{line}:")), "{first} vs {line}");
                    }
                }
                checked += 1;
            }
        }
        assert!(checked >= 5, "only {checked} samples");
    }

    #[test]
    fn a_malformed_document_names_the_problem_and_its_line() {
        let invalid = schema()
            .validate("<workflow-app xmlns=\"uri:oozie:workflow:0.5\" name=\"w\">\n<start to=\"end\">\n</workflow-app>")
            .unwrap_err();
        assert_eq!(invalid.line, Some(3), "{invalid:?}");
        assert!(invalid.message.contains("mismatch"), "{invalid:?}");
    }

    /// Validations from many threads at once get the same answers.
    #[test]
    fn concurrent_validations_agree() {
        let schema = std::sync::Arc::new(schema());
        let valid = std::fs::read_to_string(samples().join("valid/shell-only-0.5.xml")).unwrap();
        let invalid =
            std::fs::read_to_string(samples().join("invalid/shell-missing-exec.xml")).unwrap();
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let (schema, valid, invalid) = (schema.clone(), valid.clone(), invalid.clone());
                std::thread::spawn(move || {
                    for _ in 0..50 {
                        assert!(schema.validate(&valid).is_ok());
                        assert!(schema.validate(&invalid).is_err());
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
    }
}
