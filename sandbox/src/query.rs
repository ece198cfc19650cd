//! Query strings, decoded the way Java servlets decode them
//! (`application/x-www-form-urlencoded`: `+` is a space), in order, with
//! repeated names kept.

/// The decoded `name=value` pairs of a request's query string.
#[derive(Debug, Clone, Default)]
pub(crate) struct QueryParams(Vec<(String, String)>);

impl QueryParams {
    /// Parses a raw query string (`None` = no query).
    pub(crate) fn parse(raw: Option<&str>) -> Self {
        QueryParams(
            url::form_urlencoded::parse(raw.unwrap_or("").as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// The first value of `name` (exact name match, like `getParameter`).
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value of `name`, matching the name case-insensitively
    /// (WebHDFS parameter names).
    pub(crate) fn get_ignore_case(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Percent-encodes a query value, leaving `:` and `/` readable as Hadoop's
/// redirect URLs do.
pub(crate) fn encode_value(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes())
        .collect::<String>()
        .replace("%3A", ":")
        .replace("%2F", "/")
}

/// Percent-encodes each segment of an absolute path, keeping the `/`s.
pub(crate) fn encode_path(path: &str) -> String {
    const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~')
        .remove(b'@')
        .remove(b'+')
        .remove(b'=')
        .remove(b',');
    path.split('/')
        .map(|s| percent_encoding::utf8_percent_encode(s, SEGMENT).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// Percent-decodes a URL path (no `+` rule).
pub(crate) fn decode_path(path: &str) -> String {
    percent_encoding::percent_decode_str(path)
        .decode_utf8_lossy()
        .into_owned()
}
