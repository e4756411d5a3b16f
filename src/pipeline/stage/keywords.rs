//! L1 as a stage: keyword rules over every view of each injection-scoped
//! segment, and across adjacent same-role segments; the adversarial-suffix
//! detector over the original text of each user (or role-less) segment. The views are L1's work,
//! so its timing and budget include them.

use std::ops::Range;
use std::sync::Arc;

use super::{Budget, Report, Scan, Stage, StageFuture};
use crate::detect::Layer;
use crate::detect::keywords::{JoinedSegment, KeywordGuard, SegmentScan};
use crate::extract::{Role, Segment};

/// The L1 stage.
pub(super) struct L1(pub(super) Arc<KeywordGuard>);

impl Stage for L1 {
    fn layer(&self) -> Layer {
        Layer::L1
    }

    fn budget(&self) -> Budget {
        Budget::Alarm
    }

    fn cached_by_l0(&self) -> bool {
        true
    }

    fn wanted(&self, scan: &Scan<'_>, cached: bool) -> bool {
        !cached && scan.policy.policy.config.l1.enabled && !scan.injection.is_empty()
    }

    fn run<'a>(&'a self, scan: &'a Scan<'a>) -> StageFuture<'a> {
        let detection = &scan.policy.policy.detection;
        let mut findings = Vec::new();
        let views = scan.views();
        let scanned: Vec<SegmentScan> = scan
            .injection
            .iter()
            .zip(views)
            .map(|(&i, views)| {
                let segment = &scan.segments[i];
                if suffix_read(segment.role) {
                    self.0.scan_suffix(&segment.text, i, &mut findings);
                }
                self.0.scan(views, i, &mut findings)
            })
            .collect();
        for run in same_role_runs(scan.injection, scan.segments) {
            let parts: Vec<JoinedSegment<'_>> = run
                .map(|k| {
                    let i = scan.injection[k];
                    JoinedSegment {
                        segment: i,
                        text: scan.segments[i].text.as_str(),
                        views: &views[k],
                        scanned: &scanned[k],
                    }
                })
                .collect();
            self.0
                .scan_joined_after(scan.normalizer(), &parts, &mut findings);
        }
        findings.retain(|f| !detection.disabled_rules.contains(&*f.rule_id));
        let decisive = findings
            .iter()
            .filter(|f| detection.l1_decides(f))
            .max_by(|a, b| a.score.total_cmp(&b.score))
            .map(|f| f.category.clone());
        Box::pin(std::future::ready(Ok(Report::Injection {
            findings,
            decisive,
            score: None,
        })))
    }
}

/// Whether the adversarial-suffix detector reads a segment of this role: an
/// optimized suffix is what a user appends to their own request, while
/// operator prompts, tool results (truncated logs, code, JSON) and tool
/// definitions (schema prose with formats, patterns and examples) are where
/// technical tails with open brackets are ordinary. Every role is named so a
/// new one is decided here, not let in by default.
fn suffix_read(role: Role) -> bool {
    match role {
        Role::User | Role::Unknown => true,
        Role::System | Role::Developer | Role::Assistant | Role::Tool | Role::ToolDefinition => {
            false
        }
    }
}

/// Consecutive injection-scoped segments of one role, as the model reads them
/// one after the other (an attack split across two user messages), as ranges
/// of positions in `injection`.
fn same_role_runs(injection: &[usize], segments: &[Segment]) -> Vec<Range<usize>> {
    let mut runs = Vec::new();
    let mut start = 0;
    for k in 1..=injection.len() {
        let boundary = k == injection.len()
            || injection[k] != injection[k - 1] + 1
            || segments[injection[k]].role != segments[injection[k - 1]].role;
        if boundary {
            if k - start > 1 {
                runs.push(start..k);
            }
            start = k;
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Location;

    fn segment(role: Role) -> Segment {
        Segment {
            role,
            text: String::new(),
            location: Location::root(),
        }
    }

    #[test]
    fn runs_group_adjacent_segments_of_one_role() {
        let segments = vec![
            segment(Role::User),
            segment(Role::User),
            segment(Role::Assistant),
            segment(Role::User),
            segment(Role::Tool),
            segment(Role::Tool),
            segment(Role::ToolDefinition),
            segment(Role::ToolDefinition),
        ];
        let injection = [0, 1, 3, 4, 5, 6, 7];
        let runs: Vec<&[usize]> = same_role_runs(&injection, &segments)
            .into_iter()
            .map(|r| &injection[r])
            .collect();
        // A tool result and the tool definitions after it are not one text.
        assert_eq!(runs, vec![&[0, 1][..], &[4, 5][..], &[6, 7][..]]);
    }

    #[test]
    fn the_suffix_detector_reads_user_and_role_less_text_only() {
        let read: Vec<Role> = Role::ALL.into_iter().filter(|&r| suffix_read(r)).collect();
        assert_eq!(read, vec![Role::User, Role::Unknown]);
    }
}
