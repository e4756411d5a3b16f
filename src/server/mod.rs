//! The Unix-socket server APISIX workers connect to.
//!
//! Takes frames from [`crate::protocol`] and the compiled [`Runtime`] from
//! [`crate::runtime`]; hands request bodies to the [`crate::pipeline`] and turns
//! its [`crate::pipeline::Decision`] into Stop / Rewrite / continue.
//!
//! * `listen` — the socket file: address parsing, stale-file replacement, mode,
//!   and removal only while the file is still ours.
//! * `connection` — one stream with its read buffer; whole frames in, whole
//!   replies out.
//! * `tokens` — the process-global conf-token store with sliding expiry.
//! * `conf_cache` — route confs sent inline (RequestCall), each parsed once
//!   into the token store and found again by its bytes; bounded.
//! * `sessions` — the process-global streamed-answer sessions (StreamChunk),
//!   bounded, with an idle timeout.
//! * `buffered` — whole answers sent in several StreamChunks, held to their
//!   END under a per-answer limit and a process-wide byte budget.
//! * `handler` — one connection's loop: read a frame, apply its command.
//! * `cmd` — the RPCs, one command per file: PrepareConf, HTTPReqCall (with
//!   its ExtraInfo round trips and one `finish` that observes and encodes),
//!   HTTPRespCall, and promptgate's own StreamChunk and RequestCall.
//! * `reply` — decisions as reply frames.
//! * `workers` — per-core current-thread runtimes that accepted connections
//!   are pinned to (`server.runtime = "per_core"`).
//!
//! Connections are served concurrently (APISIX sends PrepareConf on a second
//! connection while the first waits, spec 1.4), RPCs sequentially per
//! connection, and idle connections are never closed by the runner. Never runs
//! CPU-heavy detection on its own tasks beyond what the pipeline schedules.

mod buffered;
mod cmd;
mod conf_cache;
mod connection;
mod handler;
mod listen;
mod reply;
mod scan;
mod sessions;
mod tokens;
mod workers;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use tokio::net::UnixListener;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

pub use buffered::{BufferBudget, BufferError, BufferedAnswer};
pub use conf_cache::{InlineConfs, MAX_INLINE_CONFS};
pub use connection::{ConnError, Connection, OwnedFrame};
pub use listen::{
    BoundSocket, CONF_EXPIRE_ENV, LISTEN_ENV, ListenError, bind, parse_expire_time,
    parse_listen_address,
};
pub use reply::{REDACTED_HEADER, REQUEST_ID_HEADER, SHADOW_HEADER, shadow_note};
pub use scan::{Direction, SCANNER_BUSY, ScanJob, ScanPool};
pub use sessions::{Inspection, SessionError, StreamSession, StreamSessions, route_label};
pub use tokens::{ConfEntry, ConfStore, route_id_from_key};
pub use workers::Workers;

use crate::detect::cache::VerdictCache;
use crate::pipeline::{PseudonymKey, PseudonymStore, PseudonymVault};
use crate::runtime::Runtime;

/// How often expired conf tokens are swept out.
const TOKEN_PURGE_INTERVAL: Duration = Duration::from_secs(60);

/// State every connection shares.
#[derive(Debug)]
pub struct Shared {
    /// The compiled configuration; swapped whole on reload, read without locks.
    pub runtime: ArcSwap<Runtime>,
    /// Conf tokens from PrepareConf.
    pub tokens: ConfStore,
    /// The L0 verdict cache; outlives reloads (keys carry the policy fingerprint).
    pub cache: Arc<VerdictCache>,
    /// Where large scans run, off the socket tasks.
    pub scans: ScanPool,
    /// Reversible redaction: each request's placeholder mapping until its
    /// answer comes back (in process, bounded, see [`PSEUDONYM_TTL`]; also
    /// sealed in the cache's Redis when it has one and a key is configured).
    pub pseudonyms: PseudonymStore,
    /// Streamed answers being inspected (StreamChunk), by request id.
    pub streams: StreamSessions,
    /// Route confs sent inline with RequestCall, each parsed once.
    pub inline_confs: InlineConfs,
}

/// How long a request's placeholder mapping waits for its answer.
pub const PSEUDONYM_TTL: std::time::Duration = std::time::Duration::from_secs(600);
/// Most mappings held at once (the oldest go first).
pub const PSEUDONYM_MAX_ENTRIES: u64 = 100_000;
/// Most bytes of mappings held at once.
pub const PSEUDONYM_MAX_BYTES: u64 = 64 << 20;

impl Shared {
    /// Shared state for `runtime`, with tokens living 1.2 × `conf_expire_secs`.
    pub fn new(runtime: Runtime, conf_expire_secs: u64) -> Shared {
        Shared::with_cache(runtime, conf_expire_secs, VerdictCache::disabled())
    }

    /// Like [`Shared::new`], with an L0 cache. The token store's bounds and
    /// the scan pool come from `runtime`'s configuration (read once: they
    /// change with a restart).
    pub fn with_cache(runtime: Runtime, conf_expire_secs: u64, cache: VerdictCache) -> Shared {
        Shared::with_stores(runtime, conf_expire_secs, cache, None)
    }

    /// Like [`Shared::with_cache`]; with `pseudonym_key`, reversible-redaction
    /// mappings are also sealed in the cache's Redis tier (when it has one),
    /// so any runner sharing it can restore an answer.
    pub fn with_stores(
        runtime: Runtime,
        conf_expire_secs: u64,
        cache: VerdictCache,
        pseudonym_key: Option<PseudonymKey>,
    ) -> Shared {
        let pseudonyms = PseudonymStore::new(
            PseudonymVault::new(PSEUDONYM_MAX_ENTRIES, PSEUDONYM_MAX_BYTES, PSEUDONYM_TTL),
            PSEUDONYM_TTL,
            &cache,
            pseudonym_key,
        );
        let server = &runtime.config.server;
        let tokens = ConfStore::bounded(
            conf_expire_secs,
            server.max_conf_tokens,
            runtime.config.metrics.max_route_labels,
        );
        let scans = ScanPool::new(server);
        let streams = StreamSessions::new(
            server.max_streams,
            Duration::from_millis(server.stream_idle_timeout_ms),
            server.max_buffered_answer_bytes,
        );
        Shared {
            runtime: ArcSwap::from_pointee(runtime),
            tokens,
            cache: Arc::new(cache),
            scans,
            pseudonyms,
            streams,
            inline_confs: InlineConfs::default(),
        }
    }
}

/// Lets the reloader swap the runtime without knowing the server.
impl AsRef<ArcSwap<Runtime>> for Shared {
    fn as_ref(&self) -> &ArcSwap<Runtime> {
        &self.runtime
    }
}

/// A handler's view of the shutdown signal; remembers that it fired.
#[derive(Debug, Clone)]
pub struct Shutdown {
    receiver: watch::Receiver<bool>,
    grace: Duration,
}

impl Shutdown {
    /// Resolves once shutdown has begun (immediately if it already has).
    pub async fn wait(&mut self) {
        // An error means the sender is gone, which only happens after shutdown.
        let _ = self.receiver.wait_for(|stopping| *stopping).await;
    }

    /// Resolves once the grace period after shutdown began is over: a call
    /// in flight may finish within it, a wait on the peer may not outlast it.
    pub async fn grace_over(&mut self) {
        self.wait().await;
        tokio::time::sleep(self.grace).await;
    }
}

/// Server limits.
#[derive(Debug, Clone, Copy)]
pub struct ServeOptions {
    /// Most connections served at once.
    pub max_connections: usize,
    /// How long in-flight calls may finish after shutdown begins.
    pub grace: Duration,
    /// Per-core runtimes that accepted connections are pinned to
    /// ([`Workers`]); 0 serves them on the runtime that runs [`run`].
    pub per_core_runtimes: usize,
}

/// Accepts connections on `listener` until `shutdown` resolves, then lets
/// in-flight calls finish for up to `options.grace` and returns.
pub async fn run(
    listener: UnixListener,
    shared: Arc<Shared>,
    shutdown: impl Future<Output = ()>,
    options: ServeOptions,
) {
    let (stop_tx, stop_rx) = watch::channel(false);
    let permits = Arc::new(Semaphore::new(options.max_connections.max(1)));
    let mut handlers = JoinSet::new();
    let workers = match options.per_core_runtimes {
        0 => None,
        n => match Workers::start(n) {
            Ok(workers) => Some(workers),
            Err(error) => {
                tracing::error!(%error, "per-core runtimes unavailable; serving on the shared runtime");
                None
            }
        },
    };
    let purge = {
        let shared = shared.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(TOKEN_PURGE_INTERVAL);
            loop {
                tick.tick().await;
                shared.tokens.purge_expired();
            }
        })
    };
    let purge_streams = {
        let shared = shared.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(shared.streams.purge_interval());
            loop {
                tick.tick().await;
                let dropped = shared.streams.purge_idle();
                if dropped > 0 {
                    tracing::info!(dropped, "idle streamed-answer sessions dropped");
                }
            }
        })
    };
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            () = &mut shutdown => break,
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
        };
        let stream = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    // EMFILE and friends: back off instead of spinning.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let shared = shared.clone();
        let shutdown = Shutdown {
            receiver: stop_rx.clone(),
            grace: options.grace,
        };
        let serve = move |stream| async move {
            handler::serve(stream, shared, shutdown).await;
            drop(permit);
        };
        match &workers {
            Some(workers) => {
                if let Err(error) = workers.spawn(&mut handlers, stream, serve) {
                    tracing::warn!(%error, "connection dropped: it could not be handed to a runtime");
                }
            }
            None => {
                handlers.spawn(serve(stream));
            }
        }
        while handlers.try_join_next().is_some() {}
    }
    drop(listener);
    purge.abort();
    purge_streams.abort();
    let _ = stop_tx.send(true);
    let drained = tokio::time::timeout(options.grace, async {
        while handlers.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            remaining = handlers.len(),
            "calls still running after the grace period; abandoning them"
        );
        handlers.abort_all();
    }
    drop(handlers);
    if let Some(workers) = workers {
        // Joining their threads blocks: not on this runtime's thread.
        let _ = tokio::task::spawn_blocking(move || drop(workers)).await;
    }
}
