//! The digit view: what L1.5 (the PII shield) reads. Every Unicode decimal digit
//! becomes its ASCII digit, full-width ASCII forms become ASCII, exotic spaces and
//! dashes become ' ' and '-', and zero-width characters and soft hyphens disappear;
//! nothing else changes. Offsets map back to the original text so that a span covers
//! the whole obfuscated value.
//!
//! Why not the folded view ([`super::ViewKind::Folded`]): the validators need the text
//! as written apart from those characters. Names are found by their capitals, secrets
//! and tokens are case-sensitive (`AKIA…`, `ghp_…`, base64 in JWTs), and compatibility
//! folding would turn `①` or `²` into digits that are not decimal digits of a number
//! the user typed (only general category Nd is folded here). And plain text, the common
//! case, is read in place: the folded view always writes a copy.
//!
//! Text without any foldable character is borrowed as it is: the common case costs one
//! pass over the bytes and no allocation. When folding is needed the map is sparse:
//! one entry per folded character, not per byte.

use std::borrow::Cow;
use std::ops::Range;

/// One folded character: `flen` bytes at `f` in the folded text stand for `olen`
/// bytes at `o` in the original (`flen` is 0 for a dropped character).
#[derive(Debug, Clone, Copy)]
struct Edit {
    f: usize,
    flen: usize,
    o: usize,
    olen: usize,
}

/// The digit view of one text ([`DigitView::new`]): the text with Unicode digits,
/// full-width forms, exotic spaces and dashes folded to ASCII and zero-width
/// characters dropped, and, when it differs from the original, its edits.
///
/// Exists so L1.5 validates numbers however they were spelled while seeing every
/// other character as written (see the module doc).
#[derive(Debug)]
pub struct DigitView<'a> {
    text: Cow<'a, str>,
    edits: Vec<Edit>,
}

impl<'a> DigitView<'a> {
    /// The digit view of `text`, borrowing it when nothing needs folding.
    pub fn new(text: &'a str) -> Self {
        // `is_ascii` tests a word at a time; the byte search runs only when it fails.
        // ASCII text is searched for a `%` only (see [`percent_fold`]).
        let first = if text.is_ascii() {
            memchr::memchr(b'%', text.as_bytes())
        } else {
            text.bytes().position(|c| c >= 0x80 || c == b'%')
        };
        let Some(first) = first else {
            return DigitView {
                text: Cow::Borrowed(text),
                edits: Vec::new(),
            };
        };
        let mut out: Option<String> = None;
        let mut edits = Vec::new();
        let mut copied = 0;
        let bytes = text.as_bytes();
        let mut next = first;
        while next < bytes.len() {
            // Lead bytes of blocks with nothing to fold (U+00C0..U+063F: Latin, Greek,
            // Cyrillic, Hebrew; U+4000..U+9FFF: CJK; U+B000..U+DFFF: Hangul) are
            // skipped without decoding.
            match bytes[next] {
                b'%' => {
                    let i = next;
                    next += 1;
                    let Some(a) = percent_fold(bytes, i) else {
                        continue;
                    };
                    let out = out.get_or_insert_with(|| String::with_capacity(text.len()));
                    out.push_str(&text[copied..i]);
                    let f = out.len();
                    out.push(a);
                    edits.push(Edit {
                        f,
                        flen: 1,
                        o: i,
                        olen: 3,
                    });
                    copied = i + 3;
                    next = copied;
                    continue;
                }
                0x00..=0x7F => {
                    next += 1;
                    continue;
                }
                0xC3..=0xD8 => {
                    next += 2;
                    continue;
                }
                0xE4..=0xE9 | 0xEB..=0xED => {
                    next += 3;
                    continue;
                }
                _ => {}
            }
            let i = next;
            let Some(c) = text.get(i..).and_then(|t| t.chars().next()) else {
                // A lead byte of valid UTF-8 is always a char boundary; step on regardless.
                next += 1;
                continue;
            };
            next += c.len_utf8();
            let Some(replacement) = fold_char(c) else {
                continue;
            };
            let out = out.get_or_insert_with(|| String::with_capacity(text.len()));
            out.push_str(&text[copied..i]);
            let f = out.len();
            if let Some(a) = replacement {
                out.push(a);
            }
            edits.push(Edit {
                f,
                flen: out.len() - f,
                o: i,
                olen: c.len_utf8(),
            });
            copied = i + c.len_utf8();
        }
        match out {
            Some(mut out) => {
                out.push_str(&text[copied..]);
                DigitView {
                    text: Cow::Owned(out),
                    edits,
                }
            }
            None => DigitView {
                text: Cow::Borrowed(text),
                edits,
            },
        }
    }

    /// The folded text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Maps a byte range of the folded text back to the range of the original text
    /// it came from (a folded character maps to the whole original character).
    pub fn original_range(&self, r: Range<usize>) -> Range<usize> {
        let (start, end) = (r.start, r.end);
        if self.edits.is_empty() {
            return start..end;
        }
        let s = self.map(start, false);
        let e = if end == 0 { s } else { self.map(end - 1, true) };
        s..e.max(s)
    }

    /// Original offset of folded byte `pos`: its start, or just past it when `past`.
    fn map(&self, pos: usize, past: bool) -> usize {
        // The last edit starting at or before `pos` decides the shift.
        let idx = self.edits.partition_point(|e| e.f <= pos);
        let Some(e) = idx.checked_sub(1).map(|k| self.edits[k]) else {
            return pos + usize::from(past);
        };
        if pos < e.f + e.flen {
            // Inside a replaced character: the whole original character.
            return if past { e.o + e.olen } else { e.o };
        }
        pos - (e.f + e.flen) + (e.o + e.olen) + usize::from(past)
    }
}

/// The character a percent-encoded separator of a number stands for, when one starts
/// at `i` ("recipient=%2B48%20601%20473%20658&…", a form-encoded body): `%2B` (`+`) or
/// `%28` (`(`) before a digit, `%20` (space), `%2D` (`-`) or `%29` (`)`) between a
/// digit (or another such escape) and a digit, `(`, `+` or another escape. Other
/// escapes, and these anywhere else ("100%20off" has no digit after), stay as written.
/// Redaction maps the decoded span back to the escapes, so it replaces exactly the
/// encoded value.
fn percent_fold(bytes: &[u8], i: usize) -> Option<char> {
    let c = separator_escape(bytes, i)?;
    let digit_after = bytes.get(i + 3).is_some_and(u8::is_ascii_digit);
    if matches!(c, '+' | '(') {
        return digit_after.then_some(c);
    }
    // Before it: a digit that ends no escape ("%23" is no digit), or another of these.
    let before = i >= 1
        && if i >= 3 && bytes[i - 3] == b'%' {
            separator_escape(bytes, i - 3).is_some()
        } else {
            bytes[i - 1].is_ascii_digit()
        };
    (before && (digit_after || separator_escape(bytes, i + 3).is_some())).then_some(c)
}

/// The separator a `%2B`, `%20`, `%2D`, `%28` or `%29` escape at `i` stands for.
fn separator_escape(bytes: &[u8], i: usize) -> Option<char> {
    if bytes.get(i) != Some(&b'%') {
        return None;
    }
    let hex = bytes.get(i + 1..i + 3)?;
    match [hex[0], hex[1].to_ascii_uppercase()] {
        [b'2', b'0'] => Some(' '),
        [b'2', b'B'] => Some('+'),
        [b'2', b'D'] => Some('-'),
        [b'2', b'8'] => Some('('),
        [b'2', b'9'] => Some(')'),
        _ => None,
    }
}

/// `None`: keep as is; `Some(Some(a))`: replace by ASCII `a`; `Some(None)`: drop.
fn fold_char(c: char) -> Option<Option<char>> {
    let u = c as u32;
    if u < 0x80 {
        return None;
    }
    match u {
        0xFF01..=0xFF5E => char::from_u32(u - 0xFEE0).map(Some),
        0x00A0 | 0x2000..=0x200A | 0x202F | 0x205F | 0x3000 => Some(Some(' ')),
        0x2010..=0x2015 | 0x2212 | 0xFE63 => Some(Some('-')),
        0x200B..=0x200D | 0x2060 | 0xFEFF | 0x00AD => Some(None),
        _ => unicode_digit(u).map(|d| Some((b'0' + d) as char)),
    }
}

/// The value of a Unicode decimal digit (general category Nd) outside ASCII.
fn unicode_digit(u: u32) -> Option<u8> {
    // Code points of DIGIT ZERO for the Nd blocks of the BMP and the common
    // supplementary ones, sorted; each block holds the ten digits in order.
    const ZEROS: &[u32] = &[
        0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6,
        0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0,
        0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0,
        0xAA50, 0xABF0, 0xFF10, 0x104A0, 0x11066, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6,
        0x1E950, 0x1FBF0,
    ];
    // Most non-ASCII text (Latin, Cyrillic, Greek, CJK) never reaches the search.
    if u < ZEROS[0] || (0x1C5A..0xA620).contains(&u) || (0xAC00..0xFF10).contains(&u) {
        return None;
    }
    // The only block that can hold `u` starts at the last zero <= u. Circled and other
    // "No" digits are not decimal digits; only Nd is folded.
    let idx = ZEROS.partition_point(|&z| z <= u);
    let z = ZEROS[idx.checked_sub(1)?];
    (u < z + 10).then(|| (u - z) as u8)
}

#[cfg(test)]
mod tests {
    use super::DigitView;

    #[test]
    fn offsets_map_back_through_every_kind_of_edit() {
        // Full-width (3 bytes -> 1), dropped zero-width (3 -> 0), NBSP (2 -> 1), and
        // kept multi-byte characters.
        let text = "ż１\u{200B}２\u{00A0}ab\u{0663}é";
        let f = DigitView::new(text);
        assert_eq!(f.as_str(), "ż12 ab3é");
        let folded = f.as_str();
        for (fs, fe, want) in [
            (2, 3, "１"),
            (2, 4, "１\u{200B}２"),
            (3, 4, "２"),
            (4, 5, "\u{00A0}"),
            (5, 7, "ab"),
            (7, 8, "\u{0663}"),
            (0, 2, "ż"),
            (8, 10, "é"),
        ] {
            let r = f.original_range(fs..fe);
            assert_eq!(&text[r], want, "folded {:?}", &folded[fs..fe]);
        }
    }

    #[test]
    fn percent_encoded_separators_of_numbers_are_decoded() {
        let text = "to=%2B48%20601%20473%20658&x=100%20off&y=%2Fa%20b";
        let f = DigitView::new(text);
        assert_eq!(f.as_str(), "to=+48 601 473 658&x=100%20off&y=%2Fa%20b");
        let start = f.as_str().find('+').expect("decoded");
        let r = f.original_range(start..start + "+48 601 473 658".len());
        assert_eq!(&text[r], "%2B48%20601%20473%20658");
        // Between a digit and a bracket, and a bracket after a space escape.
        assert_eq!(
            DigitView::new("a=%2B49%20%280%29%2030%2090182736").as_str(),
            "a=+49 (0) 30 90182736"
        );
        // Without a digit next to them the escapes stay.
        assert!(matches!(
            DigitView::new("q=hello%20world%2B").text,
            std::borrow::Cow::Borrowed(_)
        ));
    }

    proptest::proptest! {
        /// Whatever mix of digits, escapes and folded characters a text holds, every
        /// range of the folded text maps back to a range of the original that starts
        /// and ends on character boundaries, in order: redaction slices the original
        /// with it.
        #[test]
        fn every_folded_range_maps_to_a_slice_of_the_original(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "1", "0", "48", " ", "-", "(", ")", "+", "%", "%2B", "%2b", "%20",
                    "%2D", "%28", "%29", "%2F", "%2", "a", "=", "&", "ż", "１",
                    "\u{200B}", "\u{00A0}", "\u{0663}", "é", "日",
                ]),
                0..24,
            )
        ) {
            let text: String = parts.concat();
            let view = DigitView::new(&text);
            let folded = view.as_str();
            let bounds: Vec<usize> = (0..=folded.len())
                .filter(|&i| folded.is_char_boundary(i))
                .collect();
            let mut last_end = 0;
            for (k, &a) in bounds.iter().enumerate() {
                for &b in &bounds[k..] {
                    let r = view.original_range(a..b);
                    proptest::prop_assert!(r.start <= r.end && r.end <= text.len());
                    proptest::prop_assert!(text.get(r.clone()).is_some(), "{text:?} {a}..{b} -> {r:?}");
                }
                if let Some(&b) = bounds.get(k + 1) {
                    let r = view.original_range(a..b);
                    proptest::prop_assert!(r.start >= last_end, "out of order in {text:?}");
                    last_end = r.end;
                }
            }
        }
    }

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(
            DigitView::new("hello żółw 123").text,
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
