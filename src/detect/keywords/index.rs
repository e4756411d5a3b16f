//! A word index over the literals of one folding, so a scan reads each word
//! once instead of walking the literal automaton byte by byte.
//!
//! Almost every literal starts on a word boundary with a word character. Such
//! a literal can only match where a word starts, and its first word (up to the
//! first non-word character) must equal the text's word there. So the scanner
//! hashes each word of the text once and looks it up: a hit gives the state the
//! anchored automaton reaches after that word, and only then does the scan
//! walk the automaton over the following bytes. Single-word prefix terms
//! (`instruct*`) are looked up by their length within the word. The few
//! literals that do not start with a word character (`<system>`, CJK phrases)
//! are walked from every position holding one of their first bytes.
//!
//! The automaton walk is the same as an unanchored Aho-Corasick search would
//! do, so the matches found are exactly those (tests compare both). A match
//! state of the walk lists every literal that ends there, most of them
//! suffixes that start later than the walk; the index keeps, per match state,
//! only the literals equal to the whole path from the walk's start
//! ([`OwnLiterals`]), so a report costs one lookup instead of a pass over the
//! state's match list.

use aho_corasick::Anchored;
use aho_corasick::automaton::Automaton as _;
use aho_corasick::automaton::StateID;
use aho_corasick::nfa::contiguous;

use super::words::is_word_char;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// Extends a word hash by one byte (FNV-1a).
#[inline(always)]
pub(crate) fn hash_byte(h: u64, b: u8) -> u64 {
    (h ^ u64::from(b)).wrapping_mul(FNV_PRIME)
}

/// The hash of a whole byte string, as [`hash_byte`] builds it.
pub(crate) fn hash_bytes(s: &[u8]) -> u64 {
    s.iter().fold(FNV_OFFSET, |h, &b| hash_byte(h, b))
}

/// The seed of an incremental word hash.
pub(crate) const HASH_SEED: u64 = FNV_OFFSET;

/// How a literal's start is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Start {
    /// Starts a word: found from the exact-word table and an automaton walk.
    Word,
    /// A single-word prefix term: found from the prefix table.
    PrefixWord,
    /// Starts with a non-word character: walked from its first byte.
    Anywhere,
}

/// Open-addressing table from byte strings to values, keyed by [`hash_bytes`].
///
/// A slot holds the entry's index and the high half of its hash, so a probe
/// that meets another word's entry moves on without loading that entry: most
/// words of a text start no literal, and each such load was a cache miss.
#[derive(Debug)]
struct Table<V> {
    /// `(hash >> 32) << 32 | (index + 1)`; 0 when empty.
    slots: Vec<u64>,
    entries: Vec<(u64, Box<[u8]>, V)>,
}

/// The tag half of a slot: the hash's high bits (the low ones pick the slot).
#[inline(always)]
fn tag_of(h: u64) -> u64 {
    h & 0xFFFF_FFFF_0000_0000
}

/// The entry a filled slot points at: its low half, stored as index + 1.
#[inline(always)]
fn entry_of(slot: u64) -> usize {
    (slot as u32) as usize - 1
}

impl<V> Table<V> {
    fn build(entries: Vec<(Box<[u8]>, V)>) -> Table<V> {
        let size = (entries.len() * 2).next_power_of_two().max(16);
        let mut slots = vec![0u64; size];
        let entries: Vec<(u64, Box<[u8]>, V)> = entries
            .into_iter()
            .map(|(k, v)| (hash_bytes(&k), k, v))
            .collect();
        for (n, (h, _, _)) in entries.iter().enumerate() {
            let mut i = (*h as usize) & (size - 1);
            while slots[i] != 0 {
                i = (i + 1) & (size - 1);
            }
            slots[i] = tag_of(*h) | (n as u64 + 1);
        }
        Table { slots, entries }
    }

    #[inline]
    fn get(&self, h: u64, key: &[u8]) -> Option<&V> {
        let mask = self.slots.len() - 1;
        let tag = tag_of(h);
        let mut i = (h as usize) & mask;
        loop {
            let e = self.slots[i];
            if e == 0 {
                return None;
            }
            if tag_of(e) == tag {
                let (eh, k, v) = &self.entries[entry_of(e)];
                if *eh == h && **k == *key {
                    return Some(v);
                }
            }
            i = (i + 1) & mask;
        }
    }
}

/// The word index of one literal set (see the module doc).
#[derive(Debug)]
pub(crate) struct WordIndex {
    /// First words of [`Start::Word`] literals -> anchored state after them.
    exact: Table<StateID>,
    /// Single-word prefix terms -> their literal ids.
    prefix: Table<Vec<u32>>,
    /// `prefix_len[n]`: some prefix term is `n` bytes long.
    prefix_len: Vec<bool>,
    /// Bit `(b0 << 8) | b1` set: some prefix term starts with bytes `b0 b1`
    /// (or is the single byte `b0`).
    prefix_pair: Vec<u64>,
    /// First bytes of [`Start::Anywhere`] literals.
    other_first: [bool; 256],
    /// Per match state: the literals the anchored walk reaching it has read whole.
    own: OwnLiterals,
}

/// For each match state of the automaton, the literals whose text is the
/// whole path from the anchored start to that state, split by start kind
/// ([`Start::Word`] and [`Start::Anywhere`]; prefix words are found through
/// their own table), in the order of the state's match list.
///
/// Exists because a state's match list also holds every literal that is a
/// suffix of its path (an unanchored search needs them): on common words the
/// scanner reached such states hundreds of times per kilobyte and read each
/// list through to find the one or two literals starting at the walk's start.
#[derive(Debug)]
struct OwnLiterals {
    /// Open-addressing slots: `state << 32 | (index + 1)` into `states`, 0
    /// when empty (the state in the slot spares a probe the entry's load).
    slots: Vec<u64>,
    /// `(state, range in ids of the Word literals, end of the Anywhere ones)`.
    states: Vec<(StateID, u32, u32, u32)>,
    /// Literal ids, per state the Word literals then the Anywhere ones.
    ids: Vec<u32>,
}

impl OwnLiterals {
    /// Groups `pats` by the state the anchored walk over each reaches.
    fn build(nfa: &contiguous::NFA, pats: &[String], starts: &[Start]) -> OwnLiterals {
        let anchored = nfa
            .start_state(Anchored::Yes)
            .expect("invariant: contiguous NFAs support anchored searches");
        let mut seen = std::collections::HashSet::new();
        let mut states = Vec::new();
        let mut ids = Vec::new();
        for p in pats {
            let mut sid = anchored;
            for &b in p.as_bytes() {
                sid = nfa.next_state(Anchored::Yes, sid, b);
            }
            if nfa.is_dead(sid) || !seen.insert(sid) {
                continue;
            }
            // The state's match list, in order, keeping the literals as long
            // as the path (a shorter one is a suffix of it, another walk's).
            let own: Vec<u32> = (0..nfa.match_len(sid))
                .map(|k| nfa.match_pattern(sid, k).as_u32())
                .filter(|&pid| pats[pid as usize].len() == p.len())
                .collect();
            let from = ids.len() as u32;
            ids.extend(
                own.iter()
                    .filter(|&&pid| starts[pid as usize] == Start::Word),
            );
            let word_end = ids.len() as u32;
            ids.extend(
                own.iter()
                    .filter(|&&pid| starts[pid as usize] == Start::Anywhere),
            );
            states.push((sid, from, word_end, ids.len() as u32));
        }
        let size = (states.len() * 2).next_power_of_two().max(16);
        let mut slots = vec![0u64; size];
        for (n, (sid, ..)) in states.iter().enumerate() {
            let mut i = state_slot(*sid, size);
            while slots[i] != 0 {
                i = (i + 1) & (size - 1);
            }
            slots[i] = (u64::from(sid.as_u32()) << 32) | (n as u64 + 1);
        }
        OwnLiterals { slots, states, ids }
    }

    /// The literals of `kind` equal to the path to `sid` (empty for a state
    /// whose matches are all suffixes).
    #[inline]
    fn get(&self, sid: StateID, kind: Start) -> &[u32] {
        let mask = self.slots.len() - 1;
        let mut i = state_slot(sid, self.slots.len());
        loop {
            let e = self.slots[i];
            if e == 0 {
                return &[];
            }
            if (e >> 32) as u32 == sid.as_u32() {
                let (_, from, word_end, end) = self.states[entry_of(e)];
                let r = match kind {
                    Start::Word => from..word_end,
                    _ => word_end..end,
                };
                return &self.ids[r.start as usize..r.end as usize];
            }
            i = (i + 1) & mask;
        }
    }
}

/// The home slot of a state in a table of `size` (a power of two) slots.
#[inline(always)]
fn state_slot(sid: StateID, size: usize) -> usize {
    (sid.as_u32().wrapping_mul(0x9E37_79B9) >> 7) as usize & (size - 1)
}

impl WordIndex {
    /// Indexes `pats` (the automaton's patterns, in pattern order) whose
    /// start kinds are `starts`.
    pub(crate) fn build(nfa: &contiguous::NFA, pats: &[String], starts: &[Start]) -> WordIndex {
        let anchored = nfa
            .start_state(Anchored::Yes)
            .expect("invariant: contiguous NFAs support anchored searches");
        let mut exact: Vec<(Box<[u8]>, StateID)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut prefix: std::collections::HashMap<Box<[u8]>, Vec<u32>> = Default::default();
        let mut prefix_len = Vec::new();
        let mut prefix_pair = vec![0u64; 1024];
        let mut other_first = [false; 256];
        for (pid, (p, start)) in pats.iter().zip(starts).enumerate() {
            match start {
                Start::Anywhere => other_first[usize::from(p.as_bytes()[0])] = true,
                Start::PrefixWord => {
                    let b = p.as_bytes();
                    prefix.entry(b.into()).or_default().push(pid as u32);
                    if prefix_len.len() <= b.len() {
                        prefix_len.resize(b.len() + 1, false);
                    }
                    prefix_len[b.len()] = true;
                    let b0 = usize::from(b[0]) << 8;
                    if b.len() == 1 {
                        for b1 in 0..256 {
                            set_bit(&mut prefix_pair, b0 | b1);
                        }
                    } else {
                        set_bit(&mut prefix_pair, b0 | usize::from(b[1]));
                    }
                }
                Start::Word => {
                    let w1 = first_word(p);
                    if seen.insert(w1.to_owned()) {
                        let mut sid = anchored;
                        for &b in w1.as_bytes() {
                            sid = nfa.next_state(Anchored::Yes, sid, b);
                        }
                        debug_assert!(!nfa.is_dead(sid), "a literal's first word is in the trie");
                        exact.push((w1.as_bytes().into(), sid));
                    }
                }
            }
        }
        WordIndex {
            exact: Table::build(exact),
            prefix: Table::build(prefix.into_iter().collect()),
            prefix_len,
            prefix_pair,
            other_first,
            own: OwnLiterals::build(nfa, pats, starts),
        }
    }
}

fn set_bit(bits: &mut [u64], k: usize) {
    bits[k / 64] |= 1 << (k % 64);
}

fn get_bit(bits: &[u64], k: usize) -> bool {
    bits[k / 64] & (1 << (k % 64)) != 0
}

/// The leading run of word characters of a literal.
pub(crate) fn first_word(lit: &str) -> &str {
    let end = lit
        .char_indices()
        .find(|&(_, c)| !is_word_char(c))
        .map_or(lit.len(), |(i, _)| i);
    &lit[..end]
}

/// Whether the character at byte `i` of `text` is a word character, and its length.
#[inline(always)]
fn word_char_at(text: &str, i: usize) -> (bool, usize) {
    let b = text.as_bytes()[i];
    if b < 0x80 {
        return (b.is_ascii_alphanumeric(), 1);
    }
    match text[i..].chars().next() {
        Some(c) => (is_word_char(c), c.len_utf8()),
        None => (false, 1),
    }
}

/// Finds every literal occurrence of a set within `text[from..to]` through the
/// index, calling `report(literal ids, start, end)` with the ids of the
/// literals that occur at `start..end`. Each of them starts on its word
/// boundary (a [`Start::Word`] or [`Start::PrefixWord`] literal is only
/// looked for where a word starts, a [`Start::Anywhere`] one checks none);
/// the end boundary is not checked here.
pub(crate) fn candidates(
    idx: &WordIndex,
    nfa: &contiguous::NFA,
    text: &str,
    from: usize,
    to: usize,
    report: &mut dyn FnMut(&[u32], usize, usize),
) {
    let b = text.as_bytes();
    let anchored = nfa
        .start_state(Anchored::Yes)
        .expect("invariant: contiguous NFAs support anchored searches");
    // Was the character before `i` a word character? (Read in the whole text.)
    let mut prev_word = from > 0 && text[..from].chars().next_back().is_some_and(is_word_char);
    let mut i = from;
    while i < to {
        let (w, len) = word_char_at(text, i);
        if !w {
            if idx.other_first[usize::from(b[i])] {
                walk(idx, nfa, b, i, anchored, i, to, Start::Anywhere, report);
            }
            prev_word = false;
            i += len;
            continue;
        }
        let s = i;
        let at_start = !prev_word;
        prev_word = true;
        let check_prefix = at_start && {
            let b0 = usize::from(b[s]) << 8;
            let b1 = if s + 1 < to { usize::from(b[s + 1]) } else { 0 };
            get_bit(&idx.prefix_pair, b0 | b1)
        };
        let h;
        (i, h) = if check_prefix {
            word_with_prefixes(idx, text, s, len, to, report)
        } else {
            word_hash(text, s, len, to)
        };
        if at_start && let Some(&sid) = idx.exact.get(h, &b[s..i]) {
            walk(idx, nfa, b, s, sid, i, to, Start::Word, report);
        }
    }
}

/// Reads the word starting at `s` (its first character `len` bytes long) up
/// to `to`: its end and its hash.
#[inline(always)]
fn word_hash(text: &str, s: usize, mut len: usize, to: usize) -> (usize, u64) {
    let b = text.as_bytes();
    let mut h = HASH_SEED;
    let mut i = s;
    loop {
        for &c in &b[i..i + len] {
            h = hash_byte(h, c);
        }
        i += len;
        // Most words are ASCII letters and digits: no decoding.
        while i < to && b[i].is_ascii_alphanumeric() {
            h = hash_byte(h, b[i]);
            i += 1;
        }
        if i >= to || b[i] < 0x80 {
            return (i, h);
        }
        let (w, l) = word_char_at(text, i);
        if !w {
            return (i, h);
        }
        len = l;
    }
}

/// [`word_hash`] of a word that may start with a single-word prefix term:
/// each of its beginnings as long as some prefix term is looked up too, and
/// the terms found reported.
#[inline]
fn word_with_prefixes(
    idx: &WordIndex,
    text: &str,
    s: usize,
    mut len: usize,
    to: usize,
    report: &mut dyn FnMut(&[u32], usize, usize),
) -> (usize, u64) {
    let b = text.as_bytes();
    let mut h = HASH_SEED;
    let mut i = s;
    loop {
        for &c in &b[i..i + len] {
            h = hash_byte(h, c);
        }
        i += len;
        if idx.prefix_len.get(i - s).copied().unwrap_or(false)
            && let Some(ids) = idx.prefix.get(h, &b[s..i])
        {
            report(ids, s, i);
        }
        if i >= to {
            return (i, h);
        }
        let (w, l) = word_char_at(text, i);
        if !w {
            return (i, h);
        }
        len = l;
    }
}

/// Walks the anchored automaton from `sid` at byte `p` until it dies or reaches
/// `to`, reporting at every match state the literals of `kind` that start at
/// the walk's start `s`. Inlined: most walks end after a byte or two, and a
/// call's set-up cost as much.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn walk(
    idx: &WordIndex,
    nfa: &contiguous::NFA,
    b: &[u8],
    s: usize,
    mut sid: StateID,
    mut p: usize,
    to: usize,
    kind: Start,
    report: &mut dyn FnMut(&[u32], usize, usize),
) {
    loop {
        if nfa.is_special(sid) {
            if nfa.is_dead(sid) {
                return;
            }
            if nfa.is_match(sid) {
                let ids = idx.own.get(sid, kind);
                if !ids.is_empty() {
                    report(ids, s, p);
                }
            }
        }
        if p >= to {
            return;
        }
        sid = nfa.next_state(Anchored::Yes, sid, b[p]);
        p += 1;
    }
}
