//! L1 rows: each text (as written, then each variant its row asks for) is
//! scanned by the pipeline's own keyword guard over every view the normalizer
//! builds — incrementally and whole, which must agree — and checked against
//! the row; then wrapped in every API shape and decided through every tier.

use std::ops::Range;

use super::load::{Packs, Row, RuleCollection, RuleRow};
use super::tiers::{Shape, Tiers, brief};
use super::variants;
use crate::detect::{Finding, Layer};
use crate::pipeline::{Decision, Pipeline, RoutePolicy, Verdict};

/// The default policy's `l1.min_severity` (medium): a finding at or above it blocks.
const BLOCKING: f32 = 0.5;

/// What one text of a row must give.
enum Expect<'a> {
    /// The row's rule, at a blocking severity; `within`: the variant's bytes,
    /// which the finding must lie inside and cover at least half of.
    Fires {
        row: &'a RuleRow,
        rule: &'a str,
        within: Option<Range<usize>>,
    },
    /// No blocking finding (and `count` findings in all, when set).
    Quiet { count: Option<usize> },
    /// Nothing beyond agreement between configurations.
    Scanned,
}

/// One pipeline and its route, with the names that go into failure messages.
pub(super) struct Setup<'a> {
    /// The case file's name.
    pub collection: &'a str,
    /// The packs the pipeline was built with.
    pub packs: Packs,
    /// The detectors: their own keyword guard and normalizer are the layer's.
    pub pipeline: &'a Pipeline,
    /// The default route's policy.
    pub route: &'a RoutePolicy,
}

/// Runs every row of `collection` under `setup`; returns how many texts ran.
pub(super) fn run(
    setup: &Setup<'_>,
    collection: &RuleCollection,
    tiers: &mut Tiers,
    failures: &mut Vec<String>,
) -> usize {
    let mut texts = 0;
    let kinds = [
        ("fires", &collection.fires),
        ("quiet", &collection.quiet),
        ("scanned", &collection.scanned),
    ];
    for (kind, rows) in kinds {
        for (index, row) in rows.iter().enumerate() {
            let label = format!(
                "{} [{:?} packs] › {}",
                setup.collection,
                setup.packs,
                row.label(kind, index)
            );
            if let Err(problem) = fields_fit(kind, row) {
                failures.push(format!("{label}: {problem}"));
                continue;
            }
            let raw = match (kind, &row.rule) {
                ("fires", Some(rule)) => Expect::Fires {
                    row,
                    rule,
                    within: None,
                },
                ("quiet", _) => Expect::Quiet { count: row.count },
                _ => Expect::Scanned,
            };
            texts += check_text(
                setup,
                tiers,
                &label,
                "as written",
                row,
                &row.text,
                &raw,
                failures,
            );
            let chosen = match variants::named(&row.variants) {
                Ok(chosen) => chosen,
                Err(problem) => {
                    failures.push(format!("{label}: {problem}"));
                    continue;
                }
            };
            for variant in chosen {
                let payload = (variant.apply)(&row.text);
                let text = format!("{}{payload}{}", variant.prefix, variants::SUFFIX);
                let within = variant.prefix.len()..variant.prefix.len() + payload.len();
                let Expect::Fires { rule, .. } = raw else {
                    continue;
                };
                let expect = Expect::Fires {
                    row,
                    rule,
                    within: Some(within),
                };
                let config = format!("variant {:?}", variant.name);
                texts += check_text(setup, tiers, &label, &config, row, &text, &expect, failures);
            }
        }
    }
    texts
}

/// A field the row's kind does not use is a mistake in the case file.
fn fields_fit(kind: &str, row: &RuleRow) -> Result<(), String> {
    let fires_only = [
        ("rule", row.rule.is_some()),
        ("span", row.span.is_some()),
        ("category", row.category.is_some()),
        ("score", row.score.is_some()),
        ("variants", !row.variants.is_empty()),
    ];
    match kind {
        "fires" if row.rule.is_none() => Err("a `fires` row needs `rule`".into()),
        "fires" => Ok(()),
        _ => match fires_only.iter().find(|(_, set)| *set) {
            Some((field, _)) => Err(format!("`{field}` belongs to `fires` rows")),
            None if kind == "scanned" && row.count.is_some() => {
                Err("`count` belongs to `fires` and `quiet` rows".into())
            }
            None => Ok(()),
        },
    }
}

/// Checks one text at the layer, then through the pipeline in every shape
/// and tier; returns 1 (the text ran).
#[allow(clippy::too_many_arguments)]
fn check_text(
    setup: &Setup<'_>,
    tiers: &mut Tiers,
    label: &str,
    config: &str,
    row: &RuleRow,
    text: &str,
    expect: &Expect<'_>,
    failures: &mut Vec<String>,
) -> usize {
    let at = format!("{label} › {config}");
    let views = setup.pipeline.normalizer.views(text);
    let (mut fast, mut full) = (Vec::new(), Vec::new());
    setup.pipeline.keywords.scan(&views, 0, &mut fast);
    setup.pipeline.keywords.scan_full(&views, 0, &mut full);
    if fast != full {
        failures.push(format!(
            "{at} › layer: the incremental scan gives {:?}, the full scan {:?}",
            ids(&fast),
            ids(&full)
        ));
    }
    // The default policy scans user, tool and unknown text for injections;
    // text under another role is not L1's to read, so only the waterfall's
    // answer is checked.
    let read_by_l1 = row.role() == "user";
    if let (true, Err(problem)) = (read_by_l1, layer_expectation(text, &fast, expect)) {
        failures.push(format!("{at} › layer: {problem}"));
    }
    for shape in Shape::ALL {
        let Some(body) = shape.body(row.role(), text) else {
            continue;
        };
        let at = format!("{at} › {}", shape.name());
        let fresh = tiers.fresh(setup.pipeline, setup.route, &body);
        if let Err(problem) = pipeline_expectation(text, &fresh, expect) {
            failures.push(format!("{at} › uncached: {problem}"));
        }
        tiers.check(
            setup.pipeline,
            setup.route,
            &at,
            &body,
            shape.keyed(row.role()),
            &fresh,
            failures,
        );
    }
    1
}

fn ids(findings: &[Finding]) -> Vec<(&str, f32)> {
    findings.iter().map(|f| (&*f.rule_id, f.score)).collect()
}

/// The row's expectation on the layer's own findings.
fn layer_expectation(text: &str, found: &[Finding], expect: &Expect<'_>) -> Result<(), String> {
    let count = match expect {
        Expect::Scanned => return Ok(()),
        Expect::Quiet { count } => {
            if let Some(f) = found.iter().find(|f| f.score >= BLOCKING) {
                return Err(format!("flagged by {} (found {:?})", f.rule_id, ids(found)));
            }
            *count
        }
        Expect::Fires { row, rule, within } => {
            let hit = found
                .iter()
                .find(|f| &*f.rule_id == *rule)
                .ok_or_else(|| format!("{rule} not found (found {:?})", ids(found)))?;
            if hit.layer != Layer::L1 || hit.score < BLOCKING {
                return Err(format!(
                    "{rule} found at {:?}, score {}",
                    hit.layer, hit.score
                ));
            }
            let covered = text
                .get(hit.span.clone())
                .unwrap_or("<not on a char boundary>");
            if let (Some(span), None) = (&row.span, within)
                && covered != span
            {
                return Err(format!("{rule} covers {covered:?}, want {span:?}"));
            }
            if let Some(at) = within {
                let inside = hit.span.start >= at.start && hit.span.end <= at.end;
                if !inside
                    || hit.span.len() * 2 < at.len()
                    || !text.is_char_boundary(hit.span.start)
                {
                    return Err(format!(
                        "{rule} span {:?} is not most of the variant at {at:?}",
                        hit.span
                    ));
                }
            }
            if let Some(category) = &row.category
                && *hit.category != **category
            {
                return Err(format!(
                    "{rule} has category {}, want {category}",
                    hit.category
                ));
            }
            if let Some(score) = row.score
                && hit.score != score
            {
                return Err(format!("{rule} has score {}, want {score}", hit.score));
            }
            // A count is about the text as written.
            within.is_none().then_some(row.count).flatten()
        }
    };
    match count {
        Some(n) if found.len() != n => Err(format!(
            "{} findings, want {n}: {:?}",
            found.len(),
            ids(found)
        )),
        _ => Ok(()),
    }
}

/// The row's expectation on a fresh decision: a `fires` row is blocked by L1
/// with its rule among the findings; a `quiet` row is let through untouched.
fn pipeline_expectation(
    text: &str,
    decision: &Decision,
    expect: &Expect<'_>,
) -> Result<(), String> {
    let by_l1 = matches!(&decision.verdict, Verdict::Block(b) if b.layer == Layer::L1);
    match expect {
        Expect::Scanned => Ok(()),
        Expect::Quiet { .. } if decision.verdict != Verdict::Allow => {
            Err(format!("not let through: {}", brief(&decision.verdict)))
        }
        Expect::Quiet { .. } => Ok(()),
        Expect::Fires { row, rule, within } => {
            let hit = decision
                .findings
                .iter()
                .find(|f| f.layer == Layer::L1 && &*f.rule_id == *rule)
                .ok_or_else(|| format!("{rule} not among {:?}", ids(&decision.findings)))?;
            if !by_l1 {
                return Err(format!("not blocked by L1: {}", brief(&decision.verdict)));
            }
            let covered = text.get(hit.span.clone());
            match (&row.span, within) {
                (Some(span), None) if covered != Some(span.as_str()) => {
                    Err(format!("{rule} covers {covered:?}, want {span:?}"))
                }
                _ => Ok(()),
            }
        }
    }
}
