//! The results: one row per scenario, body size and mode, as a text table
//! or JSON (`--json`). Latencies are in microseconds.

use std::fmt::Write as _;

use serde::Serialize;

use super::driver::Measured;

/// Every measurement of one `promptgate bench` run.
#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    /// CPUs available to this process.
    pub cores: usize,
    /// Kept-alive connections per measurement.
    pub connections: usize,
    /// Warm-up per measurement, in seconds.
    pub warmup_secs: f64,
    /// Measured window per measurement, in seconds.
    pub duration_secs: f64,
    /// The body mix, e.g. `benign=90,attack=5,pii=5`.
    pub mix: String,
    /// One row per scenario, size and mode.
    pub rows: Vec<Row>,
}

/// One measurement.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// `noop`, `miss`, `hit` (or `external` with `--socket`).
    pub scenario: String,
    /// Target body size in bytes.
    pub body_bytes: usize,
    /// Mean actual body size in bytes.
    pub mean_body_bytes: usize,
    /// `closed` or `open`.
    pub mode: &'static str,
    /// Requested total rate in open loop, per second.
    pub target_rate: Option<f64>,
    /// Decisions completed in the window.
    pub decisions: u64,
    /// Failed calls.
    pub errors: u64,
    /// The first failure's message.
    pub first_error: Option<String>,
    /// Decisions per second.
    pub decisions_per_sec: f64,
    /// Latency percentiles.
    pub latency_us: Percentiles,
    /// Decisions per second divided by the noop floor's at the same size and mode.
    pub ratio_to_floor: Option<f64>,
    /// Runner CPU time (user + system) per decision, in microseconds.
    pub runner_cpu_us_per_decision: Option<f64>,
    /// Runner peak resident memory (VmHWM) at the end of the window, in MiB.
    pub runner_peak_rss_mib: Option<f64>,
    /// The generator's own CPU time per decision, in microseconds.
    pub loadgen_cpu_us_per_decision: Option<f64>,
    /// Continue answers.
    pub allowed: u64,
    /// Stop answers.
    pub blocked: u64,
    /// Rewrite answers (redactions).
    pub rewritten: u64,
}

/// Latency percentiles in microseconds.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Percentiles {
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile.
    pub p99: f64,
    /// 99.9th percentile.
    pub p999: f64,
    /// Largest.
    pub max: f64,
}

impl Percentiles {
    /// Reads the percentiles of a nanosecond histogram.
    pub fn of(measured: &Measured) -> Percentiles {
        let h = &measured.latencies;
        let us = |ns: u64| ns as f64 / 1000.0;
        if h.is_empty() {
            return Percentiles {
                p50: 0.0,
                p90: 0.0,
                p99: 0.0,
                p999: 0.0,
                max: 0.0,
            };
        }
        Percentiles {
            p50: us(h.value_at_quantile(0.5)),
            p90: us(h.value_at_quantile(0.9)),
            p99: us(h.value_at_quantile(0.99)),
            p999: us(h.value_at_quantile(0.999)),
            max: us(h.max()),
        }
    }
}

impl BenchReport {
    /// Fills `ratio_to_floor` of every row from the noop row of the same
    /// size and mode (open-loop rows compare at equal rate fraction).
    pub fn link_floor(&mut self) {
        let floors: Vec<(usize, &'static str, f64)> = self
            .rows
            .iter()
            .filter(|r| r.scenario == "noop")
            .map(|r| (r.body_bytes, r.mode, r.decisions_per_sec))
            .collect();
        for row in &mut self.rows {
            row.ratio_to_floor = floors
                .iter()
                .find(|(size, mode, _)| *size == row.body_bytes && *mode == row.mode)
                .filter(|(_, _, floor)| *floor > 0.0)
                .map(|(_, _, floor)| row.decisions_per_sec / floor);
        }
    }

    /// The text table.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "promptgate bench: {} cores, {} connections, warm-up {}s, window {}s, mix {}",
            self.cores, self.connections, self.warmup_secs, self.duration_secs, self.mix
        );
        let _ = writeln!(
            out,
            "{:<8} {:>6} {:<13} {:>10} {:>8} {:>8} {:>8} {:>8} {:>9} {:>9} {:>7} {:>8} {:>7} {:>8} {:>6}",
            "scenario",
            "body",
            "mode",
            "decisions",
            "dec/s",
            "p50 µs",
            "p90 µs",
            "p99 µs",
            "p99.9 µs",
            "max µs",
            "floor",
            "cpu µs/d",
            "RSS MiB",
            "gen µs/d",
            "errors"
        );
        for r in &self.rows {
            let mode = match r.target_rate {
                Some(rate) => format!("open@{rate:.0}/s"),
                None => r.mode.to_owned(),
            };
            let opt = |v: Option<f64>, prec: usize| {
                v.map_or_else(|| "-".to_owned(), |v| format!("{v:.prec$}"))
            };
            let _ = writeln!(
                out,
                "{:<8} {:>6} {:<13} {:>10} {:>8.0} {:>8.1} {:>8.1} {:>8.1} {:>9.1} {:>9.1} {:>7} {:>8} {:>7} {:>8} {:>6}",
                r.scenario,
                size_label(r.body_bytes),
                mode,
                r.decisions,
                r.decisions_per_sec,
                r.latency_us.p50,
                r.latency_us.p90,
                r.latency_us.p99,
                r.latency_us.p999,
                r.latency_us.max,
                r.ratio_to_floor
                    .map_or_else(|| "-".to_owned(), |v| format!("{v:.2}x")),
                opt(r.runner_cpu_us_per_decision, 1),
                opt(r.runner_peak_rss_mib, 1),
                opt(r.loadgen_cpu_us_per_decision, 1),
                r.errors
            );
        }
        for r in self.rows.iter().filter(|r| r.first_error.is_some()) {
            let _ = writeln!(
                out,
                "{} {}: first error: {}",
                r.scenario,
                size_label(r.body_bytes),
                r.first_error.as_deref().unwrap_or_default()
            );
        }
        out
    }
}

/// `2048` as `2k`, `65536` as `64k`, others in bytes.
pub fn size_label(bytes: usize) -> String {
    if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{}k", bytes / 1024)
    } else {
        format!("{bytes}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(scenario: &str, mode: &'static str, dps: f64) -> Row {
        Row {
            scenario: scenario.into(),
            body_bytes: 2048,
            mean_body_bytes: 2050,
            mode,
            target_rate: None,
            decisions: 1000,
            errors: 0,
            first_error: None,
            decisions_per_sec: dps,
            latency_us: Percentiles {
                p50: 50.0,
                p90: 80.0,
                p99: 120.5,
                p999: 300.0,
                max: 900.0,
            },
            ratio_to_floor: None,
            runner_cpu_us_per_decision: Some(31.24),
            runner_peak_rss_mib: Some(22.0),
            loadgen_cpu_us_per_decision: None,
            allowed: 900,
            blocked: 50,
            rewritten: 50,
        }
    }

    fn report(rows: Vec<Row>) -> BenchReport {
        BenchReport {
            cores: 2,
            connections: 4,
            warmup_secs: 1.0,
            duration_secs: 5.0,
            mix: "benign=90,attack=5,pii=5".into(),
            rows,
        }
    }

    #[test]
    fn rows_are_compared_with_the_floor_of_their_size_and_mode() {
        let mut r = report(vec![
            row("noop", "closed", 40_000.0),
            row("miss", "closed", 10_000.0),
            row("miss", "open", 5_000.0),
        ]);
        r.link_floor();
        assert_eq!(r.rows[0].ratio_to_floor, Some(1.0));
        assert_eq!(r.rows[1].ratio_to_floor, Some(0.25));
        assert_eq!(r.rows[2].ratio_to_floor, None);
    }

    #[test]
    fn the_table_has_a_line_per_row_with_its_numbers() {
        let mut r = report(vec![
            row("noop", "closed", 40_000.0),
            row("miss", "closed", 10_000.0),
        ]);
        r.rows[1].target_rate = Some(5000.0);
        r.rows[1].errors = 2;
        r.rows[1].first_error = Some("runner answered Err BadRequest".into());
        r.link_floor();
        let text = r.render();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 5, "{text}");
        assert!(lines[1].contains("dec/s") && lines[1].contains("p99.9 µs"));
        assert!(lines[2].starts_with("noop") && lines[2].contains("40000"));
        assert!(lines[3].contains("open@5000/s") && lines[3].contains("0.25x"));
        assert!(lines[3].contains("120.5") && lines[3].contains("31.2"));
        assert!(lines[4].contains("first error"));
        let json = serde_json::to_value(&r).expect("serializes");
        assert_eq!(json["rows"][1]["latency_us"]["p99"], 120.5);
        assert_eq!(
            json["rows"][0]["loadgen_cpu_us_per_decision"],
            serde_json::Value::Null
        );
    }

    #[test]
    fn sizes_read_like_flags() {
        assert_eq!(size_label(2048), "2k");
        assert_eq!(size_label(65536), "64k");
        assert_eq!(size_label(1000), "1000");
    }
}
