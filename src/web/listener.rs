//! The dashboard's socket: at most `[web] max_connections` connections at once (the
//! others wait in the kernel's queue, so idle sockets cannot use up the process's file
//! descriptors), and a connection on which nothing moves for `[web] idle_timeout_secs` —
//! no request arriving, or a response the client does not read — is closed. A client that
//! never goes idle but trickles its request a byte at a time (slowloris) is cut off too: a
//! request must have arrived, headers and body, within twice `[web]
//! request_timeout_secs` of its first byte (the handler's own time is bounded by
//! `request_timeout_secs`, answered 408, in `web::limits`; hyper, which reads the headers,
//! has no timer of its own here).

use axum::serve::Listener;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, Sleep};

/// A TCP listener that hands out at most `max` connections at once.
pub struct GuardedListener {
    inner: TcpListener,
    slots: Arc<Semaphore>,
    limits: Limits,
}

/// How long a connection may stay idle, and a request take to arrive.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub idle: Duration,
    pub request: Duration,
}

impl GuardedListener {
    pub fn new(inner: TcpListener, max: usize, limits: Limits) -> Self {
        Self {
            inner,
            slots: Arc::new(Semaphore::new(max)),
            limits,
        }
    }
}

impl Listener for GuardedListener {
    type Io = GuardedStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (GuardedStream, SocketAddr) {
        // A slot first: a connection beyond the limit is not even accepted.
        let slot = Arc::clone(&self.slots)
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        loop {
            match self.inner.accept().await {
                Ok((stream, addr)) => {
                    let _ = stream.set_nodelay(true);
                    return (GuardedStream::new(stream, slot, self.limits), addr);
                }
                // (out of file descriptors, or a connection reset before it was taken:
                // wait a little rather than spin)
                Err(e) => {
                    tracing::warn!("dashboard: cannot accept a connection: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

/// A connection that holds its slot until dropped, and fails once idle too long or once
/// a request has taken too long to arrive.
pub struct GuardedStream {
    inner: TcpStream,
    _slot: OwnedSemaphorePermit,
    limits: Limits,
    /// When the first byte of the request being read came (none once we answer).
    request_started: Option<Instant>,
    deadline: Pin<Box<Sleep>>,
}

impl GuardedStream {
    fn new(inner: TcpStream, slot: OwnedSemaphorePermit, limits: Limits) -> Self {
        Self {
            inner,
            _slot: slot,
            limits,
            request_started: None,
            deadline: Box::pin(tokio::time::sleep(limits.idle)),
        }
    }

    /// Bytes moved (`read`: from the client): the idle clock restarts, and a request's
    /// clock starts with its first byte and stops when the answer starts.
    fn moved(&mut self, read: bool) {
        let now = Instant::now();
        if read {
            self.request_started.get_or_insert(now);
        } else {
            self.request_started = None;
        }
        let mut next = now + self.limits.idle;
        if let Some(started) = self.request_started {
            next = next.min(started + self.limits.request * 2);
        }
        self.deadline.as_mut().reset(next);
    }

    /// On a pending read or write: an error once the connection has been idle too long,
    /// or its request has taken too long to arrive.
    fn idle_too_long<T>(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<T>> {
        match self.deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "connection closed: idle, or its request too slow to arrive",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncRead for GuardedStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    this.moved(true);
                }
                Poll::Ready(Ok(()))
            }
            Poll::Pending => this.idle_too_long(cx),
            other => other,
        }
    }
}

impl AsyncWrite for GuardedStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_write(cx, buf) {
            Poll::Ready(Ok(n)) => {
                if n > 0 {
                    this.moved(false);
                }
                Poll::Ready(Ok(n))
            }
            Poll::Pending => this.idle_too_long(cx),
            other => other,
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_flush(cx) {
            Poll::Pending => this.idle_too_long(cx),
            other => other,
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}
