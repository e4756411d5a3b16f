//! L1, the keyword guard: phrase, near-word and regex rules over hardened text.
//!
//! Takes the [`Views`] the normalizer built for one segment and reports a
//! [`Finding`] per rule that matched, with the span mapped back to the original
//! segment text. Rule packs (format: `rules/RULES-FORMAT.md`) come from
//! `rules/*.toml` (embedded in the binary at build time, see [`embedded_packs`]),
//! a directory, or custom rules in the config; they are validated (every problem
//! reported with its file and rule id) and compiled once into:
//!
//! * two Aho-Corasick automata over the phrases (folded, and folded to the
//!   confusable skeleton for [`View::skeleton`] views), matched on word
//!   boundaries for spaced scripts and without them for CJK / Japanese / Thai;
//! * two automata over the terms of near rules, whose hits are chained with
//!   word-position arithmetic (at most `max_gap` words between groups);
//! * one size-limited, linear-time regex per pattern (each keeps its
//!   literal prefilter), run on the folded, decoded and de-obfuscated views
//!   (leetspeak near its changed bytes, the skeleton where words mix
//!   scripts; not the ROT13 and reversed readings); a gate
//!   (`gate.rs`) first reads the prefix literals of every pattern in one pass,
//!   so only the regexes that can match a view run, each tried anchored at
//!   the few places a match may start (or searched from the first).
//!
//! It never decides (the policy does) and never logs or returns matched text.

mod builder;
mod compile;
mod error;
mod gate;
mod index;
mod scan;
mod suffix;

#[cfg(test)]
mod cases_intl;
#[cfg(test)]
mod tests;
mod words;

use std::path::Path;

pub use crate::types::{NearSpec, PackFile, PackMeta, RuleSpec};
pub use builder::KeywordGuardBuilder;
use compile::Compiled;
pub use error::{KeywordsError, ProblemKind, RuleProblem};
use gate::GateStarts;
pub use suffix::{SUFFIX_CATEGORY, SUFFIX_RULE_ID, SuffixHit, detect as detect_suffix};

use crate::detect::{Finding, Layer};
use crate::normalize::{Normalizer, View, ViewKind, Views};

/// Categories a rule may have (`rules/RULES-FORMAT.md`).
pub const CATEGORIES: &[&str] = &[
    "instruction_override",
    "jailbreak_roleplay",
    "system_prompt_leak",
    "data_exfiltration",
    "dangerous_tool_action",
    "encoding_smuggling",
    "privilege_escalation",
    "harmful_reformulation",
    "other",
];

/// Largest `max_gap` a near rule may ask for: wider gaps stop meaning "near".
pub const MAX_GAP_LIMIT: usize = 20;
/// Compiled size limit of one rule regex (bytes of program).
pub const REGEX_SIZE_LIMIT: usize = 2 * 1024 * 1024;
/// Lazy-DFA cache of one rule regex: large enough that counted repetitions
/// (`[^)]{1,300}`) do not thrash it into the slow fallback engine.
pub const REGEX_DFA_CACHE: usize = 4 * 1024 * 1024;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_packs.rs"));
}

/// The rule packs compiled into the binary: `(file name, TOML text)` for every
/// `rules/*.toml` at build time, sorted by file name.
///
/// Exists so `promptgate serve` works without the rules folder.
pub fn embedded_packs() -> Vec<(&'static str, &'static str)> {
    embedded::EMBEDDED_PACKS.to_vec()
}

/// How bad a rule's match is; the policy blocks at or above its minimum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Reported, not blocked by default.
    Low,
    /// Blocked by default.
    Medium,
    /// A clear attack phrase.
    High,
    /// Unambiguous.
    Critical,
}

impl Severity {
    /// The finding score for this severity (`rules/RULES-FORMAT.md`).
    pub fn score(self) -> f32 {
        match self {
            Severity::Low => 0.25,
            Severity::Medium => 0.5,
            Severity::High => 0.8,
            Severity::Critical => 1.0,
        }
    }
}

/// The compiled L1 rule set. Immutable and shared behind `Arc` across tasks.
#[derive(Debug)]
pub struct KeywordGuard {
    compiled: Compiled,
}

impl KeywordGuard {
    /// Compiles the packs embedded in the binary.
    ///
    /// # Errors
    /// As [`KeywordGuardBuilder::build`].
    pub fn embedded() -> Result<KeywordGuard, KeywordsError> {
        let mut b = KeywordGuardBuilder::new();
        b.add_embedded();
        b.build()
    }

    /// Compiles every pack in a directory.
    ///
    /// # Errors
    /// As [`KeywordGuardBuilder::build`], plus unreadable files as problems.
    pub fn from_dir(dir: &Path) -> Result<KeywordGuard, KeywordsError> {
        let mut b = KeywordGuardBuilder::new();
        b.add_dir(dir);
        b.build()
    }

    /// Number of rules compiled.
    pub fn rule_count(&self) -> usize {
        self.compiled.rules.len()
    }

    /// SHA-256 over the compiled rule set and the normalizer version: part of the
    /// L0 cache key, so a rule change invalidates cached verdicts.
    pub fn fingerprint(&self) -> [u8; 32] {
        self.compiled.fingerprint
    }

    /// Scans the views of one segment and pushes one finding per rule that
    /// matched (the first match found, folded view first), with spans in the
    /// segment's original text.
    ///
    /// Returns what the scan learnt that a joined scan of this segment with
    /// its neighbours reuses ([`KeywordGuard::scan_joined_after`]).
    pub fn scan(&self, views: &Views, segment: usize, out: &mut Vec<Finding>) -> SegmentScan {
        self.first_findings(views, true, segment, out)
    }

    /// One finding per rule, its first hit in view order; `incremental` as in
    /// [`KeywordGuard::each_hit`].
    fn first_findings(
        &self,
        views: &Views,
        incremental: bool,
        segment: usize,
        out: &mut Vec<Finding>,
    ) -> SegmentScan {
        let mut fired = FiredRules::new(self.rule_count());
        let (mut terms, folded_gate) = self.each_hit(
            views,
            incremental,
            None,
            None,
            &|_| false,
            &mut |view, hit| {
                if fired.insert(hit.rule) {
                    out.push(self.finding(hit.rule, segment, view.original_range(hit.span)));
                }
            },
        );
        let skeleton_terms = own_skeleton(views).map(|_| std::mem::take(&mut terms[OWN_SKELETON]));
        SegmentScan {
            folded_len: views.folded().text.len(),
            folded_terms: terms.swap_remove(0),
            folded_gate,
            skeleton_terms,
        }
    }

    /// Calls `f` for every rule match in every view, in view order, and returns
    /// each view's near-term hits, and the regex gate's starts on the folded
    /// view. A view that differs from an earlier one at a
    /// few bytes only ([`View::delta`]) is rescanned around those bytes when
    /// `incremental`; the matches it skips are the earlier view's, already
    /// reported (tests compare both ways). With `parts`, the folded view is
    /// already scanned texts laid end to end and only what lies across them is
    /// read again ([`scan::scan_parts`]; hits inside a part are not reported);
    /// with `skeleton_parts` (a view's index and its parts), that view likewise.
    /// A view for which `skip` holds is not scanned (nor a view that differs
    /// from it at a few bytes).
    fn each_hit(
        &self,
        views: &Views,
        incremental: bool,
        parts: Option<&[scan::Part<'_>]>,
        skeleton_parts: Option<(usize, &[scan::Part<'_>])>,
        skip: &dyn Fn(&View) -> bool,
        f: &mut dyn FnMut(&View, scan::Hit),
    ) -> (Vec<Vec<scan::TermHit>>, GateStarts) {
        let all: Vec<&View> = views.iter().collect();
        let mut terms: Vec<Vec<scan::TermHit>> = Vec::with_capacity(all.len());
        let mut skipped = vec![false; all.len()];
        let (mut folded_gate, mut gate) = (GateStarts::default(), GateStarts::default());
        let mut mixed: Option<bool> = None;
        for view in &all {
            let gate = if terms.is_empty() {
                &mut folded_gate
            } else {
                &mut gate
            };
            if skip(view) || view.delta().is_some_and(|d| skipped[d.base]) {
                skipped[terms.len()] = true;
                terms.push(Vec::new());
                continue;
            }
            // The confusable skeleton reads the regexes only where words mix
            // scripts (`Ignоre`): text wholly in another script gives Latin
            // letters no rule wording spells, at the cost of a second pass.
            let patterns = scan::runs_patterns(view.kind)
                && (view.kind != ViewKind::Skeleton
                    || *mixed.get_or_insert_with(|| mixes_scripts(&views.folded().text)));
            let c = &self.compiled;
            let hits = match (view.delta(), parts) {
                (_, Some(parts)) if terms.is_empty() => {
                    scan::scan_parts(c, view, parts, patterns, gate, &mut |hit| f(view, hit))
                }
                _ if let Some((k, parts)) = skeleton_parts
                    && k == terms.len() =>
                {
                    scan::scan_parts(c, view, parts, patterns, gate, &mut |hit| f(view, hit))
                }
                (Some(d), _) if incremental && d.base < terms.len() => scan::scan_delta(
                    c,
                    view,
                    &all[d.base].text,
                    &terms[d.base],
                    &d.changed,
                    patterns,
                    &mut |hit| f(view, hit),
                ),
                _ => scan::scan_view(c, view, patterns, gate, &mut |hit| f(view, hit)),
            };
            terms.push(hits);
        }
        (terms, folded_gate)
    }

    /// [`KeywordGuard::scan`] without the incremental rescans: every view is
    /// scanned whole. The reference the fast path is tested against.
    #[cfg(test)]
    pub(crate) fn scan_full(&self, views: &Views, segment: usize, out: &mut Vec<Finding>) {
        self.first_findings(views, false, segment, out);
    }

    /// Runs the adversarial-suffix detector (`suffix.rs`) on a segment's
    /// original text (it reads case, which the folded views drop) and pushes
    /// a finding of [`SUFFIX_RULE_ID`] (severity high) when its tail reads
    /// as an optimized gibberish suffix.
    pub fn scan_suffix(&self, text: &str, segment: usize, out: &mut Vec<Finding>) {
        if let Some(hit) = suffix::detect(text) {
            out.push(Finding {
                layer: Layer::L1,
                category: SUFFIX_CATEGORY.into(),
                rule_id: SUFFIX_RULE_ID.into(),
                segment,
                span: hit.span,
                score: Severity::High.score(),
            });
        }
    }

    /// Finds attacks split across adjacent segments (e.g. two user messages that
    /// only read as an attack together).
    ///
    /// `segments` are `(segment index, original text)` in reading order, normally
    /// the consecutive segments of one role. Their texts are joined with a newline
    /// and scanned; only matches that cross a segment border are reported (the
    /// per-segment [`KeywordGuard::scan`] reports the rest), as one finding per
    /// segment touched with the span clipped to that segment.
    pub fn scan_joined(
        &self,
        normalizer: &Normalizer,
        segments: &[(usize, &str)],
        out: &mut Vec<Finding>,
    ) {
        self.joined(normalizer, segments, None, out);
    }

    /// [`KeywordGuard::scan_joined`] of segments already scanned one by one,
    /// with what each scan returned: the same findings, without reading the
    /// folded text of each segment again (only the few bytes around each
    /// border, when the joined folded text is the segments' folded texts with
    /// what folding the joining newline gives between them).
    pub fn scan_joined_after(
        &self,
        normalizer: &Normalizer,
        segments: &[JoinedSegment<'_>],
        out: &mut Vec<Finding>,
    ) {
        let texts: Vec<(usize, &str)> = segments.iter().map(|s| (s.segment, s.text)).collect();
        self.joined(normalizer, &texts, Some(segments), out);
    }

    fn joined(
        &self,
        normalizer: &Normalizer,
        segments: &[(usize, &str)],
        scanned: Option<&[JoinedSegment<'_>]>,
        out: &mut Vec<Finding>,
    ) {
        if segments.len() < 2 {
            return;
        }
        let mut joined = String::with_capacity(segments.iter().map(|s| s.1.len() + 1).sum());
        let mut starts = Vec::with_capacity(segments.len());
        for (i, (_, text)) in segments.iter().enumerate() {
            if i > 0 {
                joined.push('\n');
            }
            starts.push(joined.len());
            joined.push_str(text);
        }
        // The segments' own views give most of the joined text's: the same
        // views, built without reading each segment again.
        let views = match scanned {
            Some(s) => {
                let parts: Vec<&Views> = s.iter().map(|s| s.views).collect();
                normalizer.views_joined(&joined, &parts)
            }
            None => normalizer.views(&joined),
        };
        let parts = scanned.and_then(|s| folded_parts(&views.folded().text, s));
        let skeleton_parts = scanned.and_then(|s| {
            let view = own_skeleton(&views)?;
            skeleton_parts(&view.text, s).map(|p| (OWN_SKELETON, p))
        });
        let mut fired = FiredRules::new(self.rule_count());
        let parts = parts.as_deref();
        let skeleton_parts = skeleton_parts.as_ref().map(|(k, p)| (*k, p.as_slice()));
        // Where segment k lies in the joined text.
        let range_of = |k: usize| starts[k]..starts[k] + segments[k].1.len();
        // A view read wholly from one segment (a decoded run: runs never hold
        // the joining newline) has no match across segments.
        let one_segment = |view: &View| {
            let r = view.original_range(0..view.text.len());
            (0..segments.len()).any(|k| {
                let seg = range_of(k);
                seg.start <= r.start && r.end <= seg.end
            })
        };
        self.each_hit(
            &views,
            true,
            parts,
            skeleton_parts,
            &one_segment,
            &mut |view, hit| {
                if fired.contains(hit.rule) {
                    return;
                }
                let span = view.original_range(hit.span);
                let touched: Vec<usize> = (0..segments.len())
                    .filter(|&k| {
                        let seg = range_of(k);
                        span.start < seg.end && span.end > seg.start
                    })
                    .collect();
                if touched.len() < 2 {
                    return;
                }
                fired.insert(hit.rule);
                for k in touched {
                    let seg = range_of(k);
                    let clipped =
                        span.start.max(seg.start) - seg.start..span.end.min(seg.end) - seg.start;
                    out.push(self.finding(hit.rule, segments[k].0, clipped));
                }
            },
        );
    }

    fn finding(&self, rule: u32, segment: usize, span: std::ops::Range<usize>) -> Finding {
        let r = &self.compiled.rules[rule as usize];
        Finding {
            layer: Layer::L1,
            category: r.category.clone(),
            rule_id: r.id.clone(),
            segment,
            span,
            score: r.severity.score(),
        }
    }
}

/// Whether a word of `folded` mixes ASCII letters with Cyrillic, Greek or
/// Armenian ones, as look-alikes planted in English words do (`ignоre` with a
/// Cyrillic `о`). Read byte by byte: those scripts' letters are the two-byte
/// UTF-8 sequences led by 0xCD..=0xD6; ASCII punctuation and blanks end a
/// word, and any other character (Polish `ł`, Turkish `ı`, CJK) is let be.
fn mixes_scripts(folded: &str) -> bool {
    let (mut ascii, mut other) = (false, false);
    for &b in folded.as_bytes() {
        if b.is_ascii_alphabetic() {
            ascii = true;
        } else if (0xCD..=0xD6).contains(&b) {
            other = true;
        } else if b < 0x80 && !b.is_ascii_digit() {
            (ascii, other) = (false, false);
        }
        if ascii && other {
            return true;
        }
    }
    false
}

/// What [`KeywordGuard::scan`] learnt about a segment that a joined scan
/// reuses: the near-term hits of its folded view and where the regex gate
/// starts each regex on it.
#[derive(Debug, Clone)]
pub struct SegmentScan {
    folded_len: usize,
    folded_terms: Vec<scan::TermHit>,
    folded_gate: GateStarts,
    /// The near-term hits of the segment's own skeleton view, when it has one.
    skeleton_terms: Option<Vec<scan::TermHit>>,
}

/// One segment of [`KeywordGuard::scan_joined_after`]: its index, its
/// original text, its views and what [`KeywordGuard::scan`] of them returned.
#[derive(Debug, Clone, Copy)]
pub struct JoinedSegment<'a> {
    /// The segment's index, for findings.
    pub segment: usize,
    /// The segment's original text.
    pub text: &'a str,
    /// The segment's views (built by the normalizer the joined scan uses).
    pub views: &'a Views,
    /// What the segment's own scan returned.
    pub scanned: &'a SegmentScan,
}

/// The segments' folded texts as parts of the joined folded text, when it is
/// exactly them with what folding the joining newline gives between each two
/// ([`laid_end_to_end`]); `None` otherwise (an empty folded text, a trailing
/// space that became a line break, or any other difference), and the joined
/// folded view is then scanned whole.
fn folded_parts<'a>(joined: &str, segments: &[JoinedSegment<'a>]) -> Option<Vec<scan::Part<'a>>> {
    laid_end_to_end(
        joined,
        segments.iter().map(|s| {
            let folded = &s.views.folded().text;
            (folded.len() == s.scanned.folded_len).then_some((
                folded.as_str(),
                s.scanned.folded_terms.as_slice(),
                &s.scanned.folded_gate,
            ))
        }),
    )
}

/// [`folded_parts`] for the skeleton view: the segments' own skeleton views
/// as parts of the joined skeleton view (each segment must have one, scanned
/// with the same literal set; no regex reads a skeleton view, so no gate).
/// The joined text of segments with look-alike letters (Cyrillic, Greek,
/// Latin extended) has a skeleton view, which was scanned whole.
fn skeleton_parts<'a>(joined: &str, segments: &[JoinedSegment<'a>]) -> Option<Vec<scan::Part<'a>>> {
    laid_end_to_end(
        joined,
        segments.iter().map(|s| {
            let view = own_skeleton(s.views)?;
            let terms = s.scanned.skeleton_terms.as_deref()?;
            Some((view.text.as_str(), terms, &NO_GATE_STARTS))
        }),
    )
}

/// The gate's starts on a view no regex reads.
static NO_GATE_STARTS: GateStarts = GateStarts::new();

/// Where a text's own skeleton view sits in its [`Views`], when it has one:
/// right after the folded view (a decoded payload's skeleton comes later).
const OWN_SKELETON: usize = 1;

/// The text's own skeleton view (not a decoded payload's).
fn own_skeleton(views: &Views) -> Option<&View> {
    views
        .iter()
        .nth(OWN_SKELETON)
        .filter(|v| v.kind == ViewKind::Skeleton)
}

/// Texts (each with the near-term hits and regex gate starts of its own
/// scan) as parts of `joined`, when `joined` is exactly them, none empty,
/// with what the joining newline folds to between each two: one space, a
/// line break before a list item, or nothing after a text that ends with a
/// space. `None` otherwise, or when a part is `None`.
#[allow(clippy::type_complexity)]
fn laid_end_to_end<'a>(
    joined: &str,
    texts: impl ExactSizeIterator<Item = Option<(&'a str, &'a [scan::TermHit], &'a GateStarts)>>,
) -> Option<Vec<scan::Part<'a>>> {
    let n = texts.len();
    let mut parts = Vec::with_capacity(n);
    let mut at = 0;
    for (k, part) in texts.enumerate() {
        let (text, terms, gate) = part?;
        if text.is_empty() || !joined[at..].starts_with(text) {
            return None;
        }
        parts.push(scan::Part {
            at,
            len: text.len(),
            terms,
            gate,
        });
        at += text.len();
        if k + 1 < n && !text.ends_with(' ') {
            match joined.as_bytes().get(at) {
                Some(b' ' | b'\n') => at += 1,
                _ => return None,
            }
        }
    }
    (at == joined.len()).then_some(parts)
}

/// One bit per rule: which rules already gave a finding, so each rule is
/// reported once per scan.
struct FiredRules(Vec<u64>);

impl FiredRules {
    fn new(rules: usize) -> FiredRules {
        FiredRules(vec![0; rules.div_ceil(64)])
    }

    fn contains(&self, rule: u32) -> bool {
        self.0[rule as usize / 64] & (1 << (rule % 64)) != 0
    }

    /// Marks `rule`; true when it was not marked before.
    fn insert(&mut self, rule: u32) -> bool {
        let new = !self.contains(rule);
        self.0[rule as usize / 64] |= 1 << (rule % 64);
        new
    }
}
