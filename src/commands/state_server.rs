//! `hjob state-server`: serve the state API until SIGTERM or Ctrl-C.

use anyhow::Context as _;

use crate::cli::StateServerArgs;
use crate::error::{ExitStatus, HjobError};
use crate::state_server::{ServerOptions, load_tokens, router};
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
    let app = router(ServerOptions {
        store: args.store.clone(),
        init,
        tokens,
    })?;
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
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
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
