//! Views derived from a folded text: leetspeak folded, spaced letters joined,
//! rot13 and reversed. Each one keeps an offset map to the original text.

use super::map::{MapBuilder, OffsetMap};

/// The letter a leetspeak digit or symbol stands for; `one` is the reading of `1`.
#[inline]
fn leet_letter(b: u8, one: u8) -> Option<u8> {
    Some(match b {
        b'0' => b'o',
        b'1' => one,
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

#[inline]
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80 || leet_letter(b, b'i').is_some()
}

/// What leetspeak folding would change in a text.
#[derive(Debug, Default, Clone)]
pub(crate) struct LeetScan {
    /// Such a word contains `1` (worth a second reading as `l`).
    pub(crate) has_one: bool,
    /// Byte positions the folding replaced, ascending.
    pub(crate) changed: Vec<usize>,
}

/// Folds leetspeak inside words that mix letters with digits or symbols, so
/// `1gn0r3` reads `ignore` while `2024` and `3.14` stay numbers. A lone leetspeak
/// character (`1`, `4`, `@`) is folded too when a mixed word is within two words
/// of it (`54y 1 h4v3` -> `say i have`). Returns `None` when nothing would
/// change. Same length as the input, so the map is shared.
pub(crate) fn leet(text: &str, one: u8, scan: Option<&mut LeetScan>) -> Option<String> {
    #[derive(Clone, Copy, PartialEq)]
    enum Tok {
        Mixed,
        Lone,
        Other,
    }
    let bytes = text.as_bytes();
    let n = bytes.len();
    if !any_mixed_word(bytes) {
        if let Some(s) = scan {
            *s = LeetScan::default();
        }
        return None;
    }
    let mut toks: Vec<(usize, usize, Tok)> = Vec::new();
    let mut i = 0;
    while i < n {
        if !is_token_byte(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < n && is_token_byte(bytes[i]) {
            i += 1;
        }
        // A trailing `!` is punctuation ("stop!"), not a letter.
        let mut end = i;
        while end > start + 1 && bytes[end - 1] == b'!' {
            end -= 1;
        }
        let word = &bytes[start..end];
        let has_letter = word.iter().any(|b| b.is_ascii_alphabetic() || *b >= 0x80);
        let has_leet = word
            .iter()
            .any(|&b| !b.is_ascii_alphabetic() && leet_letter(b, one).is_some());
        let kind = if has_letter && has_leet {
            Tok::Mixed
        } else if word.len() == 1 && has_leet {
            Tok::Lone
        } else {
            Tok::Other
        };
        toks.push((start, end, kind));
    }
    if !toks.iter().any(|t| t.2 == Tok::Mixed) {
        if let Some(s) = scan {
            *s = LeetScan::default();
        }
        return None;
    }
    let mut info = LeetScan::default();
    let mut buf = bytes.to_vec();
    for (k, &(start, end, kind)) in toks.iter().enumerate() {
        let fold = match kind {
            Tok::Mixed => true,
            Tok::Lone => toks[k.saturating_sub(2)..(k + 3).min(toks.len())]
                .iter()
                .any(|t| t.2 == Tok::Mixed),
            Tok::Other => false,
        };
        if !fold {
            continue;
        }
        info.has_one |= bytes[start..end].contains(&b'1');
        for (k, (dst, &src)) in buf[start..end]
            .iter_mut()
            .zip(&bytes[start..end])
            .enumerate()
        {
            if let Some(l) = leet_letter(src, one) {
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

/// Allocation-free pre-check: does any word mix letters with leetspeak
/// characters? (Most text has none, and then no leet view is built.)
fn any_mixed_word(bytes: &[u8]) -> bool {
    let (mut letter, mut leet_char) = (false, false);
    for &b in bytes {
        if b.is_ascii_alphabetic() || b >= 0x80 {
            letter = true;
        } else if b != b'!' && leet_letter(b, b'i').is_some() {
            leet_char = true;
        } else if b == b'!' {
            // `!` only counts inside a word; a trailing one is checked precisely later.
            leet_char |= letter;
        } else {
            if letter && leet_char {
                return true;
            }
            letter = false;
            leet_char = false;
        }
    }
    letter && leet_char
}

/// Separators used to space out letters: "i g n o r e", "i.g.n.o.r.e", "i-g-n",
/// `\忽\略\之\前`, "i:g:n", "i;g;n", "i=g=n", "i#g#n", "i^g^n".
#[inline]
const fn is_letter_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '.'
            | '-'
            | '_'
            | '*'
            | '/'
            | '|'
            | '+'
            | '~'
            | ','
            | '·'
            | '•'
            | '\\'
            | ':'
            | ';'
            | '='
            | '#'
            | '^'
    )
}

#[inline]
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '@' || c == '$'
}

/// Character classes [`looks_spaced`] reads ASCII bytes with.
const SPACED_WORD: u8 = 1;
const SPACED_SEPARATOR: u8 = 2;

static SPACED_CLASS: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        // `is_word_char` on ASCII (its Unicode test is not const).
        if c.is_ascii_alphanumeric() || c == b'@' || c == b'$' {
            t[b] = SPACED_WORD;
        } else if is_letter_separator(c as char) {
            t[b] = SPACED_SEPARATOR;
        }
        b += 1;
    }
    t
};

/// The [`looks_spaced`] class of the character at byte `i`, and its length.
#[inline(always)]
fn spaced_class(text: &str, i: usize) -> (u8, usize) {
    let b = text.as_bytes()[i];
    if b < 0x80 {
        return (SPACED_CLASS[usize::from(b)], 1);
    }
    match text[i..].chars().next() {
        Some(c) if is_word_char(c) => (SPACED_WORD, c.len_utf8()),
        Some(c) if is_letter_separator(c) => (SPACED_SEPARATOR, c.len_utf8()),
        Some(c) => (0, c.len_utf8()),
        None => (0, 1),
    }
}

/// Cheap test on the original text: is there a run of at least three single
/// letters (word characters) separated by one separator each? One pass, a
/// table lookup per ASCII byte, no allocation.
pub(crate) fn looks_spaced(text: &str) -> bool {
    let n = text.len();
    let mut prev_word = false;
    let mut run = 0;
    let mut i = 0;
    while i < n {
        let (cur, cur_len) = spaced_class(text, i);
        let j = i + cur_len;
        if j >= n {
            break;
        }
        if cur == SPACED_WORD && !prev_word {
            let (next, next_len) = spaced_class(text, j);
            if next == SPACED_SEPARATOR {
                run += 1;
                if run >= 3 {
                    return true;
                }
                // Skip the separator (never a word character): the letter
                // after it is the next candidate.
                prev_word = false;
                i = j + next_len;
                continue;
            }
        }
        run = 0;
        prev_word = cur == SPACED_WORD;
        i = j;
    }
    false
}

/// Joins spaced or dotted single letters ("i g n o r e" -> "ignore") in an
/// uncollapsed folded text, collapsing whitespace on the way. Words of spaced
/// letters are told apart by a wider gap or a different separator
/// ("i g n o r e   a l l", "a_c_t a_s"). Returns `None` when no run was joined.
pub(crate) fn join_spaced(text: &str, map: &OffsetMap) -> Option<(String, OffsetMap)> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let n = chars.len();
    // keep[k] == false: the char is a separator inside a spaced-letter run.
    let mut keep = vec![true; n];
    let mut joined_any = false;
    let single = |k: usize| -> bool {
        is_word_char(chars[k].1)
            && (k == 0 || !is_word_char(chars[k - 1].1))
            && (k + 1 == n || !is_word_char(chars[k + 1].1))
    };
    // Runs of single letters: (first char, last char, letters, separator).
    let mut runs: Vec<(usize, usize, usize, Option<char>)> = Vec::new();
    let mut k = 0;
    while k < n {
        if !single(k) {
            k += 1;
            continue;
        }
        let start = k;
        let mut letters = 1;
        let mut j = k;
        let mut sep: Option<char> = None;
        while j + 2 < n {
            let s = chars[j + 1].1;
            if !is_letter_separator(s) || sep.is_some_and(|p| p != s) || !single(j + 2) {
                break;
            }
            // The next letter opens a run with another separator ("i h.a.v.e"):
            // it belongs to that run.
            if s == ' '
                && j + 4 < n
                && chars[j + 3].1 != s
                && is_letter_separator(chars[j + 3].1)
                && single(j + 4)
            {
                break;
            }
            sep = Some(s);
            letters += 1;
            j += 2;
        }
        if letters >= 2 {
            runs.push((start, j, letters, sep));
        }
        k = j + 1;
    }
    // Three letters make a run; two are enough with separators nobody writes
    // inside normal words, or next to a strong run with only separators between
    // ("y o u   c a n   d o   a n y"), so short words of a spaced sentence join.
    let strong = |r: &(usize, usize, usize, Option<char>)| {
        r.2 >= 3 || matches!(r.3, Some('_' | '*' | '|' | '~' | '+' | '·' | '•' | '\\'))
    };
    let only_separators = |a: usize, b: usize| (a..b).all(|m| is_letter_separator(chars[m].1));
    for (ri, r) in runs.iter().enumerate() {
        let join = strong(r)
            || (ri > 0 && strong(&runs[ri - 1]) && only_separators(runs[ri - 1].1 + 1, r.0))
            || (ri + 1 < runs.len()
                && strong(&runs[ri + 1])
                && only_separators(r.1 + 1, runs[ri + 1].0));
        if !join {
            continue;
        }
        joined_any = true;
        let mut m = r.0 + 1;
        while m < r.1 {
            keep[m] = false;
            m += 2;
        }
    }
    if !joined_any {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut b = MapBuilder::with_capacity(16);
    let mut prev_space = true;
    for (k, &(pos, c)) in chars.iter().enumerate() {
        if !keep[k] {
            continue;
        }
        if c == ' ' {
            if prev_space {
                continue;
            }
            prev_space = true;
        } else {
            prev_space = false;
        }
        let len = c.len_utf8();
        let r = map.original_range(pos..pos + len);
        out.push(c);
        if r.len() == len {
            b.linear(r.start, len);
        } else {
            b.atomic(r, len);
        }
    }
    Some((out, b.finish()))
}

/// ROT13 of the ASCII letters; same length, so the map is shared.
pub(crate) fn rot13(text: &str) -> String {
    let v: Vec<u8> = text.bytes().map(rot13_byte).collect();
    String::from_utf8(v).expect("invariant: only ASCII letters were rotated")
}

/// The text with its characters in reverse order, with a map through `map`.
pub(crate) fn reversed(text: &str, map: &OffsetMap) -> (String, OffsetMap) {
    let mut out = String::with_capacity(text.len());
    let mut b = MapBuilder::with_capacity(text.len() / 4 + 1);
    for (pos, c) in text.char_indices().rev() {
        let len = c.len_utf8();
        let r = map.original_range(pos..pos + len);
        out.push(c);
        // Never linear: consecutive output bytes walk the original backwards.
        b.atomic(r, len);
    }
    (out, b.finish())
}

/// Short, very common words of English and of the Latin-script languages the rule
/// packs cover (German, Spanish, French, Italian, Portuguese, Dutch, Polish,
/// Swedish, Romanian, Turkish, Czech; written as the folded view spells them,
/// diacritics stripped), with the vocabulary of instruction attacks: the signal that
/// a text (or its rot13 or reversal) is prose, so a rot13'd German or Spanish attack
/// is decoded too. Chosen so that no word's rot13 or reversal is a frequent English
/// word (`si` would make every English `is` a reversed hit, `fur` every `she` a rot13
/// one). Every word is one table probe, however long the list.
pub(crate) const COMMON_WORDS: &[&str] = &[
    // English
    "the",
    "and",
    "to",
    "of",
    "is",
    "you",
    "your",
    "in",
    "it",
    "for",
    "this",
    "that",
    "what",
    "with",
    "are",
    "be",
    "not",
    "do",
    "all",
    "how",
    "me",
    "my",
    "now",
    "will",
    "can",
    "on",
    "tell",
    "say",
    "write",
    "from",
    "have",
    "been",
    "about",
    "ignore",
    "previous",
    "instructions",
    "system",
    "prompt",
    "reveal",
    "rules",
    "give",
    "show",
    "print",
    "into",
    "any",
    "an",
    "as",
    "by",
    "or",
    "if",
    "we",
    "they",
    "he",
    "she",
    "was",
    "were",
    "there",
    "their",
    // German
    "der",
    "die",
    "das",
    "und",
    "ist",
    "nicht",
    "sie",
    "du",
    "ich",
    "mir",
    "mich",
    "dein",
    "deine",
    "deiner",
    "alle",
    "alles",
    "ein",
    "eine",
    "zu",
    "mit",
    "von",
    "auf",
    "ignoriere",
    "vorherigen",
    "anweisungen",
    "gib",
    "zeige",
    "regeln",
    "jetzt",
    "bist",
    "wie",
    "den",
    "dem",
    "auch",
    "oder",
    "aber",
    "wenn",
    "sind",
    // Spanish
    "el",
    "la",
    "los",
    "las",
    "de",
    "del",
    "que",
    "en",
    "es",
    "una",
    "por",
    "para",
    "con",
    "tus",
    "todas",
    "todos",
    "ignora",
    "instrucciones",
    "anteriores",
    "sistema",
    "muestra",
    "dime",
    "ahora",
    "eres",
    "como",
    "pero",
    "lo",
    "tu",
    // French
    "le",
    "les",
    "des",
    "est",
    "une",
    "je",
    "vous",
    "toutes",
    "vos",
    "ignorez",
    "precedentes",
    "systeme",
    "dans",
    "pour",
    "avec",
    "pas",
    "qui",
    "sur",
    "moi",
    "maintenant",
    "regles",
    "affiche",
    "montre",
    // Italian
    "il",
    "di",
    "che",
    "gli",
    "della",
    "tutte",
    "istruzioni",
    "precedenti",
    "sei",
    "per",
    "non",
    "mostra",
    "dimmi",
    "adesso",
    "regole",
    // Portuguese
    "da",
    "dos",
    "nao",
    "voce",
    "instrucoes",
    "seu",
    "suas",
    "regras",
    "mostre",
    "agora",
    // Dutch
    "het",
    "een",
    "van",
    "jij",
    "niet",
    "negeer",
    "instructies",
    "vorige",
    "eerdere",
    "systeem",
    "toon",
    "geef",
    "mij",
    "voor",
    "zijn",
    // Polish
    "nie",
    "jest",
    "jak",
    "wszystkie",
    "poprzednie",
    "instrukcje",
    "zignoruj",
    "ignoruj",
    "pokaz",
    "teraz",
    "jestes",
    "twoje",
    "zasady",
    "polecenia",
    // Swedish
    "och",
    "att",
    "det",
    "som",
    "inte",
    "alla",
    "tidigare",
    "instruktioner",
    "ignorera",
    "visa",
    // Romanian
    "este",
    "toate",
    "instructiunile",
    "anterioare",
    "sistemul",
    "arata",
    "care",
    "pentru",
    // Turkish
    "ve",
    "bir",
    "bu",
    "tum",
    "onceki",
    "talimatlari",
    "yoksay",
    "goster",
    "sen",
    // Czech
    "se",
    "ne",
    "vsechny",
    "predchozi",
    "instrukce",
    "ukaz",
    "jsi",
];

/// Longest word [`readings`] looks up.
const MAX_READ_WORD: usize = 15;

/// A word of at most [`MAX_READ_WORD`] bytes packed into one integer (bytes
/// little-endian, length in the top byte), so a lookup is one hash probe.
#[inline]
fn word_key(w: &[u8]) -> u128 {
    let mut k = (w.len() as u128) << 120;
    for (i, &b) in w.iter().enumerate() {
        k |= u128::from(b) << (8 * i);
    }
    k
}

/// Bits of [`ReadingTable`] entries: which reading makes the word common.
const READ_PLAIN: u8 = 1;
const READ_ROT13: u8 = 2;
const READ_REVERSED: u8 = 4;

/// Open-addressing table from packed words to the readings that make them a
/// common word: the word itself, its rot13 and its reversal. Built once.
struct ReadingTable {
    keys: Vec<u128>,
    bits: Vec<u8>,
}

const READING_SLOTS: usize = 2048;

#[inline]
fn reading_slot(k: u128) -> usize {
    let h = ((k as u64) ^ ((k >> 64) as u64)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (h >> (64 - READING_SLOTS.trailing_zeros())) as usize
}

impl ReadingTable {
    fn build() -> ReadingTable {
        let mut t = ReadingTable {
            keys: vec![0; READING_SLOTS],
            bits: vec![0; READING_SLOTS],
        };
        for w in COMMON_WORDS {
            let plain = w.as_bytes().to_vec();
            // A word is common in rot13 when its rot13 is common: store the
            // rot13 of each common word (rot13 is its own inverse), and the reversal.
            let rot: Vec<u8> = plain.iter().map(|&b| rot13_byte(b)).collect();
            let rev: Vec<u8> = plain.iter().rev().copied().collect();
            for (word, bit) in [(plain, READ_PLAIN), (rot, READ_ROT13), (rev, READ_REVERSED)] {
                t.insert(word_key(&word), bit);
            }
        }
        t
    }

    fn insert(&mut self, k: u128, bit: u8) {
        let mut i = reading_slot(k);
        while self.bits[i] != 0 && self.keys[i] != k {
            i = (i + 1) % READING_SLOTS;
        }
        self.keys[i] = k;
        self.bits[i] |= bit;
    }

    #[inline]
    fn get(&self, k: u128) -> u8 {
        let mut i = reading_slot(k);
        loop {
            let b = self.bits[i];
            if b == 0 || self.keys[i] == k {
                return b;
            }
            i = (i + 1) % READING_SLOTS;
        }
    }
}

static READINGS: std::sync::LazyLock<ReadingTable> = std::sync::LazyLock::new(ReadingTable::build);

#[inline]
fn rot13_byte(b: u8) -> u8 {
    match b {
        b'a'..=b'm' | b'A'..=b'M' => b + 13,
        b'n'..=b'z' | b'N'..=b'Z' => b - 13,
        _ => b,
    }
}

/// Counts of common words ([`COMMON_WORDS`]) read plainly, in rot13 and reversed.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Readings {
    pub(crate) plain: u32,
    pub(crate) rot13: u32,
    pub(crate) reversed: u32,
}

/// Reads the ASCII words of a folded text three ways ([`COMMON_WORDS`]) to decide whether a rot13 or
/// a reversed view is worth scanning (keeps cost and false positives down).
/// One table probe per word.
pub(crate) fn readings(text: &str) -> Readings {
    let table = &*READINGS;
    let mut r = Readings::default();
    // The word's bytes are stored as they go by and packed as [`word_key`]
    // packs them at its end; `len` past the maximum marks a word too long.
    let (mut buf, mut len) = ([0u8; 16], 0usize);
    let mut count = |buf: &mut [u8; 16], len: usize| {
        if (2..=MAX_READ_WORD).contains(&len) {
            buf[15] = len as u8;
            let bits = table.get(u128::from_le_bytes(*buf));
            // A word that is common as written counts for the plain reading
            // only (Spanish `el` reversed is French `le`).
            if bits & READ_PLAIN != 0 {
                r.plain += 1;
            } else {
                r.rot13 += u32::from(bits & READ_ROT13 != 0);
                r.reversed += u32::from(bits & READ_REVERSED != 0);
            }
        }
        *buf = [0; 16];
    };
    for &b in text.as_bytes() {
        if b.is_ascii_lowercase() {
            if len < MAX_READ_WORD {
                buf[len] = b;
            }
            len += 1;
        } else if len > 0 {
            count(&mut buf, len);
            len = 0;
        }
    }
    count(&mut buf, len);
    r
}

impl Readings {
    /// A reading is plausible when it finds at least two common words and at
    /// least half as many as the plain reading does.
    pub(crate) fn favours(self, other: u32) -> bool {
        other >= 2 && other * 2 >= self.plain
    }
}
