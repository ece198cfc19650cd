//! Secrets hygiene: find passwords, keytab keys, Basic credentials and
//! Negotiate tokens in anything a test produced (outputs and files),
//! without ever printing the secret itself.

use std::path::{Path, PathBuf};

/// Panics when any of `secrets` occurs in any of `outputs`. The message
/// names the output (by index), the secret (by index and length) and the
/// offset, never the secret's text.
pub fn assert_no_secrets(outputs: &[&str], secrets: &[&str]) {
    let found = find_secrets(outputs, secrets);
    assert!(
        found.is_empty(),
        "secrets found in test output: {}",
        found.join("; ")
    );
}

/// The leaks `assert_no_secrets` would report, as redacted descriptions.
pub fn find_secrets(outputs: &[&str], secrets: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for (o, output) in outputs.iter().enumerate() {
        for (s, secret) in secrets.iter().enumerate() {
            if secret.is_empty() {
                continue;
            }
            if let Some(offset) = output.find(secret) {
                found.push(format!(
                    "output #{o} contains secret #{s} ({} chars) at byte {offset}",
                    secret.len()
                ));
            }
        }
    }
    found
}

/// Every regular file under `dir` (recursively, symlinks not followed),
/// with its content as text (lossy: binary files still match ASCII).
pub fn files_under(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file()
                && let Ok(bytes) = std::fs::read(&path)
            {
                files.push((path, String::from_utf8_lossy(&bytes).into_owned()));
            }
        }
    }
    files.sort();
    files
}

/// `assert_no_secrets` over every file under `dir`, except paths under any
/// of `exclude` (the keytabs and ccaches that legitimately hold secrets).
/// The message names the file.
pub fn assert_no_secrets_in_dir(dir: &Path, secrets: &[&str], exclude: &[&Path]) {
    let found = find_secrets_in_dir(dir, secrets, exclude);
    assert!(
        found.is_empty(),
        "secrets found in files: {}",
        found.join("; ")
    );
}

/// The leaks `assert_no_secrets_in_dir` would report.
pub fn find_secrets_in_dir(dir: &Path, secrets: &[&str], exclude: &[&Path]) -> Vec<String> {
    let mut found = Vec::new();
    for (path, content) in files_under(dir) {
        if exclude.iter().any(|e| path.starts_with(e)) {
            continue;
        }
        for leak in find_secrets(&[&content], secrets) {
            found.push(format!("{}: {leak}", path.display()));
        }
    }
    found
}

/// Text that only appears where a Negotiate token leaked (SPNEGO and raw
/// krb5 initial tokens are DER: base64 `YI...`; SPNEGO follow-ups `oY...`).
pub fn credential_markers() -> Vec<String> {
    ["Negotiate YI", "Negotiate oY"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

/// The forms in which HTTP Basic credentials could leak: the password and
/// the header value `base64(user:password)`.
pub fn basic_secrets(user: &str, password: &str) -> Vec<String> {
    vec![
        password.to_string(),
        base64(format!("{user}:{password}").as_bytes()),
    ]
}

/// The key material of every entry of an MIT keytab (format 0x0502), as
/// lowercase hex, uppercase hex and base64: what a leaked keytab would
/// look like in text. Empty if the file cannot be read or parsed.
pub fn keytab_secrets(path: &Path) -> Vec<String> {
    let Ok(bytes) = std::fs::read(path) else {
        return Vec::new();
    };
    let mut secrets = Vec::new();
    for key in keytab_keys(&bytes) {
        secrets.push(hex::encode(&key));
        secrets.push(hex::encode_upper(&key));
        secrets.push(base64(&key));
    }
    secrets.push(base64(&bytes));
    secrets
}

/// Key blocks of a v2 keytab (RFC-less MIT format: big-endian lengths).
fn keytab_keys(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut keys = Vec::new();
    if bytes.get(..2) != Some(&[5, 2]) {
        return keys;
    }
    let mut pos = 2;
    while pos + 4 <= bytes.len() {
        let size = i32::from_be_bytes([bytes[pos], bytes[pos + 1], bytes[pos + 2], bytes[pos + 3]]);
        pos += 4;
        let len = size.unsigned_abs() as usize;
        let Some(entry) = bytes.get(pos..pos + len) else {
            break;
        };
        pos += len;
        if size > 0
            && let Some(key) = entry_key(entry)
        {
            keys.push(key);
        }
    }
    keys
}

fn entry_key(entry: &[u8]) -> Option<Vec<u8>> {
    let u16_at = |p: usize| {
        entry
            .get(p..p + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]) as usize)
    };
    let components = u16_at(0)?;
    let mut pos = 2;
    // realm, then each component: u16 length + bytes
    for _ in 0..=components {
        pos += 2 + u16_at(pos)?;
    }
    pos += 4 + 4 + 1 + 2; // name type, timestamp, kvno8, key type
    let key_len = u16_at(pos)?;
    pos += 2;
    entry.get(pos..pos + key_len).map(<[u8]>::to_vec)
}

/// Standard base64 with padding.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
