//! A local file as the body of one request (a jar staged on HDFS).
//!
//! Over plain HTTP with no proxy in the way, hjob sends the request on a
//! connection of its own, from a thread, in small chunks read into one
//! buffer and written to the socket: no async runtime, HTTP client or
//! allocation per chunk in the way. Anywhere else (https, a proxy) the file
//! goes through the HTTP client as a stream of chunks read a few ahead on a
//! thread, into buffers reused for the whole upload.
//!
//! Either way the file is read at explicit offsets (never through a shared
//! file position, so another thread can hash it meanwhile), exactly its
//! length when the body started: a file that shrinks ends the body early
//! and fails the request; whether it changed otherwise is the caller's to
//! check (its metadata before and after).

use std::fs::File;
use std::io::{Read as _, Write as _};
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Response, StatusCode};

use super::{Failure, IoFailure};

/// A local file sent as a request body, with a callback told the bytes
/// sent so far.
#[derive(Clone)]
pub struct FileBody {
    file: Arc<File>,
    len: u64,
    progress: Arc<dyn Fn(u64) + Send + Sync>,
}

impl std::fmt::Debug for FileBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileBody").field("len", &self.len).finish()
    }
}

impl FileBody {
    /// The first `len` bytes of `file` (its length when opened).
    pub fn new(file: Arc<File>, len: u64, progress: impl Fn(u64) + Send + Sync + 'static) -> Self {
        FileBody {
            file,
            len,
            progress: Arc::new(progress),
        }
    }
}

/// Whether a request to `url` can go out on hjob's own connection: plain
/// HTTP and no proxy configured in the environment (the HTTP client knows
/// how to go through one; this path does not).
pub(super) fn can_send_directly(url: &reqwest::Url) -> bool {
    url.scheme() == "http"
        && ["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"]
            .iter()
            .all(|var| std::env::var_os(var).is_none_or(|v| v.is_empty()))
}

/// The shortest wait for a server to take more of a body or to answer:
/// Hadoop's own WebHDFS client waits 60 s (`dfs.webhdfs.socket.read-timeout`),
/// and a DataNode answers only once the last block is written.
pub(super) const MIN_STALL: Duration = Duration::from_secs(60);

/// Limits of a request sent directly.
#[derive(Debug, Clone, Copy)]
pub(super) struct Limits {
    /// Time to connect, per address.
    pub connect: Duration,
    /// Longest wait for the server to take more bytes or to answer.
    pub stall: Duration,
}

/// Sends `request` (its method, URL and headers; it has no body of its
/// own) with `body` on a connection of its own, the body sent by the
/// kernel. Dropping the future closes the connection.
pub(super) async fn send_directly(
    request: reqwest::Request,
    body: FileBody,
    limits: Limits,
) -> Result<Response, Failure> {
    let head = request_head(&request, body.len);
    let url = request.url().clone();
    let connection = Arc::new(Connection::default());
    let _close_on_drop = CloseOnDrop(connection.clone());
    let exchange =
        tokio::task::spawn_blocking(move || exchange(&url, &head, &body, limits, &connection));
    match exchange.await {
        Ok(Ok(response)) => Ok(Response::from(response)),
        Ok(Err(failure)) => Err(Failure::Io(failure)),
        Err(e) => Err(Failure::Io(IoFailure {
            connecting: false,
            error: std::io::Error::other(e),
        })),
    }
}

/// The connection of one exchange, to close from another thread when the
/// request is dropped (a blocked write or read then fails at once).
#[derive(Default)]
struct Connection {
    stream: Mutex<Option<TcpStream>>,
    closed: AtomicBool,
}

struct CloseOnDrop(Arc<Connection>);

impl Drop for CloseOnDrop {
    fn drop(&mut self) {
        self.0.closed.store(true, Ordering::SeqCst);
        let stream = self.0.stream.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(stream) = stream.as_ref() {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
}

/// The request line and headers, as HTTP/1.1 sends them.
fn request_head(request: &reqwest::Request, len: u64) -> Vec<u8> {
    let url = request.url();
    let mut head = Vec::with_capacity(512);
    let target = match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    };
    let host = match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_owned(),
    };
    let _ = write!(
        head,
        "{} {target} HTTP/1.1\r\nhost: {host}\r\n",
        request.method()
    );
    let headers = request.headers();
    for (name, value) in headers {
        if [
            header::HOST,
            header::CONTENT_LENGTH,
            header::TRANSFER_ENCODING,
            header::CONNECTION,
        ]
        .contains(name)
        {
            continue;
        }
        head.extend_from_slice(name.as_str().as_bytes());
        head.extend_from_slice(b": ");
        head.extend_from_slice(value.as_bytes());
        head.extend_from_slice(b"\r\n");
    }
    if !headers.contains_key(header::USER_AGENT) {
        head.extend_from_slice(
            concat!("user-agent: hjob/", env!("CARGO_PKG_VERSION"), "\r\n").as_bytes(),
        );
    }
    if !headers.contains_key(header::ACCEPT) {
        head.extend_from_slice(b"accept: */*\r\n");
    }
    let _ = write!(head, "content-length: {len}\r\nconnection: close\r\n\r\n");
    head
}

/// Connects, sends the head and the body, reads the answer.
fn exchange(
    url: &reqwest::Url,
    head: &[u8],
    body: &FileBody,
    limits: Limits,
    connection: &Connection,
) -> Result<http::Response<Vec<u8>>, IoFailure> {
    let mut stream = connect(url, limits.connect).map_err(|error| IoFailure {
        connecting: true,
        error,
    })?;
    let sending = |error| IoFailure {
        connecting: false,
        error,
    };
    stream.set_nodelay(true).map_err(sending)?;
    stream
        .set_write_timeout(Some(limits.stall))
        .map_err(sending)?;
    stream
        .set_read_timeout(Some(limits.stall))
        .map_err(sending)?;
    {
        let mut slot = connection.stream.lock().unwrap_or_else(|e| e.into_inner());
        if connection.closed.load(Ordering::SeqCst) {
            return Err(sending(std::io::Error::other("the request was dropped")));
        }
        *slot = Some(stream.try_clone().map_err(sending)?);
    }
    let sent = stream
        .write_all(head)
        .and_then(|()| send_body(&stream, body, connection));
    match sent {
        Ok(()) => read_response(&mut stream).map_err(sending),
        // The server may have answered before taking the whole body (a
        // refusal) and closed: that answer says more than the reset.
        Err(error)
            if matches!(
                error.kind(),
                std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::ConnectionReset
            ) && !connection.closed.load(Ordering::SeqCst) =>
        {
            read_response(&mut stream).map_err(|_| sending(error))
        }
        Err(error) => Err(sending(error)),
    }
}

/// A TCP connection to the URL's host, trying each of its addresses.
fn connect(url: &reqwest::Url, timeout: Duration) -> std::io::Result<TcpStream> {
    let addresses = url.socket_addrs(|| Some(80))?;
    let mut last = None;
    for address in addresses {
        match TcpStream::connect_timeout(&address, timeout) {
            Ok(stream) => return Ok(stream),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("{} has no address", url.host_str().unwrap_or_default()),
        )
    }))
}

/// Bytes read and written at a time on hjob's own connection. Small, so the
/// buffer stays in the CPU's cache between the read and the write. On a
/// loopback DataNode (the sandbox, or a rig's), 32 KiB writes took half
/// the receiver's CPU of `sendfile` (whose page-cache pages cost the
/// receiving side more to take in) and of 64 KiB writes; see the README's
/// benchmarks.
const SEND_CHUNK: usize = 32 * 1024;
/// Progress is told every this many bytes (and at the end).
const PROGRESS_STEP: u64 = 4 << 20;

/// Sends the body: each chunk read into one reused buffer, then written.
fn send_body(
    mut stream: &TcpStream,
    body: &FileBody,
    connection: &Connection,
) -> std::io::Result<()> {
    let mut buffer = vec![0u8; SEND_CHUNK];
    let mut offset = 0u64;
    let mut told = 0u64;
    while offset < body.len {
        if connection.closed.load(Ordering::SeqCst) {
            return Err(std::io::Error::other("the request was dropped"));
        }
        let want = (body.len - offset).min(SEND_CHUNK as u64) as usize;
        let n = read_at(&body.file, &mut buffer[..want], offset)?;
        if n == 0 {
            return Err(shrank());
        }
        stream.write_all(&buffer[..n]).map_err(|e| match e.kind() {
            // SO_SNDTIMEO ran out with nothing taken.
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the server took no bytes for too long",
            ),
            _ => e,
        })?;
        offset += n as u64;
        if offset - told >= PROGRESS_STEP || offset == body.len {
            (body.progress)(offset);
            told = offset;
        }
    }
    Ok(())
}

fn shrank() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::UnexpectedEof,
        "the file shrank while it was sent",
    )
}

/// Largest answer head read.
const MAX_HEAD: usize = 64 * 1024;
/// Largest answer body read (answers to an upload are empty or a short
/// JSON error).
const MAX_BODY: usize = 4 << 20;

/// Reads the answer: status line and headers, then a body sized by
/// `Content-Length`, chunked, or up to the end of the connection. Interim
/// answers (1xx) are skipped: a real DataNode sends `100 Continue` to every
/// CREATE, asked or not.
fn read_response(stream: &mut TcpStream) -> std::io::Result<http::Response<Vec<u8>>> {
    let mut buffer = Vec::with_capacity(4096);
    let (status, headers, head_len) = loop {
        let mut slots = [httparse::EMPTY_HEADER; 64];
        let mut parsed = httparse::Response::new(&mut slots);
        let httparse::Status::Complete(len) =
            parsed.parse(&buffer).map_err(|e| invalid(e.to_string()))?
        else {
            if buffer.len() > MAX_HEAD {
                return Err(invalid("the answer's head is too long"));
            }
            read_more(
                stream,
                &mut buffer,
                "the server closed the connection without answering",
            )?;
            continue;
        };
        let code = parsed.code.unwrap_or_default();
        if (100..200).contains(&code) && code != 101 {
            buffer.drain(..len);
            continue;
        }
        let status = StatusCode::from_u16(code).map_err(|e| invalid(e.to_string()))?;
        let mut headers = HeaderMap::new();
        for h in parsed.headers.iter() {
            let name = header::HeaderName::from_bytes(h.name.as_bytes())
                .map_err(|e| invalid(e.to_string()))?;
            let value = HeaderValue::from_bytes(h.value).map_err(|e| invalid(e.to_string()))?;
            headers.append(name, value);
        }
        break (status, headers, len);
    };
    let mut rest = buffer.split_off(head_len);
    let chunked = headers
        .get(header::TRANSFER_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<usize>().ok());
    let body = if chunked {
        read_chunked(stream, rest)?
    } else if let Some(length) = length {
        if length > MAX_BODY {
            return Err(invalid("the answer's body is too long"));
        }
        while rest.len() < length {
            read_more(stream, &mut rest, CUT_OFF)?;
        }
        rest.truncate(length);
        rest
    } else if status == StatusCode::NO_CONTENT || status == StatusCode::NOT_MODIFIED {
        Vec::new()
    } else {
        read_to_end(stream, rest)?
    };
    let mut response = http::Response::new(body);
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    Ok(response)
}

/// What a read that met the end of the connection too soon says.
const CUT_OFF: &str = "the answer was cut off";

/// Appends the next bytes from the connection to `data`; the end of the
/// connection is an error saying `at_end`.
fn read_more(stream: &mut TcpStream, data: &mut Vec<u8>, at_end: &str) -> std::io::Result<()> {
    let mut chunk = [0u8; 4096];
    let n = stream.read(&mut chunk)?;
    if n == 0 {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            at_end.to_owned(),
        ));
    }
    data.extend_from_slice(&chunk[..n]);
    Ok(())
}

/// The rest of the connection, as the body (no length given).
fn read_to_end(stream: &mut TcpStream, mut body: Vec<u8>) -> std::io::Result<Vec<u8>> {
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Ok(body);
        }
        body.extend_from_slice(&chunk[..n]);
        if body.len() > MAX_BODY {
            return Err(invalid("the answer's body is too long"));
        }
    }
}

/// A chunked body (`Transfer-Encoding: chunked`), its trailers dropped.
fn read_chunked(stream: &mut TcpStream, mut data: Vec<u8>) -> std::io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let (consumed, size) = loop {
            match httparse::parse_chunk_size(&data).map_err(|_| invalid("a bad chunk size"))? {
                httparse::Status::Complete(found) => break found,
                httparse::Status::Partial => read_more(stream, &mut data, CUT_OFF)?,
            }
        };
        data.drain(..consumed);
        let size = usize::try_from(size).unwrap_or(usize::MAX);
        if body.len().saturating_add(size) > MAX_BODY {
            return Err(invalid("the answer's body is too long"));
        }
        if size == 0 {
            // Trailers end with an empty line; nothing is made of them.
            return Ok(body);
        }
        while data.len() < size + 2 {
            read_more(stream, &mut data, CUT_OFF)?;
        }
        body.extend_from_slice(&data[..size]);
        data.drain(..size + 2);
    }
}

fn invalid(message: impl Into<String>) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, message.into())
}

/// Reads at `offset` without moving the file's position.
fn read_at(file: &File, buffer: &mut [u8], offset: u64) -> std::io::Result<usize> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_at(file, buffer, offset)
    }
    #[cfg(windows)]
    {
        std::os::windows::fs::FileExt::seek_read(file, buffer, offset)
    }
}

/// Size of one read from disk when the file is streamed.
pub const UPLOAD_CHUNK: usize = 256 * 1024;
/// Chunks read ahead of the network at most (memory stays under a few MiB).
const UPLOAD_READ_AHEAD: usize = 8;
/// Buffers one upload cycles through: the chunks read ahead, the one being
/// read, and the few the HTTP client may still hold while writing.
const UPLOAD_BUFFERS: usize = UPLOAD_READ_AHEAD + 4;

/// A chunk of a file being streamed. When the HTTP client is done with it,
/// its buffer goes back to the reader, so a stream allocates (and zeroes)
/// its few buffers once instead of one per chunk.
struct PooledChunk {
    buffer: Vec<u8>,
    len: usize,
    home: std::sync::mpsc::Sender<Vec<u8>>,
}

impl AsRef<[u8]> for PooledChunk {
    fn as_ref(&self) -> &[u8] {
        &self.buffer[..self.len]
    }
}

impl Drop for PooledChunk {
    fn drop(&mut self) {
        // The reader may be gone (upload over): then the buffer is freed.
        let _ = self.home.send(std::mem::take(&mut self.buffer));
    }
}

impl FileBody {
    /// The body as a stream for the HTTP client: chunks read by a thread a
    /// few ahead of the network, so disk reads overlap the socket writes
    /// and memory stays bounded whatever the file's size. The thread ends
    /// after the last chunk, or as soon as the request drops the stream.
    pub(super) fn into_stream(self) -> reqwest::Body {
        let (sender, mut receiver) =
            tokio::sync::mpsc::channel::<std::io::Result<bytes::Bytes>>(UPLOAD_READ_AHEAD);
        std::thread::spawn(move || {
            let (home, free) = std::sync::mpsc::channel::<Vec<u8>>();
            let mut allocated = 0;
            let mut offset = 0u64;
            while offset < self.len {
                let mut buffer = match free.try_recv() {
                    Ok(buffer) => buffer,
                    Err(_) if allocated < UPLOAD_BUFFERS => {
                        allocated += 1;
                        vec![0u8; UPLOAD_CHUNK]
                    }
                    // All in flight: wait for the network to hand one back.
                    Err(_) => match free.recv() {
                        Ok(buffer) => buffer,
                        Err(_) => return,
                    },
                };
                let want = (self.len - offset).min(UPLOAD_CHUNK as u64) as usize;
                let chunk = match read_at(&self.file, &mut buffer[..want], offset) {
                    Ok(0) => Err(shrank()),
                    Ok(n) => {
                        offset += n as u64;
                        Ok(bytes::Bytes::from_owner(PooledChunk {
                            buffer,
                            len: n,
                            home: home.clone(),
                        }))
                    }
                    Err(e) => Err(e),
                };
                let failed = chunk.is_err();
                if sender.blocking_send(chunk).is_err() || failed {
                    return;
                }
            }
        });
        let progress = self.progress;
        let mut sent = 0u64;
        let chunks = futures_util::stream::poll_fn(move |context| {
            let next = receiver.poll_recv(context);
            if let std::task::Poll::Ready(Some(Ok(chunk))) = &next {
                sent += chunk.len() as u64;
                progress(sent);
            }
            next
        });
        reqwest::Body::wrap_stream(chunks)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_answers_are_decoded() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let server = std::thread::spawn(move || {
            let (mut socket, _) = listener.accept().unwrap();
            socket
                .write_all(
                    b"HTTP/1.1 403 Forbidden\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\n3;x=y\r\n 1}\r\n0\r\nTrailer: z\r\n\r\n",
                )
                .unwrap();
        });
        let mut stream = TcpStream::connect(address).unwrap();
        let response = read_response(&mut stream).unwrap();
        server.join().unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert_eq!(response.body(), b"{\"a\": 1}");
    }

    #[test]
    fn answers_without_a_length_end_with_the_connection() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let server = std::thread::spawn(move || {
            let (mut socket, _) = listener.accept().unwrap();
            socket
                .write_all(b"HTTP/1.0 500 Oops\r\nX-A: 1\r\n\r\nno length")
                .unwrap();
        });
        let mut stream = TcpStream::connect(address).unwrap();
        let response = read_response(&mut stream).unwrap();
        server.join().unwrap();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(response.headers()["x-a"], "1");
        assert_eq!(response.body(), b"no length");
    }

    /// A server for one request: reads its head and `Content-Length`
    /// bytes of body (or, with `refuse`, none, answering 403 at once and
    /// closing), answers, and hands back the request's head and body.
    fn one_request_server(refuse: bool) -> (String, std::thread::JoinHandle<(String, Vec<u8>)>) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!(
            "http://{}/webhdfs/v1/f?op=CREATE",
            listener.local_addr().unwrap()
        );
        let server = std::thread::spawn(move || {
            let (mut socket, _) = listener.accept().unwrap();
            let mut data = Vec::new();
            let mut chunk = [0u8; 65536];
            let head_end = loop {
                let n = socket.read(&mut chunk).unwrap();
                data.extend_from_slice(&chunk[..n]);
                if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                    break i + 4;
                }
            };
            let head = String::from_utf8(data[..head_end].to_vec()).unwrap();
            if refuse {
                socket
                    .write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 4\r\n\r\nnope")
                    .unwrap();
                return (head, Vec::new());
            }
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length: "))
                .unwrap()
                .trim()
                .parse()
                .unwrap();
            // As a real DataNode does, unasked.
            socket.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").unwrap();
            let mut body = data[head_end..].to_vec();
            while body.len() < length {
                let n = socket.read(&mut chunk).unwrap();
                assert!(n > 0, "body cut short at {}", body.len());
                body.extend_from_slice(&chunk[..n]);
            }
            socket
                .write_all(
                    b"HTTP/1.1 201 Created\r\nLocation: hdfs://nn/f\r\nContent-Length: 0\r\n\r\n",
                )
                .unwrap();
            (head, body)
        });
        (url, server)
    }

    fn test_file(len: usize) -> (tempfile::NamedTempFile, Vec<u8>) {
        let content: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), &content).unwrap();
        (file, content)
    }

    fn client() -> reqwest::Client {
        let _ = rustls::crypto::ring::default_provider().install_default();
        reqwest::Client::new()
    }

    /// The first `len` bytes of `file` as a body, and what it last said
    /// it had sent.
    fn body_of(
        file: &tempfile::NamedTempFile,
        len: usize,
    ) -> (FileBody, Arc<std::sync::atomic::AtomicU64>) {
        let seen = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let progress = seen.clone();
        let body = FileBody::new(
            Arc::new(File::open(file.path()).unwrap()),
            len as u64,
            move |n| progress.store(n, Ordering::Relaxed),
        );
        (body, seen)
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    const LIMITS: Limits = Limits {
        connect: Duration::from_secs(10),
        stall: Duration::from_secs(60),
    };

    #[test]
    fn a_file_sent_on_its_own_connection_arrives_whole_with_its_headers() {
        // Many chunks and progress steps, and not a multiple of either.
        let len = (PROGRESS_STEP as usize) * 2 + 12_345;
        let (file, content) = test_file(len);
        let (url, server) = one_request_server(false);
        let (body, seen) = body_of(&file, len);
        let request = client()
            .put(&url)
            .header("content-type", "application/octet-stream")
            .build()
            .unwrap();
        let response = runtime()
            .block_on(send_directly(request, body, LIMITS))
            .unwrap();
        let (head, received) = server.join().unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        assert_eq!(response.headers()["location"], "hdfs://nn/f");
        assert!(
            head.starts_with("PUT /webhdfs/v1/f?op=CREATE HTTP/1.1\r\n"),
            "{head}"
        );
        assert!(
            head.contains("content-type: application/octet-stream\r\n"),
            "{head}"
        );
        assert_eq!(received.len(), len);
        assert!(received == content, "content changed in transit");
        assert_eq!(seen.load(Ordering::Relaxed), len as u64);
    }

    #[test]
    fn a_streamed_file_reuses_its_buffers_and_arrives_whole() {
        // Many more chunks than buffers: each buffer goes round several
        // times, and every byte must still arrive in order.
        let len = UPLOAD_CHUNK * (UPLOAD_BUFFERS * 3) + 12_345;
        let (file, content) = test_file(len);
        let (url, server) = one_request_server(false);
        let (body, seen) = body_of(&file, len);
        let response = runtime()
            .block_on(
                client()
                    .put(&url)
                    .header("content-length", len)
                    .body(body.into_stream())
                    .send(),
            )
            .unwrap();
        let (_, received) = server.join().unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        assert!(received == content, "content changed in transit");
        assert_eq!(seen.load(Ordering::Relaxed), len as u64);
    }

    #[test]
    fn a_file_that_shrank_fails_the_request() {
        let (file, _) = test_file(1000);
        let (url, _server) = one_request_server(false);
        // Announced longer than it is, as if it shrank once opened.
        let (body, _) = body_of(&file, 5000);
        let request = client().put(&url).build().unwrap();
        match runtime().block_on(send_directly(request, body, LIMITS)) {
            Err(Failure::Io(failure)) => {
                assert!(!failure.connecting);
                assert!(failure.to_string().contains("shrank"), "{failure}");
            }
            other => panic!("expected a failure, got {other:?}"),
        }
    }

    #[test]
    fn a_refusal_before_the_body_was_taken_is_the_answer() {
        // Bigger than the socket buffers: the server closes unread.
        let len = 32 << 20;
        let (file, _) = test_file(len);
        let (url, server) = one_request_server(true);
        let (body, _) = body_of(&file, len);
        let request = client().put(&url).build().unwrap();
        let result = runtime().block_on(send_directly(request, body, LIMITS));
        server.join().unwrap();
        // The answer came in before the reset: Linux reads it first.
        let response = result.expect("the server's answer");
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }

    #[test]
    fn a_server_that_stops_taking_the_body_times_out() {
        // Bigger than the socket buffers, and a server that reads nothing
        // past the head: the kernel's send waits, then gives up.
        let len = 64 << 20;
        let (file, _) = test_file(len);
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/x", listener.local_addr().unwrap());
        let (done, finished) = std::sync::mpsc::channel::<()>();
        let server = std::thread::spawn(move || {
            let (socket, _) = listener.accept().unwrap();
            // Holds the connection open, unread, until the client gave up.
            let _ = finished.recv();
            drop(socket);
        });
        let (body, _) = body_of(&file, len);
        let request = client().put(&url).build().unwrap();
        let limits = Limits {
            connect: Duration::from_secs(10),
            stall: Duration::from_millis(300),
        };
        let result = runtime().block_on(send_directly(request, body, limits));
        done.send(()).unwrap();
        server.join().unwrap();
        match result {
            Err(Failure::Io(failure)) => {
                assert!(!failure.connecting);
                assert!(failure.to_string().starts_with("timed out"), "{failure}");
            }
            other => panic!("expected a timeout, got {other:?}"),
        }
    }

    #[test]
    fn nothing_listening_is_a_connect_failure() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let (file, _) = test_file(10);
        let (body, _) = body_of(&file, 10);
        let request = client()
            .put(format!("http://127.0.0.1:{port}/x"))
            .build()
            .unwrap();
        match runtime().block_on(send_directly(request, body, LIMITS)) {
            Err(Failure::Io(failure)) => assert!(failure.connecting, "{failure}"),
            other => panic!("expected a connect failure, got {other:?}"),
        }
    }

    #[test]
    fn only_plain_http_goes_directly() {
        let url = |u: &str| reqwest::Url::parse(u).unwrap();
        assert!(!can_send_directly(&url("https://dn:9865/x")));
        // The environment's proxies are not read here: that would race
        // with other tests; the rule is plain enough to read.
        if ["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"]
            .iter()
            .all(|v| std::env::var_os(v).is_none())
        {
            assert!(can_send_directly(&url("http://dn:9864/x")));
        }
    }

    #[test]
    fn the_head_carries_the_request_headers_and_the_length() {
        let client = client();
        let request = client
            .put("http://127.0.0.2:9864/webhdfs/v1/a%20b?op=CREATE&x=1")
            .header("content-type", "application/octet-stream")
            .header("cookie", "hadoop.auth=t")
            .build()
            .unwrap();
        let head = String::from_utf8(request_head(&request, 42)).unwrap();
        assert!(head.starts_with(
            "PUT /webhdfs/v1/a%20b?op=CREATE&x=1 HTTP/1.1\r\nhost: 127.0.0.2:9864\r\n"
        ));
        assert!(head.contains("content-type: application/octet-stream\r\n"));
        assert!(head.contains("cookie: hadoop.auth=t\r\n"));
        assert!(head.contains("content-length: 42\r\n"));
        assert!(head.ends_with("connection: close\r\n\r\n"));
    }
}
