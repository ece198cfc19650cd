//! Workflow rendering: one Tera template per job kind, built into the binary
//! (`templates/*.xml.tera`), optionally overridden or extended by a user
//! template directory.
//!
//! Rendering is pure: a [`TemplateContext`] in, workflow XML out. Every
//! string in the context is already escaped by [`el::escape_value`] (or is
//! hjob's own EL such as `${nameNode}`), so Tera's autoescaping is turned
//! off and templates paste values as they are; one audited function decides
//! what reaches the XML. After rendering, [`check::check`] runs Oozie's
//! structural checks, so a broken template fails here, not on the cluster.

pub mod check;
pub mod el;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::HjobError;

/// The built-in templates, by kind, embedded at compile time.
pub const BUILTIN_TEMPLATES: [(&str, &str); 5] = [
    (
        "scalding",
        include_str!("../../templates/scalding.xml.tera"),
    ),
    ("java", include_str!("../../templates/java.xml.tera")),
    ("spark", include_str!("../../templates/spark.xml.tera")),
    ("hive", include_str!("../../templates/hive.xml.tera")),
    ("shell", include_str!("../../templates/shell.xml.tera")),
];

/// The file name suffix of a template in the user directory.
pub const TEMPLATE_SUFFIX: &str = ".xml.tera";

/// The workflow schema versions hjob renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SchemaVersion {
    /// workflow 0.5 with shell 0.3, spark 0.2, hive2 0.2: Oozie 4.3 and 5.x.
    V0_5,
    /// workflow 1.0 with the 1.0 action schemas: Oozie 5.x only.
    V1_0,
}

impl SchemaVersion {
    /// Parses "0.5" or "1.0".
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "0.5" => Some(SchemaVersion::V0_5),
            "1.0" => Some(SchemaVersion::V1_0),
            _ => None,
        }
    }

    /// The version as written in config and flags.
    pub fn as_str(self) -> &'static str {
        match self {
            SchemaVersion::V0_5 => "0.5",
            SchemaVersion::V1_0 => "1.0",
        }
    }

    /// The namespaces of the workflow and of the shell, spark and hive2
    /// actions, in that order.
    fn namespaces(self) -> [&'static str; 4] {
        match self {
            SchemaVersion::V0_5 => [
                "uri:oozie:workflow:0.5",
                "uri:oozie:shell-action:0.3",
                "uri:oozie:spark-action:0.2",
                "uri:oozie:hive2-action:0.2",
            ],
            SchemaVersion::V1_0 => [
                "uri:oozie:workflow:1.0",
                "uri:oozie:shell-action:1.0",
                "uri:oozie:spark-action:1.0",
                "uri:oozie:hive2-action:1.0",
            ],
        }
    }

    /// The element naming the ResourceManager (`<resource-manager>` exists
    /// only in the 1.0 schemas).
    fn resource_manager_tag(self) -> &'static str {
        match self {
            SchemaVersion::V0_5 => "job-tracker",
            SchemaVersion::V1_0 => "resource-manager",
        }
    }
}

/// One `<property>` of an action's `<configuration>`, escaped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Property {
    pub name: String,
    pub value: String,
}

/// Everything a template sees. Every string is ready to paste into the XML:
/// user text went through [`el::escape_value`] (the app name through
/// [`el::escape_app_name`]); `${nameNode}`-style values are hjob's own EL.
/// Kind-specific fields are `null` for the kinds that do not use them, so
/// every kind, built-in or user-defined, gets the same variables.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TemplateContext {
    /// The job kind (`java`, `spark`, … or a user kind).
    pub kind: String,
    /// The workflow name, a literal (attribute- and text-safe).
    pub app_name: String,
    /// The user the job runs as.
    pub user: String,
    /// The submission id (`20261122T103501-7f3a9c01`).
    pub submission_id: String,
    /// Its 8-hex suffix.
    pub short_id: String,
    /// `0.5` or `1.0`.
    pub schema: String,
    /// `uri:oozie:workflow:0.5` or `…:1.0`.
    pub workflow_xmlns: String,
    /// The shell action namespace matching `schema`.
    pub shell_xmlns: String,
    /// The spark action namespace matching `schema`.
    pub spark_xmlns: String,
    /// The hive2 action namespace matching `schema`.
    pub hive2_xmlns: String,
    /// `job-tracker` (0.5) or `resource-manager` (1.0).
    pub resource_manager_tag: String,
    /// `${jobTracker}`.
    pub resource_manager: String,
    /// `${nameNode}`.
    pub name_node: String,
    /// The action configuration: the queue first, then each `-D`.
    pub configuration: Vec<Property>,
    /// The program's arguments (java/scalding/spark `<arg>`, shell `<argument>`).
    pub args: Vec<String>,
    /// `<file>` values with their `#link` name: the job's jar (java,
    /// scalding) or script (shell) first, then each `--file`.
    pub files: Vec<String>,
    /// `<archive>` values with their `#link` name.
    pub archives: Vec<String>,
    /// java/scalding: the main class.
    pub main_class: Option<String>,
    /// java: `--java-opts`.
    pub java_opts: Option<String>,
    /// java, scalding, spark: the full `${nameNode}/…` path of the jar (or .py).
    pub jar: Option<String>,
    /// spark: `--class`.
    pub spark_class: Option<String>,
    /// spark: `--spark-opts`.
    pub spark_opts: Option<String>,
    /// shell: the command (or the script's link name).
    pub exec: Option<String>,
    /// shell: `K=V` environment variables.
    pub env: Vec<String>,
    /// hive: the HiveServer2 JDBC URL.
    pub jdbc_url: Option<String>,
    /// hive: the full `${nameNode}/…` path of the script.
    pub script: Option<String>,
    /// hive: the `-e` query.
    pub query: Option<String>,
    /// hive: `K=V` script parameters.
    pub params: Vec<String>,
}

impl TemplateContext {
    /// A context with the schema-dependent fields filled in and everything
    /// else empty; callers fill the rest.
    pub fn new(kind: &str, schema: SchemaVersion) -> Self {
        let [workflow, shell, spark, hive2] = schema.namespaces();
        TemplateContext {
            kind: el::escape_value(kind),
            app_name: String::new(),
            user: String::new(),
            submission_id: String::new(),
            short_id: String::new(),
            schema: schema.as_str().into(),
            workflow_xmlns: workflow.into(),
            shell_xmlns: shell.into(),
            spark_xmlns: spark.into(),
            hive2_xmlns: hive2.into(),
            resource_manager_tag: schema.resource_manager_tag().into(),
            resource_manager: "${jobTracker}".into(),
            name_node: "${nameNode}".into(),
            configuration: Vec::new(),
            args: Vec::new(),
            files: Vec::new(),
            archives: Vec::new(),
            main_class: None,
            java_opts: None,
            jar: None,
            spark_class: None,
            spark_opts: None,
            exec: None,
            env: Vec::new(),
            jdbc_url: None,
            script: None,
            query: None,
            params: Vec::new(),
        }
    }
}

/// The names of the context variables, for `hjob templates show`.
pub const CONTEXT_VARIABLES: &str = "kind, app_name, user, submission_id, short_id, schema, \
workflow_xmlns, shell_xmlns, spark_xmlns, hive2_xmlns, resource_manager_tag, resource_manager, \
name_node, configuration (list of {name, value}), args, files, archives, main_class, java_opts, \
jar, spark_class, spark_opts, exec, env, jdbc_url, script, query, params";

/// Where a kind's template comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateOrigin {
    /// Built into hjob.
    BuiltIn,
    /// A file in the user template directory (a new kind, or an override
    /// of a built-in one when [`TemplateSource::overrides_builtin`]).
    User(PathBuf),
}

impl fmt::Display for TemplateOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TemplateOrigin::BuiltIn => f.write_str("built-in"),
            TemplateOrigin::User(path) => write!(f, "{}", path.display()),
        }
    }
}

/// One kind's template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateSource {
    /// The kind it renders.
    pub kind: String,
    /// Where it comes from.
    pub origin: TemplateOrigin,
    /// Whether a user file replaces a built-in template of the same kind.
    pub overrides_builtin: bool,
    /// The template text.
    pub source: String,
}

/// The first comment of every built-in template names its kind; a user
/// template that keeps it (`hjob templates show KIND > DIR/NEW.xml.tera`)
/// is a copy of that kind.
const BASE_MARKER: &str = "hjob built-in template: ";

impl TemplateSource {
    /// For a user template copied from a built-in one: that built-in kind,
    /// named in the template's opening comment (`{#- hjob built-in
    /// template: shell …`). Such a kind takes the built-in kind's options
    /// and renders exactly what it renders, with its own template.
    pub fn base_kind(&self) -> Option<&'static str> {
        if !matches!(self.origin, TemplateOrigin::User(_)) {
            return None;
        }
        let opening = self.source.trim_start().strip_prefix("{#")?;
        let comment = &opening[..opening.find("#}")?];
        let after = &comment[comment.find(BASE_MARKER)? + BASE_MARKER.len()..];
        let word: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        BUILTIN_TEMPLATES
            .iter()
            .map(|(kind, _)| *kind)
            .find(|kind| *kind == word && *kind != self.kind)
    }

    /// The name used in Tera's error reports: the file path, or
    /// `built-in:<kind>.xml.tera`.
    fn report_name(&self) -> String {
        match &self.origin {
            TemplateOrigin::BuiltIn => format!("built-in:{}{TEMPLATE_SUFFIX}", self.kind),
            TemplateOrigin::User(path) => path.display().to_string(),
        }
    }
}

/// The templates available to this invocation: the built-in ones, then the
/// user directory's, which win on a name clash.
#[derive(Debug, Clone)]
pub struct Templates {
    user_dir: Option<PathBuf>,
    by_kind: BTreeMap<String, TemplateSource>,
}

/// Whether a user kind name is acceptable: lower-case letters, digits, `-`
/// and `_`, starting with a letter.
pub fn is_valid_kind_name(kind: &str) -> bool {
    let mut chars = kind.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

impl Templates {
    /// Only the built-in templates.
    pub fn builtin() -> Self {
        let by_kind = BUILTIN_TEMPLATES
            .iter()
            .map(|(kind, source)| {
                (
                    (*kind).to_owned(),
                    TemplateSource {
                        kind: (*kind).to_owned(),
                        origin: TemplateOrigin::BuiltIn,
                        overrides_builtin: false,
                        source: (*source).to_owned(),
                    },
                )
            })
            .collect();
        Templates {
            user_dir: None,
            by_kind,
        }
    }

    /// The built-in templates plus every `<kind>.xml.tera` in `dir`. A
    /// missing directory is fine; an unreadable one or file is a usage error
    /// naming the path. Files whose kind name is not valid are skipped with
    /// a warning.
    pub fn load(dir: Option<&Path>) -> Result<Self, HjobError> {
        let mut templates = Templates::builtin();
        let Some(dir) = dir else {
            return Ok(templates);
        };
        templates.user_dir = Some(dir.to_path_buf());
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(templates),
            Err(e) => {
                return Err(HjobError::usage_hint(
                    format!("cannot read the template directory {}: {e}", dir.display()),
                    "fix its permissions, or point `templates_dir` in the config elsewhere",
                ));
            }
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| {
                path.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.ends_with(TEMPLATE_SUFFIX))
            })
            .collect();
        paths.sort();
        for path in paths {
            let Some(kind) = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(TEMPLATE_SUFFIX))
                .map(str::to_owned)
            else {
                continue;
            };
            if !is_valid_kind_name(&kind) {
                tracing::warn!(
                    "skipping template {}: kind names use a-z, 0-9, '-' and '_', starting with a letter",
                    path.display()
                );
                continue;
            }
            let source = std::fs::read_to_string(&path).map_err(|e| {
                HjobError::usage_hint(
                    format!("cannot read template {}: {e}", path.display()),
                    "fix the file's permissions or encoding (templates are UTF-8 text)",
                )
            })?;
            let overrides_builtin = BUILTIN_TEMPLATES.iter().any(|(k, _)| *k == kind);
            templates.by_kind.insert(
                kind.clone(),
                TemplateSource {
                    kind,
                    origin: TemplateOrigin::User(path),
                    overrides_builtin,
                    source,
                },
            );
        }
        Ok(templates)
    }

    /// The user template directory consulted, if any.
    pub fn user_dir(&self) -> Option<&Path> {
        self.user_dir.as_deref()
    }

    /// The template for a kind.
    pub fn get(&self, kind: &str) -> Option<&TemplateSource> {
        self.by_kind.get(kind)
    }

    /// Every available template, by kind.
    pub fn list(&self) -> impl Iterator<Item = &TemplateSource> {
        self.by_kind.values()
    }

    /// The template for a kind, or a usage error listing the kinds and
    /// saying how to add one.
    pub fn require(&self, kind: &str) -> Result<&TemplateSource, HjobError> {
        self.get(kind).ok_or_else(|| {
            let kinds: Vec<&str> = self.by_kind.keys().map(String::as_str).collect();
            let where_ = match &self.user_dir {
                Some(dir) => format!("{}", dir.join(format!("{kind}{TEMPLATE_SUFFIX}")).display()),
                None => format!("<templates_dir>/{kind}{TEMPLATE_SUFFIX}"),
            };
            HjobError::usage_hint(
                format!("unknown job kind `{kind}`; available kinds: {}", kinds.join(", ")),
                format!(
                    "use one of those kinds, or define `{kind}` with a template at {where_} (start from `hjob templates show shell`)"
                ),
            )
        })
    }
}

/// Parses a template without rendering it: a syntax error is a usage error
/// naming the file and line (for `hjob templates list`).
pub fn check_syntax(template: &TemplateSource) -> Result<(), HjobError> {
    let mut tera = tera::Tera::new();
    tera.add_raw_template(&template.report_name(), &template.source)
        .map(|_| ())
        .map_err(|e| HjobError::usage(describe_tera_error(&template.origin, &e)))
}

/// Renders a template with a context, then runs the structural checks.
///
/// A syntax error, an undefined variable or a structurally invalid result is
/// a usage error naming the template file, the line and what is wrong.
pub fn render(template: &TemplateSource, context: &TemplateContext) -> Result<String, HjobError> {
    let name = template.report_name();
    let mut tera = tera::Tera::new();
    tera.autoescape_on(Vec::<&str>::new());
    let fix = || match &template.origin {
        TemplateOrigin::BuiltIn => {
            "this is a bug in hjob's built-in template; please report it".to_owned()
        }
        TemplateOrigin::User(path) => format!(
            "fix {}; `hjob templates show shell` shows a built-in template to start from",
            path.display()
        ),
    };
    tera.add_raw_template(&name, &template.source)
        .map_err(|e| HjobError::usage_hint(describe_tera_error(&template.origin, &e), fix()))?;
    let tera_context = tera::Context::from_serialize(context).map_err(|e| {
        HjobError::usage_hint(format!("cannot build the template context: {e}"), fix())
    })?;
    let xml = tera
        .render(&name, &tera_context)
        .map_err(|e| HjobError::usage_hint(describe_tera_error(&template.origin, &e), fix()))?;
    check::check(&xml).map_err(|e| {
        if e.code == check::EMPTY_ELEMENT {
            return HjobError::usage_hint(
                format!(
                    "the workflow rendered from the {} template for `{}` is not runnable: {}",
                    template.origin, template.kind, e.message
                ),
                fix(),
            );
        }
        if e.code == "E0736" {
            // The size comes from the user's own input (arguments, -D,
            // --env, a query), not from the template.
            return HjobError::usage_hint(
                format!(
                    "the workflow for this `{}` job would be {} bytes, over Oozie's limit of {} (E0736): its arguments, -D values, --env or query are too long",
                    template.kind,
                    xml.len(),
                    check::MAX_WORKFLOW_BYTES
                ),
                "put the long input in a file: ship it with --file FILE and read FILE in the job, or run a script with --script FILE",
            );
        }
        HjobError::usage_hint(
            format!(
                "the workflow rendered from the {} template for `{}` would be refused by Oozie: {e}",
                template.origin, template.kind
            ),
            fix(),
        )
    })?;
    Ok(xml)
}

/// Turns a Tera error into one line with the file and line, keeping Tera's
/// message (which names the undefined variable or the bad token).
fn describe_tera_error(origin: &TemplateOrigin, error: &tera::Error) -> String {
    let where_ = match origin {
        TemplateOrigin::BuiltIn => "built-in template".to_owned(),
        TemplateOrigin::User(path) => path.display().to_string(),
    };
    match error.kind() {
        tera::ErrorKind::SyntaxError(report) => format!(
            "template syntax error in {where_}, line {}, column {}: {}",
            report.span().start_line,
            report.span().start_col + 1,
            report.message()
        ),
        tera::ErrorKind::RenderingError(report) => format!(
            "template error in {where_}, line {}, column {}: {}",
            report.span().start_line,
            report.span().start_col + 1,
            report.message()
        ),
        other => format!("template error in {where_}: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user_template(source: &str) -> TemplateSource {
        TemplateSource {
            kind: "mine".into(),
            origin: TemplateOrigin::User(PathBuf::from("/t/mine.xml.tera")),
            overrides_builtin: false,
            source: source.into(),
        }
    }

    #[test]
    fn an_undefined_variable_names_file_line_and_variable() {
        let t = user_template("<a>\n<b>{{ nope }}</b>\n</a>\n");
        let err = render(&t, &TemplateContext::new("mine", SchemaVersion::V0_5)).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("/t/mine.xml.tera"), "{text}");
        assert!(text.contains("line 2"), "{text}");
        assert!(text.contains("nope"), "{text}");
        assert_eq!(err.exit_status(), crate::error::ExitStatus::Usage);
    }

    #[test]
    fn a_syntax_error_names_file_and_line() {
        let t = user_template("<a>\n\n{% if %}\n</a>\n");
        let text = render(&t, &TemplateContext::new("mine", SchemaVersion::V0_5))
            .unwrap_err()
            .to_string();
        assert!(text.contains("/t/mine.xml.tera, line 3"), "{text}");
    }

    #[test]
    fn a_template_rendering_bad_structure_is_refused() {
        let t = user_template(
            "<workflow-app name=\"x\"><start to=\"a\"/><end name=\"end\"/></workflow-app>",
        );
        let text = render(&t, &TemplateContext::new("mine", SchemaVersion::V0_5))
            .unwrap_err()
            .to_string();
        assert!(text.contains("E0708"), "{text}");
    }

    #[test]
    fn user_templates_add_and_override_kinds() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("java.xml.tera"), "override").unwrap();
        std::fs::write(dir.path().join("pig.xml.tera"), "new").unwrap();
        std::fs::write(dir.path().join("Bad Name.xml.tera"), "skip").unwrap();
        std::fs::write(dir.path().join("notes.txt"), "skip").unwrap();
        let templates = Templates::load(Some(dir.path())).unwrap();
        assert_eq!(templates.get("java").unwrap().source, "override");
        assert!(templates.get("java").unwrap().overrides_builtin);
        assert_eq!(templates.get("pig").unwrap().source, "new");
        assert!(templates.get("shell").is_some());
        assert_eq!(templates.list().count(), 6);
        let err = templates.require("nope").unwrap_err();
        assert!(err.hint().unwrap().contains("nope.xml.tera"));
        assert!(Templates::load(Some(&dir.path().join("missing"))).is_ok());
    }
}
