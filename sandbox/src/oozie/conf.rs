//! Hadoop `<configuration>` documents: the job properties a submission
//! carries. Parsing trims names and values; `${name}` references are
//! resolved against the other properties of the same document only
//! (unbound ones stay literal), as Oozie's `XConfiguration.resolve` does.

/// An ordered set of job properties (a later duplicate replaces the value).
#[derive(Debug, Clone, Default)]
pub(crate) struct JobConf {
    props: Vec<(String, String)>,
}

/// `Configuration.MAX_SUBST`: how many substitution passes are made.
const MAX_SUBSTITUTIONS: usize = 20;

impl JobConf {
    /// Parses a Hadoop configuration XML document.
    pub(crate) fn parse(xml: &str) -> Result<Self, String> {
        let doc = roxmltree::Document::parse(xml).map_err(|e| e.to_string())?;
        let root = doc.root_element();
        if root.tag_name().name() != "configuration" {
            return Err(format!(
                "bad conf file: top-level element not <configuration> but <{}>",
                root.tag_name().name()
            ));
        }
        let mut conf = JobConf::default();
        for prop in root.children().filter(|n| n.has_tag_name("property")) {
            let text_of = |tag: &str| {
                prop.children()
                    .find(|n| n.has_tag_name(tag))
                    .map(|n| n.text().unwrap_or("").trim().to_string())
            };
            let Some(name) = text_of("name") else {
                continue;
            };
            let value = text_of("value").unwrap_or_default();
            conf.set(&name, &value);
        }
        Ok(conf)
    }

    /// The value of `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.props
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Sets (or replaces) `name`.
    pub(crate) fn set(&mut self, name: &str, value: &str) {
        match self.props.iter_mut().find(|(k, _)| k == name) {
            Some(entry) => entry.1 = value.to_string(),
            None => self.props.push((name.to_string(), value.to_string())),
        }
    }

    /// All properties, in document order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.props.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Resolves `${name}` references between properties.
    pub(crate) fn resolve(&mut self) {
        let raw = self.props.clone();
        let lookup = |name: &str| raw.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        for (_, value) in &mut self.props {
            *value = substitute(value, &lookup);
        }
    }

    /// The configuration as Oozie stores and shows it (CRLF line ends, as
    /// in the recorded answers).
    pub(crate) fn to_xml(&self) -> String {
        let mut out = String::from("<configuration>\r\n");
        for (k, v) in &self.props {
            out.push_str(&format!(
                "  <property>\r\n    <name>{}</name>\r\n    <value>{}</value>\r\n  </property>\r\n",
                xml_escape(k),
                xml_escape(v)
            ));
        }
        out.push_str("</configuration>");
        out
    }
}

/// The first `${name}` matching Hadoop's `\$\{[^\}\$\u0020]+\}`:
/// (start, end, name).
fn first_variable(text: &str) -> Option<(usize, usize, &str)> {
    let mut from = 0;
    while let Some(pos) = text[from..].find("${") {
        let start = from + pos;
        let after = &text[start + 2..];
        let len = after.find(['}', '$', ' ']).unwrap_or(after.len());
        if len > 0 && after[len..].starts_with('}') {
            return Some((start, start + 2 + len + 1, &after[..len]));
        }
        from = start + 2;
    }
    None
}

/// Hadoop's `substituteVars`: replaces the first reference, again and
/// again, and stops at the first unbound one (leaving the rest literal).
fn substitute(value: &str, lookup: &dyn Fn(&str) -> Option<String>) -> String {
    let mut eval = value.to_string();
    for _ in 0..MAX_SUBSTITUTIONS {
        let Some((start, end, name)) = first_variable(&eval) else {
            return eval;
        };
        let Some(replacement) = lookup(name) else {
            return eval;
        };
        eval = format!("{}{}{}", &eval[..start], replacement, &eval[end..]);
    }
    eval
}

/// Escapes text for XML content and attribute values.
pub(crate) fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_trims_and_resolves() {
        let mut c = JobConf::parse(
            "<configuration><property><name> a </name><value> x </value></property>\
             <property><name>b</name><value>${a}/${missing}/${wf:user()}</value></property>\
             </configuration>",
        )
        .unwrap();
        c.resolve();
        assert_eq!(c.get("a"), Some("x"));
        assert_eq!(c.get("b"), Some("x/${missing}/${wf:user()}"));
        assert!(c.to_xml().contains("<name>b</name>"));
    }
}
