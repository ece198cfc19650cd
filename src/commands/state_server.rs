//! `hjob state-server`: serve the state API until SIGTERM or Ctrl-C.

use anyhow::Context as _;

use crate::cli::StateServerArgs;
use crate::error::{ExitStatus, HjobError};
use crate::state_server::{
    AccessLog, ServeOptions, ServerOptions, SlowDisk, Store, load_tokens, router_for, serve,
};
use crate::ui::Ui;

/// Runs the state server.
pub async fn state_server(args: StateServerArgs, ui: &Ui) -> anyhow::Result<ExitStatus> {
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
    let store = std::sync::Arc::new(Store::open(ServerOptions {
        store: args.store.clone(),
        init,
        tokens,
        mode: Some(mode),
        slow_disk: SlowDisk::from_env(),
        body_timeout: Some(read_timeout),
    })?);
    let access_log = args.access_log.then(AccessLog::to_stderr);
    let app = router_for(store, access_log);
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
        args.store.display()
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
