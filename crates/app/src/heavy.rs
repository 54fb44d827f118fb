//! CPU-heavy work: a split over thousands of estates, a yearly review, a PDF.
//!
//! Each runs on a thread of its own pool, so that the async workers keep answering the small
//! requests meanwhile, and no more of them run at once than there are slots and threads (by
//! default, the machine's cores): more would only share the same cores, each holding its inputs
//! and its answer in memory. The threads are few and live as long as the server: glibc's
//! allocator gives every thread that allocates an arena of its own, which keeps what was freed
//! in it, so work spread over short-lived blocking threads left the server's memory higher (168
//! MiB resident after PDFs at 50 connections, against 123 MiB with two arenas). A request waits for a slot in turn; one that waits longer than the configured time is
//! answered 503 `SERVER_BUSY` with `Retry-After`, rather than being held until its client gives
//! up.

use faireplace_kernel::ErrorCode;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};

use crate::AppError;

type Job = Box<dyn FnOnce() + Send>;

/// The slots for heavy work and the threads that do it, shared by every service that does
/// some. The threads end when the last clone is dropped.
#[derive(Clone, Debug)]
pub struct HeavyWork {
    slots: Arc<Semaphore>,
    wait: Duration,
    jobs: Sender<Job>,
}

/// A slot held: the work it admits runs until it is dropped (by [`HeavyWork::run`] once the
/// work is done, when the request went away meanwhile).
#[derive(Debug)]
pub struct Slot {
    _permit: OwnedSemaphorePermit,
}

impl HeavyWork {
    /// `slots` at once (at least one); a request waits at most `wait` for one.
    pub fn new(slots: usize, wait: Duration) -> Self {
        let slots = slots.max(1);
        let (jobs, queue) = channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..slots {
            let queue = queue.clone();
            // A thread that cannot start leaves the work to the others (or, without any, every
            // heavy request answers 500): the server itself keeps serving.
            let _ = std::thread::Builder::new()
                .name(format!("heavy-work-{n}"))
                .spawn(move || work_on(&queue));
        }
        Self {
            slots: Arc::new(Semaphore::new(slots)),
            wait,
            jobs,
        }
    }

    /// As many slots as the machine has cores.
    pub fn per_core(wait: Duration) -> Self {
        Self::new(
            std::thread::available_parallelism().map_or(2, usize::from),
            wait,
        )
    }

    /// Waits for a slot, at most the configured time.
    pub async fn slot(&self) -> Result<Slot, AppError> {
        match tokio::time::timeout(self.wait, self.slots.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(Slot { _permit: permit }),
            _ => Err(AppError::ServiceUnavailable {
                code: ErrorCode::ServerBusy,
                message: "the server is busy with long computations: retry in a moment".into(),
                retry_after: Some(1),
            }),
        }
    }

    /// Runs `work` on one of the pool's threads and gives the slot back with its answer. The
    /// slot travels with the work: a request dropped meanwhile (its client gone, the server
    /// shutting down) frees it only when the work is done, so that a slot held always means a
    /// thread free. A panic in `work` is an error of this request only.
    pub async fn run<T, F>(&self, slot: Slot, work: F) -> Result<(T, Slot), AppError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let (answer, answered) = oneshot::channel();
        let job: Job = Box::new(move || {
            let out = catch_unwind(AssertUnwindSafe(work));
            // Without anyone waiting, the answer and the slot are dropped here.
            let _ = answer.send((out, slot));
        });
        let failed =
            |what: &str| AppError::Unknown(Box::new(std::io::Error::other(what.to_owned())));
        self.jobs
            .send(job)
            .map_err(|_| failed("no thread left for heavy work"))?;
        match answered.await {
            Ok((Ok(value), slot)) => Ok((value, slot)),
            Ok((Err(_), _)) => Err(failed("heavy work panicked")),
            Err(_) => Err(failed("heavy work was dropped")),
        }
    }
}

/// A pool thread: takes the next job until every sender is gone.
fn work_on(queue: &Mutex<Receiver<Job>>) {
    loop {
        let job = match queue.lock() {
            Ok(queue) => queue.recv(),
            Err(_) => return,
        };
        match job {
            Ok(job) => job(),
            Err(_) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_request_waits_for_a_slot_then_is_told_the_server_is_busy() {
        let heavy = HeavyWork::new(1, Duration::from_millis(50));
        let held = heavy.slot().await.expect("the first slot");
        let refused = heavy.slot().await.expect_err("no slot left");
        assert!(matches!(
            refused,
            AppError::ServiceUnavailable {
                code: ErrorCode::ServerBusy,
                retry_after: Some(1),
                ..
            }
        ));
        drop(held);
        let slot = heavy
            .slot()
            .await
            .expect("a slot once the first is given back");
        let (answer, slot) = heavy.run(slot, || 6 * 7).await.expect("ran");
        assert_eq!(answer, 42);
        // The slot came back with the answer: no other is free until it is dropped.
        assert!(heavy.slot().await.is_err());
        drop(slot);
        assert!(heavy.slot().await.is_ok());
    }

    #[tokio::test]
    async fn a_request_dropped_midway_frees_its_slot_only_when_its_work_ends() {
        let heavy = HeavyWork::new(1, Duration::from_millis(50));
        let slot = heavy.slot().await.expect("a slot");
        let (release, released) = channel::<()>();
        let running = heavy.run(slot, move || released.recv().ok());
        // The request is dropped once its work has started (its client gone).
        let _ = tokio::time::timeout(Duration::from_millis(20), running).await;
        assert!(heavy.slot().await.is_err(), "the work still holds its slot");
        release.send(()).expect("the work is waiting");
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        loop {
            if heavy.slot().await.is_ok() {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the slot never came back"
            );
        }
    }

    #[tokio::test]
    async fn a_panic_fails_its_request_and_the_thread_keeps_working() {
        let heavy = HeavyWork::new(1, Duration::from_secs(1));
        let slot = heavy.slot().await.expect("a slot");
        let failed = heavy
            .run(slot, || -> u32 { panic!("a bug in a computation") })
            .await;
        assert!(matches!(failed, Err(AppError::Unknown(_))));
        let slot = heavy.slot().await.expect("the slot is free again");
        assert_eq!(heavy.run(slot, || 7).await.expect("ran").0, 7);
    }
}
