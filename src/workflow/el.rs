//! What reaches the workflow XML: the one audited escaping pipeline for user
//! values, and the checks that decide whether a value can be carried at all.
//!
//! Oozie evaluates every action element as one EL string when the action
//! starts (`../shared/docs/oozie-rest.md`, section 12). Up to 5.1 that is
//! commons-el (only `${` starts an expression); from 5.2 it is Tomcat EL
//! (`${`, `#{` and the escapes `\${`, `\#{`). The one spelling that hands the
//! program the original text on every version is an EL string literal for
//! each of `$`, `#` and `\`: `${'$'}`, `${'#'}`, `${'\\'}`. Everything else
//! is literal text in both engines once no raw `$`, `#` or `\` remains.
//!
//! [`escape_value`] applies that rule and then XML escaping; templates only
//! ever see its output. [`check_value`] rejects what XML 1.0 cannot carry and
//! what Oozie would alter (it trims `<arg>`, `<argument>`, `<env-var>` and
//! configuration values).

use crate::error::HjobError;

/// Rewrites `$`, `#` and `\` as EL string literals so both of Oozie's EL
/// engines evaluate the result back to `text` exactly.
pub fn el_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '$' => out.push_str("${'$'}"),
            '#' => out.push_str("${'#'}"),
            '\\' => out.push_str("${'\\\\'}"),
            _ => out.push(c),
        }
    }
    out
}

/// Escapes text for XML element content or a quoted attribute value.
///
/// `&`, `<`, `>`, `"` and `'` become entities; tab, newline and carriage
/// return become character references so no parser normalises them (CR in
/// text, all three in attributes). Characters XML 1.0 cannot carry are
/// replaced with U+FFFD; callers reject them first with [`check_value`], so
/// the replacement only keeps this function total.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if !is_xml_char(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for element content only: like [`xml_escape`] but leaves
/// quotes, tabs and newlines literal (they are safe there), which keeps the
/// EL string literals readable in the rendered workflow.
pub fn xml_escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            c if !is_xml_char(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// The pipeline for a user value placed in an action element: EL literal
/// first, then XML escaping. Every user value in a workflow goes through
/// here.
pub fn escape_value(text: &str) -> String {
    xml_escape_text(&el_literal(text))
}

/// Escapes the workflow name for its attribute. The name carries no EL
/// (checked by [`check_app_name`]), so it is only XML-escaped.
pub fn escape_app_name(name: &str) -> String {
    xml_escape(name)
}

/// Whether XML 1.0 can carry the character (the `Char` production).
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// Whether Java's `String.trim()` (which Oozie applies to `<arg>` and the
/// like) would remove the character at either end of a value.
fn trimmed_by_oozie(c: char) -> bool {
    c <= '\u{20}'
}

/// The first character XML 1.0 cannot carry, with its position (0-based,
/// in characters).
pub fn first_non_xml_char(text: &str) -> Option<(usize, char)> {
    text.chars().enumerate().find(|(_, c)| !is_xml_char(*c))
}

/// How Oozie treats a value's surrounding whitespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trim {
    /// Oozie trims the element (`getTextTrim`, or the pretty-printed
    /// configuration): leading or trailing whitespace would be lost, so it is
    /// refused.
    Refuse,
    /// Whitespace around the value carries no meaning; it is kept as typed.
    Keep,
}

/// Checks that a user value can reach the program unchanged: every character
/// is one XML 1.0 can carry, and, where Oozie trims, no whitespace at either
/// end. `what` names the value for the message ("argument 3").
pub fn check_value(what: &str, value: &str, trim: Trim) -> Result<(), HjobError> {
    if let Some((index, c)) = first_non_xml_char(value) {
        return Err(HjobError::usage_hint(
            format!(
                "{what} contains {} at position {}, which an Oozie workflow (XML 1.0) cannot carry",
                describe_char(c),
                index + 1
            ),
            "remove the character; binary data can be shipped in a file with --file",
        ));
    }
    if let Some((index, c)) = value.chars().enumerate().find(|(_, c)| *c > '\u{FFFF}') {
        // Real Oozie 5.2.1 on Hadoop 3 (the rig): the server writes the
        // action's configuration with each UTF-16 surrogate as its own
        // character reference (&#55356;&#57225;), which the launcher's XML
        // parser (Woodstox) refuses: the action ends JA018 before the
        // program starts.
        return Err(HjobError::usage_hint(
            format!(
                "{what} contains {} at position {}, outside Unicode's Basic Multilingual Plane: Oozie passes it to the launcher as two surrogate character references that Hadoop's XML parser refuses (the action would end JA018)",
                describe_char(c),
                index + 1
            ),
            "remove the character (emoji and other characters above U+FFFF), or put the text in a file shipped with --file",
        ));
    }
    if trim == Trim::Refuse
        && (value.starts_with(trimmed_by_oozie) || value.ends_with(trimmed_by_oozie))
    {
        return Err(HjobError::usage_hint(
            format!(
                "{what} ({value:?}) starts or ends with whitespace, which Oozie strips before the program sees it"
            ),
            "remove the surrounding whitespace, or pass the value in a file shipped with --file",
        ));
    }
    Ok(())
}

/// Checks the workflow name: a literal (Oozie evaluates it at submission with
/// no EL functions, E0803), non-empty, carried by XML.
pub fn check_app_name(name: &str) -> Result<(), HjobError> {
    if name.trim().is_empty() {
        return Err(HjobError::usage_hint(
            "--name is empty",
            "give a name such as --name nightly-etl, or leave --name out for the default",
        ));
    }
    if name.contains("${") || name.contains("#{") {
        return Err(HjobError::usage_hint(
            format!(
                "--name {name:?} contains an EL expression; Oozie evaluates the workflow name at submission and rejects it (E0803)"
            ),
            "use a plain name without `${` or `#{`",
        ));
    }
    check_value("--name", name, Trim::Refuse)
}

/// Names a character for a message: `U+0000 (NUL)`.
pub fn describe_char(c: char) -> String {
    const C0: [&str; 32] = [
        "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "TAB", "LF", "VT", "FF",
        "CR", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM",
        "SUB", "ESC", "FS", "GS", "RS", "US",
    ];
    let code = c as u32;
    match C0.get(code as usize) {
        Some(name) => format!("U+{code:04X} ({name})"),
        None => format!("U+{code:04X}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn el_literal_spells_each_special_character_as_a_string_literal() {
        assert_eq!(el_literal("plain"), "plain");
        assert_eq!(el_literal("$"), "${'$'}");
        assert_eq!(el_literal("#"), "${'#'}");
        assert_eq!(el_literal("\\"), "${'\\\\'}");
        assert_eq!(
            el_literal("pay ${amount} #{tag}"),
            "pay ${'$'}{amount} ${'#'}{tag}"
        );
    }

    #[test]
    fn escape_value_is_el_then_xml() {
        assert_eq!(escape_value("a<&>b"), "a&lt;&amp;&gt;b");
        assert_eq!(escape_value("]]>"), "]]&gt;");
        assert_eq!(escape_value("${x}&"), "${'$'}{x}&amp;");
        assert_eq!(escape_value("quote\"'"), "quote\"'");
        assert_eq!(escape_value("cr\r"), "cr&#13;");
        assert_eq!(escape_value("tab\tnl\n"), "tab\tnl\n");
    }

    #[test]
    fn attribute_escaping_keeps_whitespace_and_quotes() {
        assert_eq!(
            xml_escape("a\"b'c\td\ne\r"),
            "a&quot;b&apos;c&#9;d&#10;e&#13;"
        );
    }

    #[test]
    fn non_xml_characters_are_refused_with_their_code_point() {
        let err = check_value("argument 3", "a\u{0}b", Trim::Keep).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("argument 3"), "{text}");
        assert!(text.contains("U+0000 (NUL)"), "{text}");
        assert!(check_value("x", "\u{FFFE}", Trim::Keep).is_err());
        assert!(check_value("x", "\u{1B}[0m", Trim::Keep).is_err());
        assert!(check_value("x", "ok\t\n\r é 日本 \u{FFFD} \u{202E}", Trim::Keep).is_ok());
        // Above U+FFFF: the real Oozie's launcher cannot read it back.
        let err = check_value("argument 2", "a😀", Trim::Keep).unwrap_err();
        assert!(err.to_string().contains("U+1F600 at position 2"), "{err}");
    }

    #[test]
    fn whitespace_oozie_would_trim_is_refused_where_it_trims() {
        assert!(check_value("argument 1", " x", Trim::Refuse).is_err());
        assert!(check_value("argument 1", "x\n", Trim::Refuse).is_err());
        assert!(check_value("argument 1", "a b", Trim::Refuse).is_ok());
        assert!(check_value("argument 1", "", Trim::Refuse).is_ok());
        assert!(check_value("query", " x ", Trim::Keep).is_ok());
    }

    #[test]
    fn app_names_must_be_literal() {
        assert!(check_app_name("nightly-etl").is_ok());
        assert!(check_app_name("cost $5 #1 C:\\x").is_ok());
        let err = check_app_name("x-${wf:user()}").unwrap_err().to_string();
        assert!(err.contains("E0803"), "{err}");
        assert!(check_app_name("a#{b}").is_err());
        assert!(check_app_name("  ").is_err());
    }
}
