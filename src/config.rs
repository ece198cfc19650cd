//! Layered configuration: the one module that reads hjob's environment.
//!
//! Layers, lowest first (DEVELOPERS.md): `/etc/hjob/config.toml`, the user
//! config file (`~/.config/hjob/config.toml` via `directories`), the file named
//! by `HJOB_CONFIG`, environment variables, then command-line flags. Files are
//! merged key by key, and every resolved value remembers the layer it came
//! from, so `hjob config show` can say why a value is what it is.
//!
//! The state document's `submission.enabled` flag can never be overridden
//! here: a `[submission]` table is rejected with an explanation.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::error::HjobError;

/// Environment variables hjob reads, each documented where it is declared.
pub mod env_vars {
    /// The state service base URL.
    pub const HJOB_STATE_URL: &str = "HJOB_STATE_URL";
    /// The user jobs run as (default: the login name).
    pub const HJOB_USER: &str = "HJOB_USER";
    /// An extra config file, above the user config file.
    pub const HJOB_CONFIG: &str = "HJOB_CONFIG";
    /// The admin token for `hjob admin` commands.
    pub const HJOB_ADMIN_TOKEN: &str = "HJOB_ADMIN_TOKEN";
    /// Replaces `/etc/hjob/config.toml` (for packaging and tests).
    pub const HJOB_SYSTEM_CONFIG: &str = "HJOB_SYSTEM_CONFIG";
    /// Where job records and the hash cache live (default: the user data
    /// dir, `~/.local/share/hjob` on Linux).
    pub const HJOB_DATA_DIR: &str = "HJOB_DATA_DIR";
    /// Turns colour off when set to a non-empty value.
    pub const NO_COLOR: &str = "NO_COLOR";
    /// Turns colour on even through a pipe.
    pub const CLICOLOR_FORCE: &str = "CLICOLOR_FORCE";
}

/// The system-wide config file.
pub const SYSTEM_CONFIG: &str = "/etc/hjob/config.toml";

/// A snapshot of the environment variables hjob cares about.
///
/// Taken once in `main`; tests build one from a map instead of mutating the
/// process environment.
#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: HashMap<String, String>,
}

impl Env {
    /// Reads the process environment.
    pub fn from_process() -> Self {
        Env {
            vars: std::env::vars().collect(),
        }
    }

    /// Builds an environment from explicit pairs (tests).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        Env {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        }
    }

    /// The value of a variable, when set.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    /// The value of a variable when set and non-empty.
    pub fn non_empty(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.is_empty())
    }
}

/// Where a resolved value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// hjob's built-in default.
    Default,
    /// A config file (system, user or `HJOB_CONFIG`).
    File(PathBuf),
    /// An environment variable.
    Env(&'static str),
    /// A command-line flag.
    Flag(&'static str),
    /// The state service's document (cluster fields).
    StateService,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Default => f.write_str("default"),
            Source::File(path) => write!(f, "{}", path.display()),
            Source::Env(var) => write!(f, "env {var}"),
            Source::Flag(flag) => write!(f, "flag {flag}"),
            Source::StateService => f.write_str("state service"),
        }
    }
}

/// Per-field overrides of one cluster of the state document.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ClusterOverride {
    pub oozie_url: Option<String>,
    pub webhdfs_url: Option<String>,
    pub name_node: Option<String>,
    pub job_tracker: Option<String>,
    pub yarn_url: Option<String>,
    pub queue: Option<String>,
    pub hive2_jdbc_url: Option<String>,
    /// A private CA bundle (PEM) trusted for this cluster's https URLs.
    pub ca_bundle: Option<PathBuf>,
    /// A file with one `user:password` line for HTTP Basic (Knox), sent
    /// only to this cluster's origins; refused unless mode 0600 or stricter.
    pub basic_credentials_file: Option<PathBuf>,
}

/// `state_url`: one URL, or a list of state servers (a replicated state
/// service) tried in order. Held as one comma-separated string, the form
/// `HJOB_STATE_URL` and `--state-url` take; see [`state_urls`].
#[derive(Debug, Clone)]
enum StateUrls {
    One(String),
    Many(Vec<String>),
}

impl<'de> Deserialize<'de> for StateUrls {
    // By hand, not `untagged`: serde's errors then say what was wrong
    // ("invalid type: integer `1`, expected a string").
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = StateUrls;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a URL string or a list of URL strings")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<StateUrls, E> {
                Ok(StateUrls::One(v.to_owned()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<StateUrls, A::Error> {
                let mut urls = Vec::new();
                while let Some(url) = seq.next_element::<String>()? {
                    urls.push(url);
                }
                Ok(StateUrls::Many(urls))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl StateUrls {
    fn joined(self) -> String {
        match self {
            StateUrls::One(url) => url,
            StateUrls::Many(urls) => urls.join(","),
        }
    }
}

/// The state servers named by a `state_url` value (comma-separated).
pub fn state_urls(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(|u| u.trim().trim_end_matches('/').to_owned())
        .filter(|u| !u.is_empty())
        .collect()
}

/// What one config file may contain. Every field is optional; unknown keys
/// are errors, so a typo never silently does nothing.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    state_url: Option<StateUrls>,
    user: Option<String>,
    admin_token_file: Option<PathBuf>,
    templates_dir: Option<PathBuf>,
    workflow_schema: Option<String>,
    kill_on_interrupt: Option<bool>,
    http: Option<HttpFile>,
    wait: Option<WaitFile>,
    clusters: Option<BTreeMap<String, ClusterOverride>>,
    webhdfs: Option<WebHdfsFile>,
    auth: Option<AuthFile>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuthFile {
    keytab: Option<PathBuf>,
    principal: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct HttpFile {
    timeout: Option<String>,
    connect_timeout: Option<String>,
    retries: Option<u32>,
    backoff_initial: Option<String>,
    backoff_max: Option<String>,
    state_deadline: Option<String>,
    submit_outage_limit: Option<String>,
    ca_bundle: Option<PathBuf>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct WaitFile {
    poll_initial: Option<String>,
    poll_max: Option<String>,
    outage_limit: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct WebHdfsFile {
    host_rewrites: Option<BTreeMap<String, String>>,
}

/// A resolved value and the layer it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sourced<T> {
    pub value: T,
    pub source: Source,
}

impl<T> Sourced<T> {
    fn new(value: T, source: Source) -> Self {
        Sourced { value, source }
    }
}

/// HTTP behaviour shared by every client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpSettings {
    /// Timeout of one request attempt.
    pub timeout: Duration,
    /// Timeout of establishing a connection.
    pub connect_timeout: Duration,
    /// Attempts for idempotent calls (1 = no retry).
    pub retries: u32,
    /// First backoff delay; doubles per attempt, with jitter.
    pub backoff_initial: Duration,
    /// Cap on one backoff delay.
    pub backoff_max: Duration,
    /// Bound on the whole state lookup, retries included.
    pub state_deadline: Duration,
    /// How long the submit rides out an Oozie that refuses connections or
    /// answers 503 (each proves no job was made, so the POST is resent).
    pub submit_outage_limit: Duration,
    /// A private CA bundle (PEM) trusted for every https URL, beside the
    /// system's roots.
    pub ca_bundle: Option<PathBuf>,
}

/// How `run` and `wait` poll a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitSettings {
    pub poll_initial: Duration,
    pub poll_max: Duration,
    /// How long Oozie may stay unreachable during a wait before giving up.
    pub outage_limit: Duration,
}

/// Global command-line flags that take part in layering.
#[derive(Debug, Clone, Default)]
pub struct FlagOverrides {
    pub config: Option<PathBuf>,
    pub state_url: Option<String>,
    pub user: Option<String>,
    pub keytab: Option<PathBuf>,
    pub principal: Option<String>,
    pub do_as: Option<String>,
}

/// How hjob authenticates (beyond what servers ask for by themselves).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthSettings {
    /// A keytab to get a Kerberos ticket from (with `principal`).
    pub keytab: Option<Sourced<PathBuf>>,
    /// The principal to take from the keytab.
    pub principal: Option<Sourced<String>>,
    /// With `--do-as`: the user hjob authenticates as (`user.name`, the
    /// service account), acting for [`Settings::user`] (`doAs`).
    pub real_user: Option<String>,
}

/// The fully resolved settings, with provenance.
#[derive(Debug, Clone)]
pub struct Settings {
    pub state_url: Option<Sourced<String>>,
    pub user: Sourced<String>,
    pub admin_token_file: Option<Sourced<PathBuf>>,
    pub templates_dir: Sourced<Option<PathBuf>>,
    pub workflow_schema: Sourced<String>,
    pub kill_on_interrupt: Sourced<bool>,
    pub http: HttpSettings,
    pub wait: WaitSettings,
    pub auth: AuthSettings,
    pub cluster_overrides: BTreeMap<String, Sourced<ClusterOverride>>,
    pub host_rewrites: BTreeMap<String, String>,
    /// Every consulted file and whether it existed.
    pub files: Vec<(PathBuf, bool)>,
    /// Every resolved key, its value as text and its source (for `config show`).
    pub shown: Vec<(String, String, Source)>,
    /// The user's data dir (job records).
    pub data_dir: Option<PathBuf>,
}

/// Where the per-user files live.
fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "hjob")
}

/// The user config file path (`~/.config/hjob/config.toml` on Linux).
pub fn user_config_path() -> Option<PathBuf> {
    project_dirs().map(|d| d.config_dir().join("config.toml"))
}

/// The config files consulted, lowest layer first.
pub fn config_paths(env: &Env, flags: &FlagOverrides) -> Vec<PathBuf> {
    let mut paths = vec![PathBuf::from(
        env.non_empty(env_vars::HJOB_SYSTEM_CONFIG)
            .unwrap_or(SYSTEM_CONFIG),
    )];
    paths.extend(user_config_path());
    if let Some(path) = env.non_empty(env_vars::HJOB_CONFIG) {
        paths.push(PathBuf::from(path));
    }
    if let Some(path) = &flags.config {
        paths.push(path.clone());
    }
    paths
}

/// Resolves settings from every layer.
pub fn load(env: &Env, flags: &FlagOverrides) -> Result<Settings, HjobError> {
    let mut files = Vec::new();
    let mut merged = Merged::default();
    let explicit: Vec<PathBuf> = env
        .non_empty(env_vars::HJOB_CONFIG)
        .map(PathBuf::from)
        .into_iter()
        .chain(flags.config.clone())
        .collect();
    for path in config_paths(env, flags) {
        let must_exist = explicit.contains(&path);
        match read_file(&path, must_exist)? {
            Some(file) => {
                files.push((path.clone(), true));
                merged.apply(file, &Source::File(path));
            }
            None => files.push((path, false)),
        }
    }
    if let Some(url) = env.non_empty(env_vars::HJOB_STATE_URL) {
        merged.state_url = Some(Sourced::new(
            url.to_owned(),
            Source::Env(env_vars::HJOB_STATE_URL),
        ));
    }
    if let Some(user) = env.non_empty(env_vars::HJOB_USER) {
        merged.user = Some(Sourced::new(
            user.to_owned(),
            Source::Env(env_vars::HJOB_USER),
        ));
    }
    if let Some(url) = &flags.state_url {
        merged.state_url = Some(Sourced::new(url.clone(), Source::Flag("--state-url")));
    }
    if let Some(user) = &flags.user {
        merged.user = Some(Sourced::new(user.clone(), Source::Flag("--user")));
    }
    if let Some(keytab) = &flags.keytab {
        merged.keytab = Some(Sourced::new(keytab.clone(), Source::Flag("--keytab")));
    }
    if let Some(principal) = &flags.principal {
        merged.principal = Some(Sourced::new(principal.clone(), Source::Flag("--principal")));
    }
    if let Some(user) = &flags.do_as {
        merged.do_as = Some(Sourced::new(user.clone(), Source::Flag("--do-as")));
    }
    merged.resolve(env, files)
}

/// Reads and parses one config file; `None` when it does not exist and need not.
fn read_file(path: &Path, must_exist: bool) -> Result<Option<ConfigFile>, HjobError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !must_exist => return Ok(None),
        Err(e) => {
            return Err(HjobError::usage_hint(
                format!("cannot read config file {}: {e}", path.display()),
                "fix the path in HJOB_CONFIG/--config, or the file's permissions",
            ));
        }
    };
    parse_file(path, &text).map(Some)
}

/// Parses config text, turning errors into messages with file, line and key.
fn parse_file(path: &Path, text: &str) -> Result<ConfigFile, HjobError> {
    if let Ok(table) = text.parse::<toml::Table>()
        && table.contains_key("submission")
    {
        return Err(HjobError::usage_hint(
            format!(
                "{}: `[submission]` is not a config key: whether ad hoc submission is enabled is decided by the state service only",
                path.display()
            ),
            "remove the [submission] table; admins use `hjob admin enable|disable`",
        ));
    }
    toml::from_str::<ConfigFile>(text).map_err(|e| {
        let start = e.span().map(|span| span.start);
        let location = start
            .map(|at| format!(":{}", line_at(text, at)))
            .unwrap_or_default();
        let key = start
            .and_then(|at| key_at(text, at))
            .map(|key| format!("`{key}`: "))
            .unwrap_or_default();
        HjobError::usage_hint(
            format!(
                "invalid config file {}{location}: {key}{}",
                path.display(),
                e.message()
            ),
            "see `hjob config show` and the Configuration section of the README for valid keys",
        )
    })
}

/// Field-wise merge of the file layers.
#[derive(Default)]
struct Merged {
    state_url: Option<Sourced<String>>,
    user: Option<Sourced<String>>,
    admin_token_file: Option<Sourced<PathBuf>>,
    templates_dir: Option<Sourced<PathBuf>>,
    workflow_schema: Option<Sourced<String>>,
    kill_on_interrupt: Option<Sourced<bool>>,
    durations: BTreeMap<&'static str, Sourced<String>>,
    retries: Option<Sourced<u32>>,
    clusters: BTreeMap<String, Sourced<ClusterOverride>>,
    host_rewrites: BTreeMap<String, String>,
    ca_bundle: Option<Sourced<PathBuf>>,
    keytab: Option<Sourced<PathBuf>>,
    principal: Option<Sourced<String>>,
    do_as: Option<Sourced<String>>,
}

fn set<T>(slot: &mut Option<Sourced<T>>, value: Option<T>, source: &Source) {
    if let Some(value) = value {
        *slot = Some(Sourced::new(value, source.clone()));
    }
}

impl Merged {
    fn apply(&mut self, file: ConfigFile, source: &Source) {
        set(
            &mut self.state_url,
            file.state_url.map(StateUrls::joined),
            source,
        );
        set(&mut self.user, file.user, source);
        set(&mut self.admin_token_file, file.admin_token_file, source);
        set(&mut self.templates_dir, file.templates_dir, source);
        set(&mut self.workflow_schema, file.workflow_schema, source);
        set(&mut self.kill_on_interrupt, file.kill_on_interrupt, source);
        let mut duration = |key: &'static str, value: Option<String>| {
            if let Some(value) = value {
                self.durations
                    .insert(key, Sourced::new(value, source.clone()));
            }
        };
        if let Some(http) = file.http {
            duration("http.timeout", http.timeout);
            duration("http.connect_timeout", http.connect_timeout);
            duration("http.backoff_initial", http.backoff_initial);
            duration("http.backoff_max", http.backoff_max);
            duration("http.state_deadline", http.state_deadline);
            duration("http.submit_outage_limit", http.submit_outage_limit);
            set(&mut self.retries, http.retries, source);
            set(&mut self.ca_bundle, http.ca_bundle, source);
        }
        if let Some(wait) = file.wait {
            duration("wait.poll_initial", wait.poll_initial);
            duration("wait.poll_max", wait.poll_max);
            duration("wait.outage_limit", wait.outage_limit);
        }
        for (name, overrides) in file.clusters.unwrap_or_default() {
            let entry = self
                .clusters
                .entry(name)
                .or_insert_with(|| Sourced::new(ClusterOverride::default(), source.clone()));
            merge_override(&mut entry.value, overrides);
            entry.source = source.clone();
        }
        if let Some(auth) = file.auth {
            set(&mut self.keytab, auth.keytab, source);
            set(&mut self.principal, auth.principal, source);
        }
        if let Some(webhdfs) = file.webhdfs {
            self.host_rewrites
                .extend(webhdfs.host_rewrites.unwrap_or_default());
        }
    }

    fn resolve(self, env: &Env, files: Vec<(PathBuf, bool)>) -> Result<Settings, HjobError> {
        let mut shown = Vec::new();
        let durations = &self.durations;
        let mut duration = |key: &'static str, default: &str| -> Result<Duration, HjobError> {
            let (text, source) = match durations.get(key) {
                Some(s) => (s.value.clone(), s.source.clone()),
                None => (default.to_owned(), Source::Default),
            };
            let value = parse_duration(&text).map_err(|why| {
                HjobError::usage_hint(
                    format!(
                        "invalid duration for `{key}` in {}: {text:?} ({why})",
                        located(&source, key)
                    ),
                    "use a duration such as \"500ms\", \"10s\", \"2m\" or \"1h 30m\"",
                )
            })?;
            shown.push((key.to_owned(), text, source));
            Ok(value)
        };
        let http = HttpSettings {
            timeout: duration("http.timeout", "10s")?,
            connect_timeout: duration("http.connect_timeout", "5s")?,
            retries: self.retries.as_ref().map_or(3, |r| r.value.max(1)),
            backoff_initial: duration("http.backoff_initial", "250ms")?,
            backoff_max: duration("http.backoff_max", "5s")?,
            state_deadline: duration("http.state_deadline", "15s")?,
            submit_outage_limit: duration("http.submit_outage_limit", "60s")?,
            ca_bundle: self.ca_bundle.as_ref().map(|b| b.value.clone()),
        };
        let wait = WaitSettings {
            poll_initial: duration("wait.poll_initial", "1s")?,
            poll_max: duration("wait.poll_max", "10s")?,
            outage_limit: duration("wait.outage_limit", "15m")?,
        };
        let retries = self
            .retries
            .clone()
            .unwrap_or(Sourced::new(3, Source::Default));
        shown.push((
            "http.retries".into(),
            retries.value.to_string(),
            retries.source,
        ));

        if let Some(url) = &self.state_url {
            let urls = state_urls(&url.value);
            if urls.is_empty() {
                validate_url(&url.value, "state_url", &url.source)?;
            }
            for one in urls {
                validate_url(&one, "state_url", &url.source)?;
            }
        }
        let mut auth = AuthSettings {
            keytab: self.keytab.clone(),
            principal: self.principal.clone(),
            real_user: None,
        };
        match (&auth.keytab, &auth.principal) {
            (Some(keytab), None) => {
                return Err(HjobError::usage_hint(
                    format!(
                        "a keytab ({}) needs the principal to take from it",
                        located(&keytab.source, "auth.keytab")
                    ),
                    "add --principal NAME (or `principal` under [auth] in the config)",
                ));
            }
            (None, Some(principal)) => {
                return Err(HjobError::usage_hint(
                    format!(
                        "a principal ({}) needs the keytab to get its ticket from",
                        located(&principal.source, "auth.principal")
                    ),
                    "add --keytab FILE (or `keytab` under [auth] in the config); without either, hjob uses your ticket cache (kinit)",
                ));
            }
            _ => {}
        }
        // With a keytab, jobs run as the principal's short name unless a
        // user is set explicitly.
        let user = match self.user {
            Some(user) => user,
            None => match &auth.principal {
                Some(p) => Sourced::new(short_name(&p.value).to_owned(), p.source.clone()),
                None => Sourced::new(login_name(env), Source::Default),
            },
        };
        validate_user(&user)?;
        // With --do-as, jobs run as the user acted for; hjob authenticates
        // as itself (`user.name`, the real user).
        let (user, real_user) = match self.do_as {
            Some(job_user) => {
                validate_user(&job_user)?;
                (job_user, Some(user))
            }
            None => (user, None),
        };
        auth.real_user = real_user.as_ref().map(|u| u.value.clone());
        let workflow_schema = self
            .workflow_schema
            .unwrap_or(Sourced::new("0.5".into(), Source::Default));
        if !matches!(workflow_schema.value.as_str(), "0.5" | "1.0") {
            return Err(HjobError::usage_hint(
                format!(
                    "invalid workflow_schema {:?} in {}",
                    workflow_schema.value,
                    located(&workflow_schema.source, "workflow_schema")
                ),
                "use \"0.5\" (Oozie 4.3 and 5.x) or \"1.0\" (Oozie 5.x only)",
            ));
        }
        for (name, cluster) in &self.clusters {
            for (field, value) in [
                ("oozie_url", &cluster.value.oozie_url),
                ("webhdfs_url", &cluster.value.webhdfs_url),
                ("yarn_url", &cluster.value.yarn_url),
            ] {
                if let Some(value) = value {
                    validate_url(value, &format!("clusters.{name}.{field}"), &cluster.source)?;
                }
            }
        }
        let templates_dir = match self.templates_dir {
            Some(dir) => Sourced::new(Some(dir.value), dir.source),
            None => Sourced::new(
                project_dirs().map(|d| d.config_dir().join("templates")),
                Source::Default,
            ),
        };
        let kill_on_interrupt = self
            .kill_on_interrupt
            .unwrap_or(Sourced::new(false, Source::Default));

        let mut front = Vec::new();
        match &self.state_url {
            Some(url) => front.push((
                "state_url".into(),
                state_urls(&url.value)
                    .iter()
                    .map(|u| crate::http::redact_url(u))
                    .collect::<Vec<_>>()
                    .join(","),
                url.source.clone(),
            )),
            None => front.push(("state_url".into(), "(not set)".into(), Source::Default)),
        }
        front.push(("user".into(), user.value.clone(), user.source.clone()));
        if let Some(real) = &real_user {
            front.push((
                "auth.real_user".into(),
                real.value.clone(),
                real.source.clone(),
            ));
        }
        for (key, value) in [
            (
                "auth.keytab",
                &self
                    .keytab
                    .as_ref()
                    .map(|k| Sourced::new(k.value.display().to_string(), k.source.clone())),
            ),
            ("auth.principal", &self.principal),
            (
                "http.ca_bundle",
                &self
                    .ca_bundle
                    .as_ref()
                    .map(|k| Sourced::new(k.value.display().to_string(), k.source.clone())),
            ),
        ] {
            if let Some(value) = value {
                front.push((key.into(), value.value.clone(), value.source.clone()));
            }
        }
        if let Some(file) = &self.admin_token_file {
            front.push((
                "admin_token_file".into(),
                file.value.display().to_string(),
                file.source.clone(),
            ));
        }
        front.push((
            "templates_dir".into(),
            templates_dir
                .value
                .as_ref()
                .map_or("(none)".into(), |d| d.display().to_string()),
            templates_dir.source.clone(),
        ));
        front.push((
            "workflow_schema".into(),
            workflow_schema.value.clone(),
            workflow_schema.source.clone(),
        ));
        front.push((
            "kill_on_interrupt".into(),
            kill_on_interrupt.value.to_string(),
            kill_on_interrupt.source.clone(),
        ));
        for (name, cluster) in &self.clusters {
            let o = &cluster.value;
            for (field, value) in [
                ("oozie_url", &o.oozie_url),
                ("webhdfs_url", &o.webhdfs_url),
                ("name_node", &o.name_node),
                ("job_tracker", &o.job_tracker),
                ("yarn_url", &o.yarn_url),
                ("queue", &o.queue),
                ("hive2_jdbc_url", &o.hive2_jdbc_url),
                (
                    "ca_bundle",
                    &o.ca_bundle.as_ref().map(|p| p.display().to_string()),
                ),
                (
                    "basic_credentials_file",
                    &o.basic_credentials_file
                        .as_ref()
                        .map(|p| p.display().to_string()),
                ),
            ] {
                if let Some(value) = value {
                    let value = if field.ends_with("_url") && field != "hive2_jdbc_url" {
                        crate::http::redact_url(value)
                    } else {
                        value.clone()
                    };
                    shown.push((
                        format!("clusters.{name}.{field}"),
                        value,
                        cluster.source.clone(),
                    ));
                }
            }
        }
        front.extend(shown);

        Ok(Settings {
            state_url: self.state_url,
            user,
            admin_token_file: self.admin_token_file,
            templates_dir,
            workflow_schema,
            kill_on_interrupt,
            http,
            wait,
            auth,
            cluster_overrides: self.clusters,
            host_rewrites: self.host_rewrites,
            files,
            shown: front,
            data_dir: env
                .non_empty(env_vars::HJOB_DATA_DIR)
                .map(PathBuf::from)
                .or_else(|| project_dirs().map(|d| d.data_dir().to_path_buf())),
        })
    }
}

fn merge_override(base: &mut ClusterOverride, overlay: ClusterOverride) {
    macro_rules! take {
        ($($field:ident),*) => { $( if overlay.$field.is_some() { base.$field = overlay.$field; } )* };
    }
    take!(
        oozie_url,
        webhdfs_url,
        name_node,
        job_tracker,
        yarn_url,
        queue,
        hive2_jdbc_url,
        ca_bundle,
        basic_credentials_file
    );
}

/// A principal's short name: `ci/host@REALM` runs as `ci`.
pub fn short_name(principal: &str) -> &str {
    principal
        .split(['/', '@'])
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or(principal)
}

/// Where a value came from, for an error message: `file:line` when it came
/// from a config file and the key's line can be found, else the source.
fn located(source: &Source, key: &str) -> String {
    match source {
        Source::File(path) => match line_of(path, key) {
            Some(line) => format!("{}:{line}", path.display()),
            None => path.display().to_string(),
        },
        other => other.to_string(),
    }
}

/// The 1-based line of a dotted key (`http.timeout`,
/// `clusters.pug.oozie_url`) in a TOML file. Only called on the error path,
/// so reading the file again costs nothing that matters.
fn line_of(path: &Path, key: &str) -> Option<usize> {
    let text = std::fs::read_to_string(path).ok()?;
    let document = toml::de::DeTable::parse(&text).ok()?;
    let mut table = document.get_ref();
    let mut parts = key.split('.').peekable();
    while let Some(part) = parts.next() {
        let (_, value) = table.iter().find(|(k, _)| k.get_ref() == part)?;
        if parts.peek().is_none() {
            return Some(line_at(&text, value.span().start));
        }
        match value.get_ref() {
            toml::de::DeValue::Table(inner) => table = inner,
            _ => return None,
        }
    }
    None
}

/// The 1-based line of a byte offset.
fn line_at(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The dotted key whose name or value covers a byte offset (where a parse
/// error points), so a type error names its key.
fn key_at(text: &str, offset: usize) -> Option<String> {
    fn walk(table: &toml::de::DeTable<'_>, offset: usize, prefix: &str) -> Option<String> {
        for (key, value) in table.iter() {
            let path = format!("{prefix}{}", key.get_ref());
            if let toml::de::DeValue::Table(inner) = value.get_ref()
                && let Some(found) = walk(inner, offset, &format!("{path}."))
            {
                return Some(found);
            }
            if key.span().contains(&offset) || value.span().contains(&offset) {
                return Some(path);
            }
        }
        None
    }
    let document = toml::de::DeTable::parse(text).ok()?;
    walk(document.get_ref(), offset, "")
}

/// Parses a duration such as `10s`, `500ms` or `1h 30m` (humantime syntax).
pub fn parse_duration(text: &str) -> Result<Duration, DurationError> {
    let value = humantime::parse_duration(text.trim()).map_err(|_| DurationError::Invalid)?;
    if value > MAX_DURATION {
        return Err(DurationError::TooLarge);
    }
    Ok(value)
}

/// The longest duration hjob accepts anywhere (100 years): more cannot be
/// added to a clock reading or shown as a date without overflowing.
pub const MAX_DURATION: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// Why a duration was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    /// Not a duration at all.
    #[error("not a duration")]
    Invalid,
    /// Longer than [`MAX_DURATION`].
    #[error("longer than 100 years")]
    TooLarge,
}

/// Checks that a URL is absolute http(s).
pub fn validate_url(value: &str, key: &str, source: &Source) -> Result<url::Url, HjobError> {
    let invalid = |why: String| {
        HjobError::usage_hint(
            format!(
                "invalid URL for `{key}` ({}): {value:?}: {why}",
                located(source, key)
            ),
            "use an absolute http(s) URL, for example http://state.example.com:8470",
        )
    };
    let url = url::Url::parse(value).map_err(|e| invalid(e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(format!(
            "scheme {:?} is not http or https",
            url.scheme()
        )));
    }
    if url.host_str().is_none() {
        return Err(invalid("no host".into()));
    }
    Ok(url)
}

/// The login name: `USER`, then `LOGNAME`, then what `id -un` says.
fn login_name(env: &Env) -> String {
    if let Some(name) = env.non_empty("USER").or_else(|| env.non_empty("LOGNAME")) {
        return name.to_owned();
    }
    std::process::Command::new("id")
        .arg("-un")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "nobody".to_owned())
}

/// Checks a user name against WebHDFS's default user pattern
/// (`^[A-Za-z_][A-Za-z0-9._-]*[$]?$`), so a bad name fails here, not at HDFS.
fn validate_user(user: &Sourced<String>) -> Result<(), HjobError> {
    let name = &user.value;
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    let body = name.strip_suffix('$').unwrap_or(name);
    let rest_ok = body
        .chars()
        .skip(1)
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if first_ok && rest_ok {
        Ok(())
    } else {
        Err(HjobError::usage_hint(
            format!(
                "invalid user name {name:?} (from {}): Hadoop accepts names matching [A-Za-z_][A-Za-z0-9._-]*",
                located(&user.source, "user")
            ),
            "set HJOB_USER or `user` in the config to your Hadoop user name",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn each_layer_overrides_the_one_below() {
        let dir = tempfile::tempdir().unwrap();
        let system = write(
            dir.path(),
            "system.toml",
            "state_url = \"http://system:1\"\nuser = \"sys\"\nworkflow_schema = \"1.0\"\n[http]\ntimeout = \"3s\"\n",
        );
        let extra = write(
            dir.path(),
            "extra.toml",
            "state_url = \"http://extra:2\"\nuser = \"extra\"\n[clusters.pug]\nqueue = \"q\"\n",
        );
        let env = Env::from_pairs([
            ("HJOB_SYSTEM_CONFIG", system.to_str().unwrap()),
            ("HJOB_CONFIG", extra.to_str().unwrap()),
            ("HJOB_USER", "envuser"),
            ("HOME", dir.path().to_str().unwrap()),
        ]);
        let settings = load(&env, &FlagOverrides::default()).unwrap();
        assert_eq!(settings.state_url.as_ref().unwrap().value, "http://extra:2");
        assert_eq!(
            settings.state_url.as_ref().unwrap().source,
            Source::File(extra.clone())
        );
        assert_eq!(settings.user.value, "envuser");
        assert_eq!(settings.user.source, Source::Env("HJOB_USER"));
        assert_eq!(settings.workflow_schema.source, Source::File(system));
        assert_eq!(settings.http.timeout, Duration::from_secs(3));
        assert_eq!(
            settings.cluster_overrides["pug"].value.queue.as_deref(),
            Some("q")
        );

        let flags = FlagOverrides {
            state_url: Some("http://flag:3".into()),
            ..Default::default()
        };
        let settings = load(&env, &flags).unwrap();
        assert_eq!(
            settings.state_url.unwrap().source,
            Source::Flag("--state-url")
        );
    }

    #[test]
    fn bad_config_names_file_line_and_key() {
        let dir = tempfile::tempdir().unwrap();
        let bad = write(
            dir.path(),
            "bad.toml",
            "user = \"a\"\n\n[http]\ntimout = \"1s\"\n",
        );
        let env = Env::from_pairs([
            ("HJOB_SYSTEM_CONFIG", "/nonexistent/hjob.toml"),
            ("HJOB_CONFIG", bad.to_str().unwrap()),
        ]);
        let err = load(&env, &FlagOverrides::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains("bad.toml:4"), "{err}");
        assert!(err.contains("timout"), "{err}");
    }

    #[test]
    fn the_kill_switch_cannot_be_overridden() {
        let dir = tempfile::tempdir().unwrap();
        let bad = write(dir.path(), "c.toml", "[submission]\nenabled = true\n");
        let env = Env::from_pairs([("HJOB_CONFIG", bad.to_str().unwrap())]);
        let err = load(&env, &FlagOverrides::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains("state service only"), "{err}");
    }

    #[test]
    fn invalid_values_are_usage_errors_with_examples() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = write(dir.path(), "c.toml", "state_url = \"ftp://x\"\n");
        let env = Env::from_pairs([("HJOB_CONFIG", cfg.to_str().unwrap())]);
        let err = load(&env, &FlagOverrides::default()).unwrap_err();
        assert!(err.to_string().contains("ftp"));
        assert!(err.hint().unwrap().contains("http://"));

        let cfg = write(
            dir.path(),
            "d.toml",
            "user = \"a\"\n\n[wait]\npoll_max = \"often\"\n",
        );
        let env = Env::from_pairs([("HJOB_CONFIG", cfg.to_str().unwrap())]);
        let err = load(&env, &FlagOverrides::default()).unwrap_err();
        assert!(err.to_string().contains("wait.poll_max"), "{err}");
        assert!(err.to_string().contains("d.toml:4"), "{err}");

        let cfg = write(
            dir.path(),
            "e.toml",
            "[clusters.pug]\nqueue = \"q\"\noozie_url = \"pug:11000\"\n",
        );
        let env = Env::from_pairs([("HJOB_CONFIG", cfg.to_str().unwrap())]);
        let err = load(&env, &FlagOverrides::default()).unwrap_err();
        assert!(err.to_string().contains("e.toml:3"), "{err}");
        assert!(err.to_string().contains("clusters.pug.oozie_url"), "{err}");
        assert!(err.hint().unwrap().contains("http://"));

        let env = Env::from_pairs([("HJOB_USER", "Bad User")]);
        assert!(load(&env, &FlagOverrides::default()).is_err());
    }

    #[test]
    fn a_missing_explicit_config_file_is_an_error() {
        let env = Env::from_pairs([("HJOB_CONFIG", "/nonexistent/hjob.toml")]);
        let err = load(&env, &FlagOverrides::default()).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/hjob.toml"));
    }
    #[test]
    fn state_url_may_be_a_list_of_servers() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = write(
            dir.path(),
            "c.toml",
            "state_url = [\"http://a:1\", \"http://b:2/\"]\n",
        );
        let env = Env::from_pairs([("HJOB_CONFIG", cfg.to_str().unwrap())]);
        let settings = load(&env, &FlagOverrides::default()).unwrap();
        let value = &settings.state_url.as_ref().unwrap().value;
        assert_eq!(state_urls(value), ["http://a:1", "http://b:2"]);
        let env = Env::from_pairs([("HJOB_STATE_URL", "http://a:1, http://b:2")]);
        let settings = load(&env, &FlagOverrides::default()).unwrap();
        assert_eq!(state_urls(&settings.state_url.unwrap().value).len(), 2);
        let env = Env::from_pairs([("HJOB_STATE_URL", "http://a:1,ftp://b")]);
        let err = load(&env, &FlagOverrides::default()).unwrap_err();
        assert!(err.to_string().contains("ftp://b"), "{err}");
    }
}
