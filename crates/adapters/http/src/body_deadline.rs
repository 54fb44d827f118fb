//! A deadline on the request body. actix-web bounds the time a client takes to send its head
//! (`client_request_timeout`) but not its body: a client sending one byte a second holds a
//! connection, and the handler reading it, for as long as it likes, before any authentication
//! on routes that verify a signature over the body (the Stripe webhook).
//!
//! Every request's body stream is wrapped here. The body has `base` from the end of the head,
//! and each chunk that arrives adds the time it would take at `min_rate` bytes a second: a large
//! upload on a slow but honest link goes through, a trickle does not. Past the deadline the
//! stream fails and the request is answered 408.
//!
//! The connection is closed after an answer whose body was not read to its end (a 408, or a 401
//! given before the body was read): the body's stream is kept alive until the answer is sent
//! ([`HoldPayload`]), so that actix-http sees it unfinished and closes rather than draining the
//! rest of a chunked body with no timer running.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::body::{BodySize, BoxBody, MessageBody};
use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use actix_web::web::Bytes;
use futures_util::Stream;
use tokio::time::Instant;

/// How long a body may take (in app data): `base`, plus the time each received chunk takes at
/// `min_rate` bytes a second.
#[derive(Debug, Clone, Copy)]
pub struct BodyDeadline {
    pub base: Duration,
    pub min_rate: u64,
}

/// Set when a request's body ran past its deadline (in request extensions).
#[derive(Debug, Clone, Default)]
pub struct BodyTimedOut(pub Arc<AtomicBool>);

impl BodyTimedOut {
    pub fn happened(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}

type Inner = Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>>;

/// The request's own body stream, shared between the handler's wrapped stream and the answer.
pub type Held = Rc<RefCell<Option<Inner>>>;

struct Deadlined {
    inner: Held,
    sleep: Pin<Box<tokio::time::Sleep>>,
    deadline: Instant,
    min_rate: u64,
    flag: BodyTimedOut,
    done: bool,
}

impl Stream for Deadlined {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        let polled = match self.inner.borrow_mut().as_mut() {
            Some(inner) => inner.as_mut().poll_next(cx),
            None => Poll::Ready(None),
        };
        match polled {
            Poll::Ready(None) => {
                self.done = true;
                Poll::Ready(None)
            }
            Poll::Ready(Some(Ok(chunk))) => {
                // Each chunk earns the time it takes at the minimum rate.
                let earned = Duration::from_secs_f64(chunk.len() as f64 / self.min_rate as f64);
                let deadline = self.deadline + earned;
                self.deadline = deadline;
                self.sleep.as_mut().reset(deadline);
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e))),
            Poll::Pending => match self.sleep.as_mut().poll(cx) {
                Poll::Ready(()) => {
                    self.done = true;
                    self.flag.0.store(true, Ordering::Release);
                    Poll::Ready(Some(Err(PayloadError::Io(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        "the request body took too long to arrive",
                    )))))
                }
                Poll::Pending => Poll::Pending,
            },
        }
    }
}

/// The body of `payload`, failing once its deadline has passed (`flag` tells that it did); and
/// the body's own stream, to keep alive until the answer is sent.
pub fn wrap(payload: Payload, limits: BodyDeadline, flag: BodyTimedOut) -> (Payload, Held) {
    let inner: Held = Rc::new(RefCell::new(Some(Box::pin(payload))));
    let deadline = Instant::now() + limits.base;
    let stream: Inner = Box::pin(Deadlined {
        inner: inner.clone(),
        sleep: Box::pin(tokio::time::sleep_until(deadline)),
        deadline,
        min_rate: limits.min_rate.max(1),
        flag,
        done: false,
    });
    (Payload::Stream { payload: stream }, inner)
}

/// An answer's body that keeps the request's body stream alive until the answer is sent (see
/// the module's documentation).
pub struct HoldPayload {
    body: BoxBody,
    /// Never read: owned so that the stream lives as long as the answer.
    _held: Held,
}

impl HoldPayload {
    pub fn new(body: BoxBody, held: Held) -> Self {
        Self { body, _held: held }
    }
}

impl MessageBody for HoldPayload {
    type Error = Box<dyn std::error::Error>;

    fn size(&self) -> BodySize {
        self.body.size()
    }

    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_next(cx)
    }
}
