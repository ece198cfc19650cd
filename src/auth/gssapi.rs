//! Kerberos through the system's GSSAPI library (MIT Kerberos'
//! `libgssapi_krb5.so.2`), loaded at run time with `libloading`.
//!
//! Why not a crate that links at build time (`libgssapi`, `cross-krb5`):
//! they need the Kerberos headers and libclang to build and make every hjob
//! binary depend on libgssapi, even on the many machines that never talk to a
//! kerberized cluster. GSSAPI's C interface (RFC 2744, plus MIT's
//! `gss_acquire_cred_from`) is small and stable: hjob needs ten functions,
//! and loads them only when a server first answers `401 Negotiate` or a
//! keytab is configured. The library itself honours `KRB5CCNAME` and
//! `KRB5_CONFIG`, exactly as `kinit` and `klist` do.
//!
//! Nothing here logs or displays a token: tokens leave this module only as
//! the base64 text of one `Authorization` header.
//!
//! This is the one module of hjob allowed `unsafe` (the workspace denies
//! it): every block is a call into GSSAPI with its documented contract.
#![allow(unsafe_code)]

use std::ffi::{CString, c_void};
use std::ptr;
use std::sync::OnceLock;

use base64::Engine;

type OmUint32 = u32;

#[repr(C)]
struct OidDesc {
    length: OmUint32,
    elements: *const c_void,
}

#[repr(C)]
struct BufferDesc {
    length: usize,
    value: *mut c_void,
}

#[repr(C)]
struct KeyValueElement {
    key: *const std::ffi::c_char,
    value: *const std::ffi::c_char,
}

#[repr(C)]
struct KeyValueSet {
    count: OmUint32,
    elements: *const KeyValueElement,
}

type Name = *mut c_void;
type Context = *mut c_void;
type Cred = *mut c_void;

/// 1.2.840.113554.1.2.1.4: a `service@host` name.
static NT_HOSTBASED_SERVICE: [u8; 10] =
    [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x01, 0x04];
/// 1.2.840.113554.1.2.2.1: a Kerberos principal name (`user@REALM`).
static NT_KRB5_PRINCIPAL: [u8; 10] = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02, 0x01];
/// 1.3.6.1.5.5.2: SPNEGO, the mechanism HTTP Negotiate speaks.
static MECH_SPNEGO: [u8; 6] = [0x2b, 0x06, 0x01, 0x05, 0x05, 0x02];

const GSS_C_MUTUAL_FLAG: OmUint32 = 2;
const GSS_C_INITIATE: i32 = 1;
const GSS_C_GSS_CODE: i32 = 1;
const GSS_C_MECH_CODE: i32 = 2;
const GSS_C_INDEFINITE: OmUint32 = 0xffff_ffff;
const GSS_S_CONTINUE_NEEDED: OmUint32 = 1;
const ROUTINE_ERROR_MASK: OmUint32 = 0xffff_0000;
const GSS_S_NO_CRED: OmUint32 = 7 << 16;
const GSS_S_CREDENTIALS_EXPIRED: OmUint32 = 11 << 16;
/// MIT's `KRB5_KDC_UNREACH`: no KDC of the realm answered.
const KRB5_KDC_UNREACH: i64 = -1_765_328_228;
/// MIT's `KRB5KRB_AP_ERR_TKT_EXPIRED`.
const KRB5KRB_AP_ERR_TKT_EXPIRED: i64 = -1_765_328_352;
/// MIT's `KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN`.
const KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN: i64 = -1_765_328_377;

type ImportName =
    unsafe extern "C" fn(*mut OmUint32, *const BufferDesc, *const OidDesc, *mut Name) -> OmUint32;
type ReleaseName = unsafe extern "C" fn(*mut OmUint32, *mut Name) -> OmUint32;
type InitSecContext = unsafe extern "C" fn(
    *mut OmUint32,
    Cred,
    *mut Context,
    Name,
    *const OidDesc,
    OmUint32,
    OmUint32,
    *const c_void,
    *const BufferDesc,
    *mut *const OidDesc,
    *mut BufferDesc,
    *mut OmUint32,
    *mut OmUint32,
) -> OmUint32;
type DeleteSecContext =
    unsafe extern "C" fn(*mut OmUint32, *mut Context, *mut BufferDesc) -> OmUint32;
type ReleaseBuffer = unsafe extern "C" fn(*mut OmUint32, *mut BufferDesc) -> OmUint32;
type DisplayStatus = unsafe extern "C" fn(
    *mut OmUint32,
    OmUint32,
    i32,
    *const OidDesc,
    *mut OmUint32,
    *mut BufferDesc,
) -> OmUint32;
type AcquireCredFrom = unsafe extern "C" fn(
    *mut OmUint32,
    Name,
    OmUint32,
    *const c_void,
    i32,
    *const KeyValueSet,
    *mut Cred,
    *mut *mut c_void,
    *mut OmUint32,
) -> OmUint32;
type InquireCred = unsafe extern "C" fn(
    *mut OmUint32,
    Cred,
    *mut Name,
    *mut OmUint32,
    *mut i32,
    *mut *mut c_void,
) -> OmUint32;
type DisplayName =
    unsafe extern "C" fn(*mut OmUint32, Name, *mut BufferDesc, *mut *const OidDesc) -> OmUint32;
type ReleaseCred = unsafe extern "C" fn(*mut OmUint32, *mut Cred) -> OmUint32;

/// The loaded library and the functions hjob calls.
struct Library {
    _library: libloading::Library,
    import_name: ImportName,
    release_name: ReleaseName,
    init_sec_context: InitSecContext,
    delete_sec_context: DeleteSecContext,
    release_buffer: ReleaseBuffer,
    display_status: DisplayStatus,
    acquire_cred_from: AcquireCredFrom,
    inquire_cred: InquireCred,
    display_name: DisplayName,
    release_cred: ReleaseCred,
}

/// The library names tried, most specific first.
const LIBRARY_NAMES: [&str; 2] = ["libgssapi_krb5.so.2", "libgssapi_krb5.so"];

static LIBRARY: OnceLock<Result<Library, String>> = OnceLock::new();

fn library() -> Result<&'static Library, KerberosError> {
    LIBRARY
        .get_or_init(load)
        .as_ref()
        .map_err(|message| KerberosError {
            kind: KerberosErrorKind::NoLibrary,
            message: message.clone(),
        })
}

fn load() -> Result<Library, String> {
    let mut last = String::new();
    for name in LIBRARY_NAMES {
        // SAFETY: loading MIT's GSSAPI library runs only its own
        // initialisers, which have no preconditions.
        match unsafe { libloading::Library::new(name) } {
            Ok(library) => return resolve(library),
            Err(e) => last = e.to_string(),
        }
    }
    Err(format!(
        "cannot load the Kerberos GSSAPI library (libgssapi_krb5.so.2): {last}"
    ))
}

fn resolve(library: libloading::Library) -> Result<Library, String> {
    // SAFETY: each symbol is declared above with the C signature RFC 2744
    // (and MIT's gssapi_ext.h for gss_acquire_cred_from) gives it.
    unsafe {
        macro_rules! symbol {
            ($name:literal) => {
                *library
                    .get(concat!($name, "\0").as_bytes())
                    .map_err(|e| format!("the GSSAPI library has no {}: {e}", $name))?
            };
        }
        Ok(Library {
            import_name: symbol!("gss_import_name"),
            release_name: symbol!("gss_release_name"),
            init_sec_context: symbol!("gss_init_sec_context"),
            delete_sec_context: symbol!("gss_delete_sec_context"),
            release_buffer: symbol!("gss_release_buffer"),
            display_status: symbol!("gss_display_status"),
            acquire_cred_from: symbol!("gss_acquire_cred_from"),
            inquire_cred: symbol!("gss_inquire_cred"),
            display_name: symbol!("gss_display_name"),
            release_cred: symbol!("gss_release_cred"),
            _library: library,
        })
    }
}

/// What went wrong, in the terms the fix depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KerberosErrorKind {
    /// No GSSAPI library on this machine.
    NoLibrary,
    /// No ticket (no credential cache, or an empty one).
    NoTicket,
    /// The ticket has expired.
    Expired,
    /// The KDC knows no principal for the server (`HTTP/host`).
    UnknownServer,
    /// No KDC answered: an outage, not a credential problem.
    KdcUnreachable,
    /// Anything else GSSAPI refused (a bad keytab, a wrong principal).
    Other,
}

/// A GSSAPI failure with the library's own words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KerberosError {
    pub kind: KerberosErrorKind,
    pub message: String,
}

impl std::fmt::Display for KerberosError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for KerberosError {}

fn oid(bytes: &'static [u8]) -> OidDesc {
    OidDesc {
        length: bytes.len() as OmUint32,
        elements: bytes.as_ptr().cast(),
    }
}

fn empty_buffer() -> BufferDesc {
    BufferDesc {
        length: 0,
        value: ptr::null_mut(),
    }
}

impl Library {
    /// The library's text for a status pair, both the GSS and the mechanism
    /// parts, joined.
    fn describe(&self, major: OmUint32, minor: OmUint32) -> String {
        let mut parts = Vec::new();
        for (code, kind) in [(major, GSS_C_GSS_CODE), (minor, GSS_C_MECH_CODE)] {
            if code == 0 {
                continue;
            }
            let mut context: OmUint32 = 0;
            loop {
                let mut ignored = 0;
                let mut text = empty_buffer();
                // SAFETY: all pointers are valid for the call; the buffer is
                // released below.
                let status = unsafe {
                    (self.display_status)(
                        &mut ignored,
                        code,
                        kind,
                        ptr::null(),
                        &mut context,
                        &mut text,
                    )
                };
                if status != 0 {
                    break;
                }
                if !text.value.is_null() {
                    // SAFETY: GSSAPI returned `length` bytes at `value`.
                    let bytes =
                        unsafe { std::slice::from_raw_parts(text.value as *const u8, text.length) };
                    let line = String::from_utf8_lossy(bytes).trim().to_owned();
                    if !line.is_empty() && !parts.contains(&line) {
                        parts.push(line);
                    }
                    // SAFETY: the buffer came from GSSAPI.
                    unsafe { (self.release_buffer)(&mut ignored, &mut text) };
                }
                if context == 0 {
                    break;
                }
            }
        }
        if parts.is_empty() {
            format!("GSSAPI error {major:#x}/{minor}")
        } else {
            parts.join(": ")
        }
    }

    fn error(&self, major: OmUint32, minor: OmUint32) -> KerberosError {
        let minor_signed = i64::from(minor as i32);
        let routine = major & ROUTINE_ERROR_MASK;
        let message = self.describe(major, minor);
        let lower = message.to_ascii_lowercase();
        let kind = if minor_signed == KRB5_KDC_UNREACH {
            KerberosErrorKind::KdcUnreachable
        } else if minor_signed == KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN {
            KerberosErrorKind::UnknownServer
        } else if routine == GSS_S_CREDENTIALS_EXPIRED
            || minor_signed == KRB5KRB_AP_ERR_TKT_EXPIRED
            || lower.contains("expired")
        {
            KerberosErrorKind::Expired
        } else if routine == GSS_S_NO_CRED
            || lower.contains("no kerberos credentials")
            || lower.contains("no credentials cache")
            || lower.contains("not found")
        {
            KerberosErrorKind::NoTicket
        } else {
            KerberosErrorKind::Other
        };
        KerberosError { kind, message }
    }

    fn import(&self, text: &str, kind: &'static [u8]) -> Result<NameHandle<'_>, KerberosError> {
        let buffer = BufferDesc {
            length: text.len(),
            value: text.as_ptr() as *mut c_void,
        };
        let name_type = oid(kind);
        let mut name: Name = ptr::null_mut();
        let mut minor = 0;
        // SAFETY: the buffer points at `text`, which outlives the call;
        // GSSAPI copies it.
        let major = unsafe { (self.import_name)(&mut minor, &buffer, &name_type, &mut name) };
        if major & ROUTINE_ERROR_MASK != 0 || name.is_null() {
            return Err(self.error(major, minor));
        }
        Ok(NameHandle {
            library: self,
            name,
        })
    }
}

struct NameHandle<'a> {
    library: &'a Library,
    name: Name,
}

impl NameHandle<'_> {
    fn display(&self) -> Option<String> {
        let mut minor = 0;
        let mut text = empty_buffer();
        let mut name_type: *const OidDesc = ptr::null();
        // SAFETY: valid name handle and out-pointers.
        let major = unsafe {
            (self.library.display_name)(&mut minor, self.name, &mut text, &mut name_type)
        };
        if major != 0 || text.value.is_null() {
            return None;
        }
        // SAFETY: GSSAPI returned `length` bytes at `value`.
        let bytes = unsafe { std::slice::from_raw_parts(text.value as *const u8, text.length) };
        let shown = String::from_utf8_lossy(bytes).into_owned();
        // SAFETY: the buffer came from GSSAPI.
        unsafe { (self.library.release_buffer)(&mut minor, &mut text) };
        Some(shown)
    }
}

impl Drop for NameHandle<'_> {
    fn drop(&mut self) {
        let mut minor = 0;
        // SAFETY: the handle came from gss_import_name or gss_inquire_cred.
        unsafe { (self.library.release_name)(&mut minor, &mut self.name) };
    }
}

/// Credentials to authenticate with: the user's ticket cache, or a ticket
/// obtained from a keytab into a credential cache private to this process.
pub struct Credentials {
    library: &'static Library,
    cred: Cred,
    /// The private cache's name, for keytab credentials.
    private_cache: Option<String>,
}

// SAFETY: MIT's GSSAPI is thread-safe, and a credential handle may be used
// from any thread; hjob never mutates it after acquisition.
unsafe impl Send for Credentials {}
// SAFETY: as above; concurrent gss_init_sec_context calls on one credential
// are supported by MIT Kerberos.
unsafe impl Sync for Credentials {}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("private_cache", &self.private_cache.is_some())
            .finish_non_exhaustive()
    }
}

impl Drop for Credentials {
    fn drop(&mut self) {
        if !self.cred.is_null() {
            let mut minor = 0;
            // SAFETY: the handle came from gss_acquire_cred_from.
            unsafe { (self.library.release_cred)(&mut minor, &mut self.cred) };
        }
    }
}

/// The principal and remaining lifetime of some credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketInfo {
    pub principal: String,
    /// Seconds left, `None` when indefinite.
    pub lifetime_secs: Option<u32>,
}

impl Credentials {
    /// The user's own credentials: the default ticket cache (`KRB5CCNAME`,
    /// else the library's default), checked now so a missing or expired
    /// ticket is reported before anything is sent.
    pub fn from_ticket_cache() -> Result<Self, KerberosError> {
        let library = library()?;
        acquire(library, None, &[])
    }

    /// A ticket for `principal` from `keytab`, into a memory credential
    /// cache private to this process (never the user's cache).
    pub fn from_keytab(principal: &str, keytab: &std::path::Path) -> Result<Self, KerberosError> {
        let library = library()?;
        let cache = format!(
            "MEMORY:hjob-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0)
        );
        let keytab = format!("FILE:{}", keytab.display());
        let mut credentials = acquire(
            library,
            Some(principal),
            &[
                ("client_keytab", keytab.as_str()),
                ("ccache", cache.as_str()),
            ],
        )?;
        credentials.private_cache = Some(cache);
        Ok(credentials)
    }

    /// Who these credentials are and how long they last.
    pub fn info(&self) -> Result<TicketInfo, KerberosError> {
        let mut minor = 0;
        let mut name: Name = ptr::null_mut();
        let mut lifetime: OmUint32 = 0;
        // SAFETY: valid credential handle and out-pointers; the name is
        // released by NameHandle.
        let major = unsafe {
            (self.library.inquire_cred)(
                &mut minor,
                self.cred,
                &mut name,
                &mut lifetime,
                ptr::null_mut(),
                ptr::null_mut(),
            )
        };
        if major & ROUTINE_ERROR_MASK != 0 {
            return Err(self.library.error(major, minor));
        }
        let handle = NameHandle {
            library: self.library,
            name,
        };
        let info = TicketInfo {
            principal: handle.display().unwrap_or_default(),
            lifetime_secs: (lifetime != GSS_C_INDEFINITE).then_some(lifetime),
        };
        if info.lifetime_secs == Some(0) {
            return Err(KerberosError {
                kind: KerberosErrorKind::Expired,
                message: format!("the Kerberos ticket of {} has expired", info.principal),
            });
        }
        Ok(info)
    }

    /// One SPNEGO token for `HTTP@host`, base64 encoded for an
    /// `Authorization: Negotiate` header. Blocking: it may ask the KDC for a
    /// service ticket.
    pub fn negotiate_token(&self, host: &str) -> Result<String, KerberosError> {
        let library = self.library;
        let target = library.import(&format!("HTTP@{host}"), &NT_HOSTBASED_SERVICE)?;
        let mech = oid(&MECH_SPNEGO);
        let mut context: Context = ptr::null_mut();
        let mut minor = 0;
        let mut token = empty_buffer();
        // SAFETY: valid handles and out-pointers; the context and the token
        // are released below.
        let major = unsafe {
            (library.init_sec_context)(
                &mut minor,
                self.cred,
                &mut context,
                target.name,
                &mech,
                GSS_C_MUTUAL_FLAG,
                0,
                ptr::null(),
                ptr::null(),
                ptr::null_mut(),
                &mut token,
                ptr::null_mut(),
                ptr::null_mut(),
            )
        };
        let result = if major & ROUTINE_ERROR_MASK != 0 {
            Err(library.error(major, minor))
        } else if token.value.is_null() || token.length == 0 {
            Err(KerberosError {
                kind: KerberosErrorKind::Other,
                message: "GSSAPI produced no token".into(),
            })
        } else {
            let _ = major & GSS_S_CONTINUE_NEEDED;
            // SAFETY: GSSAPI returned `length` bytes at `value`.
            let bytes =
                unsafe { std::slice::from_raw_parts(token.value as *const u8, token.length) };
            Ok(base64::engine::general_purpose::STANDARD.encode(bytes))
        };
        let mut ignored = 0;
        if !token.value.is_null() {
            // SAFETY: the token came from GSSAPI.
            unsafe { (library.release_buffer)(&mut ignored, &mut token) };
        }
        if !context.is_null() {
            // SAFETY: the context came from gss_init_sec_context.
            unsafe { (library.delete_sec_context)(&mut ignored, &mut context, ptr::null_mut()) };
        }
        result
    }
}

fn acquire(
    library: &'static Library,
    principal: Option<&str>,
    store: &[(&str, &str)],
) -> Result<Credentials, KerberosError> {
    let name = principal
        .map(|p| library.import(p, &NT_KRB5_PRINCIPAL))
        .transpose()?;
    let strings: Vec<(CString, CString)> = store
        .iter()
        .map(|(k, v)| {
            Ok((
                CString::new(*k).map_err(|_| nul_error())?,
                CString::new(*v).map_err(|_| nul_error())?,
            ))
        })
        .collect::<Result<_, KerberosError>>()?;
    let elements: Vec<KeyValueElement> = strings
        .iter()
        .map(|(k, v)| KeyValueElement {
            key: k.as_ptr(),
            value: v.as_ptr(),
        })
        .collect();
    let set = KeyValueSet {
        count: elements.len() as OmUint32,
        elements: elements.as_ptr(),
    };
    let mut cred: Cred = ptr::null_mut();
    let mut minor = 0;
    // SAFETY: the key/value strings outlive the call; out-pointers are valid.
    let major = unsafe {
        (library.acquire_cred_from)(
            &mut minor,
            name.as_ref().map_or(ptr::null_mut(), |n| n.name),
            0,
            ptr::null(),
            GSS_C_INITIATE,
            if elements.is_empty() {
                ptr::null()
            } else {
                &set
            },
            &mut cred,
            ptr::null_mut(),
            ptr::null_mut(),
        )
    };
    if major & ROUTINE_ERROR_MASK != 0 {
        return Err(library.error(major, minor));
    }
    let credentials = Credentials {
        library,
        cred,
        private_cache: None,
    };
    // Resolve now: a missing, expired or unusable ticket is reported before
    // any request is made.
    credentials.info()?;
    Ok(credentials)
}

fn nul_error() -> KerberosError {
    KerberosError {
        kind: KerberosErrorKind::Other,
        message: "a Kerberos setting contains a NUL byte".into(),
    }
}

/// Whether the GSSAPI library can be loaded here (for `hjob doctor`).
pub fn available() -> Result<(), KerberosError> {
    library().map(|_| ())
}
