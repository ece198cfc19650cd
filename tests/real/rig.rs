//! The running rig (from `rig.json`) and what tests do with it: hermetic
//! `hjob` commands, raw WebHDFS calls, the rig's control endpoints, and a
//! stand-in state service + Oozie front door for tests that stage on the
//! real HDFS through the real binary before Oozie is on the rig.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use serde::Deserialize;
use serde_json::{Value, json};

/// What `rig/run.sh start` wrote to `rig.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct Rig {
    pub state_url: String,
    pub user: String,
    pub webhdfs_url: String,
    pub namenode_http: String,
    pub datanode_http: String,
    pub name_node: String,
    pub job_tracker: String,
    pub yarn_url: String,
    pub nodemanager_url: String,
    pub control_url: String,
    /// Real Oozie on the rig (absent in a rig.json from before Oozie).
    #[serde(default)]
    pub oozie_url: Option<String>,
    /// The same Oozie behind its own Kerberos authentication, with the
    /// rig's KDC (null when no MIT KDC is installed).
    #[serde(default)]
    pub kerberos: Option<RigKerberos>,
}

/// The rig's Kerberos side (`rig.json` `kerberos`).
#[derive(Debug, Clone, Deserialize)]
pub struct RigKerberos {
    /// Oozie with `AuthFilter` on Kerberos (host `localhost`).
    pub oozie_url: String,
    pub krb5_conf: PathBuf,
    /// The rig user's principal, and its keytab.
    pub principal: String,
    pub keytab: PathBuf,
    /// `GET`: `{"requests": n, "negotiate": n, "cookie": n}` seen so far.
    pub counts_url: String,
}

impl Rig {
    /// Reads the rig named by `HJOB_RIG`, and checks that it answers.
    pub fn from_env() -> Result<Rig, String> {
        let path = std::env::var_os("HJOB_RIG").ok_or("HJOB_RIG is not set")?;
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read HJOB_RIG={}: {e}", Path::new(&path).display()))?;
        let rig: Rig = serde_json::from_str(&text).map_err(|e| format!("bad rig.json: {e}"))?;
        let probe = format!(
            "{}/jmx?qry=Hadoop:service=NameNode,name=NameNodeStatus",
            rig.namenode_http
        );
        block_on(async { reqwest::get(&probe).await.map(|r| r.status()) }).map_err(|e| {
            format!(
                "the rig in {} does not answer: {e}",
                Path::new(&path).display()
            )
        })?;
        Ok(rig)
    }

    /// The NameNode's WebHDFS URL for `path` and `op`, as the rig's user.
    pub fn webhdfs(&self, path: &str, op: &str) -> String {
        self.webhdfs_as(&self.user, path, op)
    }

    pub fn webhdfs_as(&self, user: &str, path: &str, op: &str) -> String {
        format!("{}{path}?op={op}&user.name={user}", self.webhdfs_url)
    }

    /// The rig user's HDFS home.
    pub fn home(&self) -> String {
        format!("/user/{}", self.user)
    }

    /// POSTs to the rig's control server; the JSON answer.
    pub fn control(&self, path: &str, body: &str) -> Value {
        let url = format!("{}{path}", self.control_url);
        let body = body.to_owned();
        block_on(async move {
            let response = reqwest::Client::new()
                .post(&url)
                .body(body)
                .send()
                .await
                .unwrap();
            let status = response.status();
            let answer = response.json::<Value>().await.unwrap_or(Value::Null);
            assert!(status.is_success(), "{url}: {status}: {answer}");
            answer
        })
    }

    /// Reads a whole HDFS file (OPEN, following the redirect to the DataNode).
    pub fn read(&self, path: &str) -> Vec<u8> {
        let url = self.webhdfs(&encode(path), "OPEN");
        block_on(async move {
            let client = reqwest::Client::new();
            let response = client.get(&url).send().await.unwrap();
            assert!(
                response.status().is_success(),
                "OPEN {url}: {}",
                response.status()
            );
            response.bytes().await.unwrap().to_vec()
        })
    }

    /// Names in an HDFS directory (empty when it does not exist).
    pub fn list(&self, path: &str) -> Vec<String> {
        let url = self.webhdfs(&encode(path), "LISTSTATUS");
        let doc = get_json(&url);
        doc["FileStatuses"]["FileStatus"]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|s| s["pathSuffix"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Percent-encodes an HDFS path segment by segment.
pub fn encode(path: &str) -> String {
    path.split('/')
        .map(|s| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>())
        .collect::<Vec<_>>()
        .join("/")
        .replace('+', "%20")
}

/// GET → JSON (any status).
pub fn get_json(url: &str) -> Value {
    let url = url.to_owned();
    block_on(async move {
        let response = reqwest::get(&url).await.unwrap();
        response.json::<Value>().await.unwrap_or(Value::Null)
    })
}

/// Runs a future to completion; on a thread of its own when called from
/// inside another future (a runtime cannot block inside a runtime).
pub fn block_on<F>(future: F) -> F::Output
where
    F: std::future::Future + Send,
    F::Output: Send,
{
    // reqwest is built without a default TLS provider; hjob installs ring.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let run = || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(future)
    };
    if tokio::runtime::Handle::try_current().is_ok() {
        std::thread::scope(|s| s.spawn(run).join().unwrap())
    } else {
        run()
    }
}

/// A name no other run of the suite uses.
pub fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "{prefix}-{}-{nanos:x}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub fn blake3_hex(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

/// A hermetic home for the `hjob` binary, with a stand-in state service
/// whose one cluster is the rig's real HDFS and YARN, and a stand-in Oozie
/// front door that records submissions and answers as Oozie does.
pub struct World {
    pub home: tempfile::TempDir,
    pub state_url: String,
    pub submissions: Arc<Mutex<Vec<String>>>,
    pub user: String,
}

impl World {
    pub fn new(rig: &Rig) -> World {
        Self::as_user(rig, &rig.user)
    }

    pub fn as_user(rig: &Rig, user: &str) -> World {
        let submissions: Arc<Mutex<Vec<String>>> = Arc::default();
        let url = serve_standin(rig, submissions.clone());
        let home = home_with(
            "[http]\ntimeout = \"60s\"\nbackoff_initial = \"20ms\"\nbackoff_max = \"200ms\"\nstate_deadline = \"10s\"\n",
        );
        World {
            home,
            state_url: url,
            submissions,
            user: user.to_owned(),
        }
    }

    /// `hjob` with a hermetic environment, pointed at this world.
    pub fn hjob(&self) -> Command {
        hjob_command(self.home.path(), &self.state_url, &self.user)
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.hjob().args(args).output().expect("hjob runs")
    }

    pub fn write(&self, name: &str, content: &[u8]) -> PathBuf {
        let path = self.home.path().join(name);
        std::fs::write(&path, content).unwrap();
        path
    }
}

/// A temp home whose `hjob.toml` (what `hjob_command` points `HJOB_CONFIG`
/// at) holds `config`.
pub fn home_with(config: &str) -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("hjob.toml"), config).unwrap();
    home
}

/// The `hjob` binary built for this test run.
pub fn hjob_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_hjob"))
}

/// A hermetic `hjob` command.
pub fn hjob_command(home: &Path, state_url: &str, user: &str) -> Command {
    let mut cmd = crate::hermetic::hjob_in(&hjob_bin(), home, user);
    cmd.env("HJOB_CONFIG", home.join("hjob.toml"))
        .env("HJOB_STATE_URL", state_url);
    cmd
}

/// Serves `/v1/state` (one cluster: the rig's HDFS and YARN, Oozie here)
/// and Oozie's submit (`POST /oozie/v1/jobs`: 201 with a new id, the
/// configuration recorded). Returns the state URL.
fn serve_standin(rig: &Rig, submissions: Arc<Mutex<Vec<String>>>) -> String {
    use axum::routing::{get, post};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let oozie = format!("{base}/oozie");
    let state = json!({
        "version": 1,
        "active_cluster": "rig",
        "submission": {"enabled": true},
        "clusters": {"rig": {
            "oozie_url": oozie,
            "webhdfs_url": rig.webhdfs_url,
            "name_node": rig.name_node,
            "job_tracker": rig.job_tracker,
            "yarn_url": rig.yarn_url,
            "queue": "default"
        }}
    })
    .to_string();
    let app = axum::Router::new()
        .route(
            "/v1/state",
            get(move || {
                let state = state.clone();
                async move {
                    (
                        [("content-type", "application/json"), ("etag", "\"1\"")],
                        state,
                    )
                }
            }),
        )
        .route(
            "/oozie/v1/jobs",
            post(move |body: String| {
                let submissions = submissions.clone();
                async move {
                    let mut all = submissions.lock().unwrap();
                    all.push(body);
                    let id = format!("{:07}-261201000000000-oozie-oozi-W", all.len());
                    (
                        axum::http::StatusCode::CREATED,
                        [("content-type", "application/json;charset=UTF-8")],
                        json!({ "id": id }).to_string(),
                    )
                }
            }),
        );
    std::thread::spawn(move || {
        block_on(async move {
            axum::serve(tokio::net::TcpListener::from_std(listener).unwrap(), app)
                .await
                .unwrap();
        });
    });
    base
}
