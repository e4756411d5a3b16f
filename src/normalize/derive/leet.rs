//! Leetspeak folding: digits and symbols inside words that mix them with
//! letters read as letters (`1gn0r3` -> `ignore`), same length as the input.

/// The letter a leetspeak digit or symbol stands for; `one` is the reading of `1`
/// (the `l` reading decides each `1` from its neighbours, [`one_reading`]).
#[inline]
const fn leet_letter(b: u8, one: u8) -> Option<u8> {
    Some(match b {
        b'0' => b'o',
        b'1' => one,
        b'2' => b'z',
        b'3' => b'e',
        b'4' => b'a',
        b'5' => b's',
        b'6' => b'g',
        b'7' => b't',
        b'8' => b'b',
        b'9' => b'g',
        b'@' => b'a',
        b'$' => b's',
        b'!' => b'i',
        b'|' => b'l',
        b'+' => b't',
        _ => return None,
    })
}

/// What a `1` at `word[k]` most likely stands for in the `l` reading, from its
/// neighbours (other leetspeak characters read as letters): `wi11` -> `will`,
/// `ch11d` -> `child`, `d15p14y` -> `display`, `9u1d311n35` -> `guidelines`,
/// `r3v341` -> `reveal`. A leetspeak word often writes both `i` and `l` as
/// `1`, so neither reading of every `1` alike (the `i` one is the other view)
/// reads it; English spelling decides each one: no `ii`, `ll` doubles after a
/// vowel, `l` between vowels, after `p`/`b`/`f` before a vowel and before a
/// vowel at a word start, `i` between consonants and in `ai`/`ei`/`oi`/`ui`
/// before the consonants that usually follow them.
fn one_reading(word: &[u8], k: usize) -> u8 {
    let at = |j: usize| -> u8 {
        match word[j] {
            b'1' => b'1',
            b => leet_letter(b, b'i').unwrap_or(b).to_ascii_lowercase(),
        }
    };
    let vowel = |c: u8| matches!(c, b'a' | b'e' | b'i' | b'o' | b'u' | b'y');
    // The run of `1`s holding k, and k's place in it, read at most two
    // places either side: a longer run is answered by the `1`s after k alone
    // (a walk over the whole run for each of its `1`s would be quadratic).
    let mut first = k;
    while first > 0 && k - first < 2 && word[first - 1] == b'1' {
        first -= 1;
    }
    let mut last = k;
    while last + 1 < word.len() && last - k < 2 && word[last + 1] == b'1' {
        last += 1;
    }
    let (run, pos) = (last - first + 1, k - first);
    let prev = (first > 0).then(|| at(first - 1));
    let next = (last + 1 < word.len()).then(|| at(last + 1));
    match run {
        1 => one_alone(prev, next, vowel),
        // `a11`, `f0110w`, `wi11` / `gu1de11nes` / `ch11d`, `11m1t`.
        2 => {
            let pair = match prev {
                None => *b"li",
                Some(p) if vowel(p) && next.is_none_or(vowel) => *b"ll",
                Some(p) if vowel(p) => *b"li",
                Some(_) => *b"il",
            };
            pair[pos]
        }
        // `w111`, `111ega1`: the last two are the doubled `l`.
        _ => {
            if last - k < 2 {
                b'l'
            } else {
                b'i'
            }
        }
    }
}

/// [`one_reading`] of a `1` with no `1` next to it.
fn one_alone(prev: Option<u8>, next: Option<u8>, vowel: impl Fn(u8) -> bool) -> u8 {
    let (l, i) = (b'l', b'i');
    match (prev, next) {
        (Some(b'i'), _) | (_, Some(b'i')) => l,
        (Some(b'l'), n) => {
            if n.is_none() {
                l
            } else {
                i
            }
        }
        (p, Some(b'l')) => {
            if matches!(p, Some(b'a' | b'e' | b'o')) {
                l
            } else {
                i
            }
        }
        (None, Some(n)) => {
            if vowel(n) {
                l
            } else {
                i
            }
        }
        (Some(p), None) => {
            if vowel(p) {
                l
            } else {
                i
            }
        }
        (None, None) => i,
        (Some(p), Some(n)) if vowel(p) && vowel(n) => l,
        (Some(p), Some(n)) if vowel(p) => {
            let before: &[u8] = match p {
                b'a' => b"ndmr",
                b'e' => b"rngtz",
                b'o' => b"n",
                b'u' => b"dn",
                _ => b"",
            };
            if before.contains(&n) { i } else { l }
        }
        (Some(p), Some(n)) if vowel(n) => {
            if matches!(p, b'p' | b'b' | b'f' | b'y') || (matches!(p, b'c' | b'g') && n == b'o') {
                l
            } else {
                i
            }
        }
        _ => i,
    }
}

#[inline]
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80 || leet_letter(b, b'i').is_some()
}

/// What leetspeak folding would change in a text.
#[derive(Debug, Default, Clone)]
pub(crate) struct LeetScan {
    /// The text passed the cheap pre-check ([`any_mixed_word`]), so its
    /// words were read; without it leetspeak folding changes nothing, and
    /// nothing in a text made of such texts with spaces between them.
    pub(crate) checked: bool,
    /// Such a word contains `1` (worth a second reading as `l`).
    pub(crate) has_one: bool,
    /// Byte positions the folding replaced, ascending.
    pub(crate) changed: Vec<usize>,
}

/// Folds leetspeak inside words that mix letters with digits or symbols, so
/// `1gn0r3` reads `ignore` while `2024` and `3.14` stay numbers. A lone leetspeak
/// character (`1`, `4`, `@`) or a run of up to three of them (`411`) is folded too
/// when a mixed word is within two words of it (`54y 1 h4v3` -> `say i have`,
/// `1gn0r3 411 ru135` -> `ignore all rules`). Returns `None` when nothing would
/// change. Same length as the input, so the map is shared.
pub(crate) fn leet(text: &str, one: u8, scan: Option<&mut LeetScan>) -> Option<String> {
    let bytes = text.as_bytes();
    if !any_mixed_word(bytes) {
        if let Some(s) = scan {
            *s = LeetScan::default();
        }
        return None;
    }
    let toks = leet_words(bytes);
    if !toks.iter().any(|t| t.mixed) {
        if let Some(s) = scan {
            *s = LeetScan {
                checked: true,
                ..LeetScan::default()
            };
        }
        return None;
    }
    let mut info = LeetScan {
        checked: true,
        ..LeetScan::default()
    };
    let mut buf = bytes.to_vec();
    for (k, t) in toks.iter().enumerate() {
        // A lone run is folded when a mixed word is within two words of it
        // (the list holds only these two kinds, in order, so such a word is
        // within two places of it).
        let fold = t.mixed
            || toks[k.saturating_sub(2)..(k + 3).min(toks.len())]
                .iter()
                .any(|m| m.mixed && m.ordinal.abs_diff(t.ordinal) <= 2);
        if !fold {
            continue;
        }
        let (start, end) = (t.start, t.end);
        let word = &bytes[start..end];
        info.has_one |= word.contains(&b'1');
        for (k, (dst, &src)) in buf[start..end].iter_mut().zip(word).enumerate() {
            let letter = if src == b'1' && one == b'l' {
                Some(one_reading(word, k))
            } else {
                leet_letter(src, one)
            };
            if let Some(l) = letter {
                *dst = l;
                info.changed.push(start + k);
            }
        }
    }
    if let Some(s) = scan {
        *s = info;
    }
    Some(String::from_utf8(buf).expect("invariant: only ASCII bytes were replaced by ASCII"))
}

/// A word [`leet`] may fold: one that mixes letters with leetspeak characters
/// (`1gn0r3`; at most [`LEET_FOLD_MAX_WORD`] bytes), or a lone run of up to
/// three leetspeak characters (`1`, `4`, `411`; `2024` and `10:30` are not).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct LeetWord {
    /// The word's place among all the text's words.
    pub(super) ordinal: usize,
    pub(super) start: usize,
    /// Its end, a trailing `!` left out ("stop!" is punctuation).
    pub(super) end: usize,
    /// Mixed (else a lone run).
    pub(super) mixed: bool,
}

/// A mixed word longer than this is an encoded run or an identifier (base64,
/// a key, a hash), not leetspeak: no rule reads inside a word, and folding
/// every digit of a 64 KiB base64 run tripled the cost of a request.
pub(super) const LEET_FOLD_MAX_WORD: usize = 64;

/// The words of `bytes` that [`leet`] may fold, in order. A word runs between
/// bytes that are neither letters (ASCII, or any byte of a non-ASCII
/// character) nor leetspeak characters. One table lookup per byte, and the
/// letters of a word skipped in a tight loop (most bytes of prose).
pub(super) fn leet_words(bytes: &[u8]) -> Vec<LeetWord> {
    let class = |i: usize| {
        bytes
            .get(i)
            .map_or(MIX_BREAK, |&b| MIX_CLASS[usize::from(b)])
    };
    let mut out = Vec::new();
    let mut ordinal = 0;
    let mut i = 0;
    while i < bytes.len() {
        if class(i) == MIX_BREAK {
            i += 1;
            continue;
        }
        let start = i;
        let (mut letter, mut leet) = (false, false);
        // Where the word ends without its trailing `!`s, and whether a `!`
        // waits to be counted (it is leetspeak unless it trails).
        let mut end = start;
        let mut bang = false;
        loop {
            match class(i) {
                MIX_LETTER => {
                    letter = true;
                    leet |= bang;
                    bang = false;
                    i += 1;
                    while class(i) == MIX_LETTER {
                        i += 1;
                    }
                    end = i;
                }
                MIX_LEET => {
                    leet = true;
                    bang = false;
                    i += 1;
                    end = i;
                }
                MIX_BANG => {
                    bang = true;
                    i += 1;
                }
                _ => break,
            }
        }
        if end == start {
            // Only `!`s: the first one stands.
            end = start + 1;
            leet = true;
        }
        let mixed = letter && leet && end - start <= LEET_FOLD_MAX_WORD;
        if mixed || (!letter && end - start <= 3) {
            out.push(LeetWord {
                ordinal,
                start,
                end,
                mixed,
            });
        }
        ordinal += 1;
    }
    out
}

/// [`any_mixed_word`]'s byte classes: a letter (ASCII, or any byte of a
/// non-ASCII character), a leetspeak character other than `!`, `!`, anything
/// else (a word break).
const MIX_LETTER: u8 = 0;
const MIX_LEET: u8 = 1;
const MIX_BANG: u8 = 2;
const MIX_BREAK: u8 = 3;

static MIX_CLASS: [u8; 256] = {
    let mut t = [MIX_BREAK; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphabetic() || c >= 0x80 {
            MIX_LETTER
        } else if c == b'!' {
            MIX_BANG
        } else if leet_letter(c, b'i').is_some() {
            MIX_LEET
        } else {
            MIX_BREAK
        };
        b += 1;
    }
    t
};

/// The states of [`any_mixed_word`]: bit 0, the current word has a letter;
/// bit 1, it has a leetspeak character. Both bits set is final (the word
/// mixes them, whatever follows), so it is where the scan stops.
static MIX_NEXT: [[u8; 4]; 3] = [
    // letter, leet, `!`, break
    [1, 2, 0, 0], // nothing yet
    [1, 3, 3, 0], // a letter (a `!` after a letter counts as leetspeak)
    [3, 2, 2, 0], // a leetspeak character
];

/// Allocation-free pre-check: does any word mix letters with leetspeak
/// characters? (Most text has none, and then no leet view is built.) A word
/// runs between bytes that are neither letters nor leetspeak characters; a
/// `!` only counts after a letter of its word (a trailing one is checked
/// precisely later). One table lookup per byte.
pub(super) fn any_mixed_word(bytes: &[u8]) -> bool {
    let mut state = 0u8;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        state = MIX_NEXT[usize::from(state)][usize::from(MIX_CLASS[usize::from(b)])];
        i += 1;
        if state == 3 {
            return true;
        }
        if state == 1 {
            // After a letter, more letters leave the state as it is: skip
            // the rest of the word's letters without the table's chain of
            // loads (most bytes of prose are here).
            while bytes
                .get(i)
                .is_some_and(|&b| MIX_CLASS[usize::from(b)] == MIX_LETTER)
            {
                i += 1;
            }
        }
    }
    false
}

/// Leetspeak rewrites fewer than this within any [`LEET_SPAN`] bytes are
/// incidental (`mp3`, `x86`, `h264`, `utf8`).
const LEET_MIN_CHANGED: usize = 4;

/// The span (bytes of the view) [`LEET_MIN_CHANGED`] rewrites must fall in:
/// the L2 n-gram model's window.
const LEET_SPAN: usize = 128;

/// A leetspeak word longer than this is an encoded run or an identifier
/// (base64, a JWT, a hash), not a spelled word.
const LEET_MAX_WORD: usize = 20;

/// Whether a leetspeak reading `read` of `base` (same length), rewritten at the
/// ascending positions `changed`, holds [`LEET_MIN_CHANGED`] rewrites within
/// some [`LEET_SPAN`] bytes inside words that read as spelled words
/// ([`spelled`]): a text written in leetspeak, not one with a few names with
/// numbers, hashes or encoded runs in it.
pub(crate) fn dense_in_spelled_words(base: &[u8], read: &[u8], changed: &[usize]) -> bool {
    if base.len() != read.len() {
        return false;
    }
    let kept: Vec<usize> = changed
        .iter()
        .copied()
        .filter(|&at| at < base.len() && spelled(base, read, at))
        .collect();
    kept.windows(LEET_MIN_CHANGED)
        .any(|w| w[LEET_MIN_CHANGED - 1] - w[0] < LEET_SPAN)
}

/// Whether the word of `base` around byte `at` is leetspeak for a word
/// (`1gn0r3`, `c0nf1d3n71al`) rather than a name with a number (`base64`,
/// `rot13`, `h264`), a hexadecimal run (hashes, UUIDs, hex dumps) or a random
/// token (a base64 segment between slashes): at most [`LEET_MAX_WORD`] bytes,
/// not all hexadecimal digits, not letters followed only by digits (unless one
/// or two letters and one digit: `m3`, `th3`), and its reading in `read` (the
/// same bytes, leetspeak folded) holds no run of five consonants.
fn spelled(base: &[u8], read: &[u8], at: usize) -> bool {
    // Walk no further than a word may be long: every byte of a long run
    // (base64) can be a change, and a walk over the whole run for each one
    // would be quadratic. A word cut short by either bound is already longer
    // than LEET_MAX_WORD.
    let floor = at.saturating_sub(LEET_MAX_WORD);
    let mut start = at;
    while start > floor && is_token_byte(base[start - 1]) {
        start -= 1;
    }
    let ceiling = (at + 1 + LEET_MAX_WORD).min(base.len());
    let mut end = at + 1;
    while end < ceiling && is_token_byte(base[end]) {
        end += 1;
    }
    spelled_word(&base[start..end], &read[start..end])
}

/// [`spelled`] of one whole word of the base text and its leetspeak reading.
fn spelled_word(word: &[u8], read: &[u8]) -> bool {
    if word.len() > LEET_MAX_WORD || word.iter().all(u8::is_ascii_hexdigit) {
        return false;
    }
    let letters = word.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let suffix = &word[letters..];
    if letters > 0 && suffix.iter().all(u8::is_ascii_digit) && (letters >= 3 || suffix.len() >= 2) {
        return false;
    }
    let mut run = 0;
    for &b in read {
        let consonant = b.is_ascii_alphabetic() && !b"aeiouy".contains(&b);
        run = if consonant { run + 1 } else { 0 };
        if run >= 5 {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// [`one_reading`] as first written: the whole run of `1`s walked for
    /// each of its `1`s.
    fn one_reading_reference(word: &[u8], k: usize) -> u8 {
        let mut first = k;
        while first > 0 && word[first - 1] == b'1' {
            first -= 1;
        }
        let mut last = k;
        while last + 1 < word.len() && word[last + 1] == b'1' {
            last += 1;
        }
        let (run, pos) = (last - first + 1, k - first);
        if run <= 2 {
            // Runs of one and two read only their neighbours, as before.
            return one_reading(word, k);
        }
        if pos + 2 >= run { b'l' } else { b'i' }
    }

    /// [`spelled`] as first written: the whole word walked for each change.
    fn spelled_reference(base: &[u8], read: &[u8], at: usize) -> bool {
        let mut start = at;
        while start > 0 && is_token_byte(base[start - 1]) {
            start -= 1;
        }
        let mut end = at + 1;
        while end < base.len() && is_token_byte(base[end]) {
            end += 1;
        }
        spelled_word(&base[start..end], &read[start..end])
    }

    fn leet_text() -> impl Strategy<Value = String> {
        let piece = proptest::sample::select(
            &["1", "11", "a", "e", "l", "p", "0", "3", "x", " ", "-", "!"][..],
        );
        proptest::collection::vec(piece, 1..60).prop_map(|p| p.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]
        #[test]
        fn bounded_readings_equal_the_whole_walks(text in leet_text()) {
            let base = text.as_bytes();
            for k in (0..base.len()).filter(|&k| base[k] == b'1') {
                prop_assert_eq!(one_reading(base, k), one_reading_reference(base, k), "{} at {}", text, k);
            }
            if let Some(read) = leet(&text, b'i', None) {
                for at in 0..base.len() {
                    prop_assert_eq!(
                        spelled(base, read.as_bytes(), at),
                        spelled_reference(base, read.as_bytes(), at),
                        "{} at {}", text, at
                    );
                }
            }
        }
    }
}
