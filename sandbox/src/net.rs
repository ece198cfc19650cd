//! Listeners and connections: binds loopback sockets, serves an axum router
//! over each accepted connection with hyper, and implements the network
//! faults (service down = listener closed and connections reset; a handler
//! can reset its own connection without answering).

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tower::ServiceExt as _;

/// The primary loopback address every service binds to.
pub(crate) const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
/// The second loopback address for DataNodes (another "host").
pub(crate) const DATANODE_HOST: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));

/// Per-connection handle that request handlers find in the request
/// extensions: who is connected, and a way to reset the connection.
#[derive(Clone, Debug)]
pub(crate) struct ConnectionControl {
    inner: Arc<ConnectionShared>,
    /// The client's address.
    pub(crate) peer: SocketAddr,
}

#[derive(Debug, Default)]
struct ConnectionShared {
    reset: AtomicBool,
    notify: Notify,
    /// An interim answer (`100 Continue`) to write before the next bytes
    /// of the final one.
    interim: std::sync::Mutex<Vec<u8>>,
}

impl ConnectionControl {
    fn new(peer: SocketAddr) -> Self {
        ConnectionControl {
            inner: Arc::default(),
            peer,
        }
    }

    /// Resets the TCP connection (RST, no answer). The calling handler
    /// should then never complete (see [`ConnectionControl::reset_and_hang`]).
    pub(crate) fn reset(&self) {
        self.inner.reset.store(true, Ordering::SeqCst);
        self.inner.notify.notify_one();
    }

    /// Sends `100 Continue` ahead of the answer, unasked, as a real
    /// DataNode does to every CREATE (recorded from Hadoop 3: `100
    /// Continue`, then the `201` or the error). The sandbox writes it just
    /// before the final answer's first bytes rather than at once: hyper
    /// has no way to send an interim answer unasked, and a client sees the
    /// same bytes in the same order.
    pub(crate) fn interim_continue(&self) {
        let mut interim = self.inner.interim.lock().unwrap_or_else(|e| e.into_inner());
        interim.extend_from_slice(b"HTTP/1.1 100 Continue\r\n\r\n");
    }

    /// Resets the connection and never returns.
    pub(crate) async fn reset_and_hang(&self) -> ! {
        self.reset();
        std::future::pending::<()>().await;
        unreachable!("pending never completes")
    }
}

/// A TCP stream that closes with RST instead of FIN when reset on purpose.
struct ResettableStream {
    stream: TcpStream,
    control: Arc<ConnectionShared>,
}

impl Drop for ResettableStream {
    fn drop(&mut self) {
        if self.control.reset.load(Ordering::SeqCst) {
            // SO_LINGER 0 makes close() send RST; with a zero timeout the
            // close does not block, which is the deprecation's concern.
            #[allow(deprecated)]
            let _ = self.stream.set_linger(Some(Duration::ZERO));
        }
    }
}

impl AsyncRead for ResettableStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl ResettableStream {
    /// Writes the pending interim answer, if any, before anything else.
    fn poll_interim(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let ResettableStream { stream, control } = self;
        let mut interim = control.interim.lock().unwrap_or_else(|e| e.into_inner());
        while !interim.is_empty() {
            match Pin::new(&mut *stream).poll_write(cx, &interim) {
                Poll::Ready(Ok(n)) => {
                    interim.drain(..n);
                }
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for ResettableStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        std::task::ready!(self.poll_interim(cx))?;
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        std::task::ready!(self.poll_interim(cx))?;
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

/// Binds `ip:port`; with port 0 the OS picks one.
pub(crate) async fn bind(ip: IpAddr, port: u16) -> anyhow::Result<TcpListener> {
    TcpListener::bind((ip, port))
        .await
        .map_err(|e| anyhow::anyhow!("cannot bind {ip}:{port}: {e}"))
}

/// Serves `router` on `listener` until `shutdown` fires (or its sender is
/// dropped). While `down` is true the listener is closed (connections are
/// refused) and open connections are reset; it is re-bound on the same
/// address when `down` goes back to false.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    mut down: watch::Receiver<bool>,
    mut shutdown: watch::Receiver<bool>,
) {
    let Ok(addr) = listener.local_addr() else {
        return;
    };
    let mut listener = Some(listener);
    loop {
        if *shutdown.borrow() {
            return;
        }
        if *down.borrow() {
            listener = None;
        }
        match &listener {
            Some(l) => {
                tokio::select! {
                    accepted = l.accept() => {
                        if let Ok((stream, peer)) = accepted {
                            let _ = stream.set_nodelay(true);
                            tokio::spawn(serve_connection(
                                stream,
                                peer,
                                router.clone(),
                                down.clone(),
                                shutdown.clone(),
                            ));
                        }
                    }
                    _ = down.changed() => {}
                    _ = shutdown.changed() => {}
                }
            }
            None => {
                tokio::select! {
                    changed = down.changed() => {
                        if changed.is_err() {
                            return;
                        }
                        if !*down.borrow() {
                            listener = rebind(addr).await;
                        }
                    }
                    _ = shutdown.changed() => {}
                }
            }
        }
        if shutdown.has_changed().is_err() {
            return;
        }
    }
}

async fn rebind(addr: SocketAddr) -> Option<TcpListener> {
    for _ in 0..50 {
        if let Ok(l) = TcpListener::bind(addr).await {
            return Some(l);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tracing::error!("could not re-bind {addr} after a service-down fault");
    None
}

async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    router: Router,
    mut down: watch::Receiver<bool>,
    mut shutdown: watch::Receiver<bool>,
) {
    let control = ConnectionControl::new(peer);
    let shared = control.inner.clone();
    let io = TokioIo::new(ResettableStream {
        stream,
        control: shared.clone(),
    });
    let handler_control = control.clone();
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(handler_control.clone());
        router.clone().oneshot(request)
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        .serve_connection(io, service);
    tokio::select! {
        _ = connection => {}
        _ = shared.notify.notified() => {}
        _ = down.wait_for(|d| *d) => {
            shared.reset.store(true, Ordering::SeqCst);
        }
        _ = shutdown.changed() => {}
    }
}
