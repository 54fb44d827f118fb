//! A deadline on the request body. actix-web bounds the time a client takes to send its head
//! (`client_request_timeout`) but not its body: a client sending one byte a second holds a
//! connection, and the handler reading it, for as long as it likes, before any authentication
//! on routes that verify a signature over the body (the Stripe webhook). Every request's body
//! stream is wrapped here: past the deadline, counted from the end of the head, the stream
//! fails, the request is answered 408 and its connection closed.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use actix_web::web::Bytes;
use futures_util::Stream;

/// How long a body may take (in app data).
#[derive(Debug, Clone, Copy)]
pub struct BodyDeadline(pub Duration);

/// Set when a request's body ran past its deadline (in request extensions).
#[derive(Debug, Clone, Default)]
pub struct BodyTimedOut(pub Arc<AtomicBool>);

impl BodyTimedOut {
    pub fn happened(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}

type Inner = Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>>;

struct Deadlined {
    inner: Inner,
    sleep: Pin<Box<tokio::time::Sleep>>,
    flag: BodyTimedOut,
    done: bool,
}

impl Stream for Deadlined {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        match self.inner.as_mut().poll_next(cx) {
            Poll::Ready(None) => {
                self.done = true;
                Poll::Ready(None)
            }
            Poll::Ready(item) => Poll::Ready(item),
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

/// The body of `payload`, failing once `deadline` has passed; `flag` tells that it did.
pub fn wrap(payload: Payload, deadline: Duration, flag: BodyTimedOut) -> Payload {
    let inner: Inner = Box::pin(payload);
    Payload::Stream {
        payload: Box::pin(Deadlined {
            inner,
            sleep: Box::pin(tokio::time::sleep(deadline)),
            flag,
            done: false,
        }),
    }
}
