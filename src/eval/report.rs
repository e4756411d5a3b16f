//! The numbers `promptgate eval` prints, as a table or JSON.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;

use serde::Serialize;

use super::leave_out::{Dimension, LeaveOutRow};
use super::split::{Part, wilson95};
use super::{PiiSpan, Record, Table, Wrap, byte_range};
use crate::detect::Layer;

/// Hits out of a total.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Rate {
    /// Records that count as hits (detected attacks, false positives…).
    pub hits: usize,
    /// Records considered.
    pub total: usize,
}

impl Serialize for Rate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let (low, high) = self.interval();
        let mut s = serializer.serialize_struct("Rate", 5)?;
        s.serialize_field("hits", &self.hits)?;
        s.serialize_field("total", &self.total)?;
        s.serialize_field("ratio", &self.ratio())?;
        s.serialize_field("ci95_low", &low)?;
        s.serialize_field("ci95_high", &high)?;
        s.end()
    }
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

    /// The Wilson 95 % interval of the ratio, as (low, high).
    pub fn interval(&self) -> (f64, f64) {
        wilson95(self.hits, self.total)
    }

    pub(crate) fn add(&mut self, hit: bool) {
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

/// What a report says of L2 when it did not run ([`EvalReport::l2_model`] is `None`).
pub const L2_DID_NOT_RUN: &str = "off (turned off by the policy, or not loaded: see the log)";

/// Everything measured in one run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EvalReport {
    /// How each text was sent.
    pub wrap: Wrap,
    /// The part of the fixed split measured (`None`: every record).
    pub part: Option<Part>,
    /// The L2 model that scored this run (its version); `None` when L2 did not run,
    /// turned off by the policy or not loaded (no ONNX Runtime library or model found,
    /// which only the log says). A figure measured with L1 and L1.5 alone then says so.
    pub l2_model: Option<String>,
    /// Records evaluated.
    pub records: usize,
    /// Ids of the records evaluated, in corpus order (never text): the part a
    /// training script may calibrate on (`--part calibration`).
    pub record_ids: Vec<String>,
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
    /// Benign records whose request was rewritten (PII redacted).
    pub benign_redacted: Rate,
    /// Attacks caught, per rule id of the blocking layer (`l2.*` for L2).
    pub attacks_by_rule: BTreeMap<String, usize>,
    /// Benign records blocked, per rule id of the blocking layer.
    pub false_positives_by_rule: BTreeMap<String, usize>,
    /// Ids of missed attacks (for tuning; never text).
    pub missed_attack_ids: Vec<String>,
    /// Ids of blocked benign records.
    pub false_positive_ids: Vec<String>,
    /// Each blocked benign record with the rule ids that blocked it.
    pub false_positive_rules: Vec<(String, Vec<String>)>,
    /// The leave-one-out dimension, when asked for.
    pub leave_out_dimension: Option<Dimension>,
    /// The leave-one-out rows, per left-out group.
    pub leave_out: BTreeMap<String, LeaveOutRow>,
    /// PII counts per type.
    pub pii: BTreeMap<String, PiiCounts>,
    /// Findings on records annotated as having no PII (checksum-failing look-alikes).
    pub pii_hard_negative_findings: Vec<(String, String)>,
    /// Each annotated value no finding recalled and each finding no annotation
    /// backs, as record id, type and byte span (never text): what a PII rule
    /// change is tuned from (`promptgate eval --show-pii-errors`).
    pub pii_errors: Vec<PiiError>,
}

/// A PII value missed or a finding no annotation backs, in one record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PiiError {
    /// The record's id.
    pub id: String,
    /// `missed` (annotated, not found) or `spurious` (found, not annotated).
    pub error: &'static str,
    /// The PII type.
    pub kind: String,
    /// Byte span in the record's text.
    pub span: Range<usize>,
}

impl EvalReport {
    pub(super) fn count_attack(
        &mut self,
        record: &Record,
        blocked_by: Option<Layer>,
        rules: &[String],
    ) {
        let hit = blocked_by.is_some();
        for rule in rules {
            *self.attacks_by_rule.entry(rule.clone()).or_default() += 1;
        }
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

    pub(super) fn count_benign(
        &mut self,
        record: &Record,
        blocked_by: Option<Layer>,
        rules: &[String],
    ) {
        let hit = blocked_by.is_some();
        for rule in rules {
            *self
                .false_positives_by_rule
                .entry(rule.clone())
                .or_default() += 1;
        }
        if hit {
            self.false_positive_rules
                .push((record.id.clone(), rules.to_vec()));
        }
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
            } else {
                self.pii_errors.push(PiiError {
                    id: record.id.clone(),
                    error: "missed",
                    kind: kind.clone(),
                    span: span.clone(),
                });
            }
        }
        for (kind, span) in found {
            let counts = self.pii.entry(kind.clone()).or_default();
            counts.found += 1;
            if expected.iter().any(|(k, s)| k == kind && overlaps(s, span)) {
                counts.correct += 1;
            } else {
                self.pii_errors.push(PiiError {
                    id: record.id.clone(),
                    error: "spurious",
                    kind: kind.clone(),
                    span: span.clone(),
                });
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
        let pct = |r: &Rate| {
            let (low, high) = r.interval();
            format!(
                "{:6.2}%  [{:5.1}–{:5.1}]  ({}/{})",
                100.0 * r.ratio(),
                100.0 * low,
                100.0 * high,
                r.hits,
                r.total
            )
        };
        let _ = writeln!(
            out,
            "records {} ({}, {})  ·  {:.1} MB/s  ·  {:.0} decisions/s (pipeline time)",
            self.records,
            match self.part {
                Some(part) => part.as_str(),
                None => "whole corpus",
            },
            match self.wrap {
                Wrap::Serving => "serving: system + user message, any block",
                Wrap::User => "user message only, injection blocks",
                Wrap::Answer => "model answers (attack records skipped), any withheld answer",
                Wrap::AnswerStream =>
                    "streamed model answers (attack records skipped), any withheld answer",
            },
            self.megabytes_per_second(),
            self.decisions_per_second()
        );
        let _ = writeln!(
            out,
            "L2: {}",
            self.l2_model.as_deref().unwrap_or(L2_DID_NOT_RUN)
        );
        let _ = writeln!(out, "rates with Wilson 95% intervals in brackets");
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
        if self.benign_redacted.total > 0 {
            let _ = writeln!(
                out,
                "benign requests redacted {}",
                pct(&self.benign_redacted)
            );
        }
        for (title, table) in sections {
            if table.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n{title}");
            for (key, rate) in table {
                let _ = writeln!(out, "  {key:<28}{}", pct(rate));
            }
        }
        for (title, rules) in [
            (
                "benign false positives by rule",
                &self.false_positives_by_rule,
            ),
            ("attacks caught by rule", &self.attacks_by_rule),
        ] {
            if rules.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n{title}");
            let mut rows: Vec<(&String, &usize)> = rules.iter().collect();
            rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            for (rule, n) in rows {
                let _ = writeln!(out, "  {rule:<52}{n}");
            }
        }
        if let Some(dimension) = self.leave_out_dimension {
            let _ = writeln!(
                out,
                "\nleave one {} out: L2 threshold recalibrated without the group",
                match dimension {
                    Dimension::Lang => "language",
                    Dimension::Source => "source",
                }
            );
            let _ = writeln!(
                out,
                "  {:<24}{:>9}  {:<36}{:<36}{:<36}",
                "group", "threshold", "recall", "benign FP", "recall / FP at shipped threshold"
            );
            for (group, row) in &self.leave_out {
                let threshold = row
                    .threshold
                    .map_or_else(|| "-".to_owned(), |t| format!("{t:.4}"));
                let shipped = format!(
                    "{:.1}% / {:.2}%",
                    100.0 * row.recall_shipped.ratio(),
                    100.0 * row.false_positives_shipped.ratio()
                );
                let _ = writeln!(
                    out,
                    "  {group:<24}{threshold:>9}  {:<36}{:<36}{shipped}",
                    if row.recall.total > 0 {
                        pct(&row.recall)
                    } else {
                        "-".into()
                    },
                    if row.false_positives.total > 0 {
                        pct(&row.false_positives)
                    } else {
                        "-".into()
                    },
                );
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

    /// The PII errors with the text of their records, the value in `⟦…⟧`: for
    /// tuning on files an operator passes (`--show-pii-errors`), never logged.
    pub fn render_pii_errors(&self, records: &[Record]) -> String {
        let by_id: BTreeMap<&str, &Record> = records.iter().map(|r| (r.id.as_str(), r)).collect();
        let mut out = String::new();
        for e in &self.pii_errors {
            let Some(record) = by_id.get(e.id.as_str()) else {
                continue;
            };
            let t = &record.text;
            let (Some(before), Some(value), Some(after)) = (
                t.get(..e.span.start),
                t.get(e.span.clone()),
                t.get(e.span.end..),
            ) else {
                continue;
            };
            let _ = writeln!(
                out,
                "{} {} {} [{}]: {before}⟦{value}⟧{after}",
                e.error, e.kind, e.id, record.lang
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(text: &str) -> Record {
        serde_json::from_value(serde_json::json!({
            "id": "r1", "text": text, "label": "benign", "lang": "en",
            "pii": [{"type": "PERSON", "start": 3, "end": 11}],
        }))
        .expect("a corpus record")
    }

    #[test]
    fn pii_errors_name_missed_and_unbacked_values_and_show_them_only_on_request() {
        let r = record("Hi Ana Lópe, call 0612345678");
        let expected = r.pii.clone().unwrap_or_default();
        let mut report = EvalReport::default();
        // "Ana Lópe" is bytes 3..12 (ó is two bytes); the phone is not annotated.
        report.count_pii(&r, &expected, &[("PHONE".into(), 19..29)]);
        let errors: Vec<(&str, &str, Range<usize>)> = report
            .pii_errors
            .iter()
            .map(|e| (e.error, e.kind.as_str(), e.span.clone()))
            .collect();
        assert_eq!(
            errors,
            [("missed", "PERSON", 3..12), ("spurious", "PHONE", 19..29)]
        );
        // The tables and the JSON carry ids and spans, never the text.
        assert!(!report.render().contains("Ana"));
        let json = serde_json::to_string(&report).expect("serialisable");
        assert!(!json.contains("Ana") && json.contains("\"r1\""));
        let shown = report.render_pii_errors(std::slice::from_ref(&r));
        assert!(shown.contains("missed PERSON r1 [en]: Hi ⟦Ana Lópe⟧, call 0612345678"));
        assert!(shown.contains("spurious PHONE r1 [en]: Hi Ana Lópe, call ⟦0612345678⟧"));
    }
}
