//! Where a request's scan runs: on the socket task for small bodies, on a
//! bounded set of scan threads for large ones.
//!
//! The socket tasks are tokio's workers, one per core: a scan that holds one
//! for long (a 1 MB prompt takes about 0.3 s of L1) stalls every connection
//! that worker serves, PrepareConf included. Bodies up to
//! `server.inline_scan_max_bytes` are scanned in place (a thread hop costs
//! more than their scan, and their scan is short by construction). Larger
//! ones run on at most `server.scan_workers` blocking threads; up to
//! `server.scan_queue` more may wait for one, and past that the request is
//! answered at once by the route's fail mode (503 `scanner_busy`, or continue
//! with `fail_open`), counted in `promptgate_scan_rejected_total`.
//!
//! A pooled scan keeps its permits inside the blocking work, so a caller
//! that goes away (shutdown, a closed connection) never frees a thread that
//! is still scanning.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::detect::Layer;
use crate::detect::cache::VerdictCache;
use crate::pipeline::RoutePolicy;
use crate::pipeline::{AnswerScan, Block, Decision, Pipeline, Pseudonyms, ScanRequest};
use crate::policy::ServerConfig;
use crate::telemetry;

/// Error code of the 503 reply when every scan thread is busy and the queue full.
pub const SCANNER_BUSY: &str = "scanner_busy";

/// The scan threads and their queue.
#[derive(Debug)]
pub struct ScanPool {
    inline_max: usize,
    /// One permit per scan thread.
    workers: Arc<Semaphore>,
    /// One permit per scan thread plus one per queue place.
    admission: Arc<Semaphore>,
    /// Scans admitted and not yet finished (the queue gauge).
    queued: Arc<AtomicUsize>,
}

/// What one request needs to be scanned anywhere: owned, so it can move to a
/// scan thread.
#[derive(Debug)]
pub struct ScanJob {
    /// The detectors of the runtime the request loaded.
    pub pipeline: Arc<Pipeline>,
    /// L0.
    pub cache: Arc<VerdictCache>,
    /// The route's policy.
    pub policy: RoutePolicy,
    /// The body as APISIX sent it; `None` when there is none.
    pub body: Option<Bytes>,
    /// The `content-encoding` header of the body.
    pub content_encoding: Option<Bytes>,
    /// Whether the body is a request's or an upstream answer's.
    pub direction: Direction,
}

/// Which way a scanned body travels.
#[derive(Debug)]
pub enum Direction {
    /// A request body, on its way to the model (HTTPReqCall).
    Request,
    /// The model's answer, on its way to the client (HTTPRespCall), with its
    /// `content-type`.
    Response {
        /// The upstream `content-type`.
        content_type: Option<Bytes>,
        /// Under reversible redaction, the request's placeholders and values.
        originals: Option<Arc<Pseudonyms>>,
        /// The request body, for the system-prompt echo check.
        request: Option<Bytes>,
    },
}

impl ScanJob {
    async fn decide(&self) -> Decision {
        match &self.direction {
            Direction::Request => {
                let request = ScanRequest {
                    body: self.body.as_deref(),
                    content_encoding: self.content_encoding.as_deref(),
                };
                self.pipeline
                    .decide_cached(&self.cache, &self.policy, request)
                    .await
            }
            Direction::Response {
                content_type,
                originals,
                request,
            } => {
                let Some(body) = self.body.as_deref() else {
                    return Decision::allow();
                };
                let answer = AnswerScan {
                    body,
                    content_type: content_type.as_deref(),
                    content_encoding: self.content_encoding.as_deref(),
                    originals: originals.as_deref(),
                    request: request.as_deref(),
                };
                self.pipeline.decide_response(&self.policy, answer)
            }
        }
    }
}

impl ScanPool {
    /// A pool sized by `server.scan_workers` (0: one per core),
    /// `server.scan_queue` and `server.inline_scan_max_bytes`.
    pub fn new(config: &ServerConfig) -> ScanPool {
        let workers = match config.scan_workers {
            0 => std::thread::available_parallelism().map_or(1, usize::from),
            n => n,
        };
        ScanPool {
            inline_max: config.inline_scan_max_bytes,
            workers: Arc::new(Semaphore::new(workers)),
            admission: Arc::new(Semaphore::new(workers.saturating_add(config.scan_queue))),
            queued: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Decides `job`: in place when its body is small, else on a scan thread
    /// (waiting for one if needed), or by the route's fail mode when the
    /// queue is full.
    pub async fn decide(&self, job: ScanJob) -> Decision {
        let size = job.body.as_ref().map_or(0, Bytes::len);
        // A compressed body may inflate far past its wire size: never inline.
        let compressed = job
            .content_encoding
            .as_deref()
            .is_some_and(|v| !v.eq_ignore_ascii_case(b"identity"));
        if size <= self.inline_max && !compressed || size == 0 {
            return job.decide().await;
        }
        let Ok(admitted) = Arc::clone(&self.admission).try_acquire_owned() else {
            telemetry::record_scan_rejected();
            telemetry::record_runner_error("scan_queue_full");
            tracing::warn!(
                body_bytes = size,
                "scan queue full; answering by the route's fail mode"
            );
            let decision = if job.policy.fail_open {
                Decision::allow()
            } else {
                Decision::block(scanner_busy())
            };
            return job.pipeline.early(&job.policy, decision);
        };
        let queued = Queued::enter(&self.queued);
        let Ok(worker) = Arc::clone(&self.workers).acquire_owned().await else {
            return job
                .pipeline
                .early(&job.policy, Decision::block(scanner_busy()));
        };
        let handle = tokio::runtime::Handle::current();
        let fail_open = job.policy.fail_open;
        let scanned = tokio::task::spawn_blocking(move || {
            // The permits and the queue place live as long as the scan.
            let _permits: (OwnedSemaphorePermit, OwnedSemaphorePermit, Queued) =
                (worker, admitted, queued);
            handle.block_on(job.decide())
        })
        .await;
        match scanned {
            Ok(decision) => decision,
            Err(error) => {
                // A panic in a layer: answer, never drop the call.
                tracing::error!(%error, "scan thread failed");
                telemetry::record_runner_error("scan_failed");
                if fail_open {
                    Decision::allow()
                } else {
                    Decision::block(crate::pipeline::scanner_unavailable(Layer::Gate))
                }
            }
        }
    }
}

/// The 503 of a request refused for want of a scan thread.
fn scanner_busy() -> Block {
    Block::new(
        503,
        SCANNER_BUSY,
        Layer::Gate,
        "the runner is busy scanning other large requests; try again later",
    )
}

/// One admitted scan, counted in the queue gauge while it lives.
#[derive(Debug)]
struct Queued(Arc<AtomicUsize>);

impl Queued {
    fn enter(count: &Arc<AtomicUsize>) -> Queued {
        let now = count.fetch_add(1, Ordering::Relaxed) + 1;
        telemetry::set_scan_queued(now);
        Queued(Arc::clone(count))
    }
}

impl Drop for Queued {
    fn drop(&mut self) {
        let now = self.0.fetch_sub(1, Ordering::Relaxed) - 1;
        telemetry::set_scan_queued(now);
    }
}
