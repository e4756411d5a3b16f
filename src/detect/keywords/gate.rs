//! One pass that tells which rule regexes can match a text, and from where.
//!
//! Each rule regex is run on its own so it keeps its own literal prefilter, but
//! with about a hundred of them a text pays a hundred passes plus a hundred
//! search set-ups, nearly all of them finding nothing. Most patterns can only
//! match where one of a few literals starts (`<|`, `![`, `https://`, `curl `):
//! the *prefix literals* regex-syntax extracts from the pattern. The gate puts
//! the prefix literals of every pattern that has selective ones into one
//! Aho-Corasick automaton; a single overlapping pass over the text gives, for
//! each such pattern, the earliest place a match could start, or tells that it
//! cannot match at all. Patterns without selective prefix literals (a leading
//! class like `[a-z]`, `\s`, or a literal as common as `to`) are gated on
//! literals every match contains somewhere (`/bin/`, `@`, `override` or
//! `instruction`), read from the pattern's syntax tree: when none occurs the
//! pattern cannot match, else it runs from the text's start. Patterns with
//! neither are always run.
//!
//! A pattern placed by common prefix words (`cat`, `print`, `me`) often needs
//! a rare literal further on (`/etc/passwd`, `=`, `table`): every selective
//! literal set of its top-level sequence goes into the same automaton as a
//! *required set*, and the pattern runs only on a text holding a literal of
//! each (sets of at most [`MAX_SET_LITERALS`] literals made of bytes the
//! placing literals already hold, so the DFA stays small). Over 512 varied
//! chat bodies this cut the instructions of L1 by about 3%.
//!
//! Skipping a regex whose prefix literals do not occur, and starting it at the
//! earliest occurrence (context before it still counts for `\b` and `^`), gives
//! the same first match as running it on the whole text (tests compare both).

use std::ops::Range;

use aho_corasick::automaton::Automaton as _;
use aho_corasick::dfa::DFA;
use aho_corasick::{Anchored as AcAnchored, MatchKind};
use regex_automata::meta::Regex;
use regex_automata::{Anchored, Input, Match};
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Class, Hir, HirKind};

use super::scan::floor_char_boundary;

/// Where each rule regex has to be run on one text.
#[derive(Debug)]
pub(crate) struct RegexGate {
    /// Prefix literals of the gated patterns; pattern id -> `owners` entry.
    automaton: Option<DFA>,
    /// The regex (index into the compiled regex list) each literal belongs to.
    owners: Vec<u32>,
    /// Per regex: its literals in the automaton are ones every match
    /// contains somewhere ([`inner_literals`]), not where it starts: when
    /// one occurs, the regex runs from the text's start.
    inside: Vec<bool>,
    /// Length of the longest literal in the automaton.
    max_len: usize,
    /// The regexes that are not gated, in order: run on every text.
    always: Vec<u32>,
    /// Per literal: 0 for a literal that says where its regex may match
    /// (prefix or inner, above), else the bit of the required set it
    /// belongs to ([`required_sets`]).
    needs_bit: Vec<u8>,
    /// Per regex: the bits of every required set it has; it runs only on a
    /// text where a literal of each occurs ([`GateStarts::seen`]).
    need_mask: Vec<u8>,
}

/// Where the rule regexes have to run on one text ([`RegexGate::starts`]):
/// the gate literals' occurrences, as `(regex, start)`, sorted, each once.
/// A regex gated on the literals every match starts with may only match at
/// one of its starts; one gated on literals a match contains somewhere has
/// the start 0 (run it from the text's start); an ungated regex is not
/// listed (it always runs). Exists so the runs can start at each place a
/// match may start instead of searching the rest of the text from the first.
///
/// A regex's places are kept up to one more than [`MAX_ANCHORED_TRIES`]
/// (the first found, by end; a text full of one literal must not grow the
/// list with its length): past that it is searched from the first kept
/// place less the longest literal's length, before which no match starts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct GateStarts {
    found: Vec<(u32, usize)>,
    /// Per regex: how many places were found, counted up to
    /// `MAX_ANCHORED_TRIES + 1`.
    count: Vec<u8>,
    /// Per regex: the bits of the required sets a literal of which occurs.
    seen: Vec<u8>,
}

impl GateStarts {
    /// No occurrences: for a view no regex reads.
    pub(crate) const fn new() -> GateStarts {
        GateStarts {
            found: Vec::new(),
            count: Vec::new(),
            seen: Vec::new(),
        }
    }

    /// Moves every place `by` bytes on: the starts of a window of a text, read
    /// alone, as places in the whole text.
    pub(crate) fn shift(&mut self, by: usize) {
        for (_, start) in &mut self.found {
            *start += by;
        }
    }

    /// Forgets the last text's places, for `regexes` regexes.
    fn reset(&mut self, regexes: usize) {
        self.found.clear();
        self.count.clear();
        self.count.resize(regexes, 0);
        self.seen.clear();
        self.seen.resize(regexes, 0);
    }

    /// Notes that a literal of `regex`'s required set `bit` occurs.
    fn see(&mut self, regex: u32, bit: u8) {
        if let Some(seen) = self.seen.get_mut(regex as usize) {
            *seen |= bit;
        }
    }

    /// Counts a place of `regex`, and keeps it while the regex has at most
    /// `MAX_ANCHORED_TRIES + 1`; with `once` (an `inside` regex, whose place
    /// is always the text's start) only the first.
    fn record(&mut self, regex: u32, start: usize, once: bool) {
        let Some(count) = self.count.get_mut(regex as usize) else {
            return;
        };
        if usize::from(*count) <= MAX_ANCHORED_TRIES && !(once && *count > 0) {
            self.found.push((regex, start));
            *count += 1;
        }
    }

    /// Were more places found for `regex` than anchored tries are made?
    fn overflows(&self, regex: usize) -> bool {
        self.count
            .get(regex)
            .is_some_and(|&c| usize::from(c) > MAX_ANCHORED_TRIES)
    }

    /// Sorts the occurrences and drops repeats (a literal found twice, or
    /// two literals of one regex at one place).
    fn settle(&mut self) {
        self.found.sort_unstable();
        self.found.dedup();
    }
}

/// Most places a regex is tried at, each with an anchored search, before it
/// is searched once from the first of them instead. An anchored try mostly
/// stops a few bytes in, but it may read on (`[^\n]*`), so tries at many
/// places could read the text many times over: a small bound keeps the
/// worst case a small multiple of one search. Over 512 varied chat bodies,
/// 4 tries cost 1.7% more than 8, 64 tries 0.3% less.
const MAX_ANCHORED_TRIES: usize = 8;

/// A prefix literal worth gating on: long enough, or holding a byte that is
/// rare in prose (punctuation), so its occurrences are few.
fn selective(lit: &[u8]) -> bool {
    lit.len() >= 3 || lit.iter().any(|b| !b.is_ascii_alphanumeric() && *b != b' ')
}

/// The selective prefix literals every match of `pattern` starts with, or
/// `None` when there are none (the pattern is always run).
fn prefix_literals(pattern: &str) -> Option<Vec<Vec<u8>>> {
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    let seq = Extractor::new().kind(ExtractKind::Prefix).extract(&hir);
    let lits = seq.literals()?;
    if lits.is_empty() || !lits.iter().all(|l| selective(l.as_bytes())) {
        return None;
    }
    Some(lits.iter().map(|l| l.as_bytes().to_vec()).collect())
}

/// Most literals an inner literal set may have.
const MAX_INNER_LITERALS: usize = 64;

/// Selective literals one of which every match of `pattern` contains (not
/// necessarily where it starts), or `None` when the pattern has no such
/// set: for patterns whose start is too common to gate on (`\brd\s+/s`,
/// `(?:^|\s)(?:system|admin)\s*(?:override|instruction)`), the gate can
/// still tell that they cannot match.
fn inner_literals(pattern: &str) -> Option<Vec<Vec<u8>>> {
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    let mut lits = required(&hir)?;
    lits.sort();
    lits.dedup();
    lits.iter().all(|l| selective(l)).then_some(lits)
}

/// Most required sets a regex is gated on (one bit each in a `u8`).
const MAX_REQUIRED_SETS: usize = 8;

/// Most literals of a required set the gate keeps: the long sets (a rule's
/// list of verbs or objects) are common words that rarely tell a regex
/// cannot match, and each literal costs DFA states in every rule set loaded
/// (all sets: 6.5 MB for the gate's DFA against 2.0 MB without them; sets of
/// at most eight literals in the placing literals' bytes: 2.5 MB).
const MAX_SET_LITERALS: usize = 8;

/// Every selective literal set that every match of `pattern` contains one
/// of, one per part of its top-level sequence (`[\'"]\s*;\s*drop\s+table`:
/// `;`, `drop`, `table`), without `used` (the set the gate already places
/// it by). A regex runs only on a text holding a literal of each: a
/// pattern whose start is a common word (`cat`, `print`, `me`) but which
/// needs a rare one further on (`/etc/passwd`, `=`) is then skipped on
/// nearly every text instead of searched from each common word.
fn required_sets(pattern: &str, used: Option<&[Vec<u8>]>) -> Vec<Vec<Vec<u8>>> {
    let Ok(hir) = regex_syntax::Parser::new().parse(pattern) else {
        return Vec::new();
    };
    let mut hir = &hir;
    while let HirKind::Capture(c) = hir.kind() {
        hir = &c.sub;
    }
    let parts: Vec<&Hir> = match hir.kind() {
        HirKind::Concat(subs) => subs.iter().collect(),
        _ => vec![hir],
    };
    let mut sets: Vec<Vec<Vec<u8>>> = Vec::new();
    for part in parts {
        let Some(mut lits) = required(part) else {
            continue;
        };
        lits.sort();
        lits.dedup();
        if lits.iter().all(|l| selective(l))
            && used.is_none_or(|u| u != lits.as_slice())
            && !sets.contains(&lits)
            && sets.len() < MAX_REQUIRED_SETS
        {
            sets.push(lits);
        }
    }
    sets
}

/// A set of literals every match of `hir` contains one of, preferring
/// selective, long ones; `None` when none is known.
fn required(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    match hir.kind() {
        HirKind::Literal(lit) => Some(vec![lit.0.to_vec()]),
        HirKind::Class(class) => small_class(class),
        HirKind::Capture(c) => required(&c.sub),
        HirKind::Repetition(r) if r.min >= 1 => required(&r.sub),
        HirKind::Concat(subs) => subs
            .iter()
            .filter_map(required)
            .filter(|lits| lits.iter().all(|l| selective(l)))
            .max_by_key(|lits| {
                let shortest = lits.iter().map(Vec::len).min().unwrap_or(0);
                (shortest, std::cmp::Reverse(lits.len()))
            }),
        HirKind::Alternation(alts) => {
            let mut all = Vec::new();
            for alt in alts {
                all.extend(required(alt)?);
                if all.len() > MAX_INNER_LITERALS {
                    return None;
                }
            }
            Some(all)
        }
        _ => None,
    }
}

/// The characters of a class of at most four, each as a literal.
fn small_class(class: &Class) -> Option<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    match class {
        Class::Unicode(c) => {
            for r in c.ranges() {
                for ch in r.start()..=r.end() {
                    if out.len() == 4 {
                        return None;
                    }
                    out.push(ch.to_string().into_bytes());
                }
            }
        }
        Class::Bytes(c) => {
            for r in c.ranges() {
                for b in r.start()..=r.end() {
                    if out.len() == 4 {
                        return None;
                    }
                    out.push(vec![b]);
                }
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

impl RegexGate {
    /// Builds the gate over the patterns (as compiled, in regex order).
    pub(crate) fn build<'a>(patterns: impl IntoIterator<Item = &'a str>) -> RegexGate {
        let mut literals: Vec<Vec<u8>> = Vec::new();
        let mut owners = Vec::new();
        let mut gated = Vec::new();
        let mut inside = Vec::new();
        let mut needs_bit = Vec::new();
        let mut need_mask = Vec::new();
        // Each pattern's placing literals (prefix, else inner) and its
        // required sets.
        let plans: Vec<_> = patterns
            .into_iter()
            .map(|p| {
                let (lits, within) = match prefix_literals(p) {
                    Some(lits) => (Some(lits), false),
                    None => (inner_literals(p), true),
                };
                let mut used = lits.clone();
                if let Some(u) = used.as_mut() {
                    u.sort();
                    u.dedup();
                }
                let sets = required_sets(p, used.as_deref());
                (lits, within, sets)
            })
            .collect();
        // The bytes of the placing literals: a required set with another
        // byte would widen every state of the DFA (one more byte class).
        let mut alphabet = [false; 256];
        for b in plans
            .iter()
            .flat_map(|(lits, ..)| lits.iter().flatten().flatten())
        {
            alphabet[usize::from(*b)] = true;
        }
        for (i, (lits, within, sets)) in plans.into_iter().enumerate() {
            let sets = sets.into_iter().filter(|set| {
                set.len() <= MAX_SET_LITERALS
                    && set.iter().flatten().all(|b| alphabet[usize::from(*b)])
            });
            let mut mask = 0u8;
            for (k, set) in sets.enumerate() {
                let bit = 1u8 << k;
                mask |= bit;
                owners.extend(std::iter::repeat_n(i as u32, set.len()));
                needs_bit.extend(std::iter::repeat_n(bit, set.len()));
                literals.extend(set);
            }
            need_mask.push(mask);
            match lits {
                Some(lits) => {
                    owners.extend(std::iter::repeat_n(i as u32, lits.len()));
                    needs_bit.extend(std::iter::repeat_n(0, lits.len()));
                    literals.extend(lits);
                    gated.push(true);
                    inside.push(within);
                }
                None => {
                    gated.push(false);
                    inside.push(false);
                }
            }
        }
        // A DFA: the overlapping search reads every byte (no prefilter can
        // skip ahead over this many first bytes), one table lookup each.
        let automaton = DFA::builder()
            .match_kind(MatchKind::Standard)
            .build(&literals)
            .ok()
            .filter(|_| !literals.is_empty());
        if automaton.is_none() {
            // Without an automaton nothing is gated: every regex runs.
            gated.iter_mut().for_each(|g| *g = false);
            need_mask.iter_mut().for_each(|m| *m = 0);
        }
        let always = (0..gated.len() as u32)
            .filter(|&i| !gated[i as usize])
            .collect();
        RegexGate {
            max_len: literals.iter().map(Vec::len).max().unwrap_or(0),
            automaton,
            owners,
            inside,
            always,
            needs_bit,
            need_mask,
        }
    }

    /// Does `regex` lack a literal of one of its required sets on the text
    /// `starts` were read from (so it cannot match there)?
    fn lacks_required(&self, regex: usize, starts: &GateStarts) -> bool {
        let mask = self.need_mask.get(regex).copied().unwrap_or(0);
        mask != 0 && starts.seen.get(regex).copied().unwrap_or(0) & mask != mask
    }

    /// Records one occurrence of literal `pid` at `start`: a required
    /// set's literal marks its set seen, another a place to run from.
    fn note(&self, pid: usize, start: usize, out: &mut GateStarts) {
        let regex = self.owners[pid];
        match self.needs_bit.get(pid).copied().unwrap_or(0) {
            0 => {
                let once = self.is_inside(regex as usize);
                out.record(regex, if once { 0 } else { start }, once);
            }
            bit => out.see(regex, bit),
        }
    }

    /// Is `regex` gated on literals its matches contain somewhere (so a
    /// literal found means a search from the text's start)?
    fn is_inside(&self, regex: usize) -> bool {
        self.inside.get(regex).copied().unwrap_or(false)
    }

    /// Where a gate literal of `regex` found at `start` says to run it from.
    fn run_from(&self, regex: u32, start: usize) -> usize {
        if self.is_inside(regex as usize) {
            0
        } else {
            start
        }
    }

    /// Where each regex has to run on `text`, written into `out`.
    pub(crate) fn starts(&self, text: &str, out: &mut GateStarts) {
        out.reset(self.inside.len());
        let Some(dfa) = &self.automaton else {
            return;
        };
        occurrences(dfa, text.as_bytes(), &mut |pid, start| {
            self.note(pid, start, out);
        });
        out.settle();
    }

    /// [`RegexGate::starts`] of a text made of parts laid end to end, at most
    /// one byte between each two (at `seams`; with none, the seam is the next
    /// part's first byte), given each part's own starts and where it begins:
    /// the same answer without reading the parts again. A literal occurrence
    /// lies inside one part (found by that part's pass, moved) or holds a
    /// seam byte, so it lies within the longest literal's length of it, and
    /// only those windows are read.
    pub(crate) fn starts_of_parts(
        &self,
        text: &str,
        parts: &[(usize, &GateStarts)],
        seams: &[usize],
        out: &mut GateStarts,
    ) {
        out.reset(self.inside.len());
        let Some(dfa) = &self.automaton else {
            return;
        };
        // Each part's kept places, moved, and its count added: a part that
        // overflows makes the whole overflow, and its first kept place less
        // the longest literal still bounds where its matches may start.
        for &(at, starts) in parts {
            out.found.extend(
                starts
                    .found
                    .iter()
                    .map(|&(regex, start)| (regex, self.run_from(regex, at + start))),
            );
            for (total, &count) in out.count.iter_mut().zip(&starts.count) {
                *total = total.saturating_add(count);
            }
            for (seen, &part) in out.seen.iter_mut().zip(&starts.seen) {
                *seen |= part;
            }
        }
        // The seams' places, every one (a few windows of the longest
        // literal): one kept only by count could be the earliest of all.
        let b = text.as_bytes();
        for &seam in seams {
            let lo = seam.saturating_sub(self.max_len.saturating_sub(1));
            let hi = (seam + self.max_len).min(b.len());
            occurrences(dfa, &b[lo.min(hi)..hi], &mut |pid, start| {
                let regex = self.owners[pid];
                if let Some(bit @ 1..) = self.needs_bit.get(pid).copied() {
                    out.see(regex, bit);
                    return;
                }
                out.found.push((regex, self.run_from(regex, lo + start)));
                if let Some(count) = out.count.get_mut(regex as usize) {
                    *count = count.saturating_add(1);
                }
            });
        }
        out.settle();
    }

    /// The first match of every regex that matches `text` within `within`
    /// (what `regexes[i].search` of `text` with that range gives: `\b`, `^`
    /// and `$` still read the whole text; past [`MAX_ANCHORED_TRIES`] places
    /// a match may also start up to a gate literal's length before
    /// `within`), in regex order, from the gate's `starts` on `text[within]`
    /// moved to the whole text's offsets ([`GateStarts::shift`]): a regex no
    /// literal of which occurs is skipped, one gated on where matches start
    /// is tried anchored at each such place (leftmost first: every match
    /// starts at one, so the first that matches is where the leftmost match
    /// starts, and an anchored search there finds the same match), and the
    /// others are searched from where they may start.
    pub(crate) fn first_matches(
        &self,
        regexes: &[Regex],
        text: &str,
        within: Range<usize>,
        starts: &GateStarts,
        f: &mut dyn FnMut(usize, Match),
    ) {
        let found = &starts.found[..];
        let (mut next_always, mut next_found) = (0, 0);
        loop {
            let a = self.always.get(next_always).map(|&r| r as usize);
            let g = found.get(next_found).map(|&(r, _)| r as usize);
            let (regex, m) = match (a, g) {
                (None, None) => return,
                (Some(r), g) if g.is_none_or(|g| r < g) => {
                    next_always += 1;
                    if self.lacks_required(r, starts) {
                        continue;
                    }
                    (
                        r,
                        regexes
                            .get(r)
                            .and_then(|re| re.search(&Input::new(text).range(within.clone()))),
                    )
                }
                (_, g) => {
                    let Some(r) = g else { return };
                    let run = found[next_found..]
                        .iter()
                        .take_while(|&&(g, _)| g as usize == r)
                        .count();
                    let places = &found[next_found..next_found + run];
                    next_found += run;
                    if self.lacks_required(r, starts) {
                        continue;
                    }
                    let overflows = starts.overflows(r);
                    (
                        r,
                        regexes.get(r).and_then(|re| {
                            self.first_at(re, r, text, within.end, places, overflows)
                        }),
                    )
                }
            };
            if let Some(m) = m {
                f(regex, m);
            }
        }
    }

    /// The first match of `re` (regex `index`), given the places its gate
    /// literals say it may match from (sorted, not empty), and whether more
    /// were found than kept.
    fn first_at(
        &self,
        re: &Regex,
        index: usize,
        text: &str,
        end: usize,
        places: &[(u32, usize)],
        overflows: bool,
    ) -> Option<Match> {
        let first = places.first()?.1;
        if self.is_inside(index) {
            return re.search(&Input::new(text).range(first..end));
        }
        if overflows || places.len() > MAX_ANCHORED_TRIES {
            // The first place kept is the first found by end; any other
            // ends no earlier, so starts at most a literal's length before.
            let from = floor_char_boundary(text, first.saturating_sub(self.max_len));
            return re.search(&Input::new(text).range(from..end));
        }
        let input = Input::new(text).range(first..end);
        let input = input.anchored(Anchored::Yes);
        places.iter().find_map(|&(_, at)| {
            let mut input = input.clone();
            input.set_start(at);
            re.search(&input)
        })
    }

    /// How many regexes are gated (for tests).
    #[cfg(test)]
    pub(crate) fn gated_count(&self) -> usize {
        self.inside.len() - self.always.len()
    }
}

/// Calls `f(literal, start)` for every occurrence of every literal of `dfa` in
/// `hay` (overlapping ones too), ordered by end: what the crate's overlapping
/// iterator gives, driven here a byte at a time, without its per-match
/// bookkeeping (one table lookup per byte, the match list read at match
/// states only).
fn occurrences(dfa: &DFA, hay: &[u8], f: &mut dyn FnMut(usize, usize)) {
    let Ok(mut sid) = dfa.start_state(AcAnchored::No) else {
        return;
    };
    for (i, &b) in hay.iter().enumerate() {
        sid = dfa.next_state(AcAnchored::No, sid, b);
        if dfa.is_special(sid) && dfa.is_match(sid) {
            for k in 0..dfa.match_len(sid) {
                let pid = dfa.match_pattern(sid, k);
                f(pid.as_usize(), i + 1 - dfa.pattern_len(pid));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lits(words: &[&str]) -> Vec<Vec<u8>> {
        words.iter().map(|w| w.as_bytes().to_vec()).collect()
    }

    #[test]
    fn required_sets_are_the_selective_parts_of_the_sequence() {
        let credentials = r"\b(?:cat|more)\b[^\n]{0,40}(?:/etc/passwd|\.env\b)";
        // The prefix set places the regex; the paths are required besides.
        let used = lits(&["cat", "more"]);
        assert_eq!(
            required_sets(credentials, Some(&used)),
            vec![lits(&[".env", "/etc/passwd"])]
        );
        let drop = r#"['"]\s*;\s*(?:drop|truncate)\s+(?:table|schema)\b"#;
        assert_eq!(
            required_sets(drop, None),
            vec![
                lits(&["\"", "'"]),
                lits(&[";"]),
                lits(&["drop", "truncate"]),
                lits(&["schema", "table"])
            ]
        );
        // Letters and words under three letters tell nothing: no set.
        assert!(required_sets(r"\bi\s*(?:am|be)\s+pw", None).is_empty());
    }

    #[test]
    fn a_regex_runs_only_where_every_required_set_occurs() {
        let credentials = r"\b(?:cat|more)\b[^\n]{0,40}(?:/etc/passwd|\.env\b)";
        // Alone, the paths hold bytes no placing literal has: not kept.
        let alone = RegexGate::build([credentials]);
        let mut starts = GateStarts::default();
        alone.starts("read more about it", &mut starts);
        assert!(!alone.lacks_required(0, &starts));
        // Beside a pattern whose literals hold those bytes, they are.
        let gate = RegexGate::build([credentials, r"/etc/passwd\.env"]);
        gate.starts("read more about it", &mut starts);
        assert!(!starts.found.is_empty(), "the prefix word is found");
        assert!(gate.lacks_required(0, &starts), "but no path: skipped");
        gate.starts("then more /etc/passwd please", &mut starts);
        assert!(!gate.lacks_required(0, &starts));
        // Parts: the word in one, the path in the next.
        let (mut a, mut b, mut joined) = (
            GateStarts::default(),
            GateStarts::default(),
            GateStarts::default(),
        );
        gate.starts("then more", &mut a);
        gate.starts("/etc/passwd", &mut b);
        assert!(gate.lacks_required(0, &a), "the word alone: skipped");
        assert!(b.found.is_empty(), "the path alone: no place to run from");
        gate.starts_of_parts(
            "then more /etc/passwd",
            &[(0, &a), (10, &b)],
            &[9],
            &mut joined,
        );
        assert!(!gate.lacks_required(0, &joined));
    }
}
