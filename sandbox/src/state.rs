//! The state service: hjob's own state server (its API is ours, so it is
//! not re-implemented here), seeded with a document that routes to the
//! sandbox's two clusters.
//!
//! The store lives in `<dir>/state/` and is re-seeded at every start,
//! because the cluster URLs change from run to run with OS-chosen ports.

use std::path::Path;

use anyhow::Context as _;
use axum::Router;
use serde_json::{Map, Value, json};

use crate::World;

/// The admin token's name (becomes `updated_by` of admin changes).
pub(crate) const ADMIN_NAME: &str = "sandbox-admin";

/// The seed document: every cluster, the first active, submission enabled.
pub(crate) fn seed_document(world: &World) -> Value {
    let mut clusters = Map::new();
    for c in &world.clusters {
        clusters.insert(
            c.name.clone(),
            json!({
                "oozie_url": c.urls.oozie,
                "webhdfs_url": c.urls.webhdfs_url(),
                "name_node": c.urls.name_node(),
                "job_tracker": c.urls.job_tracker(),
                "yarn_url": c.urls.resourcemanager,
                "queue": "default",
                // hive2 actions are simulated; no HiveServer2 listens here.
                "hive2_jdbc_url": "jdbc:hive2://127.0.0.1:10000/default",
            }),
        );
    }
    json!({
        "version": 1,
        "active_cluster": world.clusters.first().map(|c| c.name.clone()).unwrap_or_default(),
        "submission": { "enabled": true },
        "clusters": clusters,
        "updated_by": "hjob-sandbox",
    })
}

/// hjob's state router over a fresh store under `dir/state`.
pub(crate) fn router(dir: &Path, seed: Value, admin_token: &str) -> anyhow::Result<Router> {
    let state_dir = dir.join("state");
    if state_dir.exists() {
        std::fs::remove_dir_all(&state_dir)
            .with_context(|| format!("clearing {}", state_dir.display()))?;
    }
    std::fs::create_dir_all(&state_dir)?;
    hjob::state_server::router(hjob::state_server::ServerOptions {
        store: state_dir.join("state.json"),
        init: Some(seed),
        tokens: vec![(ADMIN_NAME.to_string(), admin_token.to_string())],
        ..Default::default()
    })
    .context("starting hjob's state server")
}
