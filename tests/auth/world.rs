//! A sandbox behind the auth rig plus a hermetic home for the `hjob`
//! binary: what the hjob-level auth tests build on. Cluster `alpha` is
//! reached through the SPNEGO proxy ([`AuthWorld::kerberized`]) or the
//! Knox-like gateway ([`AuthWorld::knox`]) by `[clusters.alpha]` URL
//! overrides in the config; the state service stays direct (its own token).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use hjob_sandbox::{Sandbox, SandboxOptions};

use crate::servers::gate::SpnegoGate;
use crate::servers::secrets;
use crate::servers::{GssapiProxy, Kdc, KnoxGateway};

/// Hadoop's own SPNEGO filter in front of alpha's Oozie, NameNode and RM
/// (one JVM each, each with its own random cookie-signing secret, like
/// Oozie and the NameNode of a real cluster).
pub struct HadoopGates {
    pub oozie: SpnegoGate,
    pub namenode: SpnegoGate,
    pub resourcemanager: SpnegoGate,
}

/// The sandbox, the KDC, the front door of cluster `alpha`, and a home.
// A support API for the hjob-level auth tests: not all of it is used yet.
#[allow(dead_code)]
pub struct AuthWorld {
    pub sandbox: Sandbox,
    pub kdc: Kdc,
    pub proxy: Option<GssapiProxy>,
    pub knox: Option<KnoxGateway>,
    pub gates: Option<HadoopGates>,
    pub home: tempfile::TempDir,
    pub config: PathBuf,
    overrides: String,
}

/// What stands in front of cluster `alpha`.
#[derive(Default)]
struct Front {
    proxy: Option<GssapiProxy>,
    knox: Option<KnoxGateway>,
    gates: Option<HadoopGates>,
}

/// Fast settings as in tests/it (`[http]` and `[wait]`).
const BASE_CONFIG: &str = "[http]\ntimeout = \"5s\"\nbackoff_initial = \"10ms\"\nbackoff_max = \"50ms\"\nstate_deadline = \"3s\"\n\
     [wait]\npoll_initial = \"20ms\"\npoll_max = \"100ms\"\noutage_limit = \"10s\"\n";

#[allow(dead_code)]
impl AuthWorld {
    fn start(front: impl FnOnce(&Sandbox, &Kdc) -> Front) -> AuthWorld {
        let sandbox = Sandbox::start_blocking(
            SandboxOptions::new()
                .action_duration(Duration::from_millis(100))
                .step_delay(Duration::from_millis(5)),
        )
        .expect("sandbox starts");
        let kdc = Kdc::start().unwrap_or_else(|e| panic!("KDC: {e}"));
        let Front { proxy, knox, gates } = front(&sandbox, &kdc);
        let urls = match (&proxy, &knox, &gates) {
            (Some(p), _, _) => Some((p.oozie_url(), p.webhdfs_url(), p.rm_url())),
            (None, Some(k), _) => Some((k.oozie_url(), k.webhdfs_url(), k.rm_url())),
            (None, None, Some(g)) => Some((
                format!("{}/oozie", g.oozie.url()),
                format!("{}/webhdfs/v1", g.namenode.url()),
                g.resourcemanager.url(),
            )),
            (None, None, None) => None,
        };
        let overrides = urls.map_or(String::new(), |(oozie, webhdfs, yarn)| {
            format!(
                "[clusters.alpha]\noozie_url = \"{oozie}\"\nwebhdfs_url = \"{webhdfs}\"\nyarn_url = \"{yarn}\"\n"
            )
        });
        let home = tempfile::Builder::new()
            .prefix("hjob-auth-home-")
            .tempdir()
            .unwrap();
        let config = home.path().join("hjob.toml");
        let world = AuthWorld {
            sandbox,
            kdc,
            proxy,
            knox,
            gates,
            home,
            config,
            overrides,
        };
        world.configure("");
        world
    }

    /// Cluster `alpha` through the SPNEGO proxy (Oozie, WebHDFS, YARN RM;
    /// the DataNode and NodeManager stay direct).
    pub fn kerberized() -> AuthWorld {
        Self::start(|sandbox, kdc| {
            let proxy = GssapiProxy::for_cluster(kdc, &sandbox.cluster("alpha"))
                .unwrap_or_else(|e| panic!("SPNEGO proxy: {e}"));
            Front {
                proxy: Some(proxy),
                ..Front::default()
            }
        })
    }

    /// Cluster `alpha` through the Knox-like gateway (the KDC runs too,
    /// unused by the gateway).
    pub fn knox() -> AuthWorld {
        Self::start(|sandbox, _| {
            let knox = KnoxGateway::start(&sandbox.cluster("alpha"))
                .unwrap_or_else(|e| panic!("Knox gateway: {e}"));
            Front {
                knox: Some(knox),
                ..Front::default()
            }
        })
    }

    /// Cluster `alpha` behind Hadoop's own SPNEGO filter (hadoop-auth, the
    /// `hadoop.auth` cookie): needs the rig built (see `servers::gate`).
    pub fn hadoop_auth() -> AuthWorld {
        Self::start(|sandbox, kdc| {
            let alpha = sandbox.cluster("alpha");
            let gate = |url: &str| {
                SpnegoGate::start(kdc, url).unwrap_or_else(|e| panic!("SpnegoGate: {e}"))
            };
            Front {
                gates: Some(HadoopGates {
                    oozie: gate(&alpha.oozie),
                    namenode: gate(&alpha.namenode),
                    resourcemanager: gate(&alpha.resourcemanager),
                }),
                ..Front::default()
            }
        })
    }

    /// The SPNEGO proxy.
    ///
    /// # Panics
    /// In a Knox world.
    pub fn proxy(&self) -> &GssapiProxy {
        self.proxy.as_ref().expect("a kerberized world")
    }

    /// The gateway.
    ///
    /// # Panics
    /// In a kerberized world.
    pub fn gateway(&self) -> &KnoxGateway {
        self.knox.as_ref().expect("a Knox world")
    }

    /// Writes the config: fast settings, the `[clusters.alpha]` URL
    /// overrides, then `extra` (more keys; a table already present, e.g.
    /// `[clusters.alpha]`, must not be repeated: pass just its keys with
    /// [`configure_alpha`](Self::configure_alpha)).
    pub fn configure(&self, extra: &str) {
        std::fs::write(
            &self.config,
            format!("{BASE_CONFIG}{}{extra}", self.overrides),
        )
        .unwrap();
    }

    /// Like [`configure`](Self::configure) with `alpha_keys` appended to the
    /// `[clusters.alpha]` table (e.g. `ca_bundle = "..."`), then `extra`.
    pub fn configure_alpha(&self, alpha_keys: &str, extra: &str) {
        std::fs::write(
            &self.config,
            format!("{BASE_CONFIG}{}{alpha_keys}\n{extra}", self.overrides),
        )
        .unwrap();
    }

    /// A credential cache path for this world (not created).
    pub fn ccache(&self, name: &str) -> PathBuf {
        self.kdc.ccache(name)
    }

    /// `kinit user` with its password into a fresh ccache; its path.
    pub fn kinit(&self, user: &str) -> PathBuf {
        let ccache = self.ccache(user);
        self.kdc
            .kinit(user, self.kdc.password(user), &ccache)
            .unwrap_or_else(|e| panic!("kinit {user}: {e}"));
        ccache
    }

    /// A hermetic `hjob` command using `ccache` (which may not exist: no
    /// ticket) and this realm's krb5.conf.
    pub fn hjob(&self, ccache: &Path) -> Command {
        let mut cmd = crate::hermetic::hjob_in(
            assert_cmd::cargo::cargo_bin!("hjob"),
            self.home.path(),
            "alice",
        );
        cmd.env("HJOB_CONFIG", &self.config)
            .env("HJOB_STATE_URL", self.sandbox.state_url())
            .env("HJOB_ADMIN_TOKEN", self.sandbox.admin_token());
        self.kdc.apply_env(&mut cmd, ccache);
        cmd
    }

    /// Runs `hjob ARGS` with `ccache` to completion.
    pub fn run(&self, ccache: &Path, args: &[&str]) -> Output {
        self.hjob(ccache).args(args).output().expect("hjob runs")
    }

    /// Every secret of this world: KDC passwords and keys, the gateway's
    /// password and Basic header value, and Negotiate token markers.
    pub fn secrets(&self) -> Vec<String> {
        let mut all = self.kdc.secrets();
        if let Some(knox) = &self.knox {
            all.extend(knox.secrets());
        }
        all.extend(secrets::credential_markers());
        all
    }

    /// Asserts that no secret is in `outputs` (stdout and stderr of each),
    /// in any file under the hjob home (config excepted: a test may put a
    /// path there, never a secret), in the proxy's or gateway's logs, or in
    /// the sandbox's files (staged files, job configurations).
    pub fn assert_no_secrets(&self, outputs: &[&Output]) {
        let secrets = self.secrets();
        let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
        let mut texts = Vec::new();
        for out in outputs {
            texts.push(String::from_utf8_lossy(&out.stdout).into_owned());
            texts.push(String::from_utf8_lossy(&out.stderr).into_owned());
        }
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        secrets::assert_no_secrets(&texts, &secrets);
        secrets::assert_no_secrets_in_dir(self.home.path(), &secrets, &[]);
        secrets::assert_no_secrets_in_dir(self.sandbox.dir(), &secrets, &[]);
        if let Some(proxy) = &self.proxy {
            // The keytab copy is the proxy's own credential.
            let keytab = proxy.dir().join("http.keytab");
            secrets::assert_no_secrets_in_dir(proxy.dir(), &secrets, &[&keytab]);
        }
        if let Some(knox) = &self.knox {
            secrets::assert_no_secrets_in_dir(knox.dir(), &secrets, &[]);
        }
        if let Some(gates) = &self.gates {
            for gate in [&gates.oozie, &gates.namenode, &gates.resourcemanager] {
                secrets::assert_no_secrets_in_dir(gate.dir(), &secrets, &[]);
            }
        }
    }
}
