//! The JSON log line format, with a fast path for audit events.
//!
//! `tracing-subscriber`'s JSON formatter serializes every field through
//! `serde_json` behind an `io::Write` to `fmt::Write` adaptor (a UTF-8 check
//! per fragment) and formats the timestamp with `fmt` machinery: about a sixth
//! of the runner's CPU per decision at the protocol floor, where every allowed
//! request writes an audit line. [`JsonLines`] writes audit events itself, byte
//! for byte what the stock formatter writes (tests compare the two), and hands
//! every other event to the stock formatter.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::{Format, Json, Writer};
use tracing_subscriber::fmt::time::SystemTime as StockTime;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

use super::AUDIT_TARGET;

/// Latest year the fast timestamp writes; later (and pre-1970) clocks take
/// the stock path, which writes a sign and more digits.
const LAST_FOUR_DIGIT_YEAR: i64 = 9999;

/// The JSON event format: the stock one (flattened fields, no current span),
/// with audit events written directly.
#[derive(Debug)]
pub struct JsonLines {
    stock: Format<Json, StockTime>,
}

impl JsonLines {
    /// The format `init_logging` installs for `format = "json"`.
    pub fn new() -> JsonLines {
        JsonLines {
            stock: tracing_subscriber::fmt::format()
                .json()
                .flatten_event(true)
                .with_current_span(false),
        }
    }
}

impl Default for JsonLines {
    fn default() -> Self {
        JsonLines::new()
    }
}

impl<S, N> FormatEvent<S, N> for JsonLines
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'w> FormatFields<'w> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        // Inside a span the stock format adds the span list: leave it that.
        let in_span = event
            .parent()
            .and_then(|id| ctx.span(id))
            .or_else(|| ctx.lookup_current())
            .is_some();
        if event.metadata().target() != AUDIT_TARGET || in_span {
            return self.stock.format_event(ctx, writer, event);
        }
        let Some(line) = audit_line(event, SystemTime::now()) else {
            return self.stock.format_event(ctx, writer, event);
        };
        writer.write_str(&line)
    }
}

/// `event` as the stock formatter writes it (with the timestamp `now`), or
/// `None` when `now` is outside the years the fast path writes.
fn audit_line(event: &Event<'_>, now: SystemTime) -> Option<String> {
    let mut line = String::with_capacity(512);
    line.push_str("{\"timestamp\":\"");
    push_timestamp(&mut line, now)?;
    line.push_str("\",\"level\":\"");
    line.push_str(event.metadata().level().as_str());
    line.push('"');
    let mut fields = FieldWriter { line: &mut line };
    event.record(&mut fields);
    line.push_str(",\"target\":");
    push_str_value(&mut line, event.metadata().target());
    line.push_str("}\n");
    Some(line)
}

/// Writes fields as `,"name":value`, the way `tracing_serde`'s map visitor
/// has `serde_json` write them. Methods it does not override (i128, bytes,
/// errors) default to `record_debug` in both.
struct FieldWriter<'a> {
    line: &'a mut String,
}

impl FieldWriter<'_> {
    fn key(&mut self, field: &Field) {
        self.line.push(',');
        push_str_value(self.line, field.name());
        self.line.push(':');
    }
}

impl Visit for FieldWriter<'_> {
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.key(field);
        self.line.push_str(if value { "true" } else { "false" });
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.key(field);
        self.line.push('"');
        // JSON escaping is per character, so escaping each piece the
        // formatter hands over equals escaping the whole text.
        let _ = fmt::write(&mut Escaped(self.line), format_args!("{value:?}"));
        self.line.push('"');
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.key(field);
        push_u64(self.line, value);
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.key(field);
        if value < 0 {
            self.line.push('-');
        }
        push_u64(self.line, value.unsigned_abs());
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        self.key(field);
        // serde_json's own float text (shortest round trip; null when not finite).
        match serde_json::to_string(&value) {
            Ok(text) => self.line.push_str(&text),
            Err(_) => self.line.push_str("null"),
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.key(field);
        push_str_value(self.line, value);
    }
}

/// `value` as a JSON string, quotes included.
fn push_str_value(line: &mut String, value: &str) {
    line.push('"');
    push_escaped(line, value);
    line.push('"');
}

/// The inside of a JSON string: `value` copied as is when nothing in it needs
/// escaping (the usual case: identifiers, hex, counts), else escaped by
/// `serde_json` (whose output is then the quoted string).
fn push_escaped(line: &mut String, value: &str) {
    if value.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        line.push_str(value);
    } else if let Ok(quoted) = serde_json::to_string(value) {
        // Serializing a str cannot fail; were it to, the piece is left out.
        line.push_str(&quoted[1..quoted.len() - 1]);
    }
}

/// A `fmt::Write` that appends what it is given JSON-escaped.
struct Escaped<'a>(&'a mut String);

impl fmt::Write for Escaped<'_> {
    fn write_str(&mut self, piece: &str) -> fmt::Result {
        push_escaped(self.0, piece);
        Ok(())
    }
}

/// `now` as the stock `SystemTime` timer writes it: RFC 3339 in UTC with
/// microseconds (`2026-11-25T19:42:00.123456Z`). `None` before 1970 or after
/// year 9999.
fn push_timestamp(line: &mut String, now: SystemTime) -> Option<()> {
    let since = now.duration_since(UNIX_EPOCH).ok()?;
    let secs = i64::try_from(since.as_secs()).ok()?;
    let (year, month, day) = civil_from_days(secs.div_euclid(86_400));
    if year > LAST_FOUR_DIGIT_YEAR {
        return None;
    }
    let in_day = secs.rem_euclid(86_400);
    // Fixed-width digits pushed by hand: `write!` costs more than the rest of
    // the line's timestamp.
    push_digits(line, year.unsigned_abs(), 4);
    line.push('-');
    push_digits(line, u64::from(month), 2);
    line.push('-');
    push_digits(line, u64::from(day), 2);
    line.push('T');
    push_digits(line, in_day.unsigned_abs() / 3600, 2);
    line.push(':');
    push_digits(line, in_day.unsigned_abs() / 60 % 60, 2);
    line.push(':');
    push_digits(line, in_day.unsigned_abs() % 60, 2);
    line.push('.');
    push_digits(line, u64::from(since.subsec_micros()), 6);
    line.push('Z');
    Some(())
}

/// The last `width` decimal digits of `value`, zero-padded.
fn push_digits(line: &mut String, mut value: u64, width: usize) {
    let mut digits = [b'0'; 20];
    for slot in digits[..width].iter_mut().rev() {
        *slot = b'0' + (value % 10) as u8;
        value /= 10;
    }
    for &digit in &digits[..width] {
        line.push(char::from(digit));
    }
}

/// `value` in decimal, as `serde_json` (itoa) writes integers.
fn push_u64(line: &mut String, value: u64) {
    let width = value.checked_ilog10().map_or(1, |log| log as usize + 1);
    push_digits(line, value, width);
}

/// The proleptic Gregorian date of a day counted from 1970-01-01 (Howard
/// Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests;
