//! Prometheus metrics: names, labels and the recording functions the rest of
//! the runner calls. Labels are fixed, low-cardinality identifiers (route ids,
//! layers, categories, PII types, verdicts) and never request data.
//!
//! Recording is a no-op until [`serve_metrics`] installs the recorder, so unit
//! tests and `check-config` pay nothing.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use metrics::{counter, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::types::Layer;
use crate::types::Mode;
use crate::types::{Decision, ShadowOutcome, Verdict};

/// Requests decided, by route and verdict.
pub const REQUESTS_TOTAL: &str = "promptgate_requests_total";
/// Blocks (and shadow would-blocks), by layer and category.
pub const BLOCKED_TOTAL: &str = "promptgate_blocked_total";
/// Redacted values (and shadow would-redacts), by PII type.
pub const REDACTED_TOTAL: &str = "promptgate_redacted_total";
/// Time spent per layer.
pub const SCAN_DURATION: &str = "promptgate_scan_duration_seconds";
/// Time from HTTPReqCall to the answer, ExtraInfo round trips included.
pub const REQUEST_DURATION: &str = "promptgate_request_duration_seconds";
/// L0 hits, by tier (`memory`, `redis`).
pub const CACHE_HITS_TOTAL: &str = "promptgate_cache_hits_total";
/// L0 misses (neither tier had the verdict).
pub const CACHE_MISSES_TOTAL: &str = "promptgate_cache_misses_total";
/// 1 while the Redis tier is reachable and its breaker closed.
pub const REDIS_UP: &str = "promptgate_redis_up";
/// Things that went wrong inside the runner, by kind.
pub const RUNNER_ERRORS_TOTAL: &str = "promptgate_runner_errors_total";
/// Reload attempts, by result (`ok`, `error`).
pub const CONFIG_RELOADS_TOTAL: &str = "promptgate_config_reloads_total";
/// HTTPReqCalls being answered right now.
pub const INFLIGHT: &str = "promptgate_inflight";
/// Conf tokens dropped because the store was full (least recently used first).
pub const CONF_TOKENS_EVICTED_TOTAL: &str = "promptgate_conf_tokens_evicted_total";
/// Route confs counted under `route="other"` because the route labels were used up.
pub const ROUTE_LABELS_OVERFLOW_TOTAL: &str = "promptgate_route_labels_overflow_total";
/// Large scans refused because every scan thread was busy and the queue full.
pub const SCAN_REJECTED_TOTAL: &str = "promptgate_scan_rejected_total";
/// Large scans running on, or waiting for, a scan thread.
pub const SCAN_QUEUED: &str = "promptgate_scan_queued";
/// Log lines (audit events included) dropped because stderr did not keep up.
pub const LOG_LINES_DROPPED_TOTAL: &str = "promptgate_log_lines_dropped_total";

/// Histogram buckets for durations: 25 µs to 2.5 s.
const DURATION_BUCKETS: &[f64] = &[
    0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1,
    0.25, 0.5, 1.0, 2.5,
];

/// Handles of the fixed-label metrics recorded on every decision, resolved
/// once when the recorder is installed: a handle records with one atomic
/// operation, where the `counter!`-style macros hash and look up the key in
/// the registry on every call.
struct Handles {
    inflight: metrics::Gauge,
    /// `request_duration_seconds` by direction (request, response), then
    /// mode (enforce, shadow).
    request_duration: [[metrics::Histogram; 2]; 2],
    /// `scan_duration_seconds` by layer, in [`layer_index`] order.
    scan_duration: [metrics::Histogram; 6],
}

static HANDLES: std::sync::OnceLock<Handles> = std::sync::OnceLock::new();

impl Handles {
    fn resolve() -> Handles {
        let layers = [
            Layer::Gate,
            Layer::L0,
            Layer::L1,
            Layer::L15,
            Layer::L2,
            Layer::Output,
        ];
        Handles {
            inflight: gauge!(INFLIGHT),
            request_duration: [Direction::Request, Direction::Response].map(|direction| {
                [Mode::Enforce, Mode::Shadow].map(|mode| {
                    histogram!(REQUEST_DURATION, "mode" => mode.as_str(), "direction" => direction.as_str())
                })
            }),
            scan_duration: layers.map(|layer| histogram!(SCAN_DURATION, "layer" => layer.as_str())),
        }
    }
}

fn layer_index(layer: Layer) -> usize {
    match layer {
        Layer::Gate => 0,
        Layer::L0 => 1,
        Layer::L1 => 2,
        Layer::L15 => 3,
        Layer::L2 => 4,
        Layer::Output => 5,
    }
}

/// Largest scrape request read before answering.
const MAX_REQUEST_HEAD: usize = 8 * 1024;

/// How long a scraper may take to send its request head: a client that opens a
/// connection and stays silent must not hold a task for ever.
const HEAD_TIMEOUT: Duration = Duration::from_secs(5);

/// How long rendering and sending the answer may take once the head is read. Separate
/// from [`HEAD_TIMEOUT`], so a busy runner (every worker scanning) that renders late does
/// not cut off a scraper that asked in time.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(30);

/// Why the metrics endpoint could not start.
#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    /// `metrics.listen` is not a socket address.
    #[error("metrics.listen {0:?} is not an address such as 127.0.0.1:9464")]
    Address(String),
    /// The address could not be bound.
    #[error("cannot listen for metrics on {address}: {source}")]
    Bind {
        /// The address.
        address: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
    /// A recorder was already installed or the buckets are invalid.
    #[error("cannot install the metrics recorder: {0}")]
    Recorder(String),
}

/// Installs the Prometheus recorder and serves `GET <path>` on `listen`.
/// Must run inside the tokio runtime. Returns the bound address.
pub async fn serve_metrics(listen: &str, path: &str) -> Result<SocketAddr, MetricsError> {
    let address: SocketAddr = listen
        .parse()
        .map_err(|_| MetricsError::Address(listen.to_owned()))?;
    let listener = TcpListener::bind(address)
        .await
        .map_err(|source| MetricsError::Bind { address, source })?;
    let bound = listener.local_addr().unwrap_or(address);
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), DURATION_BUCKETS)
        .map_err(|e| MetricsError::Recorder(e.to_string()))?
        .install_recorder()
        .map_err(|e| MetricsError::Recorder(e.to_string()))?;
    describe();
    gauge!(INFLIGHT).set(0.0);
    let _ = HANDLES.set(Handles::resolve());
    let upkeep = handle.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        loop {
            tick.tick().await;
            upkeep.run_upkeep();
        }
    });
    let path: Arc<str> = path.into();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            };
            let handle = handle.clone();
            let path = path.clone();
            tokio::spawn(async move {
                let _ = answer_scrape(stream, &handle, &path, HEAD_TIMEOUT).await;
            });
        }
    });
    Ok(bound)
}

/// Answers one HTTP/1.x request: the exposition for `GET <path>`, 404 otherwise.
/// The head must arrive within `head_timeout` ([`HEAD_TIMEOUT`] when serving), the
/// answer go out within [`ANSWER_TIMEOUT`].
async fn answer_scrape(
    mut stream: tokio::net::TcpStream,
    handle: &PrometheusHandle,
    path: &str,
    head_timeout: Duration,
) -> std::io::Result<()> {
    let timed_out = |_| std::io::Error::from(std::io::ErrorKind::TimedOut);
    let head = tokio::time::timeout(head_timeout, read_head(&mut stream))
        .await
        .map_err(timed_out)??;
    tokio::time::timeout(ANSWER_TIMEOUT, answer(&mut stream, &head, handle, path))
        .await
        .map_err(timed_out)?
}

/// The request head, up to its blank line (or [`MAX_REQUEST_HEAD`] bytes, or the end of
/// the stream).
async fn read_head(stream: &mut tokio::net::TcpStream) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(512);
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < MAX_REQUEST_HEAD {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    Ok(head)
}

/// Renders and sends the answer to the request `head`.
async fn answer(
    stream: &mut tokio::net::TcpStream,
    head: &[u8],
    handle: &PrometheusHandle,
    path: &str,
) -> std::io::Result<()> {
    let line = head.split(|&b| b == b'\r').next().unwrap_or_default();
    let mut parts = line.split(|&b| b == b' ');
    let method = parts.next().unwrap_or_default();
    let target = parts.next().unwrap_or_default();
    let target = target.split(|&b| b == b'?').next().unwrap_or_default();
    let (status, content_type, body) = if method == b"GET" && target == path.as_bytes() {
        // Counted by the log writer; read when scraped.
        counter!(LOG_LINES_DROPPED_TOTAL).absolute(super::logging::dropped_log_lines());
        (
            "200 OK",
            "text/plain; version=0.0.4",
            handle.render().into_bytes(),
        )
    } else {
        ("404 Not Found", "text/plain", b"not found\n".to_vec())
    };
    let header = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(header.as_bytes()).await?;
    stream.write_all(&body).await?;
    stream.shutdown().await
}

fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram};
    describe_counter!(REQUESTS_TOTAL, "Requests decided, by route and verdict");
    describe_counter!(
        BLOCKED_TOTAL,
        "Blocks by layer and category (shadow labelled)"
    );
    describe_counter!(
        REDACTED_TOTAL,
        "Redacted values by PII type (shadow labelled)"
    );
    describe_histogram!(SCAN_DURATION, "Time spent per detection layer");
    describe_histogram!(
        REQUEST_DURATION,
        "Time to answer an HTTPReqCall, or an inspected HTTPRespCall"
    );
    describe_counter!(CACHE_HITS_TOTAL, "L0 verdict cache hits by tier");
    describe_counter!(CACHE_MISSES_TOTAL, "L0 verdict cache misses");
    describe_gauge!(REDIS_UP, "1 while the Redis cache tier is usable");
    describe_counter!(RUNNER_ERRORS_TOTAL, "Runner-internal failures by kind");
    describe_counter!(CONFIG_RELOADS_TOTAL, "Configuration reloads by result");
    describe_gauge!(INFLIGHT, "HTTPReqCalls being answered");
    describe_counter!(
        CONF_TOKENS_EVICTED_TOTAL,
        "Conf tokens dropped from a full store, least recently used first"
    );
    describe_counter!(
        ROUTE_LABELS_OVERFLOW_TOTAL,
        "Route confs counted under route=\"other\" because metrics.max_route_labels was reached"
    );
    describe_counter!(
        SCAN_REJECTED_TOTAL,
        "Large scans refused: every scan thread busy and server.scan_queue full"
    );
    describe_gauge!(
        SCAN_QUEUED,
        "Large scans running on or waiting for a scan thread"
    );
    describe_counter!(
        LOG_LINES_DROPPED_TOTAL,
        "Log lines (audit events included) dropped because stderr did not keep up"
    );
}

/// The verdict labels of `requests_total`, in [`verdict_index`] order.
const VERDICTS: usize = 5;

fn verdict_index(decision: &Decision) -> usize {
    match &decision.verdict {
        Verdict::Allow => 0,
        Verdict::Block(_) => 1,
        Verdict::Redact(_) => 2,
        Verdict::Shadow(ShadowOutcome::WouldBlock(_)) => 3,
        Verdict::Shadow(ShadowOutcome::WouldRedact(_)) => 4,
    }
}

/// Which way a decided body travelled: the `direction` label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    /// A request (HTTPReqCall).
    Request,
    /// A model's answer (HTTPRespCall).
    Response,
}

impl Direction {
    fn as_str(self) -> &'static str {
        match self {
            Direction::Request => "request",
            Direction::Response => "response",
        }
    }
}

/// One route's `requests_total{route,verdict}` counters, kept with the route's
/// conf token: each is resolved once, on its first decision after the recorder
/// is installed, instead of copying the route id into a new key and looking it
/// up in the registry on every request.
#[derive(Debug)]
pub struct RouteCounters {
    route_id: Arc<str>,
    /// By direction (request, response), then verdict.
    requests: [[std::sync::OnceLock<metrics::Counter>; VERDICTS]; 2],
}

impl RouteCounters {
    /// Counters labelled `route = route_id`.
    pub fn new(route_id: Arc<str>) -> RouteCounters {
        RouteCounters {
            route_id,
            requests: Default::default(),
        }
    }

    /// The route label.
    pub fn route_id(&self) -> &str {
        &self.route_id
    }

    fn count(&self, decision: &Decision, direction: Direction) {
        let requests = || counter!(REQUESTS_TOTAL, "route" => self.route_id.to_string(), "verdict" => decision.verdict_label(), "direction" => direction.as_str());
        // Before `serve_metrics` installs the recorder a handle would stay a
        // no-op forever: resolve (and keep) one only after it.
        if HANDLES.get().is_none() {
            return requests().increment(1);
        }
        self.requests[usize::from(direction == Direction::Response)][verdict_index(decision)]
            .get_or_init(requests)
            .increment(1);
    }
}

/// Counts one decided request: `requests_total{route,verdict,direction}`, and by
/// its verdict `blocked_total{layer,category,shadow,direction}` or
/// `redacted_total{type,shadow,direction}`, plus `request_duration_seconds`;
/// `direction` is `request`.
pub fn record_decision(route: &RouteCounters, decision: &Decision, mode: Mode, latency: Duration) {
    record(route, decision, mode, latency, Direction::Request);
}

/// [`record_decision`] for a model's answer (HTTPRespCall): `direction` is
/// `response`.
pub fn record_answer_decision(
    route: &RouteCounters,
    decision: &Decision,
    mode: Mode,
    latency: Duration,
) {
    record(route, decision, mode, latency, Direction::Response);
}

fn record(
    route: &RouteCounters,
    decision: &Decision,
    mode: Mode,
    latency: Duration,
    direction: Direction,
) {
    route.count(decision, direction);
    let d = usize::from(direction == Direction::Response);
    match HANDLES.get() {
        Some(handles) => handles.request_duration[d][usize::from(mode == Mode::Shadow)]
            .record(latency.as_secs_f64()),
        None => {
            histogram!(REQUEST_DURATION, "mode" => mode.as_str(), "direction" => direction.as_str())
                .record(latency.as_secs_f64())
        }
    }
    for (layer, duration) in &decision.timings {
        record_layer(*layer, *duration);
    }
    let (block, counts, shadow) = match &decision.verdict {
        Verdict::Allow => return,
        Verdict::Block(block) => (Some(block), None, "false"),
        Verdict::Redact(redaction) => (None, Some(&redaction.counts), "false"),
        Verdict::Shadow(ShadowOutcome::WouldBlock(block)) => (Some(block), None, "true"),
        Verdict::Shadow(ShadowOutcome::WouldRedact(counts)) => (None, Some(counts), "true"),
    };
    if let Some(block) = block {
        let category = block.category.as_deref().unwrap_or(block.code).to_owned();
        counter!(BLOCKED_TOTAL, "layer" => block.layer.as_str(), "category" => category, "shadow" => shadow, "direction" => direction.as_str())
            .increment(1);
    }
    for (kind, n) in counts.into_iter().flatten() {
        counter!(REDACTED_TOTAL, "type" => kind.to_string(), "shadow" => shadow, "direction" => direction.as_str())
            .increment(*n as u64);
    }
}

/// Records the time one layer took for one request.
pub fn record_layer(layer: Layer, duration: Duration) {
    match HANDLES.get() {
        Some(handles) => handles.scan_duration[layer_index(layer)].record(duration.as_secs_f64()),
        None => histogram!(SCAN_DURATION, "layer" => layer.as_str()).record(duration.as_secs_f64()),
    }
}

/// Counts an L0 hit in `tier` (`memory` or `redis`).
pub fn record_cache_hit(tier: &'static str) {
    counter!(CACHE_HITS_TOTAL, "tier" => tier).increment(1);
}

/// Counts an L0 miss.
pub fn record_cache_miss() {
    counter!(CACHE_MISSES_TOTAL).increment(1);
}

/// Sets `promptgate_redis_up`.
pub fn set_redis_up(up: bool) {
    gauge!(REDIS_UP).set(if up { 1.0 } else { 0.0 });
}

/// Counts a runner-internal failure: `layer_timeout`, `layer_error`,
/// `redis_error`, `redis_timeout`, `policy_unavailable`, ….
pub fn record_runner_error(kind: &'static str) {
    counter!(RUNNER_ERRORS_TOTAL, "kind" => kind).increment(1);
}

/// Counts conf tokens dropped from a full store.
pub fn record_conf_tokens_evicted(count: usize) {
    counter!(CONF_TOKENS_EVICTED_TOTAL).increment(count as u64);
}

/// Counts a large scan refused for want of a scan thread.
pub fn record_scan_rejected() {
    counter!(SCAN_REJECTED_TOTAL).increment(1);
}

/// Sets the number of large scans running on or waiting for a scan thread.
pub fn set_scan_queued(queued: usize) {
    gauge!(SCAN_QUEUED).set(queued as f64);
}

/// The bounded set of `route` label values: a route conf gets its own label
/// while there is room, and `other` after that, so the exporter's series stay
/// bounded whatever the number of routes (or of keys a peer invents).
#[derive(Debug)]
pub struct RouteLabels {
    seen: std::sync::Mutex<std::collections::HashSet<Arc<str>>>,
    max: usize,
}

/// The label of every route past [`RouteLabels`]' bound.
pub const OVERFLOW_ROUTE_LABEL: &str = "other";

impl RouteLabels {
    /// At most `max` distinct labels.
    pub fn new(max: usize) -> RouteLabels {
        RouteLabels {
            seen: Default::default(),
            max: max.max(1),
        }
    }

    /// `route_id` while it is known or there is room, else `other` (counted,
    /// and logged once).
    pub fn label(&self, route_id: &Arc<str>) -> Arc<str> {
        let mut seen = self
            .seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(known) = seen.get(route_id) {
            return known.clone();
        }
        if seen.len() < self.max {
            seen.insert(route_id.clone());
            return route_id.clone();
        }
        counter!(ROUTE_LABELS_OVERFLOW_TOTAL).increment(1);
        static WARNED: std::sync::Once = std::sync::Once::new();
        WARNED.call_once(|| {
            tracing::warn!(
                max_route_labels = self.max,
                "route labels used up: further routes are counted as route=\"other\""
            )
        });
        OVERFLOW_ROUTE_LABEL.into()
    }
}

/// Counts a reload attempt.
pub fn record_reload(ok: bool) {
    counter!(CONFIG_RELOADS_TOTAL, "result" => if ok { "ok" } else { "error" }).increment(1);
}

/// Holds `promptgate_inflight` up by one while alive.
#[derive(Debug)]
#[must_use = "the gauge drops back when the guard is dropped"]
pub struct InflightGuard(());

impl InflightGuard {
    /// Counts one more call in flight until the guard is dropped.
    pub fn enter() -> InflightGuard {
        match HANDLES.get() {
            Some(handles) => handles.inflight.increment(1.0),
            None => gauge!(INFLIGHT).increment(1.0),
        }
        InflightGuard(())
    }
}

impl Drop for InflightGuard {
    fn drop(&mut self) {
        match HANDLES.get() {
            Some(handles) => handles.inflight.decrement(1.0),
            None => gauge!(INFLIGHT).decrement(1.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};

    use super::*;

    fn handle() -> PrometheusHandle {
        PrometheusBuilder::new().build_recorder().handle()
    }

    /// A connected (client, server) pair on loopback.
    async fn pair() -> (TcpStream, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        let client = TcpStream::connect(address).await.expect("connect");
        let (server, _) = listener.accept().await.expect("accept");
        (client, server)
    }

    #[tokio::test]
    async fn a_silent_scraper_is_cut_off_at_the_head_timeout() {
        let (_client, server) = pair().await;
        let short = Duration::from_millis(20);
        let error = answer_scrape(server, &handle(), "/metrics", short)
            .await
            .expect_err("no head ever came");
        assert_eq!(error.kind(), std::io::ErrorKind::TimedOut);
    }

    #[tokio::test]
    async fn a_scrape_is_answered_and_other_paths_are_not_found() {
        for (target, status) in [("/metrics?x=1", "200 OK"), ("/other", "404 Not Found")] {
            let (mut client, server) = pair().await;
            let serving = tokio::spawn(async move {
                answer_scrape(server, &handle(), "/metrics", HEAD_TIMEOUT).await
            });
            let request = format!("GET {target} HTTP/1.1\r\nHost: x\r\n\r\n");
            client.write_all(request.as_bytes()).await.expect("write");
            let mut reply = String::new();
            client.read_to_string(&mut reply).await.expect("read");
            assert!(
                reply.starts_with(&format!("HTTP/1.1 {status}\r\n")),
                "{reply}"
            );
            serving.await.expect("task").expect("answered");
        }
    }
}
