//! L1.5 rows: each text is scanned by the pipeline's own PII shield (exact
//! types and values, in order, spans on character boundaries), then wrapped in
//! every API shape and decided through every tier. L0 caches only the
//! injection verdict, so every tier must find, redact or block exactly as a
//! fresh scan does.

use super::load::{PiiCollection, PiiRow, Row};
use super::tiers::{Shape, Tiers, brief};
use crate::detect::{Finding, Layer};
use crate::pipeline::{Decision, Pipeline, RoutePolicy, Verdict};

/// Runs every row of `collection`; returns how many texts ran.
pub(super) fn run(
    name: &str,
    collection: &PiiCollection,
    pipeline: &Pipeline,
    route: &RoutePolicy,
    tiers: &mut Tiers,
    failures: &mut Vec<String>,
) -> usize {
    let kinds = [("finds", &collection.finds), ("quiet", &collection.quiet)];
    let mut texts = 0;
    for (kind, rows) in kinds {
        for (index, row) in rows.iter().enumerate() {
            let label = format!("{name} › {}", row.label(kind, index));
            match (kind, row.pii.is_empty()) {
                ("finds", true) => failures.push(format!("{label}: a `finds` row needs `pii`")),
                ("quiet", false) => {
                    failures.push(format!("{label}: `pii` belongs to `finds` rows"))
                }
                _ => texts += check_text(pipeline, route, tiers, &label, row, failures),
            }
        }
    }
    texts
}

/// (type, value) pairs, for comparison and messages.
fn values<'t>(text: &'t str, findings: &[Finding]) -> Vec<(String, &'t str)> {
    findings
        .iter()
        .filter(|f| f.layer == Layer::L15)
        .map(|f| {
            let value = text
                .get(f.span.clone())
                .unwrap_or("<not on a char boundary>");
            (f.category.to_string(), value)
        })
        .collect()
}

fn check_text(
    pipeline: &Pipeline,
    route: &RoutePolicy,
    tiers: &mut Tiers,
    label: &str,
    row: &PiiRow,
    failures: &mut Vec<String>,
) -> usize {
    let text = &row.text;
    let want: Vec<(String, &str)> = row
        .pii
        .iter()
        .map(|p| (p.ty.clone(), p.value.as_str()))
        .collect();
    let mut found = Vec::new();
    pipeline.pii.scan(text, 0, &mut found);
    let got = values(text, &found);
    if got != want {
        failures.push(format!("{label} › layer: found {got:?}, want {want:?}"));
    }
    for shape in Shape::ALL {
        let Some(body) = shape.body(row.role(), text) else {
            continue;
        };
        let at = format!("{label} › {}", shape.name());
        let fresh = tiers.fresh(pipeline, route, &body);
        if let Err(problem) = pipeline_expectation(text, &fresh, &want) {
            failures.push(format!("{at} › uncached: {problem}"));
        }
        tiers.check(
            pipeline,
            route,
            &at,
            &body,
            shape.keyed(row.role()),
            &fresh,
            failures,
        );
    }
    1
}

/// A fresh decision finds exactly the row's values, and redacts or blocks
/// when there are any (lets the request through untouched when there are none).
fn pipeline_expectation(
    text: &str,
    decision: &Decision,
    want: &[(String, &str)],
) -> Result<(), String> {
    let got = values(text, &decision.findings);
    if got != want {
        return Err(format!(
            "found {got:?}, want {want:?} ({})",
            brief(&decision.verdict)
        ));
    }
    let acted = match &decision.verdict {
        Verdict::Redact(_) => true,
        Verdict::Block(block) => block.layer == Layer::L15,
        Verdict::Allow => false,
        Verdict::Shadow(_) => return Err("shadow verdict on an enforce route".into()),
    };
    match (acted, want.is_empty()) {
        (false, false) => Err(format!(
            "not redacted or blocked: {}",
            brief(&decision.verdict)
        )),
        (true, true) => Err(format!("acted on nothing: {}", brief(&decision.verdict))),
        _ => Ok(()),
    }
}
