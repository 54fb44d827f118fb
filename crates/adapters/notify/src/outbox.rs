//! An in-memory outbox: the notifier of development and tests, where no mail should leave.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;
use faireplace_ports::notify::{Notifier, NotifyError, OutgoingMessage};

/// How many messages an outbox keeps unless told otherwise.
pub const DEFAULT_CAPACITY: usize = 1_000;

/// Keeps every message sent, newest last, instead of delivering it.
///
/// A clone is a handle on the same messages, so that the server can hand one clone to the use
/// cases as their [`Notifier`] and read the codes back through another. Past its capacity the
/// outbox drops its oldest message, so that a long-running development server does not grow
/// without end.
#[derive(Debug, Clone)]
pub struct Outbox {
    messages: Arc<Mutex<VecDeque<OutgoingMessage>>>,
    capacity: usize,
}

impl Default for Outbox {
    fn default() -> Self {
        Self::new()
    }
}

impl Outbox {
    /// An empty outbox keeping the last [`DEFAULT_CAPACITY`] messages.
    pub fn new() -> Self {
        Self::with_capacity(DEFAULT_CAPACITY)
    }

    /// An empty outbox keeping the last `capacity` messages (at least one).
    pub fn with_capacity(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        Self {
            messages: Arc::new(Mutex::new(VecDeque::new())),
            capacity,
        }
    }

    /// How many messages it keeps at most.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Every message kept, oldest first.
    pub fn messages(&self) -> Vec<OutgoingMessage> {
        self.lock().iter().cloned().collect()
    }

    /// The messages kept for `email`, oldest first. Addresses compare without regard to ASCII
    /// case, as mail servers in practice do.
    pub fn messages_to(&self, email: &str) -> Vec<OutgoingMessage> {
        let email = email.trim();
        self.lock()
            .iter()
            .filter(|m| m.to_email.trim().eq_ignore_ascii_case(email))
            .cloned()
            .collect()
    }

    /// The last message kept for `email`: the code to type, in a development session.
    pub fn latest_to(&self, email: &str) -> Option<OutgoingMessage> {
        let email = email.trim();
        self.lock()
            .iter()
            .rev()
            .find(|m| m.to_email.trim().eq_ignore_ascii_case(email))
            .cloned()
    }

    /// Forgets every message.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// The messages, even after a panic elsewhere while they were held: each change is one
    /// push or pop, so the list is never left half-changed.
    fn lock(&self) -> MutexGuard<'_, VecDeque<OutgoingMessage>> {
        self.messages.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[async_trait]
impl Notifier for Outbox {
    async fn send(&self, message: &OutgoingMessage) -> Result<(), NotifyError> {
        // The body (and the subject, which a caller may fill with the code) stay out of logs.
        tracing::info!(
            to = %message.to_email,
            kind = %message.kind,
            "message kept in the outbox, not delivered"
        );
        let mut messages = self.lock();
        while messages.len() >= self.capacity {
            messages.pop_front();
        }
        messages.push_back(message.clone());
        Ok(())
    }
}

impl faireplace_ports::notify::Mailbox for Outbox {
    fn messages_to(&self, email: &str) -> Vec<OutgoingMessage> {
        Outbox::messages_to(self, email)
    }
}
