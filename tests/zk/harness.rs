//! A three-server ZooKeeper ensemble, `hjob state-server` processes on it,
//! and a small blocking HTTP client.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

pub const TOKEN: &str = "tok-zk-5e4d3c2b1a09";

/// The ZooKeeper class path: `HJOB_ZK_CLASSPATH`, or (outside CI, when
/// Java and Maven are here) what rig/zookeeper/classpath.sh resolves.
pub fn classpath() -> Result<String, String> {
    let has = |tool: &str| {
        Command::new(tool)
            .arg("-version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok()
    };
    if !has("java") {
        return Err("no java on PATH".into());
    }
    if let Ok(cp) = std::env::var("HJOB_ZK_CLASSPATH")
        && !cp.trim().is_empty()
    {
        return Ok(cp.trim().to_owned());
    }
    if std::env::var_os("CI").is_some() {
        return Err("HJOB_ZK_CLASSPATH is not set".into());
    }
    if !has("mvn") {
        return Err("HJOB_ZK_CLASSPATH is not set and there is no mvn to resolve it".into());
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("rig/zookeeper/classpath.sh");
    let out = Command::new(script)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("rig/zookeeper/classpath.sh: {e}"))?;
    let cp = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    if out.status.success() && !cp.is_empty() {
        Ok(cp)
    } else {
        Err("rig/zookeeper/classpath.sh failed".into())
    }
}

/// A free loopback port (bound and released: ZooKeeper takes no port 0).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One ZooKeeper server.
pub struct Zk {
    pub id: usize,
    pub client_port: u16,
    config: PathBuf,
    log: PathBuf,
    child: Option<Child>,
}

/// Three ZooKeeper servers on loopback.
pub struct Ensemble {
    pub dir: tempfile::TempDir,
    pub servers: Vec<Zk>,
    classpath: String,
}

impl Ensemble {
    /// Starts the three servers and waits until they form a quorum. The
    /// free ports are found by binding port 0 and letting go, so another
    /// process may take one first: a server that dies at startup gets a
    /// second try on new ports.
    pub fn start(classpath: &str) -> Ensemble {
        let mut attempt = 1;
        loop {
            match Self::try_start(classpath) {
                Ok(ensemble) => return ensemble,
                Err(why) if attempt < 3 => {
                    eprintln!(
                        "ZooKeeper ensemble attempt {attempt} failed, retrying on new ports: {}",
                        why.lines().next().unwrap_or("")
                    );
                    attempt += 1;
                }
                Err(why) => panic!("{why}"),
            }
        }
    }

    fn try_start(classpath: &str) -> Result<Ensemble, String> {
        let dir = tempfile::tempdir().unwrap();
        let ports: Vec<(u16, u16, u16)> = (0..3)
            .map(|_| (free_port(), free_port(), free_port()))
            .collect();
        let peers: String = ports
            .iter()
            .enumerate()
            .map(|(i, (_, quorum, election))| {
                format!("server.{}=127.0.0.1:{quorum}:{election}\n", i + 1)
            })
            .collect();
        let mut servers = Vec::new();
        for (i, (client, _, _)) in ports.iter().enumerate() {
            let id = i + 1;
            let data = dir.path().join(format!("zk{id}"));
            std::fs::create_dir_all(&data).unwrap();
            std::fs::write(data.join("myid"), format!("{id}\n")).unwrap();
            let config = dir.path().join(format!("zoo{id}.cfg"));
            std::fs::write(
                &config,
                format!(
                    "tickTime=500\ninitLimit=20\nsyncLimit=5\ndataDir={}\nclientPort={client}\nclientPortAddress=127.0.0.1\n\
                     admin.enableServer=false\n4lw.commands.whitelist=srvr,stat\nmaxSessionTimeout=20000\n{peers}",
                    data.display()
                ),
            )
            .unwrap();
            servers.push(Zk {
                id,
                client_port: *client,
                config,
                log: dir.path().join(format!("zk{id}.log")),
                child: None,
            });
        }
        let mut ensemble = Ensemble {
            dir,
            servers,
            classpath: classpath.to_owned(),
        };
        for i in 0..3 {
            ensemble.start_server(i);
        }
        ensemble.quorum(Duration::from_secs(90))?;
        Ok(ensemble)
    }

    fn start_server(&mut self, index: usize) {
        let zk = &mut self.servers[index];
        let log = std::fs::File::create(&zk.log).unwrap();
        let child = Command::new("java")
            .args([
                "-Xmx128m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Dzookeeper.admin.enableServer=false",
                "-cp",
                &self.classpath,
                "org.apache.zookeeper.server.quorum.QuorumPeerMain",
            ])
            .arg(&zk.config)
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .stdin(Stdio::null())
            .spawn()
            .expect("java starts");
        zk.child = Some(child);
    }

    /// `host:port,…` of the servers.
    pub fn hosts(&self) -> String {
        self.servers
            .iter()
            .map(|z| format!("127.0.0.1:{}", z.client_port))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The store URL for `path`.
    pub fn store(&self, path: &str) -> String {
        format!("zk://{}/{path}", self.hosts())
    }

    /// `leader`, `follower`, or `None` when the server does not serve.
    pub fn mode(&self, index: usize) -> Option<String> {
        let zk = &self.servers[index];
        let mut stream = TcpStream::connect(("127.0.0.1", zk.client_port)).ok()?;
        stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
        stream.write_all(b"srvr").ok()?;
        let mut text = String::new();
        stream.read_to_string(&mut text).ok()?;
        text.lines()
            .find_map(|l| l.strip_prefix("Mode: "))
            .map(|m| m.trim().to_owned())
    }

    fn wait_for_quorum(&mut self, timeout: Duration) {
        if let Err(why) = self.quorum(timeout) {
            panic!("{why}");
        }
    }

    fn quorum(&mut self, timeout: Duration) -> Result<(), String> {
        let started = Instant::now();
        loop {
            let modes: Vec<Option<String>> = (0..3)
                .filter(|i| self.servers[*i].child.is_some())
                .map(|i| self.mode(i))
                .collect();
            if modes.iter().all(|m| {
                m.as_deref()
                    .is_some_and(|m| m == "leader" || m == "follower")
            }) && modes.iter().any(|m| m.as_deref() == Some("leader"))
            {
                return Ok(());
            }
            let exited = self.servers.iter_mut().any(|z| {
                z.child
                    .as_mut()
                    .is_some_and(|c| !matches!(c.try_wait(), Ok(None)))
            });
            if started.elapsed() > timeout || exited {
                let logs: String = self
                    .servers
                    .iter()
                    .map(|z| {
                        let text = std::fs::read_to_string(&z.log).unwrap_or_default();
                        let tail: Vec<&str> = text.lines().rev().take(15).collect();
                        format!(
                            "--- zk{} ---\n{}\n",
                            z.id,
                            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
                        )
                    })
                    .collect();
                return Err(format!(
                    "ZooKeeper did not form a quorum within {timeout:?} (or a server exited): {modes:?}\n{logs}"
                ));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// The index of the current leader.
    pub fn leader(&self) -> usize {
        let started = Instant::now();
        loop {
            if let Some(i) = (0..3).find(|i| self.mode(*i).as_deref() == Some("leader")) {
                return i;
            }
            assert!(started.elapsed() < Duration::from_secs(60), "no leader");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// `kill -9` of one server.
    pub fn kill(&mut self, index: usize) {
        if let Some(mut child) = self.servers[index].child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts every killed server again (same data) and waits for a quorum.
    pub fn restart_killed(&mut self) {
        for i in 0..3 {
            if self.servers[i].child.is_none() {
                self.start_server(i);
            }
        }
        self.wait_for_quorum(Duration::from_secs(90));
    }

    /// `kill -9` of every server.
    pub fn kill_all(&mut self) {
        for i in 0..3 {
            self.kill(i);
        }
    }
}

impl Drop for Ensemble {
    fn drop(&mut self) {
        self.kill_all();
    }
}

/// The path of the `hjob` binary.
pub fn hjob_bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin!("hjob").to_path_buf()
}

/// A hermetic `hjob` (no `HJOB_*` from outside, HOME in `home`).
pub fn hjob(home: &Path) -> Command {
    crate::hermetic::hjob_in(&hjob_bin(), home, "alice")
}

/// One `hjob state-server` process.
pub struct StateServer {
    child: Option<Child>,
    pub url: String,
    pub log: Arc<Mutex<String>>,
}

impl StateServer {
    /// Starts `hjob state-server --store STORE` with the seed, the tokens
    /// and `extra` arguments; `dir` holds its files.
    pub fn start(dir: &Path, store: &str, seed: &Value, extra: &[&str]) -> StateServer {
        let seed_path = dir.join(format!("seed-{}.json", free_port()));
        std::fs::write(&seed_path, seed.to_string()).unwrap();
        let tokens = dir.join("tokens");
        std::fs::write(&tokens, format!("alice:{TOKEN}\n")).unwrap();
        let mut child = hjob(dir)
            .args(["state-server", "--listen", "127.0.0.1:0", "--store", store])
            .arg("--init")
            .arg(&seed_path)
            .arg("--tokens")
            .arg(&tokens)
            .args(["--zk-session-timeout", "6s"])
            .args(extra)
            .env("RUST_LOG", "hjob=debug,zookeeper_client=info")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let log = Arc::new(Mutex::new(String::new()));
        let mut url = String::new();
        for line in lines.by_ref() {
            let line = line.unwrap();
            log.lock().unwrap().push_str(&format!("{line}\n"));
            if let Some(rest) = line.split("listening on ").nth(1) {
                url = rest.split_whitespace().next().unwrap().to_owned();
                break;
            }
        }
        assert!(
            url.starts_with("http://127.0.0.1:"),
            "the state server did not start:\n{}\nexit: {:?}",
            log.lock().unwrap(),
            child.wait()
        );
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                sink.lock().unwrap().push_str(&format!("{line}\n"));
            }
        });
        StateServer {
            child: Some(child),
            url,
            log,
        }
    }

    /// `kill -9`.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub fn state(&self) -> Reply {
        request("GET", &format!("{}/v1/state", self.url), &[], None)
    }

    pub fn document(&self) -> Value {
        let reply = self.state();
        assert_eq!(reply.status, 200, "{}", reply.body);
        serde_json::from_str(&reply.body).unwrap()
    }

    /// `PUT /v1/state` with `If-Match: "version"`.
    pub fn put(&self, document: &Value, version: u64) -> Reply {
        request(
            "PUT",
            &format!("{}/v1/state", self.url),
            &[
                ("Authorization", &format!("Bearer {TOKEN}")),
                ("If-Match", &format!("\"{version}\"")),
                ("Content-Type", "application/json"),
            ],
            Some(&document.to_string()),
        )
    }

    pub fn audit(&self) -> Vec<Value> {
        let reply = request(
            "GET",
            &format!("{}/v1/audit?limit=10000", self.url),
            &[],
            None,
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
        let v: Value = serde_json::from_str(&reply.body).unwrap();
        v["entries"].as_array().cloned().unwrap_or_default()
    }

    pub fn healthz(&self) -> Reply {
        request("GET", &format!("{}/healthz", self.url), &[], None)
    }
}

impl Drop for StateServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// An HTTP answer.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 request (`Connection: close`); status 0 when the server
/// cannot be reached.
pub fn request(method: &str, url: &str, headers: &[(&str, &str)], body: Option<&str>) -> Reply {
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    let unreachable = |why: String| Reply {
        status: 0,
        headers: Vec::new(),
        body: why,
    };
    let mut stream = match TcpStream::connect(host) {
        Ok(s) => s,
        Err(e) => return unreachable(e.to_string()),
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let body = body.unwrap_or("");
    let mut head = format!("{method} /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    if stream.write_all(head.as_bytes()).is_err() || stream.write_all(body.as_bytes()).is_err() {
        return unreachable("write failed".into());
    }
    let mut raw = Vec::new();
    if let Err(e) = stream.read_to_end(&mut raw) {
        return unreachable(e.to_string());
    }
    let text = String::from_utf8_lossy(&raw).into_owned();
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return unreachable(format!("no HTTP answer: {text:?}"));
    };
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Reply {
        status,
        headers,
        body: body.to_owned(),
    }
}

/// Polls `check` every 5 ms until it holds; the time it took.
pub fn wait_for(what: &str, timeout: Duration, mut check: impl FnMut() -> bool) -> Duration {
    let started = Instant::now();
    loop {
        if check() {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < timeout,
            "timed out after {timeout:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}
