//! Context that names a number as a phone from further off than a phone word before
//! it: a list or block whose previous entry is a phone ("mum +44 …, dad 07…",
//! "Zentrale: +352 …⏎Notdienst: 24 87 04 17"), the column of a data row whose header
//! names a phone ("name;phone;city⏎Ann Dawson;049527133;Leeds"), and the sentence
//! before ("Kannst du ihn zurückrufen? Seine Nummer ist 75 63 09"), a name line above
//! the number or brackets around it, a code sent to it; and the words around the
//! number that bind or free it (a phone word after it in its clause, a key and `=`,
//! a job title or a possessive by a word naming something else).
//!
//! Each is read only for a digit run that reached the phone rules without a phone word
//! close by, so the common text pays nothing for them.

use super::super::scan::{Run, keyword_after, keyword_distance_before};
use super::shape::{code_prefixed, nanp_valid};
use super::words::WORDS;
use super::{glue_only, international};

/// How far (bytes) a list entry may start after the previous phone ends.
const SIBLING_GAP: usize = 40;

/// Whether the run at `start` is the next entry of a list or block whose previous
/// entry, ending at `prev_end`, is a phone: between them a list separator and a short
/// label (see [`list_gap`]), the run written like a phone. A single group without a
/// trunk 0 is not an entry ("born 19850312" after a phone; eleven digits after one,
/// "updated 16743429161", are too often a valid Chinese mobile number).
pub(super) fn list_sibling(b: &[u8], run: &Run, start: usize, prev_end: Option<usize>) -> bool {
    let Some(prev) = prev_end else {
        return false;
    };
    prev <= start && start - prev <= SIBLING_GAP && shaped(run, start) && list_gap(&b[prev..start])
}

/// Whether the run, written like a phone, is the first entry of a list whose next
/// entry is a number with a valid calling code ("maman 0841175155, papa +359 …").
pub(super) fn before_international(b: &[u8], run: &Run, start: usize) -> bool {
    // A ten-digit NANP number counts as written like a phone here ("Grandma
    // 3019556421, Uncle Joe +91 …").
    let bare_nanp = run.ngroups == 1 && nanp_valid(run.digits());
    if !(shaped(run, start) || bare_nanp) {
        return false;
    }
    let from = run.end;
    let to = (from + SIBLING_GAP).min(b.len());
    let Some(next) = (from..to).find(|&i| b[i].is_ascii_digit()) else {
        return false;
    };
    let (gap_end, skip) = if next > from && b[next - 1] == b'+' {
        (next - 1, 0)
    } else if b[next..].starts_with(b"00") {
        (next, 2)
    } else {
        return false;
    };
    list_gap(&b[from..gap_end]) && {
        let next_run = Run::parse(b, next);
        next_run.groups[0].1 >= 2 && international(&next_run, skip)
    }
}

/// A trunk 0, a bracket before it, groups, or a calling code with the `+` left out
/// before a fully valid number ("573125859807"): how phones are written, and how
/// counts, years and dates ("19850312") are not.
fn shaped(run: &Run, start: usize) -> bool {
    run.digits()[0] == b'0' || run.ngroups >= 2 || start < run.start || code_prefixed(run)
}

/// Whether the number at `start..end` is one of a pair of labelled numbers written
/// without colons ("Privat 052 253 5563, dienstlich 8006447", "Perso …, pro …",
/// "home 555…, work 555…"): a phone label right before it, and another label and
/// number right after it or before it across a list separator.
pub(super) fn paired_label(b: &[u8], start: usize, end: usize) -> bool {
    let Some(label_start) = label_before(b, start) else {
        return false;
    };
    // The pair's other half after: ", dienstlich (05400) …".
    let rest = &b[end..(end + 24).min(b.len())];
    let after = rest
        .iter()
        .position(|c| !matches!(c, b' ' | b',' | b';' | b'/' | b'|'))
        .filter(|&p| {
            rest[..p]
                .iter()
                .any(|c| matches!(c, b',' | b';' | b'/' | b'|'))
        })
        .is_some_and(|p| {
            let at = end + p;
            let w = word_end(b, at);
            w > at
                && WORDS.label.whole(&b[at..w])
                && b.get(w) == Some(&b' ')
                && b.get(w + 1)
                    .is_some_and(|c| c.is_ascii_digit() || matches!(c, b'+' | b'('))
        });
    // Or before: "Privat 052 253 5563, dienstlich …".
    let before = || {
        let mut j = label_start;
        while j > 0 && b[j - 1] == b' ' {
            j -= 1;
        }
        j > 1
            && matches!(b[j - 1], b',' | b';' | b'/' | b'|')
            && (b[j - 2].is_ascii_digit() || b[j - 2] == b')')
            && label_start - j <= 2
    };
    after || before()
}

/// Where the phone label that ends one space before `start` begins (a whole word, at a
/// line start or after a separator).
fn label_before(b: &[u8], start: usize) -> Option<usize> {
    if start < 2 || b[start - 1] != b' ' {
        return None;
    }
    let end = start - 1;
    let i = word_start(b, end);
    let opens = i == 0 || matches!(b[i - 1], b' ' | b'\n' | b',' | b';' | b'|' | b'/');
    (i < end && opens && WORDS.label.whole(&b[i..end])).then_some(i)
}

/// Where the word (ASCII letters and any non-ASCII bytes) starting at `at` ends.
fn word_end(b: &[u8], at: usize) -> usize {
    let mut i = at;
    while i < b.len() && is_letter_byte(b[i]) {
        i += 1;
    }
    i
}

/// Where the word (as for [`word_end`]) ending at `end` starts.
fn word_start(b: &[u8], end: usize) -> usize {
    let mut i = end;
    while i > 0 && is_letter_byte(b[i - 1]) {
        i -= 1;
    }
    i
}

/// An ASCII letter, or a byte of a non-ASCII character (read as a letter).
fn is_letter_byte(c: u8) -> bool {
    c.is_ascii_alphabetic() || c >= 0x80
}

/// Whether `gap` (between two list entries) holds a list separator (`,`, `;`, `|`,
/// `/`, `•`, `·`, a line break or "or"/"and" in the eight languages) and at most
/// three words of a label ("dad", "After hours:", "Notdienst:"), none naming a
/// number as something else ("Kundennummer", "order", "IBAN") and none with a digit.
fn list_gap(gap: &[u8]) -> bool {
    let Ok(gap) = std::str::from_utf8(gap) else {
        return false;
    };
    let mut separated = gap.contains([',', ';', '|', '/', '•', '·', '\n']);
    let mut words = 0;
    for w in gap
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty() && *w != "-")
    {
        if WORDS.conjunction.whole(w.as_bytes()) {
            separated = true;
            continue;
        }
        words += 1;
        if words > 3
            || w.chars().any(|c| c.is_ascii_digit())
            || w.to_lowercase().contains("num")
            || WORDS.not_phone.whole(w.as_bytes())
        {
            return false;
        }
    }
    separated
}

/// How far (bytes) before a data row's cell its header line may start.
const HEADER_WINDOW: usize = 1024;

/// The longest row (bytes before the cell) read as one.
const ROW_WINDOW: usize = 256;

/// Whether the run `start..end` is a whole cell of a delimited row (`;`, `,`, `|` or a
/// tab) whose header line, the first line of the block above it (rules of `-`, `|`
/// and `:` skipped), names that column as a phone ("telefon", "Phone", "GSM").
pub(super) fn column_labelled(b: &[u8], start: usize, end: usize) -> bool {
    // A row is a short line: look for its start at most ROW_WINDOW bytes back, so
    // that a long text without line breaks is not walked once per number.
    let from = start.saturating_sub(ROW_WINDOW);
    let Some(line_start) = b[from..start]
        .iter()
        .rposition(|&c| c == b'\n')
        .map(|p| from + p + 1)
    else {
        return false;
    };
    let mut k = start;
    while k > line_start && matches!(b[k - 1], b' ' | b'"' | b'\'') {
        k -= 1;
    }
    let delim = if k == line_start {
        // The first cell: the delimiter is the one after it.
        let mut e = end;
        while e < b.len() && matches!(b[e], b' ' | b'"' | b'\'') {
            e += 1;
        }
        match b.get(e) {
            Some(&c @ (b';' | b',' | b'|' | b'\t')) => c,
            _ => return false,
        }
    } else {
        match b[k - 1] {
            c @ (b';' | b',' | b'|' | b'\t') => c,
            _ => return false,
        }
    };
    // The cell ends at a delimiter or the line's end.
    let mut e = end;
    while e < b.len() && matches!(b[e], b' ' | b'"' | b'\'') {
        e += 1;
    }
    if !matches!(b.get(e), None | Some(b'\n' | b'\r')) && b.get(e) != Some(&delim) {
        return false;
    }
    let index = b[line_start..k].iter().filter(|&&c| c == delim).count();
    // Walk up to the block's first line: every line above holds the delimiter.
    let floor = line_start.saturating_sub(HEADER_WINDOW);
    let mut header = None;
    let mut ls = line_start;
    while ls > floor {
        let prev_end = ls - 1;
        let lo = prev_end.saturating_sub(ROW_WINDOW).max(floor);
        // A line longer than a row, or reaching past the window: no header found.
        let prev_start = match b[lo..prev_end].iter().rposition(|&c| c == b'\n') {
            Some(p) => lo + p + 1,
            None if lo == 0 => 0,
            None => break,
        };
        let line = &b[prev_start..prev_end];
        if !line.contains(&delim) {
            break;
        }
        let rule = line
            .iter()
            .all(|c| matches!(c, b'-' | b'|' | b':' | b' ' | b'+' | b'=' | b'\r'));
        if !rule {
            header = Some(line);
        }
        ls = prev_start;
        if prev_start == 0 {
            break;
        }
    }
    let Some(header) = header else {
        return false;
    };
    let Some(cell) = header.split(|&c| c == delim).nth(index) else {
        return false;
    };
    let cell = cell.trim_ascii();
    let cell = cell
        .strip_prefix(b"\"")
        .and_then(|c| c.strip_suffix(b"\""))
        .unwrap_or(cell);
    !cell.is_empty() && (WORDS.phone.whole(cell) || WORDS.label.whole(cell))
}

/// How far (bytes) back the sentence holding the number may start.
const SENTENCE_WINDOW: usize = 40;

/// How far (bytes) back in the sentence before it a phone or number word may end.
const PREVIOUS_WINDOW: usize = 80;

/// What the sentence before the number's says of it, when the number's own sentence
/// holds only glue words before it ("Seine Nummer ist …", "It is now …"): `Some(true)`
/// when it holds a phone word ("Can you call the landlord back?"), `Some(false)` when
/// it ends on a word for a number ("The babysitter's number changed."), `None`
/// otherwise or when a word naming something else stands in it ("The order number
/// changed.").
pub(super) fn previous_sentence(b: &[u8], start: usize) -> Option<bool> {
    let from = start.saturating_sub(SENTENCE_WINDOW);
    let boundary = (from + 1..start)
        .rev()
        .find(|&i| matches!(b[i - 1], b'.' | b'?' | b'!') && matches!(b[i], b' ' | b'\n'))?;
    let stop = boundary - 1;
    // "Tel. 0612…", "Nr. 12" and "ca. 12" are abbreviations, not sentence ends: a
    // full stop ends a sentence after a word of four letters or more.
    let word = stop - word_start(b, stop);
    if (b[stop] == b'.' && word < 4) || !glue_only(&b[boundary..start]) {
        return None;
    }
    // A word for a number closes the sentence ("number changed.", "cambió de
    // número."): at most two words after it, none making it a count ("The number of
    // users changed.", "el número de usuarios").
    let number = keyword_distance_before(b, stop, 24, &WORDS.number).filter(|&d| {
        let tail = &b[stop - d..stop];
        let words = tail
            .split(|c| !c.is_ascii_alphabetic() && *c < 0x80)
            .filter(|w| !w.is_empty());
        words.clone().count() <= 2 && !words.into_iter().any(|w| WORDS.of.whole(w))
    });
    let phone = keyword_distance_before(b, stop, PREVIOUS_WINDOW, &WORDS.phone);
    let other = keyword_distance_before(b, stop, PREVIOUS_WINDOW, &WORDS.not_phone);
    if other.is_some() {
        return None;
    }
    match (phone, number) {
        (Some(_), _) => Some(true),
        (None, Some(_)) => Some(false),
        _ => None,
    }
}

/// The longest name line (bytes) read above a number alone on its line.
const NAME_LINE: usize = 48;

/// Whether the run `start..end` fills its line (spaces and a full stop aside) and the
/// line above holds only a name: two to four capitalised words ("Wochenenddienst:⏎
/// Muzaffer Austermühle⏎06705.11848", "Best,⏎Ana Ruiz⏎+34 612 …"). One word is not
/// enough ("Total⏎12345678"); a word with a digit or another sign is no name. A
/// badge or a signature may put one line of a role between the name and the number
/// ("Anna Kurz⏎Head of Purchasing, Acme Ltd⏎0612…"): a short line without digits
/// that opens with a capital.
pub(super) fn card_line(b: &[u8], start: usize, end: usize) -> bool {
    let mut j = end;
    while j < b.len() && matches!(b[j], b' ' | b'\t' | b'.' | b'\r') {
        j += 1;
    }
    if j < b.len() && b[j] != b'\n' {
        return false;
    }
    let mut i = start;
    while i > 0 && matches!(b[i - 1], b' ' | b'\t') {
        i -= 1;
    }
    if i == 0 || b[i - 1] != b'\n' {
        return false;
    }
    let Some((line, line_start)) = line_above(b, i - 1) else {
        return false;
    };
    if name_line(line) {
        return true;
    }
    // A role line between: the name on the line above it.
    role_line(line)
        && line_start > 0
        && line_above(b, line_start - 1).is_some_and(|(above, _)| name_line(above))
}

/// The line that ends at the line break `nl` (a `\r` before it dropped) and where it
/// starts, when it is at most [`NAME_LINE`] bytes long and UTF-8.
fn line_above(b: &[u8], nl: usize) -> Option<(&str, usize)> {
    let line_end = if nl > 0 && b[nl - 1] == b'\r' {
        nl - 1
    } else {
        nl
    };
    let from = line_end.saturating_sub(NAME_LINE + 1);
    let line_start = match b[from..line_end].iter().rposition(|&c| c == b'\n') {
        Some(p) => from + p + 1,
        None if from == 0 => 0,
        None => return None,
    };
    let line = std::str::from_utf8(&b[line_start..line_end]).ok()?;
    Some((line, line_start))
}

/// Whether `line` holds only a name: two to four capitalised words of letters.
fn name_line(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    (2..=4).contains(&words.len())
        && words.iter().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && w.chars()
                    .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’'))
        })
}

/// Whether `line` reads as a role under a name ("Senior Buyer, Northwind Ltd",
/// "Kierownik zakupów"): one to six words of letters (a comma, `&`, `|` or a dash
/// between), the first capitalised, no digit.
fn role_line(line: &str) -> bool {
    let words: Vec<&str> = line
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '&' | '|' | '–' | '—'))
        .filter(|w| !w.is_empty())
        .collect();
    (1..=6).contains(&words.len())
        && words[0].chars().next().is_some_and(char::is_uppercase)
        && words.iter().all(|w| {
            w.chars()
                .all(|c| c.is_alphabetic() || matches!(c, '-' | '.' | '\'' | '’'))
        })
}

/// Whether brackets hold the whole run `s..end` right after a word ("The plumber
/// (233-0434) comes", "Hydraulik (882 419 850)"): a person's or a trade's number put
/// beside it. Read like a phone word further off: the number must be valid in a
/// default region ("population (38 433 600)" names it otherwise and is vetoed).
pub(super) fn bracket_after_word(b: &[u8], s: usize, end: usize) -> bool {
    if s < 3 || b[s - 1] != b'(' || b.get(end) != Some(&b')') || b[s - 2] != b' ' {
        return false;
    }
    is_letter_byte(b[s - 3])
}

/// How far (bytes) before the number a verification-code word may end.
const CODE_WINDOW: usize = 48;

/// Whether a verification or one-time code is sent to the number: a code word in its
/// sentence, nearer than any other word naming a number (the "código" of "código de
/// verificación" is that word's own), and a preposition sending it to the number
/// ("El código de verificación tenía que llegar al …"). "Your verification code is
/// 48211937" has no such preposition: the number is the code.
pub(super) fn sent_code(b: &[u8], start: usize, other_word: Option<usize>) -> bool {
    let Some(c) = keyword_distance_before(b, start, CODE_WINDOW, &WORDS.code) else {
        return false;
    };
    let between = &b[start - c..start];
    other_word.is_none_or(|o| c <= o)
        && !between
            .iter()
            .any(|&ch| matches!(ch, b'.' | b'?' | b'!' | b'\n' | b';'))
        && between
            .split(|ch| !ch.is_ascii_alphabetic())
            .any(|w| WORDS.sent_to.whole(w))
}

/// How far (bytes) after the number a phone word may start when no punctuation
/// stands between (see [`phone_word_after`]).
const AFTER_WINDOW: usize = 40;

/// Whether a phone word or label and `=` stand right before `start`
/// ("telefon=785 126 508", "tel = …" in an INI record): a key and its value, not a sum.
pub(super) fn key_value(b: &[u8], start: usize) -> bool {
    // "tel = 0762-425-496" in an INI record: spaces around the `=`.
    let mut j = start;
    while j > 0 && start - j < 3 && b[j - 1] == b' ' {
        j -= 1;
    }
    if j == 0 || b[j - 1] != b'=' {
        return false;
    }
    let mut key_end = j - 1;
    while key_end > 0 && j - 1 - key_end < 3 && b[key_end - 1] == b' ' {
        key_end -= 1;
    }
    let key_start = b[..key_end]
        .iter()
        .rposition(|c| !c.is_ascii_alphabetic() && *c < 0x80)
        .map_or(0, |p| p + 1);
    let key = &b[key_start..key_end];
    !key.is_empty() && (WORDS.phone.whole(key) || WORDS.label.whole(key))
}

/// Whether the word ending at `end` follows a possessive ("my account", "del mio
/// account", "mijn account").
pub(super) fn possessed(b: &[u8], end: usize) -> bool {
    let mut i = word_start(b, end);
    while i > 0 && b[i - 1] == b' ' {
        i -= 1;
    }
    WORDS.possessive.whole(&b[word_start(b, i)..i])
}

/// Whether `between` (the text from a word naming something else to the number)
/// starts with a job title's second word ("Account Manager | 0494-343-519"): a
/// role in a signature, not an account.
pub(super) fn role_after(between: &[u8]) -> bool {
    let word: &[u8] = between
        .split(|c| !c.is_ascii_alphabetic())
        .find(|w| !w.is_empty())
        .unwrap_or_default();
    WORDS.role.whole(word)
}

/// Whether a phone word follows the number in its clause ("Is 0612345678 a landline?",
/// "461 2 092 hat mich heute dreimal angerufen"): within 24 bytes, or 40 when no
/// punctuation stands between; never across a `;`, `.`, `!`, `?`, line break or a dash
/// between spaces ("Run 7 of 93324495 iterations; the phone farm …", "Waga 181 289 6833
/// 702 — uchwyt na telefon"; the digit view folds `—` and `–` to `-`).
pub(super) fn phone_word_after(b: &[u8], end: usize) -> bool {
    let to = (end + AFTER_WINDOW).min(b.len());
    let clause = (end..to)
        .find(|&i| matches!(b[i], b';' | b'.' | b'!' | b'?' | b'\n') || b[i..].starts_with(b" - "))
        .unwrap_or(to);
    let quiet = b[end..clause]
        .iter()
        .position(u8::is_ascii_punctuation)
        .map_or(clause, |p| end + p);
    let near = clause.min(end + 24);
    keyword_after(b, end, near.max(quiet) - end, &WORDS.phone_after)
}

/// Whether `between` (from the end of a word naming something else to the end of a
/// phone word after it) holds only words of "of" and articles before that phone word:
/// the phone word names what the thing is for ("Fatura do telemóvel n.º …", "bill
/// for the phone", "facture du portable"), so the number is the thing's.
pub(super) fn phone_word_complement(between: &[u8]) -> bool {
    if between
        .iter()
        .any(|c| c.is_ascii_punctuation() && !matches!(c, b'\'' | b'-'))
    {
        return false;
    }
    let words: Vec<&[u8]> = between
        .split(|c| c.is_ascii_whitespace())
        .filter(|w| !w.is_empty())
        .collect();
    let Some((_, glue)) = words.split_last() else {
        return false;
    };
    glue.len() <= 2
        && glue
            .iter()
            .all(|w| WORDS.of.whole(w) || WORDS.article.whole(w))
}

/// How far (bytes) a phone word may end before a number in the same sentence, other
/// words between ("… pode ser contactada através da agência funerária pelo …").
const SAME_SENTENCE_WINDOW: usize = 80;

/// Whether a phone word stands earlier in the number's sentence, further off than the
/// phone rules' windows, with no sentence end, line break, other digits or word naming
/// something else between ("contattati tramite l'agenzia funebre al …"), a preposition
/// introduces the number (see `words::CALL_PREPOSITIONS`), and the number is written
/// as phones are (see [`sentence_shaped`]). The caller reads it like a
/// phone word further off: the number must be fully valid in a default region.
pub(super) fn sentence_phone_word(b: &[u8], run: &Run, start: usize) -> bool {
    if !sentence_shaped(run) {
        return false;
    }
    let Some(p) = keyword_distance_before(b, start, SAME_SENTENCE_WINDOW, &WORDS.phone) else {
        return false;
    };
    // The number introduced as one to call: a preposition right before it.
    let mut e = start;
    while e > 0 && b[e - 1] == b' ' {
        e -= 1;
    }
    if e == start || !WORDS.call_preposition.whole(&b[word_start(b, e)..e]) {
        return false;
    }
    let between = &b[start.saturating_sub(p)..start];
    let ended = between.iter().any(|&c| c == b'\n' || c.is_ascii_digit())
        || between
            .windows(2)
            .any(|w| matches!(w[0], b'.' | b'!' | b'?' | b';') && w[1] == b' ');
    !ended && keyword_distance_before(b, start, p, &WORDS.not_phone).is_none()
}

/// How a number is written when a phone word further off in its sentence may vouch
/// for it: groups (two digits or more after the first; eight digits or more in three
/// groups or more, nine in two), a trunk 0 before nine to twelve digits, or eleven
/// digits as Chinese mobiles are written (`1`, then `3` to `9`). Not dotted or
/// slashed (decimals, versions, dates, fractions).
fn sentence_shaped(run: &Run) -> bool {
    let d = run.digits();
    let nd = d.len();
    if run.has_sep(b'.') || run.has_sep(b'/') || nd > 13 || run.ngroups > 6 {
        return false;
    }
    if run.ngroups == 1 {
        return (d[0] == b'0' && d[1] != b'0' && (9..=12).contains(&nd))
            || (nd == 11 && d[0] == b'1' && (b'3'..=b'9').contains(&d[1]));
    }
    let fewest = if run.ngroups >= 3 { 8 } else { 9 };
    nd >= fewest && run.lens().skip(1).all(|l| l >= 2)
}

/// Whether the number at `start..end` is the value of a form-encoded field
/// ("recipient=020 7946 0958&template=…", "?to=…"): a key of letters or underscores and
/// `=` right before it, and `&` or `?` before the key or `&` right after the value. Such
/// an `=` assigns, it does not sum: the number is left to the other rules (a phone
/// word near it, its numbering plan).
pub(super) fn form_field(b: &[u8], start: usize, end: usize) -> bool {
    if start == 0 || b[start - 1] != b'=' {
        return false;
    }
    let key_end = start - 1;
    let key_start = b[..key_end]
        .iter()
        .rposition(|&c| !(c.is_ascii_alphabetic() || c == b'_'))
        .map_or(0, |p| p + 1);
    key_start < key_end
        && (matches!(key_start.checked_sub(1).map(|k| b[k]), Some(b'&' | b'?'))
            || b.get(end) == Some(&b'&'))
}
