//! Scanning views with the compiled automata.

use std::ops::Range;

#[cfg(doc)]
use super::compile::Near;
use super::compile::{Compiled, Literal, LiteralSet, folding_bit};
use super::gate::GateStarts;
use super::index::candidates;
use super::words::{count_word_starts, ends_word, is_word_char};
use crate::normalize::{View, ViewKind};

/// A raw match in one view: the rule and the byte range in the view text.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub(crate) rule: u32,
    pub(crate) span: Range<usize>,
}

/// A near-term found in a view, its span grown to the word end for prefix terms.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TermHit {
    term: u32,
    start: usize,
    end: usize,
    start_w: usize,
    end_w: usize,
}

/// Does a literal occurrence at `start..end` sit on its word boundaries? The
/// scan checks only the end (the index finds starts on their boundary); the
/// tests' reference search checks both.
#[cfg(test)]
pub(crate) fn on_boundaries(text: &str, lit: &Literal, start: usize, end: usize) -> bool {
    (!lit.check_start || super::words::starts_word(text, start))
        && (!lit.check_end || ends_word(text, end))
}

/// Regex patterns are written against the folded text, so they run on the views
/// that read as folded text once an evasion is undone: the decoded payloads, and
/// the leetspeak, confusable, joined and mended readings too. A rule whose regex
/// alone covers a wording ("ignora le regole") would otherwise miss it written
/// `1gn0r4 l3 r3g0l3`, with look-alike letters or spaced out. Not the ROT13 and
/// reversed readings (nor the two stacked): they are offered on most encoded text too (a 64 KB body
/// paid three more regex passes over them), and their phrases and near rules
/// still run.
pub(crate) fn runs_patterns(kind: ViewKind) -> bool {
    matches!(
        kind,
        ViewKind::Folded
            | ViewKind::Skeleton
            | ViewKind::Leet
            | ViewKind::LeetL
            | ViewKind::Joined
            | ViewKind::JoinedLeet
            | ViewKind::Mended
            | ViewKind::MendedLeet
            | ViewKind::Base64
            | ViewKind::Hex
            | ViewKind::UrlEncoded
            | ViewKind::Escaped
            | ViewKind::Tags
            | ViewKind::Selectors
            | ViewKind::Concatenated
            | ViewKind::Unglued
            | ViewKind::Split
    )
}

/// How far before and after a changed byte of a delta view ([`scan_delta`]) its
/// regexes are run: a match that touches no changed byte reads the same bytes in
/// the base view, which reported it. The rule regexes' matches are a sentence or
/// two long (their wide classes are bounded at 200 bytes).
const PATTERN_REACH: usize = 256;

/// Finds the literal occurrences of one folding (`skeleton` or the plain
/// fold) within `text[range]` that sit on their word boundaries (read in the
/// whole text) and calls `f(literal, start, end)` for each, ordered by start.
/// The word index reads each word once and walks the automaton only from
/// words that start a literal ([`super::index`]); what it reports already
/// starts on its boundary, so only the end is checked here.
pub(crate) fn literals_in(
    set: &LiteralSet,
    skeleton: bool,
    text: &str,
    range: Range<usize>,
    f: &mut dyn FnMut(&Literal, usize, usize),
) {
    let (Some(nfa), Some(index)) = (&set.nfa, &set.index) else {
        return;
    };
    let folding = folding_bit(skeleton);
    candidates(
        index,
        nfa,
        text,
        range.start,
        range.end,
        &mut |ids, start, end| {
            for &pid in ids {
                let lit = &set.lits[pid as usize];
                if lit.foldings & folding != 0 && (!lit.check_end || ends_word(text, end)) {
                    f(lit, start, end);
                }
            }
        },
    );
}

/// The term hit of a literal occurrence (prefix terms grow to the word end).
fn term_hit(text: &str, lit: &Literal, start: usize, mut end: usize) -> TermHit {
    if lit.prefix {
        end += text[end..]
            .find(|c: char| !is_word_char(c))
            .unwrap_or(text.len() - end);
    }
    TermHit {
        term: lit.owner,
        start,
        end,
        start_w: 0,
        end_w: 0,
    }
}

/// Every rule match in one view, calling `emit` for each (rules may repeat).
/// Returns the view's near-term hits, for views derived from this one
/// ([`scan_delta`]).
/// `gate` receives the regex gate's starts for this view
/// ([`super::gate::RegexGate::starts`]; left empty when no regex reads it).
pub(crate) fn scan_view(
    c: &Compiled,
    view: &View,
    patterns: bool,
    gate: &mut GateStarts,
    emit: &mut dyn FnMut(Hit),
) -> Vec<TermHit> {
    let text = view.text.as_str();
    let set = &c.literals;

    // Phrases and near-terms, one automaton pass. Common terms hit about
    // once per eight bytes of prose: room for that from the start.
    let mut hits: Vec<TermHit> = Vec::with_capacity(text.len() / 6);
    literals_in(
        set,
        view.skeleton,
        text,
        0..text.len(),
        &mut |lit, start, end| {
            if lit.term {
                hits.push(term_hit(text, lit, start, end));
            } else {
                emit(Hit {
                    rule: lit.owner,
                    span: start..end,
                });
            }
        },
    );

    // Near patterns, from term hits and word positions.
    if !hits.is_empty() {
        near_matches(c, text, &hits, None, None, emit);
    }

    if patterns {
        c.gate.starts(text, gate);
        run_patterns(c, text, gate, emit);
    }
    hits
}

/// Regex patterns, each run on its own so it keeps its literal prefilter
/// (`!\[`, `https?://`, `<|`), which a combined set would lose; the gate
/// skips those that cannot match and tries the others where a match may
/// start ([`super::gate::RegexGate::first_matches`]).
fn run_patterns(c: &Compiled, text: &str, starts: &GateStarts, emit: &mut dyn FnMut(Hit)) {
    c.gate
        .first_matches(&c.regexes, text, 0..text.len(), starts, &mut |regex, m| {
            emit(Hit {
                rule: c.regex_rules[regex],
                span: m.range(),
            })
        });
}

/// One part of a view made of already scanned texts laid end to end with one
/// space between them (the folded view of joined segments): where the part
/// starts in the view, its length, and the near-term hits the scan of the part
/// alone returned ([`scan_view`] of a view whose text is exactly this part),
/// with the regex gate's starts it gave.
pub(crate) struct Part<'a> {
    pub(crate) at: usize,
    pub(crate) len: usize,
    pub(crate) terms: &'a [TermHit],
    pub(crate) gate: &'a GateStarts,
}

/// [`scan_view`] of a view whose text is `parts` laid end to end, none empty,
/// each but the last followed by one space or line break, or by nothing when
/// it ends with a space (the caller checks the text; the seam is then the
/// next part's first byte), without reading the parts' insides again: the
/// same near-term hits, in the same order, and the same hits emitted, except
/// those lying inside one part (the caller wants only hits across parts).
///
/// A literal occurrence inside a part is an occurrence of the part's own scan
/// (same bytes, and the characters around the part, a space or the text's
/// edge, are word boundaries either way), shifted; one that is not inside a
/// part holds a seam byte, so it lies within `max_len` bytes of it and is
/// found by a scan of that window alone. The near rules chain the
/// union, ordered as one pass would find it; the regexes read the whole view,
/// from the gate's starts put together from the parts' (the same way). `gate`
/// receives those starts.
pub(crate) fn scan_parts(
    c: &Compiled,
    view: &View,
    parts: &[Part<'_>],
    patterns: bool,
    gate: &mut GateStarts,
    emit: &mut dyn FnMut(Hit),
) -> Vec<TermHit> {
    let text = view.text.as_str();
    let set = &c.literals;
    let inside =
        |start: usize, end: usize| parts.iter().any(|p| p.at <= start && end <= p.at + p.len);
    // The spaces between parts, as `windows` reads changed bytes.
    let seams: Vec<usize> = parts
        .iter()
        .take(parts.len().saturating_sub(1))
        .map(|p| p.at + p.len)
        .collect();
    let mut across: Vec<TermHit> = Vec::new();
    for w in windows(text, &seams, set.max_len) {
        literals_in(set, view.skeleton, text, w, &mut |lit, start, end| {
            if inside(start, end) {
                return;
            }
            if lit.term {
                across.push(term_hit(text, lit, start, end));
            } else {
                emit(Hit {
                    rule: lit.owner,
                    span: start..end,
                });
            }
        });
    }
    // One pass finds hits by start, and at one start the shorter first: a
    // part's own hit (it ends inside the part) before one across parts.
    let len = parts.iter().map(|p| p.terms.len()).sum::<usize>() + across.len();
    let mut hits: Vec<TermHit> = Vec::with_capacity(len);
    // Which part each hit lies in (ACROSS for one that is in none).
    let mut origin: Vec<u32> = Vec::with_capacity(len);
    let mut across = across.into_iter().peekable();
    for (k, p) in parts.iter().enumerate() {
        for h in p.terms {
            let mut h = *h;
            h.start += p.at;
            h.end += p.at;
            while let Some(a) = across.next_if(|a| a.start < h.start) {
                hits.push(a);
                origin.push(ACROSS);
            }
            hits.push(h);
            origin.push(k as u32);
        }
    }
    for a in across {
        hits.push(a);
        origin.push(ACROSS);
    }
    if !hits.is_empty() {
        near_matches(c, text, &hits, Some(&origin), Some(&seams), emit);
    }
    if patterns {
        let starts: Vec<(usize, &GateStarts)> = parts.iter().map(|p| (p.at, p.gate)).collect();
        c.gate.starts_of_parts(text, &starts, &seams, gate);
        run_patterns(c, text, gate, emit);
    }
    hits
}

#[inline]
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

/// Does a literal occurrence (or term hit) spanning `start..end` read any byte
/// of `changed` (its own bytes, or the characters next to it that decide its
/// boundaries)?
fn touches(changed: &[usize], start: usize, end: usize) -> bool {
    let lo = start.saturating_sub(1);
    let k = changed.partition_point(|&p| p < lo);
    changed.get(k).is_some_and(|&p| p <= end)
}

/// The ranges of `text` to rescan so that every literal occurrence touching a
/// changed byte lies inside one: `max_len` bytes either side, and back to the
/// start of the word before a change (a prefix term grows over a whole word).
/// Ascending, disjoint, on char boundaries.
fn windows(text: &str, changed: &[usize], max_len: usize) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut prev = 0;
    for &p in changed {
        let floor = out.last().map_or(0, |w| w.start);
        // The walk back stops at the previous change: when it gets there,
        // the two share a word and the previous window, which reaches past
        // this change, takes this one in whatever its start. So each byte is
        // walked over once, and a long word full of changes (a base64 run's
        // leetspeak reading) stays linear.
        let mut ws = p;
        let stop = prev.max(floor);
        while ws > stop && is_word_byte(b[ws - 1]) {
            ws -= 1;
        }
        prev = p;
        push_window(&mut out, text, ws, p, max_len);
    }
    out
}

/// Adds to [`windows`] the window of a change at `p` in a word that starts
/// at or before `ws`: from `max_len` bytes before `ws` (no further back than
/// the last window's start) to `max_len` bytes after `p`, merged with the
/// last window when they touch.
fn push_window(out: &mut Vec<Range<usize>>, text: &str, ws: usize, p: usize, max_len: usize) {
    let floor = out.last().map_or(0, |w| w.start);
    let start = floor_char_boundary(text, ws.saturating_sub(max_len + 1).max(floor));
    let mut end = (p + max_len + 2).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    match out.last_mut() {
        Some(w) if w.end >= start => w.end = w.end.max(end),
        _ => out.push(start..end),
    }
}

/// Scans a view that equals an earlier, already scanned view (`base_terms` are
/// that scan's near-term hits) except at the `changed` bytes, with the same
/// findings as a full [`scan_view`] of it would add: literal occurrences away
/// from the changes are the base view's own (already reported), so only
/// windows around the changes are rescanned; near rules are re-chained from the
/// base hits away from the changes plus the window hits that touch them,
/// and only when that can give a different answer.
pub(crate) fn scan_delta(
    c: &Compiled,
    view: &View,
    base_text: &str,
    base_terms: &[TermHit],
    changed: &[usize],
    patterns: bool,
    emit: &mut dyn FnMut(Hit),
) -> Vec<TermHit> {
    let text = view.text.as_str();
    let set = &c.literals;
    let mut fresh: Vec<TermHit> = Vec::new();
    let mut phrase = false;
    for w in windows(text, changed, set.max_len) {
        literals_in(set, view.skeleton, text, w, &mut |lit, start, end| {
            if lit.term {
                let h = term_hit(text, lit, start, end);
                if touches(changed, h.start, h.end) {
                    fresh.push(h);
                }
            } else if touches(changed, start, end) {
                phrase = true;
                emit(Hit {
                    rule: lit.owner,
                    span: start..end,
                });
            }
        });
    }
    // The regexes read the changed bytes only when the rewriting made a rule
    // word there (`1gn0r4` -> `ignora`): the rule regexes are written in the
    // packs' own words, and a token like `h264` or `nonce000` read as letters
    // makes none.
    if patterns && (phrase || !fresh.is_empty()) {
        delta_patterns(c, text, changed, emit);
    }
    // A change that turns a non-word byte into a letter (`@` -> `a`) shifts
    // word positions, so near gaps can change even without new term hits.
    let base = base_text.as_bytes();
    let shifts_words = changed.iter().any(|&p| !base[p].is_ascii_alphanumeric());
    let mut lost_veto = false;
    let mut hits: Vec<TermHit> = Vec::with_capacity(base_terms.len() + fresh.len());
    for h in base_terms {
        if touches(changed, h.start, h.end) {
            lost_veto |= c.terms[h.term as usize].veto;
        } else {
            hits.push(*h);
        }
    }
    if fresh.is_empty() && !shifts_words && !lost_veto {
        // Same hits (or fewer, none of them a `not_after` term) at the same
        // word positions: no chain the base view did not already report.
        return hits;
    }
    hits.extend(fresh);
    if !hits.is_empty() {
        near_matches(c, text, &hits, None, Some(changed), emit);
    }
    hits
}

/// The regex matches of a delta view within [`PATTERN_REACH`] of its changed
/// bytes: the gate reads each window around them, and each regex is searched
/// there with the whole view around it (so `\b`, `^` and `$` read what they would
/// in a whole-view search).
fn delta_patterns(c: &Compiled, text: &str, changed: &[usize], emit: &mut dyn FnMut(Hit)) {
    let mut starts = GateStarts::new();
    for window in windows(text, changed, PATTERN_REACH) {
        c.gate.starts(&text[window.clone()], &mut starts);
        starts.shift(window.start);
        c.gate
            .first_matches(&c.regexes, text, window, &starts, &mut |regex, m| {
                emit(Hit {
                    rule: c.regex_rules[regex],
                    span: m.range(),
                })
            });
    }
}

/// A partial chain through a near pattern's groups.
#[derive(Debug, Clone, Copy)]
struct Chain {
    end_w: usize,
    start: usize,
    end: usize,
}

/// Groups a near pattern must all see before its chains are worth building:
/// the bit of every group below 64 (larger groups are checked by the chaining).
fn all_groups(groups: u16) -> u64 {
    if groups >= 64 {
        u64::MAX
    } else {
        (1u64 << groups) - 1
    }
}

/// [`near_matches`]' part of a hit that lies in no single part.
const ACROSS: u32 = u32::MAX;

/// Chains the term hits of `text` into near-pattern matches and emits the
/// first chain of each pattern that has one.
///
/// With `origin` (the part each hit lies in, [`ACROSS`] for none; see
/// [`scan_parts`]), a pattern whose hits all lie in one part is skipped: each
/// of its chains lies inside that part, and the caller wants only matches
/// across parts (its first chain would be dropped the same way).
///
/// With `focus` (ascending bytes: the seams between parts, or the bytes a
/// delta view changed), only a pattern that can chain across a focus byte is
/// chained: one complete among its hits within its [`Near::reach`] words of
/// one. Its chains are then built from all its hits, as without
/// `focus`, so what is emitted for it is the same; a pattern left out has
/// every chain away from the focus bytes, which the caller has (a part's own
/// scan, the base view's) or drops.
fn near_matches(
    c: &Compiled,
    text: &str,
    hits: &[TermHit],
    origin: Option<&[u32]>,
    focus: Option<&[usize]>,
    emit: &mut dyn FnMut(Hit),
) {
    // Which near patterns have a hit in every group? In ordinary text common
    // terms (`you`, `all`) hit constantly but almost never complete a pattern,
    // so this one pass over the hits usually ends the work: no sort, no word
    // positions, no chains. Per pattern: the groups seen, and the part its
    // hits lie in (NO_PART before the first, ACROSS once two differ).
    const NO_PART: u32 = u32::MAX - 1;
    let mut seen = vec![(0u64, NO_PART); c.nears.len()];
    // The patterns with a hit, each once (in prose, a large share of them).
    let mut touched: Vec<u32> = Vec::with_capacity(c.nears.len());
    // Terms already read in the current part: a term hits many times (`you`),
    // and its uses say the same each time. Hits come part by part (those
    // across parts, always read, aside), so the set restarts with each part.
    // (Not with focus bytes: a term's later hit may lie nearer one.)
    let mut read = vec![0u64; c.terms.len().div_ceil(64)];
    let mut read_part = origin.and_then(|o| o.first().copied()).unwrap_or(0);
    // With focus bytes, each hit's distance in words to the nearest one;
    // a hit counts only for the patterns that reach that far from it.
    let distance = focus.map(|f| focus_distances(text, hits, f));
    for (k, h) in hits.iter().enumerate() {
        let far = distance.as_ref().map_or(0, |d| d[k]);
        if far > c.chain_reach {
            continue;
        }
        let part = origin.map_or(0, |o| o[k]);
        if part != ACROSS && distance.is_none() {
            if part != read_part {
                read.fill(0);
                read_part = part;
            }
            let (word, bit) = (h.term as usize / 64, 1u64 << (h.term % 64));
            if read[word] & bit != 0 {
                continue;
            }
            read[word] |= bit;
        }
        for &(near, group) in c.uses_of(h.term) {
            if far > c.nears[near as usize].reach as usize {
                continue;
            }
            let s = &mut seen[near as usize];
            if s.1 == NO_PART {
                touched.push(near);
                s.1 = part;
            } else if s.1 != part {
                s.1 = ACROSS;
            }
            if group < 64 {
                s.0 |= 1 << group;
            }
        }
    }
    let across_only = origin.is_some();
    let complete = |near: u32| {
        let n = near as usize;
        let all = all_groups(c.nears[n].groups);
        let (groups, part) = seen[n];
        groups & all == all && (!across_only || part == ACROSS)
    };
    if !touched.iter().any(|&n| complete(n)) {
        return;
    }
    // Only the hits of complete patterns take part in chains.
    let mut hits: Vec<TermHit> = hits
        .iter()
        .filter(|h| c.uses_of(h.term).iter().any(|u| complete(u.0)))
        .copied()
        .collect();
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
        for &(near, group) in c.uses_of(h.term) {
            if complete(near) {
                uses.push((near, group, hi as u32));
            }
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
        // All groups present (the veto group, last in the block, not counted)?
        let mut groups_seen = 0u16;
        let mut last_group = u16::MAX;
        for u in block.iter().filter(|u| u.1 < n.groups) {
            if u.1 != last_group {
                groups_seen += 1;
                last_group = u.1;
            }
        }
        if groups_seen < n.groups {
            continue;
        }
        if let Some(span) = chain(text, block, &hits, n.groups, n.max_gap as usize) {
            emit(Hit { rule: n.rule, span });
        }
    }
}

/// How many words lie between the start of each of `hits` and the nearest of
/// the `focus` bytes (ascending); `usize::MAX` without focus bytes. One pass
/// counts the words up to every hit and every focus byte.
fn focus_distances(text: &str, hits: &[TermHit], focus: &[usize]) -> Vec<usize> {
    let mut order: Vec<u32> = (0..hits.len() as u32).collect();
    if !hits.is_sorted_by_key(|h| h.start) {
        order.sort_unstable_by_key(|&k| hits[k as usize].start);
    }
    let mut hit_w = vec![0usize; hits.len()];
    let mut focus_w: Vec<usize> = Vec::with_capacity(focus.len());
    let (mut pos, mut words, mut in_word) = (0usize, 0usize, false);
    let mut count_to = |to: usize| {
        if to > pos {
            let (n, w) = count_word_starts(text, pos, to, in_word);
            words += n;
            in_word = w;
            pos = to;
        }
        words
    };
    let mut focus = focus
        .iter()
        .map(|&f| floor_char_boundary(text, f))
        .peekable();
    for &k in &order {
        let start = hits[k as usize].start;
        while let Some(f) = focus.next_if(|&f| f < start) {
            focus_w.push(count_to(f));
        }
        hit_w[k as usize] = count_to(start);
    }
    focus_w.extend(focus.map(&mut count_to));
    for w in hit_w.iter_mut() {
        let k = focus_w.partition_point(|&f| f < *w);
        let after = focus_w.get(k).map_or(usize::MAX, |&f| f - *w);
        let before = k.checked_sub(1).map_or(usize::MAX, |b| *w - focus_w[b]);
        *w = after.min(before);
    }
    hit_w
}

/// `at`, or the char boundary before it, at most the text's length: where a
/// window or a search that must not split a character starts.
pub(super) fn floor_char_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Does `text[from..to]` cross the start of a list item, heading, quote or
/// table row? The fold keeps exactly those line breaks as `\n`
/// (`normalize::fold`); every other whitespace is a space. A chain does not
/// cross one: the words before and after belong to different items.
fn crosses_list_item(text: &str, from: usize, to: usize) -> bool {
    text.as_bytes()
        .get(from..to)
        .is_some_and(|gap| gap.contains(&b'\n'))
}

/// Finds the first chain group 0 -> 1 -> ... with bounded word gaps. A hit
/// directly after a `not_after` term (the block's hits of group `groups`),
/// with nothing but spaces between, takes no part in a chain; nor does a step
/// across a list item's start ([`crosses_list_item`]).
fn chain(
    text: &str,
    block: &[(u32, u16, u32)],
    hits: &[TermHit],
    groups: u16,
    max_gap: usize,
) -> Option<Range<usize>> {
    let vetoes = block.partition_point(|u| u.1 < groups);
    let vetoed = |h: &TermHit| {
        block[vetoes..].iter().any(|u| {
            let v = &hits[u.2 as usize];
            v.end_w + 1 == h.start_w
                && text
                    .get(v.end..h.start)
                    .is_some_and(|gap| gap.chars().all(char::is_whitespace))
        })
    };
    let mut prev: Vec<Chain> = Vec::new();
    let mut next: Vec<Chain> = Vec::new();
    for g in 0..groups {
        next.clear();
        for u in block[..vetoes].iter().filter(|u| u.1 == g) {
            let h = hits[u.2 as usize];
            if vetoes < block.len() && vetoed(&h) {
                continue;
            }
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
            let joins = prev[k..]
                .iter()
                .take_while(|p| p.end_w < h.start_w)
                .find(|p| !crosses_list_item(text, p.end, h.start));
            if let Some(p) = joins {
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// [`windows`] as first written: every change walks back to its word's
    /// start (quadratic in a long word full of changes).
    fn windows_reference(text: &str, changed: &[usize], max_len: usize) -> Vec<Range<usize>> {
        let b = text.as_bytes();
        let mut out: Vec<Range<usize>> = Vec::new();
        for &p in changed {
            let floor = out.last().map_or(0, |w| w.start);
            let mut ws = p;
            while ws > floor && is_word_byte(b[ws - 1]) {
                ws -= 1;
            }
            push_window(&mut out, text, ws, p, max_len);
        }
        out
    }

    fn text_and_changes() -> impl Strategy<Value = (String, Vec<usize>, usize)> {
        let piece = proptest::sample::select(&["a", "b", "1", "z", " ", "-", "é", "\n"][..]);
        (
            proptest::collection::vec(piece, 1..200).prop_map(|p| p.concat()),
            0usize..12,
        )
            .prop_flat_map(|(text, max_len)| {
                let ascii: Vec<usize> = text
                    .bytes()
                    .enumerate()
                    .filter(|(_, b)| b.is_ascii())
                    .map(|(i, _)| i)
                    .collect();
                let changes = proptest::sample::subsequence(ascii.clone(), 0..=ascii.len());
                (Just(text), changes, Just(max_len))
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]
        #[test]
        fn windows_equal_the_walk_from_every_change((text, changed, max_len) in text_and_changes()) {
            prop_assert_eq!(
                windows(&text, &changed, max_len),
                windows_reference(&text, &changed, max_len)
            );
        }
    }
}
