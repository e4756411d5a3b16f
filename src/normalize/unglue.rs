//! Invisible characters that separate words read as spaces.
//!
//! Every view drops invisible characters (`fold::is_invisible`), which undoes
//! their use inside a word (`ig\u{200B}nore`). Used between words instead,
//! they glue the words into one (`ignore\u{200B}all\u{200B}previous`): the
//! folded view reads `ignoreallprevious`, which no phrase matches, while a
//! model reads the words apart. [`unglued`] gives windows of the text around
//! such runs, each run read as a space; the normalizer builds each window's
//! views beside the others ([`super::ViewKind::Unglued`]), so the mended and
//! joined readings of it undo a mix of both uses.
//!
//! A run counts when it sits between two visible characters and holds a
//! character whose job is to separate words (zero-width space, Mongolian
//! vowel separator). Joiners (word joiner, ZWNJ, ZWJ, zero-width no-break
//! space) are left to the fold: they shape letters of other scripts and sit
//! inside words of pasted text (`d\u{2060}in\u{200C}ner`), and reading a
//! window around each of them cost three quarters of a default miss again
//! on such text. Words they glue fold into one long word, which the split
//! view reads apart by its words (`split.rs`).

use std::ops::Range;

use super::fold::is_invisible;

/// Invisible characters made to separate words (or, misused, to hide the
/// separation): a run holding one reads as a space wherever it stands.
fn separates(c: char) -> bool {
    matches!(c, '\u{200B}' | '\u{180E}')
}

/// Words read on each side of a gluing run: an attack's phrase around the
/// words the run glued (every view of a window is scanned whole, so a wider
/// reach costs in every benign text with such a run).
const REACH_WORDS: usize = 12;
/// Bytes read at most on each side of a gluing run (a long word, a run of
/// symbols), so the windows stay small whatever the text.
const REACH_BYTES: usize = 160;

/// Windows of `text` around its runs of invisible characters that glue
/// words (`runs`: its [`gluing_runs`], or a joined text's taken from its
/// parts), each with its text where those runs read as one space; empty when
/// no run glues. A run glues when it sits between two visible characters and
/// holds a separator ([`separates`]). A window reaches [`REACH_WORDS`] words
/// (at most [`REACH_BYTES`] bytes) either side of its runs; windows that
/// touch are merged. Reading windows, not the whole text, keeps a long text
/// with one such run from paying for a second set of views of all of it.
pub(super) fn unglued(text: &str, runs: &[Range<usize>]) -> Vec<(Range<usize>, String)> {
    let runs: Vec<(Range<usize>, &str)> = runs.iter().map(|r| (r.clone(), " ")).collect();
    windows_around(text, &runs, Merge::Touching)
}

/// When the windows of two runs ([`windows_around`]) are read as one.
#[derive(Debug, Clone, Copy)]
pub(super) enum Merge {
    /// When the windows touch: the unglued view.
    Touching,
    /// Only when the next run lies inside the window: the split view, whose
    /// windows L2 scores one by one, and a longer window dilutes the words
    /// read apart (merging touching windows lost 2 of the 472 holdout
    /// attacks).
    Containing,
}

/// Windows of `text` around `runs` (byte ranges in order, none touching the
/// next), each with its text where every run reads as its replacement. A
/// window reaches [`REACH_WORDS`] words (at most [`REACH_BYTES`] bytes)
/// either side of its runs; two windows are merged as `merge` says. The
/// unglued view and the split view (`split.rs`) read their runs this way.
pub(super) fn windows_around(
    text: &str,
    runs: &[(Range<usize>, &str)],
    merge: Merge,
) -> Vec<(Range<usize>, String)> {
    let mut windows: Vec<(Range<usize>, String)> = Vec::new();
    let mut k = 0;
    while k < runs.len() {
        let first = k;
        let start = reach_back(text, runs[k].0.start);
        let mut end = reach_forward(text, runs[k].0.end);
        k += 1;
        while k < runs.len() {
            let joins = match merge {
                Merge::Touching => reach_back(text, runs[k].0.start) <= end,
                Merge::Containing => runs[k].0.start <= end,
            };
            if !joins {
                break;
            }
            end = end.max(reach_forward(text, runs[k].0.end));
            k += 1;
        }
        let mut read = String::with_capacity(end - start);
        let mut at = start;
        for (run, replacement) in &runs[first..k] {
            read.push_str(&text[at..run.start]);
            read.push_str(replacement);
            at = run.end;
        }
        read.push_str(&text[at..end]);
        windows.push((start..end, read));
    }
    windows
}

/// The byte ranges of the runs of invisible characters that glue words
/// (see [`unglued`]), in order. A run needs a visible character on each
/// side, so one never touches a text's edge or the whitespace that joins
/// texts: the runs of texts joined by a newline are those of each text.
pub(super) fn gluing_runs(text: &str) -> Vec<Range<usize>> {
    let mut runs = Vec::new();
    // Most texts with invisibles hold no separator: one search each says so.
    let holds =
        |c: char| memchr::memmem::find(text.as_bytes(), c.encode_utf8(&mut [0; 4]).as_bytes());
    if holds('\u{200B}').is_none() && holds('\u{180E}').is_none() {
        return runs;
    }
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
        if separating && !before.is_whitespace() && !after.is_whitespace() {
            runs.push(at..end);
        }
    }
    runs
}

/// Where a window reaching back from `at` starts: the start of the
/// [`REACH_WORDS`]th word before it, no further than [`REACH_BYTES`].
fn reach_back(text: &str, at: usize) -> usize {
    let floor = at.saturating_sub(REACH_BYTES);
    let mut words = 0;
    let mut start = at;
    let mut in_word = false;
    for (i, c) in text[..at].char_indices().rev() {
        if i < floor {
            break;
        }
        if c.is_whitespace() {
            if in_word {
                words += 1;
                if words == REACH_WORDS {
                    break;
                }
            }
            in_word = false;
        } else {
            in_word = true;
        }
        start = i;
    }
    start
}

/// Where a window reaching forward from `at` ends: the end of the
/// [`REACH_WORDS`]th word after it, no further than [`REACH_BYTES`].
fn reach_forward(text: &str, at: usize) -> usize {
    let ceil = at.saturating_add(REACH_BYTES);
    let mut words = 0;
    let mut in_word = false;
    for (i, c) in text[at..].char_indices() {
        let i = at + i;
        if i >= ceil {
            return i;
        }
        if c.is_whitespace() {
            if in_word {
                words += 1;
                if words == REACH_WORDS {
                    return i;
                }
            }
            in_word = false;
        } else {
            in_word = true;
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`unglued`] of a text with its own gluing runs.
    fn unglued_text(text: &str) -> Vec<(Range<usize>, String)> {
        unglued(text, &gluing_runs(text))
    }

    /// The one window's text, when the text is short enough to be one.
    fn read(text: &str) -> Option<String> {
        match unglued_text(text).as_slice() {
            [(w, spaced)] if *w == (0..text.len()) => Some(spaced.clone()),
            other => panic!("{text:?}: one window over the whole text, got {other:?}"),
        }
    }

    #[test]
    fn windows_reach_a_bounded_number_of_words_around_each_run() {
        let words: Vec<String> = (0..100).map(|i| format!("w{i}")).collect();
        let mut text = words[..50].join(" ");
        text.push('\u{200B}');
        text.push_str(&words[50..].join(" "));
        let windows = unglued_text(&text);
        let [(w, spaced)] = windows.as_slice() else {
            panic!("one window: {windows:?}")
        };
        let first = spaced.split_whitespace().next();
        let last = spaced.split_whitespace().last();
        assert_eq!(first, Some("w38"), "{spaced}");
        assert_eq!(last, Some("w61"), "{spaced}");
        assert!(spaced.contains("w49 w50"), "{spaced}");
        assert_eq!(&text[w.clone()].replace('\u{200B}', " "), spaced);
        // Two runs far apart: two windows; near each other: one.
        let far = format!("a\u{200B}b {} c\u{200B}d", words.join(" "));
        assert_eq!(unglued_text(&far).len(), 2);
        let near = "a\u{200B}b c d\u{200B}e";
        assert_eq!(read(near).as_deref(), Some("a b c d e"));
        // A long word is cut at the byte bound, on a char boundary.
        let long = format!("{}\u{200B}x", "ж".repeat(200));
        let windows = unglued_text(&long);
        assert!(windows[0].0.len() < 2 * REACH_BYTES, "{:?}", windows[0].0);
        assert!(long.is_char_boundary(windows[0].0.start));
    }

    #[test]
    fn windows_merge_when_they_touch_or_when_they_contain_the_next_run() {
        // Two runs 16 words apart: their windows (12 words each side) touch,
        // but neither run lies inside the other's window.
        let words: Vec<String> = (0..60).map(|i| format!("w{i}")).collect();
        let text = words.join(" ");
        let run = |w: usize| {
            let at = text.find(&format!(" w{w} ")).expect("word") + 1;
            (at..at + words[w].len(), "X")
        };
        let runs = [run(20), run(36)];
        let touching = windows_around(&text, &runs, Merge::Touching);
        let containing = windows_around(&text, &runs, Merge::Containing);
        assert_eq!(touching.len(), 1, "{touching:?}");
        assert_eq!(containing.len(), 2, "{containing:?}");
        assert!(touching[0].1.contains("w19 X w21") && touching[0].1.contains("w35 X w37"));
        assert!(containing[1].1.contains("w35 X w37"), "{containing:?}");
    }

    #[test]
    fn invisible_separators_read_as_spaces() {
        for (text, want) in [
            ("ignore\u{200B}all\u{200B}previous", "ignore all previous"),
            ("ignore\u{2060}\u{200B}all", "ignore all"),
            ("ignore\u{180E}all", "ignore all"),
            ("ig\u{200B}nore all", "ig nore all"),
            // A zero-width space separates words in any script (Thai).
            ("สวัสดี\u{200B}ครับ", "สวัสดี ครับ"),
            ("say:\u{200B}pwned", "say: pwned"),
        ] {
            assert_eq!(read(text).as_deref(), Some(want), "{text:?}");
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
            // Joiners: inside pasted words, shaping other scripts' letters,
            // in emoji sequences.
            "d\u{2060}in\u{200C}ner is at seven tonig\u{200D}ht",
            "ignore\u{FEFF}all",
            "می\u{200C}خواهم",
            "क्\u{200D}ष",
            "👨\u{200D}👩\u{200D}👧",
            "❤\u{FE0F}x",
        ] {
            assert!(unglued_text(text).is_empty(), "{text:?}");
        }
    }
}
