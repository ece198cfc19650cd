//! The WebHDFS DataNode on 127.0.0.2: step 2 of CREATE (permission and
//! overwrite checks, then the body streamed to disk, `201` with an
//! `hdfs://` Location) and of OPEN (the bytes).
//!
//! The `drop-upload` fault resets the connection after the first body chunk
//! has been written; the partial file stays, as it would under a real HDFS
//! lease.

use axum::Router;
use axum::body::Body;
use axum::extract::{Extension, State};
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use futures_util::StreamExt as _;
use tokio::io::{AsyncReadExt as _, AsyncSeekExt as _, AsyncWriteExt as _};

use crate::ClusterContext;
use crate::hdfs::namenode::{
    bool_param, hdfs_path, permission_param, positive_param, request_user,
};
use crate::hdfs::{CreateOptions, HdfsError};
use crate::net::ConnectionControl;
use crate::query::QueryParams;

/// The DataNode's routes.
pub(crate) fn router(ctx: ClusterContext) -> Router {
    Router::new()
        .route("/webhdfs/v1/{*path}", any(handle))
        .with_state(ctx)
}

async fn handle(
    State(ctx): State<ClusterContext>,
    Extension(conn): Extension<ConnectionControl>,
    method: Method,
    uri: Uri,
    body: Body,
) -> Response {
    let params = QueryParams::parse(uri.query());
    let op = params
        .get_ignore_case("op")
        .unwrap_or("")
        .to_ascii_uppercase();
    let result = match (method, op.as_str()) {
        (Method::PUT, "CREATE") => create(&ctx, &conn, &uri, &params, body).await,
        (Method::GET, "OPEN") => open(&ctx, &uri, &params).await,
        (_, op) => Err(HdfsError::illegal_argument(format!(
            "Invalid operation {op} for the DataNode"
        ))),
    };
    result.unwrap_or_else(HdfsError::into_datanode_response)
}

/// Checks `namenoderpcaddress` names this cluster's NameNode.
fn check_namenode(ctx: &ClusterContext, params: &QueryParams) -> Result<(), HdfsError> {
    match params.get_ignore_case("namenoderpcaddress") {
        Some(a) if a == ctx.cluster().urls.namenode_authority => Ok(()),
        Some(a) => Err(HdfsError::illegal_argument(format!(
            "Invalid value for webhdfs parameter \"namenoderpcaddress\": unknown NameNode {a}"
        ))),
        None => Err(HdfsError::illegal_argument(
            "Invalid value for webhdfs parameter \"namenoderpcaddress\": null".into(),
        )),
    }
}

async fn create(
    ctx: &ClusterContext,
    conn: &ConnectionControl,
    uri: &Uri,
    params: &QueryParams,
    body: Body,
) -> Result<Response, HdfsError> {
    check_namenode(ctx, params)?;
    let user = request_user(params)?;
    let path = hdfs_path(uri)?;
    let options = CreateOptions {
        overwrite: bool_param(params, "overwrite")?.unwrap_or(false),
        permission: permission_param(params)?,
        block_size: positive_param(params, "blocksize")?,
        replication: positive_param(params, "replication")?,
    };
    // Parameters read, the real DataNode answers `100 Continue` before it
    // tries to create the file (its refusals come after it too).
    conn.interim_continue();
    let fs = &ctx.cluster().hdfs;
    fs.provision_home(&user);
    let client = conn.peer.ip().to_string();
    let disk = fs.begin_create(&path, &user, &client, &options)?;
    // begin_create left it empty. Not opened with O_TRUNC: ext4 flushes a
    // file truncated to 0 when it is closed (auto_da_alloc), which made
    // every answer to a 1 GiB upload wait ~0.4 s for the disk.
    let file = tokio::fs::OpenOptions::new()
        .write(true)
        .open(&disk)
        .await
        .map_err(|e| HdfsError::io(format!("{path}: {e}")))?;
    let mut out = tokio::io::BufWriter::with_capacity(1 << 20, file);
    let drop_upload = ctx.world.faults.take_drop_datanode_upload();
    let mut stream = body.into_data_stream();
    let mut first = true;
    while let Some(chunk) = stream.next().await {
        let chunk = match chunk {
            Ok(c) => c,
            Err(e) => {
                // The client went away mid-upload: keep what arrived.
                let _ = out.flush().await;
                fs.finish_create(&path);
                return Err(HdfsError::io(format!("{path}: upload aborted: {e}")));
            }
        };
        out.write_all(&chunk)
            .await
            .map_err(|e| HdfsError::io(format!("{path}: {e}")))?;
        if drop_upload && first {
            let _ = out.flush().await;
            fs.finish_create(&path);
            conn.reset_and_hang().await;
        }
        first = false;
    }
    if drop_upload {
        // Empty body: drop before answering all the same.
        fs.finish_create(&path);
        conn.reset_and_hang().await;
    }
    out.flush()
        .await
        .map_err(|e| HdfsError::io(format!("{path}: {e}")))?;
    fs.finish_create(&path);
    let location = format!("hdfs://{}{}", ctx.cluster().urls.namenode_authority, path);
    let mut r = StatusCode::CREATED.into_response();
    let headers = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&location) {
        headers.insert(header::LOCATION, v);
    }
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from_static("0"));
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    Ok(r)
}

async fn open(
    ctx: &ClusterContext,
    uri: &Uri,
    params: &QueryParams,
) -> Result<Response, HdfsError> {
    check_namenode(ctx, params)?;
    let user = request_user(params)?;
    let path = hdfs_path(uri)?;
    let (disk, len) = ctx.cluster().hdfs.open(&path, &user)?;
    let offset: u64 = match params.get_ignore_case("offset") {
        None | Some("") => 0,
        Some(v) => v.parse().map_err(|_| {
            HdfsError::illegal_argument(format!(
                "Invalid value for webhdfs parameter \"offset\": Invalid value: \"{v}\" does not belong to the domain >= 0"
            ))
        })?,
    };
    let length: Option<u64> = positive_param(params, "length")?;
    if offset > len {
        return Err(HdfsError::io(format!(
            "Offset={offset} out of the range [0, {len}); OPEN, path={path}"
        )));
    }
    let available = len - offset;
    let count = length.map_or(available, |l| l.min(available));
    let mut file = tokio::fs::File::open(&disk)
        .await
        .map_err(|e| HdfsError::io(format!("{path}: {e}")))?;
    file.seek(std::io::SeekFrom::Start(offset))
        .await
        .map_err(|e| HdfsError::io(format!("{path}: {e}")))?;
    let stream = tokio_util::io::ReaderStream::with_capacity(file.take(count), 1 << 16);
    let mut r = Response::new(Body::from_stream(stream));
    let headers = r.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    if let Ok(v) = HeaderValue::from_str(&count.to_string()) {
        headers.insert(header::CONTENT_LENGTH, v);
    }
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    Ok(r)
}
