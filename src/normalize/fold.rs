//! Character folding: NFKC-compatible decomposition, case folding, diacritics and
//! invisible characters removed, typographic apostrophes read as `'`, optional
//! confusable skeleton, whitespace collapsed.
//!
//! Works in one pass with an ASCII fast path: printable ASCII runs are lowercased and
//! copied byte for byte with a single map piece; only non-ASCII characters touch the
//! Unicode tables.

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

use super::fold_table::{self, Entry};
use super::map::{MapBuilder, OffsetMap};
use super::model::fold_confusable;

/// Characters that render as nothing (or only steer rendering) and are used to split
/// words invisibly: zero-width spaces and joiners, bidi controls, tag characters,
/// variation selectors, soft hyphen, fillers, C0/C1 controls (other than whitespace).
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00}'..='\u{08}' | '\u{0E}'..='\u{1F}' | '\u{7F}'..='\u{9F}'
        | '\u{00AD}'            // soft hyphen
        | '\u{034F}'            // combining grapheme joiner
        | '\u{061C}'            // arabic letter mark
        | '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' // hangul fillers
        | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' // mongolian selectors and vowel separator
        | '\u{200B}'..='\u{200F}' // zero-width space/joiners, LRM, RLM
        | '\u{202A}'..='\u{202E}' // bidi embeddings and overrides
        | '\u{2060}'..='\u{206F}' // word joiner, invisible operators, isolates, deprecated formats
        | '\u{FE00}'..='\u{FE0F}' // variation selectors
        | '\u{FEFF}'            // zero-width no-break space / BOM
        | '\u{FFF0}'..='\u{FFF8}'
        | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E0FFF}' // tag characters and variation selectors supplement
    )
}

/// Scripts whose letters are commonly used as Latin look-alikes. CJK, Arabic,
/// Hebrew, Indic and emoji are outside, so their text skips the skeleton view.
#[inline]
fn in_lookalike_script(c: char) -> bool {
    matches!(c as u32,
        0x0100..=0x058F     // Latin extended-A/B, IPA, Greek, Cyrillic, Armenian
        | 0x10A0..=0x10FF   // Georgian
        | 0x13A0..=0x13FF   // Cherokee
        | 0x1D00..=0x1FFF   // phonetic extensions, Latin extended additional, Greek extended
        | 0x2100..=0x218F   // letterlike symbols, number forms
        | 0x2C00..=0x2C7F | 0xA640..=0xA69F | 0xA720..=0xA7FF | 0xAB30..=0xABBF
        | 0x10400..=0x1044F | 0x10570..=0x105BF)
}

#[inline]
fn is_ascii_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C)
}

/// Does the line after a line break (`rest`, the bytes after it) start a list
/// item, heading, quote or table row: a bullet (`-`, `*`, `+`, `•`, `◦`,
/// `▪`, `–`), `#`, `>`, `|`, or a number and `.` or `)` ("3." "12)")?
///
/// The fold keeps such a line break as `\n` instead of a space, so what
/// reads the folded text can tell that the words before and after it belong
/// to different items: a changelog's "bulk delete" and the next line's "fix:
/// system prompt template moved" are not one order.
pub(super) fn starts_list_item(rest: &[u8]) -> bool {
    let line = match rest.iter().position(|&b| b != b' ' && b != b'\t') {
        Some(k) => &rest[k..],
        None => return false,
    };
    let digits = line
        .iter()
        .take(4)
        .take_while(|b| b.is_ascii_digit())
        .count();
    if digits > 0 {
        return digits < 4 && matches!(line.get(digits), Some(b'.' | b')'));
    }
    matches!(line[0], b'-' | b'*' | b'+' | b'#' | b'>' | b'|')
        || ["•", "◦", "▪", "–"]
            .iter()
            .any(|bullet| line.starts_with(bullet.as_bytes()))
}

/// Full case folding for one character, appended to `out`; approximates Unicode
/// CaseFolding.txt with `to_lowercase` plus the folds that differ from it.
#[inline]
fn push_casefold(c: char, out: &mut String) {
    match c {
        'ß' | 'ẞ' => out.push_str("ss"),
        'ς' => out.push('σ'),
        'ſ' => out.push('s'),
        'ϐ' => out.push('β'),
        'ϑ' => out.push('θ'),
        'ϕ' => out.push('φ'),
        'ϖ' => out.push('π'),
        'ϰ' => out.push('κ'),
        'ϱ' => out.push('ρ'),
        'ϵ' => out.push('ε'),
        c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
        c => {
            for l in c.to_lowercase() {
                if !is_combining_mark(l) {
                    out.push(l);
                }
            }
        }
    }
}

/// Typographic apostrophes (right and left single quotation marks, the modifier
/// letter apostrophe, the full-width apostrophe) that mean `'`: folded to it so a
/// rule phrase such as `don't` is written once and matches `don’t` too.
#[inline]
pub(crate) fn is_apostrophe(c: char) -> bool {
    matches!(c, '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{FF07}')
}

/// Folds one non-ASCII, non-whitespace, visible character into `out`.
fn fold_char(c: char, skeleton: bool, folded: &mut String, out: &mut String) {
    folded.clear();
    if is_apostrophe(c) {
        out.push('\'');
        return;
    }
    if let Some(letter) = enclosed_letter(c) {
        out.push(letter);
        return;
    }
    // Polish `ł` has no decomposition, so stripping diacritics kept it: "wyłącz"
    // folded to "wyłacz" while a user typing without diacritics writes "wylacz".
    if matches!(c, 'ł' | 'Ł') {
        out.push('l');
        return;
    }
    decompose_compatible(c, |d| {
        if !is_combining_mark(d) && !is_invisible(d) {
            push_casefold(d, folded);
        }
    });
    if !skeleton {
        out.push_str(folded);
        return;
    }
    // A capital that looks like a Latin capital reads as that letter: its
    // lowercase may look like something else (Greek `Ν` is `N`, its `ν` is `v`).
    if let Some(latin) = capital_lookalike(c).or_else(|| small_lookalike(c)) {
        out.push(latin);
        return;
    }
    let mut buf = [0u8; 4];
    for f in folded.chars() {
        if f.is_ascii() {
            out.push(f);
            continue;
        }
        for s in unicode_security::skeleton(f.encode_utf8(&mut buf)) {
            if !is_combining_mark(s) {
                push_casefold(s, out);
            }
        }
    }
}

/// The letter a boxed or circled capital with no compatibility decomposition
/// stands for: regional indicators (`🇮🇬🇳🇴🇷🇪`, two of which make a flag),
/// negative circled and negative squared capitals (`🅘🅖🅝`, `🅸🅶🅽`). NFKC maps
/// the plain circled and squared ones already; models read these as letters too.
fn enclosed_letter(c: char) -> Option<char> {
    let cp = c as u32;
    let first = match cp {
        0x1F1E6..=0x1F1FF => 0x1F1E6,
        0x1F150..=0x1F169 => 0x1F150,
        0x1F170..=0x1F189 => 0x1F170,
        _ => return None,
    };
    Some(char::from(b'a' + (cp - first) as u8))
}

/// The Latin letter (lowercase) that a Greek or Cyrillic capital renders as, for
/// the capitals whose lowercase form looks like a different Latin letter or like
/// none (Greek `Ν`/`ν`, `Η`/`η`, `Ρ`/`ρ`; Cyrillic `Н`/`н`, `В`/`в`, `М`/`м`,
/// `Т`/`т`): the skeleton of the lowercase would read `v`, `n`, `p`, or keep the
/// letter. UTS #39 maps the capitals themselves to `N`, `H`, `P`... but also `Ι` to
/// `l`, so this table is explicit.
#[inline]
fn capital_lookalike(c: char) -> Option<char> {
    Some(match c {
        'Α' | 'А' => 'a',
        'Β' | 'В' => 'b',
        'С' | 'Ϲ' => 'c',
        'Ε' | 'Е' => 'e',
        'Η' | 'Н' => 'h',
        'Ι' | 'І' | 'Ӏ' => 'i',
        'Ј' => 'j',
        'Κ' | 'К' => 'k',
        'Μ' | 'М' => 'm',
        'Ν' => 'n',
        'Ο' | 'О' => 'o',
        'Ρ' | 'Р' => 'p',
        'Ԛ' => 'q',
        'Ѕ' => 's',
        'Τ' | 'Т' => 't',
        'Ԝ' => 'w',
        'Χ' | 'Х' => 'x',
        'Υ' | 'Ү' => 'y',
        'Ζ' => 'z',
        _ => return None,
    })
}

/// The Latin letter a Greek or Cyrillic small letter renders as, for the ones
/// homoglyph attacks use whose UTS #39 skeleton is not that letter: the skeleton
/// reads Greek `τ` as `ᴛ`, `ε` as `ɛ`, `ι` as `ɩ`, `κ` as `ĸ` and Cyrillic `т`, `к`,
/// `м`, `н` as small capitals, so "Ignоrе evеry сonτεnt rule" kept `τ` and `ε` in
/// its skeleton and no rule read it. The look-alikes are the model text's
/// ([`super::model::fold_confusable`], which `featurize.py` fixes), plus `ω` and
/// `ϲ`; the capitals are [`capital_lookalike`]'s.
#[inline]
fn small_lookalike(c: char) -> Option<char> {
    match c {
        'ω' => Some('w'),
        'ϲ' => Some('c'),
        _ => {
            let latin = fold_confusable(c);
            (latin != c).then_some(latin)
        }
    }
}

/// How one non-ASCII character folds, whatever surrounds it: what the fold
/// loop does with it, and what [`super::fold_table`] stores.
#[derive(Debug)]
pub(super) enum Class {
    /// Removed ([`is_invisible`]).
    Invisible,
    /// Reads as one space (collapsing with its neighbours).
    Whitespace,
    /// Its fold ([`fold_char`], possibly empty), and whether that holds a
    /// letter of a look-alike script.
    Folded(String, bool),
}

impl Class {
    /// The class as the table hands it out (never [`Entry::Direct`]).
    pub(super) fn entry(&self) -> Entry<'_> {
        match self {
            Class::Invisible => Entry::Invisible,
            Class::Whitespace => Entry::Whitespace,
            Class::Folded(s, k) => Entry::Folded(s, *k),
        }
    }
}

/// Folds one non-ASCII character directly (the table's source, and the path
/// of characters outside the Basic Multilingual Plane).
pub(super) fn classify(c: char, skeleton: bool) -> Class {
    if is_invisible(c) {
        return Class::Invisible;
    }
    if c.is_whitespace() {
        return Class::Whitespace;
    }
    let (mut folded, mut scratch) = (String::new(), String::new());
    fold_char(c, skeleton, &mut scratch, &mut folded);
    let confusable = folded.chars().any(in_lookalike_script);
    Class::Folded(folded, confusable)
}

/// The result of folding a text.
#[derive(Debug)]
pub(crate) struct Fold {
    pub(crate) text: String,
    pub(crate) map: OffsetMap,
    /// The text holds a letter from a script with Latin look-alikes (Cyrillic,
    /// Greek, Armenian, Cherokee, letterlike symbols...): a skeleton view may differ.
    pub(crate) confusable: bool,
    /// An invisible character was dropped: words it glued may read apart
    /// ([`super::unglue`]).
    pub(crate) invisible: bool,
}

/// Folds `text`: lowercase, NFKC-compatible decomposition with marks dropped,
/// invisibles removed, confusables replaced by their skeleton when `skeleton`,
/// whitespace runs collapsed to one space when `collapse` (else each whitespace
/// character becomes one space). Leading whitespace is dropped when collapsing.
/// A line break before a list item stays a line break ([`starts_list_item`]).
pub(crate) fn fold(text: &str, skeleton: bool, collapse: bool) -> Fold {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut out: Vec<u8> = Vec::with_capacity(n);
    let mut map = MapBuilder::with_capacity(8);
    // A fold computed directly (outside the table) lives here.
    let mut direct;
    let mut prev_space = true;
    let mut confusable = false;
    let mut invisible = false;
    let mut i = 0;
    while i < n {
        let b = bytes[i];
        if b < 0x80 {
            if is_ascii_ws(b) {
                let item = b == b'\n' && starts_list_item(&bytes[i + 1..]);
                if !(collapse && prev_space) {
                    out.push(if item { b'\n' } else { b' ' });
                    map.linear(i, 1);
                } else if item && let Some(last @ b' ') = out.last_mut() {
                    // The run's one space stands for the item's line break.
                    *last = b'\n';
                }
                prev_space = true;
                i += 1;
                continue;
            }
            if b < 0x20 || b == 0x7F {
                invisible = true;
                i += 1;
                continue;
            }
            // Printable ASCII and single spaces map byte for byte: find the
            // whole run, then lowercase it in one go with one map piece.
            let start = i;
            let mut space = false;
            while i < n {
                let c = bytes[i];
                if c > 0x20 && c < 0x7F {
                    space = false;
                } else if c == b' ' && !space {
                    space = true;
                } else {
                    break;
                }
                i += 1;
            }
            out.extend(bytes[start..i].iter().map(u8::to_ascii_lowercase));
            map.linear(start, i - start);
            prev_space = space;
            continue;
        }
        let c = text[i..]
            .chars()
            .next()
            .expect("invariant: i is on a char boundary of a non-empty rest");
        let len = c.len_utf8();
        // Almost every character is in the table; the rest fold directly.
        let entry = match fold_table::lookup(c, &text[i..i + len], skeleton) {
            Entry::Direct => {
                direct = classify(c, skeleton);
                direct.entry()
            }
            entry => entry,
        };
        let (folded, lookalike) = match entry {
            Entry::Invisible => {
                invisible = true;
                i += len;
                continue;
            }
            Entry::Whitespace => {
                if !(collapse && prev_space) {
                    out.push(b' ');
                    map.atomic(i..i + len, 1);
                }
                prev_space = true;
                i += len;
                continue;
            }
            Entry::Folded(s, k) => (s, k),
            Entry::Direct => unreachable!("invariant: a direct fold is a class, never Direct"),
        };
        if !confusable && !skeleton {
            confusable = lookalike;
        }
        let scratch = folded;
        if scratch.is_empty() {
            i += len;
            continue;
        }
        // A fold may produce spaces (compatibility forms like U+00A8); collapse them too.
        if scratch.contains(' ') {
            let mut written = 0;
            for ch in scratch.chars() {
                if ch == ' ' {
                    if collapse && prev_space {
                        continue;
                    }
                    prev_space = true;
                } else {
                    prev_space = false;
                }
                let mut buf = [0u8; 4];
                out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                written += ch.len_utf8();
            }
            map.atomic(i..i + len, written);
        } else {
            out.extend_from_slice(scratch.as_bytes());
            let single = scratch.chars().nth(1).is_none();
            if single && scratch.len() == len {
                map.linear(i, len);
            } else {
                map.atomic(i..i + len, scratch.len());
            }
            prev_space = false;
        }
        i += len;
    }
    let text = String::from_utf8(out).expect("invariant: fold writes whole UTF-8 characters only");
    Fold {
        text,
        map: map.finish(),
        confusable,
        invisible,
    }
}
