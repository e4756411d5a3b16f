//! Leave-one-language-out and leave-one-source-out reports.
//!
//! The rules are fixed text and are not refitted here; the one number this
//! module can refit is the L2 threshold. For each value of the dimension
//! (a language, a source family), the threshold is set on every other record
//! so the whole waterfall's benign false-positive rate there stays at or under
//! the target, and the left-out group is then measured at that threshold,
//! beside the shipped threshold. A group that does much worse when it took no
//! part in the calibration is one the threshold was fitted to.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Outcome;
use super::report::Rate;

/// Benign false-positive target of the recalibration: the first target
/// for the whole waterfall.
pub const DEFAULT_FP_TARGET: f64 = 0.005;

/// What a leave-one-out run leaves out, one value at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dimension {
    /// The record's `lang`.
    Lang,
    /// The record's source family (`s-labs+obfuscated` counts as `s-labs`).
    Source,
}

impl std::str::FromStr for Dimension {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "lang" | "language" => Ok(Dimension::Lang),
            "source" => Ok(Dimension::Source),
            other => Err(format!("unknown dimension {other:?} (lang, source)")),
        }
    }
}

/// One left-out group.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LeaveOutRow {
    /// The L2 threshold set without the group (`None`: L2 not loaded).
    pub threshold: Option<f32>,
    /// Attack recall in the group at that threshold.
    pub recall: Rate,
    /// Benign false positives in the group at that threshold.
    pub false_positives: Rate,
    /// Attack recall in the group at the shipped threshold.
    pub recall_shipped: Rate,
    /// Benign false positives in the group at the shipped threshold.
    pub false_positives_shipped: Rate,
}

pub(super) fn report(
    outcomes: &[Outcome],
    dimension: Dimension,
    shipped: Option<f32>,
    fp_target: f64,
) -> BTreeMap<String, LeaveOutRow> {
    let key = |o: &Outcome| match dimension {
        Dimension::Lang => o.lang.clone(),
        Dimension::Source => o.source.clone(),
    };
    let groups: std::collections::BTreeSet<String> = outcomes.iter().map(key).collect();
    groups
        .into_iter()
        .map(|group| {
            let (inside, outside): (Vec<&Outcome>, Vec<&Outcome>) =
                outcomes.iter().partition(|o| key(o) == group);
            let threshold = shipped.map(|_| calibrate(&outside, fp_target));
            let mut row = LeaveOutRow {
                threshold,
                ..LeaveOutRow::default()
            };
            for o in inside {
                let at = |t: Option<f32>| {
                    o.fixed_block || t.zip(o.l2_score).is_some_and(|(t, s)| s >= t)
                };
                if o.attack {
                    row.recall.add(at(threshold));
                    row.recall_shipped.add(at(shipped));
                } else {
                    row.false_positives.add(at(threshold));
                    row.false_positives_shipped.add(at(shipped));
                }
            }
            (group, row)
        })
        .collect()
}

/// The lowest threshold at which the benign records of `outcomes` stay at or
/// under `fp_target` false positives, counting blocks that do not depend on
/// L2; above every benign score when those alone reach the target.
fn calibrate(outcomes: &[&Outcome], fp_target: f64) -> f32 {
    let benign: Vec<&&Outcome> = outcomes.iter().filter(|o| !o.attack).collect();
    let allowed = (fp_target * benign.len() as f64).floor() as usize;
    let fixed = benign.iter().filter(|o| o.fixed_block).count();
    let mut scores: Vec<f32> = benign
        .iter()
        .filter(|o| !o.fixed_block)
        .filter_map(|o| o.l2_score)
        .collect();
    scores.sort_by(|a, b| b.total_cmp(a));
    let budget = allowed.saturating_sub(fixed);
    match scores.get(budget) {
        // Strictly above the first score that must stay allowed.
        Some(&s) => next_up(s),
        None => scores.last().map_or(0.0, |&s| s.min(1.0)),
    }
}

/// `s-labs+obfuscated` → `s-labs`, `generated:ml-attack-bank:de:f4p0` →
/// `generated:ml-attack-bank`: the source a leave-one-source-out run leaves out.
pub fn source_family(source: &str) -> &str {
    let base = source.split('+').next().unwrap_or(source);
    match base.strip_prefix("generated:") {
        Some(rest) => {
            let bank_len = rest.find(':').unwrap_or(rest.len());
            &base[..("generated:".len() + bank_len)]
        }
        None => base.split(':').next().unwrap_or(base),
    }
}

fn next_up(x: f32) -> f32 {
    f32::from_bits(x.to_bits() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(attack: bool, fixed: bool, score: f32, lang: &str) -> Outcome {
        Outcome {
            attack,
            fixed_block: fixed,
            l2_score: Some(score),
            lang: lang.into(),
            source: "s".into(),
        }
    }

    #[test]
    fn sources_group_by_family() {
        assert_eq!(source_family("s-labs+obfuscated"), "s-labs");
        assert_eq!(
            source_family("generated:ml-attack-bank:de:f4p0"),
            "generated:ml-attack-bank"
        );
        assert_eq!(source_family("generated:doc-bank"), "generated:doc-bank");
        assert_eq!(source_family("bipia-email+generated"), "bipia-email");
    }

    #[test]
    fn calibration_keeps_the_target_outside_the_group() {
        let mut outcomes: Vec<Outcome> = (0..200)
            .map(|i| outcome(false, false, i as f32 / 200.0, "en"))
            .collect();
        outcomes.push(outcome(true, false, 0.999, "en"));
        outcomes.push(outcome(true, false, 0.5, "de"));
        outcomes.push(outcome(false, false, 0.999, "de"));
        let rows = report(&outcomes, Dimension::Lang, Some(0.9), 0.005);
        let de = &rows["de"];
        // One false positive allowed among 200 English benign: threshold just
        // above the second-highest English benign score.
        let t = de.threshold.expect("L2 loaded");
        assert!(t > 0.99 - 1e-6 && t < 0.991, "{t}");
        assert_eq!(de.recall.hits, 0);
        assert_eq!(de.false_positives.hits, 1);
        assert_eq!(de.false_positives_shipped.hits, 1);
    }
}
