//! hjob-sandbox: a local stand-in for Oozie, WebHDFS, YARN and hjob's state
//! service, so hjob can be tried and tested end to end on one machine.
//!
//! [`Sandbox::start`] (async) or [`Sandbox::start_blocking`] (own runtime on
//! a background thread, for sync tests) binds loopback listeners for the
//! state service and, per cluster (`alpha`, `beta`), Oozie, a WebHDFS
//! NameNode, a DataNode on 127.0.0.2, a YARN ResourceManager and a
//! NodeManager. The handle gives the URLs, the request log
//! ([`Sandbox::requests`]) and fault switches; dropping it shuts everything
//! down.
//!
//! Nothing here shares Oozie, WebHDFS or YARN types with the hjob crate:
//! the emulation is written from `../shared/docs` and the recorded answers
//! in `../shared/conformance`, so a wrong field name cannot pass on both
//! sides. The state service is hjob's own (`hjob::state_server`).

mod clock;
mod el;
mod exec;
mod faults;
mod hdfs;
mod net;
mod oozie;
mod query;
mod reqlog;
mod schemas;
mod service;
mod state;
mod xsd;
mod yarn;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use anyhow::Context as _;
use axum::Router;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

pub use exec::{ExecError, environment as exec_environment, exec, exit_code};
pub use faults::{Fault, parse_duration};
pub use reqlog::RequestRecord;
pub use service::Service;

/// The names of the clusters every sandbox serves; the first is active.
pub const CLUSTER_NAMES: [&str; 2] = ["alpha", "beta"];

/// How simulated actions (java, spark, hive, hive2, map-reduce, ...) end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionOutcome {
    /// The launcher's main exits 0.
    Succeed,
    /// The launcher's main exits with this code (`errorCode` = the code).
    Fail {
        /// The simulated exit code.
        exit_code: i32,
    },
}

/// Execution settings that can change while the sandbox runs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ExecSettings {
    pub(crate) outcome: ActionOutcome,
    pub(crate) duration: Duration,
    pub(crate) step: Duration,
}

/// Builder for [`Sandbox::start`].
#[derive(Debug, Clone)]
pub struct SandboxOptions {
    dir: Option<PathBuf>,
    port_base: Option<u16>,
    exec: ExecSettings,
    faults: Vec<Fault>,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        SandboxOptions {
            dir: None,
            port_base: None,
            exec: ExecSettings {
                outcome: ActionOutcome::Succeed,
                duration: Duration::from_millis(200),
                step: Duration::from_millis(20),
            },
            faults: Vec::new(),
        }
    }
}

impl SandboxOptions {
    /// Defaults: a fresh temp dir, OS-chosen ports, simulated actions
    /// succeed after 200 ms, 20 ms between workflow steps, no faults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps HDFS content, container logs and the state store under `dir`
    /// (created if missing) instead of a temp dir removed on drop.
    pub fn dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.dir = Some(dir.into());
        self
    }

    /// Fixed ports: state on `base`, then five per cluster (oozie,
    /// namenode, rm, nm, datanode on 127.0.0.2).
    pub fn port_base(mut self, base: u16) -> Self {
        self.port_base = Some(base);
        self
    }

    /// How simulated (non-shell) actions end.
    pub fn action_outcome(mut self, outcome: ActionOutcome) -> Self {
        self.exec.outcome = outcome;
        self
    }

    /// How long simulated actions run.
    pub fn action_duration(mut self, duration: Duration) -> Self {
        self.exec.duration = duration;
        self
    }

    /// Delay between workflow steps (Oozie's callback/poll latency).
    pub fn step_delay(mut self, delay: Duration) -> Self {
        self.exec.step = delay;
        self
    }

    /// A fault active from the start.
    pub fn fault(mut self, fault: Fault) -> Self {
        self.faults.push(fault);
        self
    }
}

/// The URLs of one emulated cluster.
#[derive(Debug, Clone)]
pub struct ClusterUrls {
    /// Cluster name (`alpha`, `beta`).
    pub name: String,
    /// Oozie base, `http://127.0.0.1:P/oozie`.
    pub oozie: String,
    /// NameNode base, `http://127.0.0.1:P` (WebHDFS under `/webhdfs/v1`).
    pub namenode: String,
    /// DataNode base, `http://127.0.0.2:P`.
    pub datanode: String,
    /// ResourceManager base, `http://127.0.0.1:P`.
    pub resourcemanager: String,
    /// NodeManager base, `http://127.0.0.1:P`.
    pub nodemanager: String,
    /// `host:port` that stands for the NameNode RPC address.
    pub namenode_authority: String,
}

impl ClusterUrls {
    /// `http://127.0.0.1:P/webhdfs/v1`.
    pub fn webhdfs_url(&self) -> String {
        format!("{}/webhdfs/v1", self.namenode)
    }

    /// `hdfs://127.0.0.1:P` (the workflow's `nameNode`).
    pub fn name_node(&self) -> String {
        format!("hdfs://{}", self.namenode_authority)
    }

    /// The `jobTracker` / resource-manager address, `127.0.0.1:P`.
    pub fn job_tracker(&self) -> String {
        self.resourcemanager
            .trim_start_matches("http://")
            .to_string()
    }
}

/// One emulated cluster's services and data.
pub(crate) struct Cluster {
    pub(crate) name: String,
    pub(crate) urls: ClusterUrls,
    pub(crate) hdfs: hdfs::HdfsStore,
    pub(crate) oozie: oozie::OozieServer,
    pub(crate) yarn: yarn::Yarn,
}

/// Everything the request handlers share.
pub(crate) struct World {
    pub(crate) faults: faults::Faults,
    pub(crate) log: reqlog::RequestLog,
    pub(crate) clusters: Vec<Cluster>,
    pub(crate) exec: Mutex<ExecSettings>,
    pub(crate) shutdown: watch::Receiver<bool>,
    pub(crate) workflow_schema: xsd::WorkflowSchema,
    pub(crate) started: SystemTime,
}

impl World {
    pub(crate) fn exec_settings(&self) -> ExecSettings {
        *self.exec.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The cluster whose NameNode answers to `authority` (`host:port`).
    pub(crate) fn cluster_by_authority(&self, authority: &str) -> Option<usize> {
        let authority = authority.replace("localhost:", "127.0.0.1:");
        self.clusters
            .iter()
            .position(|c| c.urls.namenode_authority == authority)
    }
}

/// A handler's view: the world and which cluster it serves.
#[derive(Clone)]
pub(crate) struct ClusterContext {
    pub(crate) world: Arc<World>,
    pub(crate) index: usize,
}

impl ClusterContext {
    pub(crate) fn cluster(&self) -> &Cluster {
        &self.world.clusters[self.index]
    }
}

/// What both the async and the thread-backed handle expose.
struct Shared {
    world: Arc<World>,
    state_url: String,
    admin_token: String,
    dir: PathBuf,
    seed: serde_json::Value,
}

enum Runner {
    Async {
        shutdown: watch::Sender<bool>,
        tasks: Vec<JoinHandle<()>>,
        _tempdir: Option<tempfile::TempDir>,
    },
    Thread {
        stop: Option<oneshot::Sender<()>>,
        thread: Option<std::thread::JoinHandle<()>>,
    },
    Stopped,
}

/// A running sandbox. Dropping it stops every listener and kills running
/// shell actions.
pub struct Sandbox {
    shared: Arc<Shared>,
    runner: Runner,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("state_url", &self.shared.state_url)
            .field("dir", &self.shared.dir)
            .finish_non_exhaustive()
    }
}

/// A random hex token from the OS.
fn random_token() -> String {
    use std::io::Read as _;
    let mut bytes = [0u8; 16];
    let from_os = std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .is_ok();
    if !from_os {
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        bytes = (nanos ^ u128::from(std::process::id())).to_le_bytes();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

struct BoundCluster {
    oozie: tokio::net::TcpListener,
    namenode: tokio::net::TcpListener,
    resourcemanager: tokio::net::TcpListener,
    nodemanager: tokio::net::TcpListener,
    datanode: tokio::net::TcpListener,
}

impl Sandbox {
    /// Starts the sandbox on the current tokio runtime.
    pub async fn start(options: SandboxOptions) -> anyhow::Result<Sandbox> {
        // Parsed from a temp copy of the embedded files, which can go once
        // the schema is in memory.
        let workflow_schema = xsd::WorkflowSchema::load(schemas::SchemaDir::write()?.wrapper())?;
        let (tempdir, dir) = match &options.dir {
            Some(d) => {
                std::fs::create_dir_all(d).with_context(|| format!("creating {}", d.display()))?;
                (None, d.canonicalize()?)
            }
            None => {
                let t = tempfile::Builder::new().prefix("hjob-sandbox-").tempdir()?;
                let p = t.path().to_path_buf();
                (Some(t), p)
            }
        };
        let port = |offset: u16| options.port_base.map_or(0, |b| b + offset);
        let datanode_ip = match net::bind(net::DATANODE_HOST, 0).await {
            Ok(_) => net::DATANODE_HOST,
            Err(_) => {
                tracing::warn!("127.0.0.2 is not bindable; the DataNode shares 127.0.0.1");
                net::LOOPBACK
            }
        };
        let state_listener = net::bind(net::LOOPBACK, port(0)).await?;
        let mut bound = Vec::new();
        for i in 0..CLUSTER_NAMES.len() as u16 {
            let base = 1 + 5 * i;
            bound.push(BoundCluster {
                oozie: net::bind(net::LOOPBACK, port(base)).await?,
                namenode: net::bind(net::LOOPBACK, port(base + 1)).await?,
                resourcemanager: net::bind(net::LOOPBACK, port(base + 2)).await?,
                nodemanager: net::bind(net::LOOPBACK, port(base + 3)).await?,
                datanode: net::bind(datanode_ip, port(base + 4)).await?,
            });
        }
        let url = |l: &tokio::net::TcpListener| -> anyhow::Result<String> {
            Ok(format!("http://{}", l.local_addr()?))
        };

        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let started = SystemTime::now();
        let mut clusters = Vec::new();
        for (i, b) in bound.iter().enumerate() {
            let name = CLUSTER_NAMES[i].to_string();
            let cluster_dir = dir.join(&name);
            std::fs::create_dir_all(&cluster_dir)?;
            let urls = ClusterUrls {
                name: name.clone(),
                oozie: format!("{}/oozie", url(&b.oozie)?),
                namenode: url(&b.namenode)?,
                datanode: url(&b.datanode)?,
                resourcemanager: url(&b.resourcemanager)?,
                nodemanager: url(&b.nodemanager)?,
                namenode_authority: b.namenode.local_addr()?.to_string(),
            };
            clusters.push(Cluster {
                hdfs: hdfs::HdfsStore::load(&cluster_dir)?,
                oozie: oozie::OozieServer::new(started, i),
                yarn: yarn::Yarn::new(started, &cluster_dir, &urls),
                name,
                urls,
            });
        }
        let world = Arc::new(World {
            faults: faults::Faults::default(),
            log: reqlog::RequestLog::default(),
            clusters,
            exec: Mutex::new(options.exec),
            shutdown: shutdown_rx.clone(),
            workflow_schema,
            started,
        });
        for f in &options.faults {
            world.faults.apply(f);
        }

        let admin_token = random_token();
        let state_url = url(&state_listener)?;
        let seed = state::seed_document(&world);
        let state_router = state::router(&dir, seed.clone(), &admin_token)?;

        let mut tasks = Vec::new();
        let mut spawn = |listener: tokio::net::TcpListener,
                         router: Router,
                         service: Service,
                         cluster: Option<String>| {
            let ctx = reqlog::ListenerContext {
                world: world.clone(),
                service,
                cluster,
            };
            let router = router.layer(axum::middleware::from_fn_with_state(ctx, reqlog::observe));
            tasks.push(tokio::spawn(net::serve(
                listener,
                router,
                world.faults.down_watch(service),
                shutdown_rx.clone(),
            )));
        };
        spawn(state_listener, state_router, Service::State, None);
        for (index, b) in bound.into_iter().enumerate() {
            let ctx = ClusterContext {
                world: world.clone(),
                index,
            };
            let name = Some(CLUSTER_NAMES[index].to_string());
            spawn(
                b.oozie,
                oozie::router(ctx.clone()),
                Service::Oozie,
                name.clone(),
            );
            spawn(
                b.namenode,
                hdfs::namenode::router(ctx.clone()),
                Service::NameNode,
                name.clone(),
            );
            spawn(
                b.datanode,
                hdfs::datanode::router(ctx.clone()),
                Service::DataNode,
                name.clone(),
            );
            spawn(
                b.resourcemanager,
                yarn::rm::router(ctx.clone()),
                Service::ResourceManager,
                name.clone(),
            );
            spawn(
                b.nodemanager,
                yarn::nm::router(ctx),
                Service::NodeManager,
                name,
            );
        }

        Ok(Sandbox {
            shared: Arc::new(Shared {
                world,
                state_url,
                admin_token,
                dir,
                seed,
            }),
            runner: Runner::Async {
                shutdown: shutdown_tx,
                tasks,
                _tempdir: tempdir,
            },
        })
    }

    /// Starts the sandbox on its own runtime in a background thread; the
    /// handle works from sync code (e.g. tests driving the `hjob` binary).
    pub fn start_blocking(options: SandboxOptions) -> anyhow::Result<Sandbox> {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("hjob-sandbox".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                {
                    Ok(r) => r,
                    Err(e) => {
                        let _ = ready_tx.send(Err(anyhow::Error::from(e)));
                        return;
                    }
                };
                runtime.block_on(async move {
                    match Sandbox::start(options).await {
                        Ok(sandbox) => {
                            let (stop_tx, stop_rx) = oneshot::channel();
                            let _ = ready_tx.send(Ok((sandbox.shared.clone(), stop_tx)));
                            let _ = stop_rx.await;
                            sandbox.shutdown().await;
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                        }
                    }
                });
            })?;
        let (shared, stop) = ready_rx
            .recv()
            .context("the sandbox thread ended before starting")??;
        Ok(Sandbox {
            shared,
            runner: Runner::Thread {
                stop: Some(stop),
                thread: Some(thread),
            },
        })
    }

    /// Stops every listener and waits for them to close.
    pub async fn shutdown(mut self) {
        match std::mem::replace(&mut self.runner, Runner::Stopped) {
            Runner::Async {
                shutdown, tasks, ..
            } => {
                shutdown.send_replace(true);
                for t in tasks {
                    let _ = t.await;
                }
            }
            Runner::Thread { stop, thread } => {
                if let Some(s) = stop {
                    let _ = s.send(());
                }
                if let Some(t) = thread {
                    let _ = tokio::task::spawn_blocking(move || t.join()).await;
                }
            }
            Runner::Stopped => {}
        }
    }

    /// The state service base URL (`HJOB_STATE_URL`).
    pub fn state_url(&self) -> &str {
        &self.shared.state_url
    }

    /// The admin bearer token accepted by the state service.
    pub fn admin_token(&self) -> &str {
        &self.shared.admin_token
    }

    /// The state document the sandbox seeded the state service with.
    pub fn state_document(&self) -> &serde_json::Value {
        &self.shared.seed
    }

    /// Where HDFS content, container logs and the state store live.
    pub fn dir(&self) -> &Path {
        &self.shared.dir
    }

    /// Every cluster's URLs.
    pub fn clusters(&self) -> Vec<ClusterUrls> {
        self.shared
            .world
            .clusters
            .iter()
            .map(|c| c.urls.clone())
            .collect()
    }

    /// One cluster's URLs.
    ///
    /// # Panics
    /// If `name` is not one of [`CLUSTER_NAMES`].
    pub fn cluster(&self, name: &str) -> ClusterUrls {
        self.shared
            .world
            .clusters
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.urls.clone())
            .unwrap_or_else(|| panic!("no cluster named {name} (have {CLUSTER_NAMES:?})"))
    }

    /// The requests one service (all clusters) has seen, oldest first.
    pub fn requests(&self, service: Service) -> Vec<RequestRecord> {
        self.shared.world.log.snapshot(Some(service))
    }

    /// Every request every service has seen, oldest first.
    pub fn all_requests(&self) -> Vec<RequestRecord> {
        self.shared.world.log.snapshot(None)
    }

    /// Forgets the request log.
    pub fn clear_requests(&self) {
        self.shared.world.log.clear();
    }

    /// Applies a fault (see [`Fault`]).
    pub fn apply_fault(&self, fault: &Fault) {
        self.shared.world.faults.apply(fault);
    }

    /// Removes every fault.
    pub fn clear_faults(&self) {
        self.shared.world.faults.clear();
    }

    /// Delays every answer of `service` by `delay` (zero turns it off).
    pub fn set_latency(&self, service: Service, delay: Duration) {
        self.shared.world.faults.set_latency(service, delay);
    }

    /// The next `n` requests to `service` get a 503 (Oozie: with the
    /// `E0002` safe-mode headers).
    pub fn fail_next(&self, service: Service, n: u32) {
        self.apply_fault(&Fault::Unavailable(service, n));
    }

    /// The next `n` Oozie submissions are carried out, then their
    /// connection is reset without an answer.
    pub fn reset_after_submit(&self, n: u32) {
        self.apply_fault(&Fault::ResetAfterSubmit(n));
    }

    /// The next `n` Oozie submissions are carried out, then answered with a
    /// gateway's `504` (no Oozie headers).
    pub fn gateway_timeout_after_submit(&self, n: u32) {
        self.apply_fault(&Fault::GatewayTimeoutAfterSubmit(n));
    }

    /// The next `n` DataNode uploads get their connection reset after the
    /// first body chunk (the partial file stays).
    pub fn drop_datanode_upload(&self, n: u32) {
        self.apply_fault(&Fault::DropDataNodeUpload(n));
    }

    /// Moves a workflow job's times (created, started, ended, last
    /// modified, and its actions') `by` into the past, as if it had run
    /// that long ago: how tests age a job without waiting. Returns whether
    /// a job with this id was found on any cluster.
    pub fn backdate_job(&self, id: &str, by: Duration) -> bool {
        let mut found = false;
        for cluster in &self.shared.world.clusters {
            if let Some(job) = cluster.oozie.jobs().get_mut(id) {
                job.backdate(by);
                found = true;
            }
        }
        found
    }

    /// Takes `service` down (connections refused, open ones reset) or
    /// brings it back on the same address.
    pub fn service_down(&self, service: Service, down: bool) {
        self.shared.world.faults.set_down(service, down);
    }

    /// Puts a cluster's NameNode into safe mode or takes it out (as
    /// `hdfs dfsadmin -safemode enter|leave` does): every change is then
    /// refused with 403 `SafeModeException`, at the DataNode step for CREATE.
    pub fn set_safe_mode(&self, cluster: &str, on: bool) {
        for c in &self.shared.world.clusters {
            if c.name == cluster {
                c.hdfs.set_safe_mode(on);
            }
        }
    }

    /// How simulated actions end from now on.
    pub fn set_action_outcome(&self, outcome: ActionOutcome) {
        if let Ok(mut e) = self.shared.world.exec.lock() {
            e.outcome = outcome;
        }
    }

    /// How long simulated actions run from now on.
    pub fn set_action_duration(&self, duration: Duration) {
        if let Ok(mut e) = self.shared.world.exec.lock() {
            e.duration = duration;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        match std::mem::replace(&mut self.runner, Runner::Stopped) {
            Runner::Async { shutdown, .. } => {
                shutdown.send_replace(true);
            }
            Runner::Thread { stop, thread } => {
                if let Some(s) = stop {
                    let _ = s.send(());
                }
                if let Some(t) = thread {
                    let _ = t.join();
                }
            }
            Runner::Stopped => {}
        }
    }
}
