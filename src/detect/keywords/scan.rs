//! Scanning views with the compiled automata.

use std::ops::Range;

use super::compile::{Compiled, LiteralSet};
use super::words::{count_word_starts, ends_word, is_word_char, starts_word};
use crate::normalize::{View, ViewKind};

/// A raw match in one view: the rule and the byte range in the view text.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub(crate) rule: u32,
    pub(crate) span: Range<usize>,
}

#[derive(Debug, Clone, Copy)]
struct TermHit {
    term: u32,
    start: usize,
    end: usize,
    start_w: usize,
    end_w: usize,
}

fn on_boundaries(text: &str, set: &LiteralSet, pat: usize, start: usize, end: usize) -> bool {
    let lit = &set.lits[pat];
    (!lit.check_start || starts_word(text, start)) && (!lit.check_end || ends_word(text, end))
}

/// Regex patterns are written against the folded text, so they run on views that
/// are folded text (or decoded payloads), not on letter-substituted views.
fn runs_patterns(kind: ViewKind) -> bool {
    matches!(
        kind,
        ViewKind::Folded
            | ViewKind::Base64
            | ViewKind::Hex
            | ViewKind::UrlEncoded
            | ViewKind::Escaped
    )
}

/// Every rule match in one view, calling `emit` for each (rules may repeat).
pub(crate) fn scan_view(c: &Compiled, view: &View, emit: &mut dyn FnMut(Hit)) {
    let text = view.text.as_str();
    let family = usize::from(view.skeleton);

    // Phrases.
    let set = &c.phrases[family];
    if let Some(ac) = &set.ac {
        for m in ac.find_overlapping_iter(text) {
            let p = m.pattern().as_usize();
            if on_boundaries(text, set, p, m.start(), m.end()) {
                emit(Hit {
                    rule: set.lits[p].owner,
                    span: m.start()..m.end(),
                });
            }
        }
    }

    // Near patterns, from term hits and word positions.
    let tset = &c.term_sets[family];
    if let Some(ac) = &tset.ac {
        let mut hits: Vec<TermHit> = Vec::new();
        for m in ac.find_overlapping_iter(text) {
            let p = m.pattern().as_usize();
            if on_boundaries(text, tset, p, m.start(), m.end()) {
                let mut end = m.end();
                if tset.lits[p].prefix {
                    end += text[end..]
                        .find(|c: char| !is_word_char(c))
                        .unwrap_or(text.len() - end);
                }
                hits.push(TermHit {
                    term: tset.lits[p].owner,
                    start: m.start(),
                    end,
                    start_w: 0,
                    end_w: 0,
                });
            }
        }
        if !hits.is_empty() {
            near_matches(c, text, &mut hits, emit);
        }
    }

    // Regex patterns: one pass each. Each regex keeps its own literal prefilter
    // (`!\[`, `https?://`, `<|`), which a combined set would lose.
    if runs_patterns(view.kind) {
        for (re, rule) in &c.regexes {
            if let Some(m) = re.find(text) {
                emit(Hit {
                    rule: *rule,
                    span: m.start()..m.end(),
                });
            }
        }
    }
}

/// A partial chain through a near pattern's groups.
#[derive(Debug, Clone, Copy)]
struct Chain {
    end_w: usize,
    start: usize,
    end: usize,
}

fn near_matches(c: &Compiled, text: &str, hits: &mut [TermHit], emit: &mut dyn FnMut(Hit)) {
    // Word index of each hit: one pass up to the last hit start.
    hits.sort_unstable_by_key(|h| (h.start, h.end));
    let mut pos = 0;
    let mut words = 0;
    let mut in_word = false;
    for h in hits.iter_mut() {
        let (n, w) = count_word_starts(text, pos, h.start, in_word);
        words += n;
        in_word = w;
        pos = h.start;
        // The hit's first word starts at h.start (terms start on a word).
        h.start_w = words;
        h.end_w = words + c.terms[h.term as usize].words as usize - 1;
    }
    // (near, group, hit index), grouped by near pattern.
    let mut uses: Vec<(u32, u16, u32)> = Vec::new();
    for (hi, h) in hits.iter().enumerate() {
        for &(near, group) in &c.terms[h.term as usize].uses {
            uses.push((near, group, hi as u32));
        }
    }
    uses.sort_unstable();
    let mut i = 0;
    while i < uses.len() {
        let near = uses[i].0;
        let mut j = i;
        while j < uses.len() && uses[j].0 == near {
            j += 1;
        }
        let block = &uses[i..j];
        i = j;
        let n = &c.nears[near as usize];
        // All groups present?
        let mut groups_seen = 0u16;
        let mut last_group = u16::MAX;
        for u in block {
            if u.1 != last_group {
                groups_seen += 1;
                last_group = u.1;
            }
        }
        if groups_seen < n.groups {
            continue;
        }
        if let Some(span) = chain(block, hits, n.groups, n.max_gap as usize) {
            emit(Hit { rule: n.rule, span });
        }
    }
}

/// Finds the first chain group 0 -> 1 -> ... with bounded word gaps.
fn chain(
    block: &[(u32, u16, u32)],
    hits: &[TermHit],
    groups: u16,
    max_gap: usize,
) -> Option<Range<usize>> {
    let mut prev: Vec<Chain> = Vec::new();
    let mut next: Vec<Chain> = Vec::new();
    for g in 0..groups {
        next.clear();
        for u in block.iter().filter(|u| u.1 == g) {
            let h = hits[u.2 as usize];
            if g == 0 {
                next.push(Chain {
                    end_w: h.end_w,
                    start: h.start,
                    end: h.end,
                });
                continue;
            }
            // prev is sorted by end_w: the candidates end in [start_w - 1 - gap, start_w - 1].
            let lo = h.start_w.saturating_sub(max_gap + 1);
            let k = prev.partition_point(|p| p.end_w < lo);
            if let Some(p) = prev.get(k).filter(|p| p.end_w < h.start_w) {
                next.push(Chain {
                    end_w: h.end_w,
                    start: p.start,
                    end: h.end,
                });
            }
        }
        if next.is_empty() {
            return None;
        }
        next.sort_unstable_by_key(|c| (c.end_w, std::cmp::Reverse(c.start)));
        std::mem::swap(&mut prev, &mut next);
    }
    prev.first().map(|c| c.start..c.end)
}
