//! Context in the text's own structure around a number that no phone word names: an
//! extension after it ("Zentrale 030/90182736 Durchwahl -214", "Centralino 02/87345521
//! interno 214") and the column of an SQL `INSERT` row whose column list names a phone
//! ("INSERT INTO contacts (name, phone) VALUES ('Ann Lee', '601/845397')"), and a
//! person's name right before it ("… bis 1. Juni: Anna Berg, 0612 345 678").
//!
//! Like [`super::context`], each is read only for a digit run that reached the phone
//! rules without a phone word close by.

use super::words::WORDS;

/// How far (bytes) after the number an extension word may start.
const EXTENSION_GAP: usize = 3;

/// How many digits an extension holds: two to six ("toestel 2" is a device, not an
/// extension).
const EXTENSION_DIGITS: std::ops::RangeInclusive<usize> = 2..=6;

/// Whether an extension word and its digits follow the number ending at `end` ("…
/// Durchwahl -214", "… interno 214", "… toestel 214", "… wew. 12"): only phones have
/// extensions. The digits must follow (two to six, after spaces, `.`, `:` or `-`), so
/// that "poste" or "interno" used as a word ("… interno al gruppo") is no extension.
pub(super) fn extension_after(b: &[u8], end: usize) -> bool {
    let mut i = end;
    while i < b.len() && b[i] == b' ' && i - end < EXTENSION_GAP {
        i += 1;
    }
    if i == end || i >= b.len() {
        return false;
    }
    let Some(w) = WORDS.extension.at(b, i) else {
        return false;
    };
    let mut j = w;
    while j < b.len() && matches!(b[j], b' ' | b'.' | b':' | b'-') && j - w < 3 {
        j += 1;
    }
    let ds = j;
    while j < b.len() && b[j].is_ascii_digit() {
        j += 1;
    }
    EXTENSION_DIGITS.contains(&(j - ds)) && !b.get(j).is_some_and(u8::is_ascii_alphanumeric)
}

/// The longest name (bytes) read before a number.
const NAME_WINDOW: usize = 64;

/// Lower-case particles inside a name ("Esmee van Dam", "Ana de la Cruz").
const PARTICLES: &[&str] = &[
    "van", "von", "de", "der", "den", "la", "le", "da", "das", "do", "dos", "del", "di", "du",
    "ter", "ten", "zu", "y", "e",
];

/// Whether a person's name stands right before the number at `start`, a comma or a
/// dash between ("Confirme até 1 de junho: Ana Rocha, 912 845 397", "auprès de Yvonne
/// Mottet — 0612…"): two to four capitalised words, particles between them, whose
/// number follows. Read like a phone word further off (as a name line above a number
/// is): the number must be valid in a default region.
pub(super) fn name_before(b: &[u8], start: usize) -> bool {
    let mut from = start.saturating_sub(NAME_WINDOW);
    // Not inside a character ("vóór 1 juni: …" may put the window's edge in "ó").
    while from < start && b[from] & 0xC0 == 0x80 {
        from += 1;
    }
    let Ok(before) = std::str::from_utf8(&b[from..start]) else {
        return false;
    };
    let Some(rest) = before.strip_suffix(' ') else {
        return false;
    };
    let name = if let Some(r) = rest.strip_suffix(',') {
        r
    } else if let Some(r) = ["—", "–", "-"].iter().find_map(|d| rest.strip_suffix(d)) {
        match r.strip_suffix(' ') {
            Some(r) => r,
            None => return false,
        }
    } else {
        return false;
    };
    // Capitalised words, read back from the separator; a particle between them is
    // skipped, and one before them ("auprès de Yvonne Mottet") is the sentence's.
    let mut capitalised = 0;
    for w in name.rsplit(' ') {
        let letters = !w.is_empty()
            && w.chars()
                .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’'));
        if !letters {
            break;
        }
        if w.chars().next().is_some_and(char::is_uppercase) {
            capitalised += 1;
        } else if !(PARTICLES.contains(&w) && capitalised > 0) {
            break;
        }
        if capitalised > 4 {
            return false;
        }
    }
    (2..=4).contains(&capitalised)
}

/// How far (bytes) before the number an SQL `VALUES` may stand.
const SQL_WINDOW: usize = 256;

/// Whether the number at `start..end` is a whole value of an SQL `INSERT … (columns)
/// VALUES (…)` row (quoted or not) and its column is named as a phone ("telefon",
/// "phone", "mobile"): a data row, read like a labelled cell of a CSV table.
pub(super) fn sql_column(b: &[u8], start: usize, end: usize) -> bool {
    // The value must be a whole one: a quote or a separator on both sides.
    let close = matches!(b.get(end), Some(b'\'' | b'"' | b')' | b','));
    close && sql_column_at(b, start)
}

/// Whether a value of an SQL `INSERT` row whose column is named as a phone opens at
/// `start` (see [`sql_column`]); where it ends is not read, so that an area-code slash
/// ("'601/845397'") may be taken into the number first.
pub(super) fn sql_column_at(b: &[u8], start: usize) -> bool {
    let from = start.saturating_sub(SQL_WINDOW);
    let open = start > 0 && matches!(b[start - 1], b'\'' | b'"' | b'(' | b',' | b' ');
    let Some(values) = rfind_ci(&b[from..start], b"values").map(|p| from + p) else {
        return false;
    };
    if !open {
        return false;
    }
    let Some(index) = value_index(&b[values + 6..start]) else {
        return false;
    };
    let Some(columns) = column_list(&b[from..values]) else {
        return false;
    };
    columns
        .split(|&c| c == b',')
        .nth(index)
        .map(unquoted)
        .is_some_and(|c| !c.is_empty() && (WORDS.phone.whole(c) || WORDS.label.whole(c)))
}

/// A column name without spaces and its quoting (`` `phone` ``, `"phone"`, `[phone]`).
fn unquoted(c: &[u8]) -> &[u8] {
    let quoting = |c: &u8| matches!(c, b'`' | b'"' | b'[' | b']' | b' ');
    let from = c.iter().position(|x| !quoting(x)).unwrap_or(c.len());
    let to = c.iter().rposition(|x| !quoting(x)).map_or(from, |p| p + 1);
    &c[from..to.max(from)]
}

/// Which value of its row the text after `VALUES` (up to the number) ends in: commas
/// outside quotes counted from the row's opening bracket; `None` when no row is open.
fn value_index(after: &[u8]) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote = None;
    let mut index = 0;
    for &c in after {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, b'\'' | b'"') => quote = Some(c),
            (None, b'(') => {
                depth += 1;
                if depth == 1 {
                    index = 0;
                }
            }
            (None, b')') => depth = depth.checked_sub(1)?,
            (None, b',') if depth == 1 => index += 1,
            _ => {}
        }
    }
    (depth == 1).then_some(index)
}

/// The bracketed column list that ends right before `VALUES` (spaces between).
fn column_list(before: &[u8]) -> Option<&[u8]> {
    let trimmed = before.trim_ascii_end();
    let inner = trimmed.strip_suffix(b")")?;
    let open = inner.iter().rposition(|&c| c == b'(')?;
    Some(&inner[open + 1..])
}

/// Where `needle` (lower-case ASCII) last occurs in `hay`, ASCII case ignored, as a
/// whole word.
fn rfind_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    (0..=hay.len().checked_sub(needle.len())?).rev().find(|&i| {
        hay[i..i + needle.len()].eq_ignore_ascii_case(needle)
            && (i == 0 || !hay[i - 1].is_ascii_alphanumeric())
            && !hay
                .get(i + needle.len())
                .is_some_and(u8::is_ascii_alphanumeric)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_need_their_digits() {
        let text = b"Zentrale 030/90182736 Durchwahl -214, bitte";
        assert!(extension_after(text, 21));
        assert!(extension_after(b"02/87345521 interno 214.", 11));
        assert!(extension_after(b"24 92 05 55 toestel 214", 11));
        assert!(extension_after(b"0612345678 poste 12", 10));
        assert!(extension_after(b"22 123 45 67 wew. 12", 12));
        // No digits after the word, too many, or a word glued to them.
        assert!(!extension_after(b"12345678 interno al gruppo", 8));
        assert!(!extension_after(b"12345678 poste 1234567", 8));
        assert!(!extension_after(b"12345678 poste 12b", 8));
        assert!(!extension_after(b"2024 0815 toestel 2", 9));
        assert!(!extension_after(b"12345678 Durchwahl", 8));
        // Not right after the number.
        assert!(!extension_after(b"12345678 im Haus Durchwahl 214", 8));
    }

    #[test]
    fn a_name_before_the_number() {
        let at = |t: &str| name_before(t.as_bytes(), t.len());
        assert!(at("Confirme até 1 de junho: Ana Rocha, "));
        assert!(at("auprès de Yvonne Mottet — "));
        assert!(at("laten weten of je komt: Esmee van Dam, "));
        assert!(at("Anna Berg – "));
        assert!(at("auprès de Luc Vallon — "));
        // The window's edge inside a character.
        assert!(at(
            "Graag vóór 1 juni laten weten of je komt: Esmee van Dam, "
        ));
        // One word, lower-case words, a particle opening the block, five words.
        assert!(!at("Anna, "));
        assert!(!at("the total, "));
        assert!(!at("de Vries, "));
        assert!(!at("bei de Vries, "));
        assert!(!at("Alpha Beta Gamma Delta Epsilon, "));
        // No separator, or a digit in the block.
        assert!(!at("Ana Rocha "));
        assert!(!at("Room 12B Ana, "));
        assert!(!at("Ana Rocha-"));
    }

    #[test]
    fn sql_values_take_their_column_name() {
        let sql = "INSERT INTO kontakty (imie, telefon) VALUES ('Julia Lis', '601/845397');";
        let s = sql.find("601").unwrap_or_default();
        assert!(sql_column(sql.as_bytes(), s, s + 10));
        // Unquoted, a later row of several.
        let sql = "INSERT INTO t (id, phone) VALUES (1, '0612'), (2, 612345678);";
        let s = sql.find("612345678").unwrap_or_default();
        assert!(sql_column(sql.as_bytes(), s, s + 9));
        // A comma inside a quoted value does not shift the column.
        let sql = "INSERT INTO t (name, mobile) VALUES ('Lis, Julia', '0612345678')";
        let s = sql.find("0612345678").unwrap_or_default();
        assert!(sql_column(sql.as_bytes(), s, s + 10));
    }

    #[test]
    fn sql_values_of_other_columns_stay_unnamed() {
        let sql = "INSERT INTO orders (phone, order_no) VALUES ('x', '0612345678');";
        let s = sql.find("0612345678").unwrap_or_default();
        assert!(!sql_column(sql.as_bytes(), s, s + 10));
        // No column list, or no row open.
        let sql = "INSERT INTO t VALUES ('0612345678')";
        let s = sql.find("0612345678").unwrap_or_default();
        assert!(!sql_column(sql.as_bytes(), s, s + 10));
        let sql = "phone values (a) 0612345678";
        let s = sql.find("0612345678").unwrap_or_default();
        assert!(!sql_column(sql.as_bytes(), s, s + 10));
    }
}
