//! `hjob state-server`: serve the state API until SIGTERM or Ctrl-C.

use anyhow::Context as _;

use crate::cli::{StateServerArgs, StateServerCommand};
use crate::error::{ExitStatus, HjobError};
use crate::state_server::zk_store::{self, ZkAuth};
use crate::state_server::{
    AccessLog, Backend, ServeOptions, ServerOptions, SlowDisk, Store, ZkOptions, ZkStore, ZkUrl,
    load_tokens, router_for_backend, serve,
};
use crate::ui::Ui;

/// Runs the state server.
pub async fn state_server(args: StateServerArgs, ui: &Ui) -> anyhow::Result<ExitStatus> {
    if let Some(StateServerCommand::Migrate {
        from,
        to,
        force,
        zk_auth_file,
    }) = &args.command
    {
        let url = match ZkUrl::parse(to) {
            Some(url) => url?,
            None => {
                return Err(HjobError::usage_hint(
                    format!("--to {to:?} is not a ZooKeeper store"),
                    "write it as zk://HOST:PORT[,HOST:PORT…]/PATH",
                )
                .into());
            }
        };
        let auth = zk_auth(zk_auth_file.as_deref(), ui)?;
        let (version, entries) = zk_store::migrate(from, &url, auth, *force).await?;
        ui.status(&format!(
            "copied {} (version {version}, {entries} audit entr{}) to {url}",
            from.display(),
            if entries == 1 { "y" } else { "ies" }
        ));
        return Ok(ExitStatus::Success);
    }
    let Some(store_arg) = args.store.clone() else {
        return Err(HjobError::usage_hint(
            "no --store given",
            "pass --store FILE or --store zk://HOST:PORT/PATH",
        )
        .into());
    };
    let init = match &args.init {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                HjobError::usage(format!("cannot read --init file {}: {e}", path.display()))
            })?;
            Some(serde_json::from_str(&text).map_err(|e| {
                HjobError::usage(format!("--init file {} is not JSON: {e}", path.display()))
            })?)
        }
        None => None,
    };
    let tokens = match &args.tokens {
        Some(path) => load_tokens(path)?,
        None => Vec::new(),
    };
    if tokens.is_empty() {
        ui.warn("no admin tokens (--tokens FILE): the state is read-only");
    }
    let mode = u32::from_str_radix(args.store_mode.trim(), 8)
        .ok()
        .filter(|m| *m <= 0o7777)
        .ok_or_else(|| {
            HjobError::usage_hint(
                format!(
                    "--store-mode {:?} is not an octal file mode",
                    args.store_mode
                ),
                "give the permission bits in octal, for example --store-mode 644",
            )
        })?;
    let duration = |flag: &str, text: &str| {
        humantime::parse_duration(text.trim()).map_err(|e| {
            HjobError::usage_hint(
                format!("--{flag} {text:?} is not a duration: {e}"),
                format!("write it like --{flag} 10s or --{flag} 500ms"),
            )
        })
    };
    let read_timeout = duration("read-timeout", &args.read_timeout)?;
    let idle_timeout = duration("idle-timeout", &args.idle_timeout)?;
    let max_stale = duration("max-stale", &args.max_stale)?;
    let session_timeout = duration("zk-session-timeout", &args.zk_session_timeout)?;
    let backend = match ZkUrl::parse(&store_arg.to_string_lossy()) {
        Some(url) => {
            let url = url?;
            let auth = zk_auth(args.zk_auth_file.as_deref(), ui)?;
            Backend::Zk(
                ZkStore::open(ZkOptions {
                    url,
                    auth,
                    init,
                    tokens,
                    body_timeout: read_timeout,
                    max_stale,
                    audit_retention: args.audit_retention.max(1),
                    session_timeout,
                })
                .await?,
            )
        }
        None if args.zk_auth_file.is_some() => {
            return Err(HjobError::usage_hint(
                "--zk-auth-file applies to a ZooKeeper store only",
                "give --store zk://HOST:PORT[,HOST:PORT…]/PATH, or drop --zk-auth-file",
            )
            .into());
        }
        None => Backend::File(std::sync::Arc::new(Store::open(ServerOptions {
            store: store_arg.clone(),
            init,
            tokens,
            mode: Some(mode),
            slow_disk: SlowDisk::from_env(),
            body_timeout: Some(read_timeout),
        })?)),
    };
    let access_log = args.access_log.then(AccessLog::to_stderr);
    let app = router_for_backend(backend, access_log);
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .map_err(|e| {
            HjobError::usage_hint(
                format!("cannot listen on {}: {e}", args.listen),
                "pick a free address with --listen HOST:PORT",
            )
        })?;
    let addr = listener.local_addr()?;
    ui.status(&format!(
        "hjob state-server listening on http://{addr} (store {})",
        store_arg.display()
    ));
    serve(
        listener,
        app,
        ServeOptions {
            header_timeout: read_timeout,
            idle_timeout,
            max_connections: args.max_connections,
        },
        shutdown_signal(),
    )
    .await
    .context("serving the state API")?;
    ui.status("hjob state-server stopped");
    Ok(ExitStatus::Success)
}

/// Reads `--zk-auth-file`, or warns that the znodes will be open.
fn zk_auth(path: Option<&std::path::Path>, ui: &Ui) -> anyhow::Result<Option<ZkAuth>> {
    match path {
        Some(path) => {
            let auth = ZkAuth::load(path)?;
            // The same rule as hjob's other secrets files (a warning here:
            // the identity is the cluster's, not the user's).
            if let Err(why) = crate::auth::check_private(path) {
                ui.warn(&format!("--zk-auth-file: {why}; chmod 600 it"));
            }
            Ok(Some(auth))
        }
        None => {
            ui.warn("no --zk-auth-file: the znodes are created open (world:anyone may change them); give a digest identity to protect the state");
            Ok(None)
        }
    }
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
