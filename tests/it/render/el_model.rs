//! A model of Oozie's EL evaluation of template text, written from
//! `../shared/docs/oozie-rest.md` section 12, for the subset hjob's escaping
//! produces plus everything that would betray a mistake.
//!
//! - commons-el 1.0 (Oozie ≤ 5.1): text is literal except `${…}`; there is no
//!   escape outside expressions (`\${x}` is `\` followed by an expression).
//! - Tomcat EL (Oozie ≥ 5.2): `${…}` and `#{…}` are expressions, `\${` and
//!   `\#{` are escapes for the literal two characters, and a text mixing
//!   `${` and `#{` expressions is an error.
//!
//! Inside an expression only a string literal is supported (`'…'` or `"…"`
//! with the escapes `\\`, `\'`, `\"`): that is all hjob writes for user
//! text. Anything else (a variable, a function) is reported as an error, so
//! a user value that reaches EL as live code fails the model.

/// The two EL engines Oozie has shipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// commons-el 1.0, Oozie up to 5.1.
    CommonsEl,
    /// Tomcat (Jasper) EL, Oozie 5.2 and later.
    TomcatEl,
}

/// Evaluates template text as the engine would, or says why it cannot.
pub fn evaluate(text: &str, engine: Engine) -> Result<String, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    let mut saw_dollar = false;
    let mut saw_hash = false;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let after = chars.get(i + 2).copied();
        if engine == Engine::TomcatEl
            && c == '\\'
            && matches!(next, Some('$') | Some('#'))
            && after == Some('{')
        {
            out.push(next.unwrap_or_default());
            out.push('{');
            i += 3;
            continue;
        }
        let starts_expression =
            next == Some('{') && (c == '$' || (c == '#' && engine == Engine::TomcatEl));
        if starts_expression {
            if c == '$' {
                saw_dollar = true;
            } else {
                saw_hash = true;
            }
            let (value, end) = expression(&chars, i + 2)?;
            out.push_str(&value);
            i = end;
            continue;
        }
        out.push(c);
        i += 1;
    }
    if saw_dollar && saw_hash {
        return Err("mixed ${} and #{} expressions".into());
    }
    Ok(out)
}

/// Parses `ws* string-literal ws* }` from `start`; returns the literal's
/// value and the index after `}`.
fn expression(chars: &[char], start: usize) -> Result<(String, usize), String> {
    let mut i = start;
    while chars.get(i).is_some_and(|c| c.is_whitespace()) {
        i += 1;
    }
    let quote = match chars.get(i) {
        Some(q @ ('\'' | '"')) => *q,
        other => {
            return Err(format!(
                "expression is not a string literal (starts with {other:?})"
            ));
        }
    };
    i += 1;
    let mut value = String::new();
    loop {
        match chars.get(i) {
            None => return Err("unterminated string literal".into()),
            Some('\\') => match chars.get(i + 1) {
                Some(e @ ('\\' | '\'' | '"')) => {
                    value.push(*e);
                    i += 2;
                }
                other => return Err(format!("bad escape \\{other:?} in a string literal")),
            },
            Some(c) if *c == quote => {
                i += 1;
                break;
            }
            Some(c) => {
                value.push(*c);
                i += 1;
            }
        }
    }
    while chars.get(i).is_some_and(|c| c.is_whitespace()) {
        i += 1;
    }
    if chars.get(i) != Some(&'}') {
        return Err("expression has more than a string literal".into());
    }
    Ok((value, i + 1))
}

#[test]
fn the_model_reproduces_the_documented_table() {
    use Engine::*;
    let foo = |t: &str, e| evaluate(t, e);
    assert_eq!(foo("$5 and $HOME", CommonsEl).unwrap(), "$5 and $HOME");
    assert_eq!(foo("$5 and $HOME", TomcatEl).unwrap(), "$5 and $HOME");
    assert_eq!(foo("${'$'}{foo}", CommonsEl).unwrap(), "${foo}");
    assert_eq!(foo("${'$'}{foo}", TomcatEl).unwrap(), "${foo}");
    assert!(foo("\\${foo}", CommonsEl).is_err());
    assert_eq!(foo("\\${foo}", TomcatEl).unwrap(), "${foo}");
    assert_eq!(foo("#{foo}", CommonsEl).unwrap(), "#{foo}");
    assert!(foo("#{foo}", TomcatEl).is_err());
    assert_eq!(foo("${'#'}{foo}", TomcatEl).unwrap(), "#{foo}");
    assert_eq!(foo("${'\\\\'}", TomcatEl).unwrap(), "\\");
    assert!(foo("${'a'} #{'b'}", TomcatEl).is_err());
    let doc_example = "pay ${amount} #{tag} \\${lit} C:\\dir\\ $$ ## \\\\";
    let escaped = hjob::workflow::el::el_literal(doc_example);
    assert_eq!(foo(&escaped, CommonsEl).unwrap(), doc_example);
    assert_eq!(foo(&escaped, TomcatEl).unwrap(), doc_example);
}
