use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tracing_subscriber::fmt::MakeWriter;

use super::*;
use crate::telemetry::{AuditEvent, audit};
use crate::types::Mode;
use crate::types::{Block, Decision, Role};
use crate::types::{Finding, Layer};

/// Log output captured in memory.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl io::Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .expect("capture lock")
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Capture {
    type Writer = Capture;

    fn make_writer(&'a self) -> Capture {
        self.clone()
    }
}

impl Capture {
    /// The lines written so far, each timestamp replaced by `T` (the two
    /// formatters read the clock at different instants).
    fn lines(&self) -> Vec<String> {
        let text = String::from_utf8(self.0.lock().expect("capture lock").clone()).expect("utf-8");
        text.lines()
            .map(|line| {
                let value: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
                let ts = value["timestamp"].as_str().expect("a timestamp");
                assert_eq!(ts.len(), 27, "{ts}");
                line.replacen(ts, "T", 1)
            })
            .collect()
    }
}

/// Runs `emit` under the stock JSON format and under [`JsonLines`]; returns
/// both outputs.
fn both(emit: impl Fn()) -> (Vec<String>, Vec<String>) {
    let stock = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_writer(stock.clone())
        .finish();
    tracing::subscriber::with_default(subscriber, &emit);
    let fast = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .event_format(JsonLines::new())
        .with_writer(fast.clone())
        .finish();
    tracing::subscriber::with_default(subscriber, &emit);
    (stock.lines(), fast.lines())
}

fn finding(layer: Layer, category: &str, rule_id: &str) -> Finding {
    Finding {
        layer,
        category: category.into(),
        rule_id: rule_id.into(),
        segment: 0,
        span: 0..4,
        score: 1.0,
    }
}

#[test]
fn audit_lines_are_the_stock_json_lines() {
    let allowed = Decision {
        text_sha256: Some([0xab; 32]),
        ..Decision::allow()
    };
    let mut block = Block::new(403, "prompt_injection", Layer::L1, "blocked");
    block.category = Some("instruction_override".into());
    let blocked = Decision {
        findings: vec![
            finding(Layer::L1, "instruction_override", "en.override.ignore"),
            finding(Layer::L15, "EMAIL", "pii.email"),
            finding(Layer::L15, "EMAIL", "pii.email"),
        ],
        l2_score: Some(0.123_456_7),
        cached: true,
        roles: [Role::User, Role::ToolDefinition].into_iter().collect(),
        ..Decision::block(block)
    };
    let (stock, fast) = both(|| {
        audit(&AuditEvent {
            direction: "request",
            request_id: "0123456789abcdef",
            route_id: "1",
            consumer: None,
            mode: Mode::Enforce,
            decision: &allowed,
            latency: Duration::from_micros(42),
            model_version: None,
        });
        audit(&AuditEvent {
            direction: "request",
            // Identifiers come from APISIX: quotes, backslashes, controls and
            // non-ASCII must come out escaped exactly as serde_json does.
            request_id: "req-\"quoted\"\\",
            route_id: "route\n\t\u{1}\u{7f}é✓",
            consumer: Some("alice"),
            mode: Mode::Shadow,
            decision: &blocked,
            latency: Duration::from_secs(3),
            model_version: Some("minilm-static-v1"),
        });
    });
    assert_eq!(fast.len(), 2);
    assert_eq!(fast, stock);
    assert!(fast[0].contains("\"verdict\":\"allow\""), "{}", fast[0]);
}

#[test]
fn every_field_type_is_written_as_serde_json_writes_it() {
    let (stock, fast) = both(|| {
        tracing::info!(
            target: AUDIT_TARGET,
            yes = true,
            no = false,
            big = u64::MAX,
            zero = 0u64,
            negative = -12_345i64,
            min = i64::MIN,
            third = 1.0f64 / 3.0,
            small = 1e-300f64,
            float32 = 0.1f32,
            not_a_number = f64::NAN,
            infinite = f64::INFINITY,
            empty = "",
            debug = ?vec!["a\"b", "c"],
            display = %"x\u{0}y",
            huge = u128::MAX,
            "message with \"quotes\" {}", 7
        );
        tracing::warn!(target: AUDIT_TARGET, "a warning");
    });
    assert_eq!(fast.len(), 2);
    assert_eq!(fast, stock);
}

#[test]
fn other_events_and_events_in_spans_take_the_stock_path() {
    let (stock, fast) = both(|| {
        tracing::info!(answer = 42, "a diagnostic line");
        let span = tracing::info_span!("call", id = 7);
        let _entered = span.enter();
        tracing::info!(target: AUDIT_TARGET, audit = true, "decision");
    });
    assert_eq!(fast.len(), 2);
    assert_eq!(fast, stock);
    assert!(fast[1].contains("\"spans\""), "{}", fast[1]);
}

#[test]
fn timestamps_are_utc_rfc3339_with_microseconds() {
    // Epoch seconds and what `date -u -d @N +%Y-%m-%dT%H:%M:%S` prints.
    let cases: [(u64, &str); 8] = [
        (0, "1970-01-01T00:00:00"),
        (951_782_400, "2000-02-29T00:00:00"),
        (951_868_799, "2000-02-29T23:59:59"),
        (1_709_251_199, "2024-02-29T23:59:59"),
        (1_709_251_200, "2024-03-01T00:00:00"),
        (1_795_635_720, "2026-11-25T19:42:00"),
        (4_107_542_400, "2100-03-01T00:00:00"),
        (253_402_300_799, "9999-12-31T23:59:59"),
    ];
    for (secs, date) in cases {
        let mut line = String::new();
        let at = UNIX_EPOCH + Duration::new(secs, 123_456_789);
        push_timestamp(&mut line, at).expect("a four-digit year");
        assert_eq!(line, format!("{date}.123456Z"), "{secs}");
    }
    let mut line = String::new();
    assert!(push_timestamp(&mut line, UNIX_EPOCH + Duration::from_secs(253_402_300_800)).is_none());
    assert!(push_timestamp(&mut line, UNIX_EPOCH - Duration::from_secs(1)).is_none());
}

#[test]
fn the_clock_reads_like_the_stock_timer() {
    use tracing_subscriber::fmt::time::FormatTime as _;
    let mut before = String::new();
    push_timestamp(&mut before, SystemTime::now()).expect("a four-digit year");
    let mut stock = String::new();
    StockTime
        .format_time(&mut Writer::new(&mut stock))
        .expect("stock timestamp");
    let mut after = String::new();
    push_timestamp(&mut after, SystemTime::now()).expect("a four-digit year");
    assert_eq!(stock.len(), before.len(), "{stock} vs {before}");
    assert!(
        before <= stock && stock <= after,
        "{before} {stock} {after}"
    );
}
