//! The numbers `promptgate eval` prints, as a table or JSON.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;

use serde::Serialize;

use super::{PiiSpan, Record, Table, byte_range};
use crate::detect::Layer;

/// Hits out of a total.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Rate {
    /// Records that count as hits (detected attacks, false positives…).
    pub hits: usize,
    /// Records considered.
    pub total: usize,
}

impl Rate {
    /// `hits / total`, 0 when empty.
    pub fn ratio(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.hits as f64 / self.total as f64
        }
    }

    fn add(&mut self, hit: bool) {
        self.total += 1;
        self.hits += usize::from(hit);
    }
}

/// PII counts for one type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct PiiCounts {
    /// Annotated values.
    pub expected: usize,
    /// Annotated values a finding of the same type overlapped.
    pub recalled: usize,
    /// Findings reported.
    pub found: usize,
    /// Findings that overlapped an annotated value of the same type.
    pub correct: usize,
}

/// Everything measured in one run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EvalReport {
    /// Records evaluated.
    pub records: usize,
    /// Bytes of text scanned.
    pub bytes: u64,
    /// Time spent in the pipeline.
    pub scan_seconds: f64,
    /// Attacks detected (blocked by an injection layer) out of attacks.
    pub attack_recall: Rate,
    /// Which layer caught the detected attacks.
    pub attacks_by_layer: BTreeMap<String, usize>,
    /// Attack recall per category.
    pub attack_recall_by_category: Table,
    /// Attack recall per language.
    pub attack_recall_by_lang: Table,
    /// Benign records blocked by an injection layer, out of benign records.
    pub benign_false_positives: Rate,
    /// False-positive rate per benign category.
    pub benign_fp_by_category: Table,
    /// False-positive rate per language.
    pub benign_fp_by_lang: Table,
    /// Ids of missed attacks (for tuning; never text).
    pub missed_attack_ids: Vec<String>,
    /// Ids of blocked benign records.
    pub false_positive_ids: Vec<String>,
    /// PII counts per type.
    pub pii: BTreeMap<String, PiiCounts>,
    /// Findings on records annotated as having no PII (checksum-failing look-alikes).
    pub pii_hard_negative_findings: Vec<(String, String)>,
}

impl EvalReport {
    pub(super) fn count_attack(&mut self, record: &Record, blocked_by: Option<Layer>) {
        let hit = blocked_by.is_some();
        self.attack_recall.add(hit);
        self.attack_recall_by_category
            .entry(record.category.clone())
            .or_default()
            .add(hit);
        self.attack_recall_by_lang
            .entry(record.lang.clone())
            .or_default()
            .add(hit);
        match blocked_by {
            Some(layer) => {
                *self
                    .attacks_by_layer
                    .entry(layer.as_str().to_owned())
                    .or_default() += 1
            }
            None => self.missed_attack_ids.push(record.id.clone()),
        }
    }

    pub(super) fn count_benign(&mut self, record: &Record, blocked_by: Option<Layer>) {
        let hit = blocked_by.is_some();
        self.benign_false_positives.add(hit);
        self.benign_fp_by_category
            .entry(record.category.clone())
            .or_default()
            .add(hit);
        self.benign_fp_by_lang
            .entry(record.lang.clone())
            .or_default()
            .add(hit);
        if hit {
            self.false_positive_ids.push(record.id.clone());
        }
    }

    pub(super) fn count_pii(
        &mut self,
        record: &Record,
        expected: &[PiiSpan],
        found: &[(String, Range<usize>)],
    ) {
        let expected: Vec<(String, Range<usize>)> = expected
            .iter()
            .filter_map(|s| byte_range(&record.text, s.start, s.end).map(|r| (s.kind.clone(), r)))
            .collect();
        // The found spans are in the user message; the corpus spans in the text:
        // the same string, so the offsets agree.
        let overlaps = |a: &Range<usize>, b: &Range<usize>| a.start < b.end && b.start < a.end;
        for (kind, span) in &expected {
            let counts = self.pii.entry(kind.clone()).or_default();
            counts.expected += 1;
            if found.iter().any(|(k, s)| k == kind && overlaps(s, span)) {
                counts.recalled += 1;
            }
        }
        for (kind, span) in found {
            let counts = self.pii.entry(kind.clone()).or_default();
            counts.found += 1;
            if expected.iter().any(|(k, s)| k == kind && overlaps(s, span)) {
                counts.correct += 1;
            }
            if expected.is_empty() {
                self.pii_hard_negative_findings
                    .push((record.id.clone(), kind.clone()));
            }
        }
    }

    /// Scan throughput in MB/s (10^6 bytes).
    pub fn megabytes_per_second(&self) -> f64 {
        if self.scan_seconds == 0.0 {
            0.0
        } else {
            self.bytes as f64 / 1e6 / self.scan_seconds
        }
    }

    /// Decisions per second of pipeline time.
    pub fn decisions_per_second(&self) -> f64 {
        if self.scan_seconds == 0.0 {
            0.0
        } else {
            self.records as f64 / self.scan_seconds
        }
    }

    /// The report as aligned text tables.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let pct = |r: &Rate| format!("{:6.2}%  ({}/{})", 100.0 * r.ratio(), r.hits, r.total);
        let _ = writeln!(
            out,
            "records {}  ·  {:.1} MB/s  ·  {:.0} decisions/s (pipeline time)",
            self.records,
            self.megabytes_per_second(),
            self.decisions_per_second()
        );
        let _ = writeln!(
            out,
            "\nattack recall            {}",
            pct(&self.attack_recall)
        );
        for (layer, n) in &self.attacks_by_layer {
            let _ = writeln!(out, "  caught by {layer:<14}{n}");
        }
        let _ = writeln!(
            out,
            "benign false positives   {}",
            pct(&self.benign_false_positives)
        );
        let sections: [(&str, &Table); 4] = [
            ("attack recall by category", &self.attack_recall_by_category),
            ("attack recall by language", &self.attack_recall_by_lang),
            (
                "benign false positives by category",
                &self.benign_fp_by_category,
            ),
            (
                "benign false positives by language",
                &self.benign_fp_by_lang,
            ),
        ];
        for (title, table) in sections {
            if table.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n{title}");
            for (key, rate) in table {
                let _ = writeln!(out, "  {key:<28}{}", pct(rate));
            }
        }
        if !self.pii.is_empty() {
            let _ = writeln!(
                out,
                "\nPII type          precision   recall      (found / expected)"
            );
            for (kind, c) in &self.pii {
                let precision = if c.found == 0 {
                    1.0
                } else {
                    c.correct as f64 / c.found as f64
                };
                let recall = if c.expected == 0 {
                    1.0
                } else {
                    c.recalled as f64 / c.expected as f64
                };
                let _ = writeln!(
                    out,
                    "  {kind:<16}{:7.2}%   {:7.2}%    ({} / {})",
                    100.0 * precision,
                    100.0 * recall,
                    c.found,
                    c.expected
                );
            }
            let _ = writeln!(
                out,
                "findings on records without PII: {}",
                self.pii_hard_negative_findings.len()
            );
        }
        out
    }
}
