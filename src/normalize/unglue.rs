//! Invisible characters that separate words read as spaces.
//!
//! Every view drops invisible characters (`fold::is_invisible`), which undoes
//! their use inside a word (`ig\u{200B}nore`). Used between words instead,
//! they glue the words into one (`ignore\u{200B}all\u{200B}previous`): the
//! folded view reads `ignoreallprevious`, which no phrase matches, while a
//! model reads the words apart. [`unglued`] gives the text with each such run
//! read as a space; the normalizer builds that text's views beside the
//! others ([`super::ViewKind::Unglued`]), so the mended and joined readings
//! of it undo a mix of both uses.
//!
//! A run counts when it sits between two visible characters and either holds
//! a character whose job is to separate (zero-width space, word joiner,
//! zero-width no-break space, Mongolian vowel separator) or sits between two
//! ASCII letters or digits: joiners between letters of other scripts (ZWNJ in
//! Persian, ZWJ in Devanagari) shape those letters and are left alone.

use super::fold::is_invisible;

/// Invisible characters made to separate words (or, misused, to hide the
/// separation): a run holding one reads as a space wherever it stands.
fn separates(c: char) -> bool {
    matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{180E}')
}

/// `text` with every run of invisible characters between two visible
/// characters read as one space, when the run separates ([`separates`]) or
/// glues two ASCII letters or digits; `None` when no run does.
pub(super) fn unglued(text: &str) -> Option<String> {
    let mut out: Option<String> = None;
    // The end of the text copied to `out` so far.
    let mut copied = 0;
    let mut prev: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if !is_invisible(c) {
            prev = Some(c);
            continue;
        }
        let mut separating = separates(c);
        let mut end = at + c.len_utf8();
        while let Some(&(next_at, next)) = chars.peek() {
            if !is_invisible(next) {
                break;
            }
            separating |= separates(next);
            end = next_at + next.len_utf8();
            chars.next();
        }
        let next = chars.peek().map(|&(_, n)| n);
        let (Some(before), Some(after)) = (prev, next) else {
            continue;
        };
        let visible = |c: char| !c.is_whitespace();
        let ascii_word = |c: char| c.is_ascii_alphanumeric();
        if visible(before)
            && visible(after)
            && (separating || (ascii_word(before) && ascii_word(after)))
        {
            let out = out.get_or_insert_with(|| String::with_capacity(text.len()));
            out.push_str(&text[copied..at]);
            out.push(' ');
            copied = end;
        }
    }
    let mut out = out?;
    out.push_str(&text[copied..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_separators_read_as_spaces() {
        for (text, want) in [
            ("ignore\u{200B}all\u{200B}previous", "ignore all previous"),
            ("ignore\u{2060}\u{200D}all", "ignore all"),
            ("ignore\u{FEFF}all", "ignore all"),
            // Any invisible between two ASCII letters or digits.
            ("ignore\u{200C}all\u{200D}previous", "ignore all previous"),
            ("ignore\u{0001}all", "ignore all"),
            ("ig\u{200B}nore all", "ig nore all"),
            // A zero-width space separates words in any script (Thai).
            ("สวัสดี\u{200B}ครับ", "สวัสดี ครับ"),
            ("say:\u{200B}pwned", "say: pwned"),
        ] {
            assert_eq!(unglued(text).as_deref(), Some(want), "{text:?}");
        }
    }

    #[test]
    fn other_invisibles_are_left_to_the_fold() {
        for text in [
            "plain text",
            "",
            // At an edge, or next to whitespace: nothing is glued.
            "\u{200B}ignore",
            "ignore\u{200B}",
            "ignore \u{200B}all",
            "ignore\u{200B} all",
            // Joiners shaping letters of other scripts, and emoji sequences.
            "می\u{200C}خواهم",
            "क्\u{200D}ष",
            "👨\u{200D}👩\u{200D}👧",
            "❤\u{FE0F}x",
        ] {
            assert_eq!(unglued(text), None, "{text:?}");
        }
    }
}
