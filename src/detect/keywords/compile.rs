//! Turns validated rule specs into automata, once per policy version.

use std::collections::HashMap;
use std::sync::Arc;

use aho_corasick::MatchKind;
use aho_corasick::automaton::Automaton as _;
use aho_corasick::nfa::{contiguous, noncontiguous};
use regex_automata::meta::{self, Regex};
use regex_automata::util::syntax;
use sha2::{Digest, Sha256};

use super::error::{KeywordsError, ProblemKind, RuleProblem};
use super::gate::RegexGate;
use super::index::{Start, WordIndex, first_word};
use super::words::{is_word_char, word_count};
use super::{CATEGORIES, MAX_GAP_LIMIT, REGEX_DFA_CACHE, REGEX_SIZE_LIMIT, Severity};
use crate::normalize::{NORMALIZER_VERSION, fold_phrase, fold_phrase_skeleton};
use crate::types::RuleSpec;

/// A rule as the scanner needs it.
#[derive(Debug)]
pub(crate) struct Rule {
    pub(crate) id: Arc<str>,
    pub(crate) category: Arc<str>,
    pub(crate) severity: Severity,
}

/// One literal in an automaton and where its match must sit.
#[derive(Debug, Clone)]
pub(crate) struct Literal {
    /// Rule (phrases) or term index (terms).
    pub(crate) owner: u32,
    pub(crate) check_start: bool,
    pub(crate) check_end: bool,
    /// A prefix term (`instruction*`): the span grows to the end of the word.
    pub(crate) prefix: bool,
    /// A near-term (owner indexes `terms`), not a phrase (owner indexes `rules`).
    pub(crate) term: bool,
    /// Byte length of the folded literal (the scan finds where a literal
    /// starts from the index; the tests' plain-automaton reference reads it).
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) len: u32,
    /// How the scanner finds where it starts.
    pub(crate) start: Start,
    /// The foldings it belongs to ([`folding_bit`]): most literals read the
    /// same folded and as a skeleton and are stored once for both.
    pub(crate) foldings: u8,
}

/// The bit of [`Literal::foldings`] for a view's folding: the skeleton
/// (confusables read as Latin) or the plain fold.
#[inline]
pub(crate) fn folding_bit(skeleton: bool) -> u8 {
    1 << u8::from(skeleton)
}

/// One automaton over every literal of both foldings (phrases and near-terms
/// together, so a view costs one pass), with their boundary rules. A literal
/// whose skeleton equals its fold (every Latin-script one) is stored once;
/// the others once per folding, and a view reads only its folding's.
///
/// The automaton is a contiguous NFA driven byte by byte by the scanner
/// ([`super::scan`]): its overlapping matches come straight from the state's
/// match list, without the per-match cost of the high-level iterator, which
/// dominated when common near-terms (`you`, `all`) match every few bytes.
#[derive(Debug)]
pub(crate) struct LiteralSet {
    pub(crate) nfa: Option<contiguous::NFA>,
    pub(crate) lits: Vec<Literal>,
    /// Longest literal in bytes: how far a change can reach a match.
    pub(crate) max_len: usize,
    /// Where literals can start, so the scan reads words, not bytes.
    pub(crate) index: Option<WordIndex>,
}

/// A near-term: its word count and where its uses lie in [`Compiled::uses`]
/// (which near patterns use it in which group; group `groups` of a pattern,
/// one past its last, is its `not_after` list).
#[derive(Debug, Clone, Default)]
pub(crate) struct Term {
    pub(crate) words: u32,
    uses_at: u32,
    uses_len: u32,
    /// Some pattern lists it in `not_after`: losing one of its hits can let a
    /// chain start, so an incremental scan must chain again.
    pub(crate) veto: bool,
}

#[derive(Debug)]
pub(crate) struct Near {
    pub(crate) rule: u32,
    /// Term groups; a term use with group index `groups` is a `not_after` term.
    pub(crate) groups: u16,
    pub(crate) max_gap: u32,
    /// How many words from a byte its chain across that byte can reach
    /// ([`set_chain_reach`]): a chain that crosses a seam or a changed byte
    /// has every hit, `not_after` terms included, within this many words of it.
    pub(crate) reach: u32,
}

/// Everything the scanner reads; immutable after build.
#[derive(Debug)]
pub(crate) struct Compiled {
    pub(crate) rules: Vec<Rule>,
    /// Phrases and near-terms, folded like the folded view and like the
    /// skeleton view; a literal's owner indexes `rules` (phrases) or `terms`.
    pub(crate) literals: LiteralSet,
    pub(crate) terms: Vec<Term>,
    pub(crate) nears: Vec<Near>,
    /// The rule regexes, each compiled alone (see [`RegexGate`]).
    pub(crate) regexes: Vec<Regex>,
    /// The rule of each regex.
    pub(crate) regex_rules: Vec<u32>,
    /// Which regexes can match a text, from one pass (see [`RegexGate`]).
    pub(crate) gate: RegexGate,
    pub(crate) fingerprint: [u8; 32],
    /// The largest [`Near::reach`].
    pub(crate) chain_reach: usize,
    /// Every term's uses, `(near pattern, group)`, a term's in one run
    /// ([`Compiled::uses_of`]).
    uses: Vec<(u32, u16)>,
}

impl Compiled {
    /// Which near patterns use `term`, and in which group.
    #[inline]
    pub(crate) fn uses_of(&self, term: u32) -> &[(u32, u16)] {
        let t = &self.terms[term as usize];
        let at = t.uses_at as usize;
        &self.uses[at..at + t.uses_len as usize]
    }
}

/// A rule with the file it came from.
pub(crate) struct Sourced {
    pub(crate) source: String,
    pub(crate) spec: RuleSpec,
}

fn problem(src: &Sourced, kind: ProblemKind) -> RuleProblem {
    RuleProblem {
        source: src.source.clone(),
        rule_id: Some(src.spec.id.clone()),
        kind,
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'-' | b'.')
        })
}

/// Boundary flags for a folded literal: only sides that start or end with a
/// character of a spaced script are checked.
fn literal(owner: u32, folded: &str) -> Literal {
    let first = folded.chars().next();
    let last = folded.chars().next_back();
    Literal {
        owner,
        check_start: first.is_some_and(is_word_char),
        check_end: last.is_some_and(is_word_char),
        prefix: false,
        term: false,
        len: folded.len() as u32,
        start: Start::Word,
        foldings: 0,
    }
}

struct LiteralBuilder {
    pats: Vec<String>,
    lits: Vec<Literal>,
}

impl LiteralBuilder {
    fn new() -> Self {
        LiteralBuilder {
            pats: Vec::new(),
            lits: Vec::new(),
        }
    }

    /// Adds a literal folded and as a skeleton (once when both read the
    /// same); `prefix` drops the end boundary check.
    fn add(&mut self, owner: u32, [folded, skeleton]: [String; 2], term: bool, prefix: bool) {
        let both = folded == skeleton;
        let forms = [(folded, false), (skeleton, true)];
        for (f, is_skeleton) in forms.into_iter().take(if both { 1 } else { 2 }) {
            let mut l = literal(owner, &f);
            l.term = term;
            l.foldings = if both {
                folding_bit(false) | folding_bit(true)
            } else {
                folding_bit(is_skeleton)
            };
            if prefix {
                l.check_end = false;
                l.prefix = true;
            }
            self.pats.push(f);
            self.lits.push(l);
        }
    }

    fn build(self) -> Result<LiteralSet, KeywordsError> {
        set(self.pats, self.lits)
    }
}

fn set(pats: Vec<String>, mut lits: Vec<Literal>) -> Result<LiteralSet, KeywordsError> {
    let max_len = pats.iter().map(String::len).max().unwrap_or(0);
    if pats.is_empty() {
        return Ok(LiteralSet {
            nfa: None,
            lits,
            max_len,
            index: None,
        });
    }
    for (l, p) in lits.iter_mut().zip(&pats) {
        l.start = if !l.check_start {
            Start::Anywhere
        } else if l.prefix && first_word(p).len() == p.len() {
            Start::PrefixWord
        } else {
            Start::Word
        };
    }
    // The trie is built here rather than by `contiguous::Builder::build`, which
    // gives its first levels dense transition tables: with the packs' ~40,000
    // literals those are megabytes held only while the searched automaton is
    // copied from the trie, and they set the process's resident peak at start.
    let nfa = {
        let trie = noncontiguous::Builder::new()
            .match_kind(MatchKind::Standard)
            .dense_depth(0)
            .build(&pats)?;
        contiguous::Builder::new().build_from_noncontiguous(&trie)?
    };
    debug_assert_eq!(nfa.patterns_len(), lits.len());
    let starts: Vec<Start> = lits.iter().map(|l| l.start).collect();
    let index = WordIndex::build(&nfa, &pats, &starts);
    Ok(LiteralSet {
        nfa: Some(nfa),
        lits,
        max_len,
        index: Some(index),
    })
}

/// Rewrites `\b` / `\B` as ASCII word boundaries. A Unicode `\b` makes the
/// lazy DFA give up on any non-ASCII byte and fall back to a much slower engine;
/// rule patterns are about ASCII markup (links, role tags), so ASCII boundaries
/// keep their meaning and keep scans linear and fast.
pub(crate) fn ascii_boundaries(p: &str) -> String {
    let mut out = String::with_capacity(p.len() + 16);
    let mut chars = p.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b') => out.push_str("(?-u:\\b)"),
            Some('B') => out.push_str("(?-u:\\B)"),
            Some(n) => {
                out.push(c);
                out.push(n);
            }
            None => out.push(c),
        }
    }
    out
}

/// Compiles one rule regex as `regex::Regex::new` would (leftmost-first,
/// UTF-8, Unicode), within the size limits, or says why it cannot. The
/// engine's own type, for the anchored searches of [`RegexGate::first_matches`].
pub(crate) fn build_regex(pattern: &str) -> Result<Regex, String> {
    let config = meta::Config::new()
        .match_kind(regex_automata::MatchKind::LeftmostFirst)
        .utf8_empty(true)
        .nfa_size_limit(Some(REGEX_SIZE_LIMIT))
        .hybrid_cache_capacity(REGEX_DFA_CACHE);
    meta::Builder::new()
        .configure(config)
        .syntax(syntax::Config::new().utf8(true))
        .build(pattern)
        .map_err(|e| match (e.size_limit(), e.syntax_error()) {
            (Some(limit), _) => format!("compiled regex exceeds size limit of {limit} bytes"),
            (None, Some(syntax)) => syntax.to_string(),
            (None, None) => e.to_string(),
        })
}

fn severity(s: &str) -> Option<Severity> {
    Some(match s {
        "low" => Severity::Low,
        "medium" => Severity::Medium,
        "high" => Severity::High,
        "critical" => Severity::Critical,
        _ => return None,
    })
}

fn hash_str(h: &mut Sha256, s: &str) {
    h.update((s.len() as u64).to_le_bytes());
    h.update(s.as_bytes());
}

/// Validates every rule (collecting all problems) and compiles the set.
pub(crate) fn compile(
    mut rules: Vec<Sourced>,
    mut problems: Vec<RuleProblem>,
) -> Result<Compiled, KeywordsError> {
    // Ids first, so the rest of validation can name duplicates precisely.
    let mut seen: HashMap<String, String> = HashMap::new();
    for r in &rules {
        if !valid_id(&r.spec.id) {
            problems.push(problem(r, ProblemKind::BadId));
        } else if let Some(first) = seen.get(&r.spec.id) {
            problems.push(problem(
                r,
                ProblemKind::DuplicateId {
                    first_source: first.clone(),
                },
            ));
        } else {
            seen.insert(r.spec.id.clone(), r.source.clone());
        }
    }
    // Deterministic order for the fingerprint and the automaton.
    rules.sort_by(|a, b| a.spec.id.cmp(&b.spec.id));

    let mut out_rules = Vec::with_capacity(rules.len());
    let mut literals = LiteralBuilder::new();
    let mut term_index: HashMap<(String, bool), u32> = HashMap::new();
    let mut terms: Vec<Term> = Vec::new();
    // Every (term, near pattern, group) while the packs are read; sorted
    // into one array of uses once they are.
    let mut all_uses: Vec<(u32, u32, u16)> = Vec::new();
    let mut nears = Vec::new();
    let mut regexes = Vec::new();
    let mut regex_patterns: Vec<String> = Vec::new();
    let mut regex_rules = Vec::new();
    let mut hasher = Sha256::new();
    hasher.update(b"promptgate.keywords.v1");
    hasher.update(NORMALIZER_VERSION.to_le_bytes());
    hasher.update(super::suffix::SUFFIX_VERSION.to_le_bytes());

    for src in &rules {
        let spec = &src.spec;
        let rule_idx = out_rules.len() as u32;
        let mut ok = true;
        if !CATEGORIES.contains(&spec.category.as_str()) {
            problems.push(problem(
                src,
                ProblemKind::UnknownCategory(spec.category.clone()),
            ));
            ok = false;
        }
        let sev = severity(&spec.severity);
        if sev.is_none() {
            problems.push(problem(
                src,
                ProblemKind::UnknownSeverity(spec.severity.clone()),
            ));
            ok = false;
        }
        if spec.phrases.is_empty() && spec.near.is_empty() && spec.patterns.is_empty() {
            problems.push(problem(src, ProblemKind::NoMatchers));
            ok = false;
        }
        let mut folded_phrases = Vec::new();
        for (index, p) in spec.phrases.iter().enumerate() {
            let f = fold_phrase(p);
            if f.trim().is_empty() {
                problems.push(problem(src, ProblemKind::EmptyPhrase { index }));
                ok = false;
            } else {
                folded_phrases.push([f, fold_phrase_skeleton(p)]);
            }
        }
        let mut folded_nears = Vec::new();
        for (index, n) in spec.near.iter().enumerate() {
            if n.max_gap > MAX_GAP_LIMIT {
                problems.push(problem(
                    src,
                    ProblemKind::GapTooLarge {
                        index,
                        max_gap: n.max_gap,
                        limit: MAX_GAP_LIMIT,
                    },
                ));
                ok = false;
            }
            let mut groups = Vec::new();
            let mut good = n.terms.len() >= 2 && n.terms.len() < u16::MAX as usize;
            // The `not_after` terms ride along as one extra group after the
            // last, which the scanner reads as vetoes, not as a step.
            let vetoes = (!n.not_after.is_empty()).then_some(&n.not_after);
            for g in n.terms.iter().chain(vetoes) {
                let mut group = Vec::new();
                for t in g {
                    let (body, prefix) = match t.trim().strip_suffix('*') {
                        Some(b) => (b, true),
                        None => (t.as_str(), false),
                    };
                    let f = fold_phrase(body);
                    if f.trim().is_empty() {
                        good = false;
                    } else {
                        group.push((f, fold_phrase_skeleton(body), prefix));
                    }
                }
                good &= !group.is_empty();
                groups.push(group);
            }
            if !good {
                problems.push(problem(src, ProblemKind::BadNear { index }));
                ok = false;
            } else {
                folded_nears.push((groups, n.terms.len(), n.max_gap));
            }
        }
        let mut compiled_patterns = Vec::new();
        for (index, p) in spec.patterns.iter().enumerate() {
            let pattern = ascii_boundaries(p);
            match build_regex(&pattern) {
                Ok(re) => compiled_patterns.push((p.clone(), pattern, re)),
                Err(message) => {
                    problems.push(problem(src, ProblemKind::BadPattern { index, message }));
                    ok = false;
                }
            }
        }
        let (true, Some(severity)) = (ok, sev) else {
            continue;
        };

        hash_str(&mut hasher, &spec.id);
        hash_str(&mut hasher, &spec.category);
        hash_str(&mut hasher, &spec.severity);
        for [f, s] in folded_phrases {
            hash_str(&mut hasher, "p");
            hash_str(&mut hasher, &f);
            literals.add(rule_idx, [f, s], false, false);
        }
        for (groups, steps, max_gap) in folded_nears {
            let near_idx = nears.len() as u32;
            hash_str(&mut hasher, "n");
            hasher.update((max_gap as u64).to_le_bytes());
            for (gi, group) in groups.iter().enumerate() {
                hash_str(&mut hasher, if gi < steps { "g" } else { "v" });
                for (f, s, prefix) in group {
                    hash_str(&mut hasher, f);
                    hasher.update([*prefix as u8]);
                    let key = (f.clone(), *prefix);
                    let ti = match term_index.get(&key) {
                        Some(&ti) => ti,
                        None => {
                            let ti = terms.len() as u32;
                            terms.push(Term {
                                words: word_count(f) as u32,
                                ..Term::default()
                            });
                            literals.add(ti, [f.clone(), s.clone()], true, *prefix);
                            term_index.insert(key, ti);
                            ti
                        }
                    };
                    terms[ti as usize].veto |= gi >= steps;
                    all_uses.push((ti, near_idx, gi as u16));
                }
            }
            nears.push(Near {
                rule: rule_idx,
                groups: steps as u16,
                max_gap: max_gap as u32,
                reach: 0,
            });
        }
        for (p, pattern, re) in compiled_patterns {
            hash_str(&mut hasher, "r");
            hash_str(&mut hasher, &p);
            regexes.push(re);
            regex_patterns.push(pattern);
            regex_rules.push(rule_idx);
        }
        out_rules.push(Rule {
            id: Arc::from(spec.id.as_str()),
            category: Arc::from(spec.category.as_str()),
            severity,
        });
    }
    if !problems.is_empty() {
        return Err(KeywordsError::Invalid(problems));
    }
    // The parsed packs (their term lists are most of the pack text, held as
    // many small strings) and the term index are read no more: freed here,
    // before the automata are built, they do not add to the start-up peak,
    // which the literal trie and its searched copy set.
    drop(rules);
    drop(term_index);
    drop(seen);
    // One array for every term's uses, a term's in one run, each use once
    // and in the order the packs list them: the near matcher reads a term's
    // uses for each of its hits, and a vector per term (25,000 of them)
    // scattered them over the heap.
    all_uses.sort_by_key(|&(term, _, _)| term);
    let mut uses: Vec<(u32, u16)> = Vec::with_capacity(all_uses.len());
    for run in all_uses.chunk_by(|a, b| a.0 == b.0) {
        let at = uses.len();
        for &(_, near, group) in run {
            if !uses[at..].contains(&(near, group)) {
                uses.push((near, group));
            }
        }
        let term = &mut terms[run[0].0 as usize];
        term.uses_at = at as u32;
        term.uses_len = (uses.len() - at) as u32;
    }
    let chain_reach = set_chain_reach(&terms, &all_uses, &mut nears);
    drop(all_uses);
    Ok(Compiled {
        chain_reach,
        uses,
        rules: out_rules,
        literals: literals.build()?,
        terms,
        nears,
        gate: RegexGate::build(regex_patterns.iter().map(String::as_str)),
        regexes,
        regex_rules,
        fingerprint: hasher.finalize().into(),
    })
}

/// Sets each near pattern's [`Near::reach`] from the `(term, pattern, group)`
/// uses: the most words its chain spans (each group's widest term, the
/// allowed gaps between groups), plus its widest `not_after` term before it
/// and a word either side for a boundary that a changed byte moves. Returns
/// the largest.
fn set_chain_reach(terms: &[Term], uses: &[(u32, u32, u16)], nears: &mut [Near]) -> usize {
    // Per pattern: its widest group term and its widest `not_after` term.
    let mut widest = vec![(0usize, 0usize); nears.len()];
    for &(term, near, group) in uses {
        let w = &mut widest[near as usize];
        let words = terms[term as usize].words as usize;
        if group < nears[near as usize].groups {
            w.0 = w.0.max(words);
        } else {
            w.1 = w.1.max(words);
        }
    }
    let mut most = 0;
    for (n, (words, veto)) in nears.iter_mut().zip(widest) {
        let groups = usize::from(n.groups);
        let reach = groups * words + groups.saturating_sub(1) * n.max_gap as usize + veto + 2;
        n.reach = u32::try_from(reach).unwrap_or(u32::MAX);
        most = most.max(reach);
    }
    most
}
