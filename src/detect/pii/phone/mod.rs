//! Phones: which digit runs are phone numbers, and whether their digits are a number
//! some numbering plan issues.
//!
//! The byte loop of [`super::scan`] hands every digit run that no other identifier
//! claimed to [`phone`], which decides from its shape and context: a `+` or `00`
//! calling code, NANP grouping, a trunk-0 area code, a phone keyword before it, or a
//! contact block (an e-mail close by). The digits are then checked against
//! libphonenumber's numbering metadata in [`numbering`].

mod around;
mod context;
mod ids;
mod numbering;
mod shape;
mod words;

#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_context;
#[cfg(test)]
mod tests_eighth;
#[cfg(test)]
mod tests_eleventh;
#[cfg(test)]
mod tests_formats;
#[cfg(test)]
mod tests_ninth;
#[cfg(test)]
mod tests_seventh;
#[cfg(test)]
mod tests_sixth;
#[cfg(test)]
mod tests_tenth;

use std::sync::LazyLock;

use super::scan::{MAX_DIGITS, Run, keyword_after, keyword_distance_before, word_at};
pub use numbering::{DEFAULT_PHONE_REGIONS, UnknownRegion, is_known_region};
#[cfg(test)]
use numbering::{MAX_NSN, international_valid, metadata_examples};
pub(super) use numbering::{PhoneRegions, international_strictly_valid};
use shape::{code_prefixed, date_shaped, dotted_decimal, nanp_valid, placeholder, spaced_prefix};
use words::WORDS;

/// Builds the word tables now, so that no request pays for it.
pub(super) fn warm() {
    LazyLock::force(&WORDS);
}

/// `x123`, ` x123`, ` ext. 123`, `ext123` right after a phone body; returns its end.
pub(super) fn phone_extension(b: &[u8], at: usize) -> Option<usize> {
    let rest = &b[at..];
    let skip = [
        &b"x"[..],
        b" x",
        b" ext. ",
        b" ext ",
        b" ext.",
        b"ext",
        b" x. ",
    ]
    .iter()
    .find(|p| {
        rest.len() > p.len()
            && rest[..p.len()].eq_ignore_ascii_case(p)
            && rest[p.len()].is_ascii_digit()
    })
    .map(|p| p.len())?;
    let mut i = at + skip;
    let ds = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i - ds > 6 || word_at(b, i) {
        return None;
    }
    Some(i)
}

/// Decides whether a run is a phone number; returns the rule and the span start.
///
/// A phone word nearer to the number than any word naming something else ("invoice",
/// "order", "ref") makes it a keyword phone, checked later for plausibility only
/// (Faker and real forms alike write numbers no numbering plan would issue); without
/// one, a number must carry a calling code, NANP or trunk-0 grouping, or stand in a
/// contact block, and is checked against the numbering metadata.
///
/// `prev_phone` is where the phone found last before this run ends, if any: the
/// entries of a list or block of phones vouch for each other.
pub(super) fn phone(
    b: &[u8],
    run: &Run,
    plus: bool,
    prev_phone: Option<usize>,
) -> Option<(&'static str, usize)> {
    let s = run.start;
    let d = run.digits();
    let nd = d.len();
    if !(6..=15).contains(&nd) || date_shaped(run) {
        return None;
    }
    let open_paren = s > 0 && b[s - 1] == b'(';
    // Brackets around the whole number ("The plumber (0375767398)") stay out of it.
    let start = if plus && b[s - 1] == b' ' {
        // "+ 39 355 053 2110": the `+` one space before the digits.
        s - 2
    } else if plus || (open_paren && !context::bracket_after_word(b, s, run.end)) {
        s - 1
    } else {
        s
    };
    // An HTTP status line's status and byte count ("… HTTP/1.1" 200 82894"), and a code
    // glued to its letters ("CN-808-041-4682"): never phones, whatever word is near.
    if ids::http_status(b, start) || ids::letter_prefixed(b, start) {
        return None;
    }
    if start > 0 && b[start - 1] == b'+' && open_paren {
        // "+(370) 39150008": the calling code in brackets after the `+`.
        let code = run.ngroups >= 2 && run.seps[0] == b'p' && run.groups[0].1 <= 3;
        return (code && nd >= 8 && international(run, 0))
            .then_some(("pii.phone.international", start - 1));
    }
    // The phone word near the number, or further off with only glue words and names
    // between ("Contatto di emergenza: Laura Cruz, 3271602768").
    // A phone word with another number of six digits or more between is that
    // number's ("Phone +1 212 555 0187, born 19850312").
    let phone_word = keyword_distance_before(b, start, KEYWORD_WINDOW, &WORDS.phone)
        .or_else(|| {
            keyword_distance_before(b, start, NAMED_WINDOW, &WORDS.phone)
                .filter(|&p| glue_only(&b[start.saturating_sub(p)..start]))
        })
        .filter(|&p| {
            let between = &b[start.saturating_sub(p)..start];
            between.iter().filter(|c| c.is_ascii_digit()).count() < 6
        });
    // A word naming something else, unless a preposition says the number goes to it
    // rather than names it ("the mobile on my account to 604…", "Konto auf 0126…").
    let other_word = keyword_distance_before(b, start, 32, &WORDS.not_phone)
        .filter(|&o| !redirected(&b[start.saturating_sub(o)..start]))
        .filter(|&o| !context::role_after(&b[start.saturating_sub(o)..start]));
    // "aggiornate il cellulare del mio account con il 0114…": a phone word before the
    // word naming something else, that word someone's ("my account"), "with" after
    // it: the phone is updated with the number ("Chiama la funzione con …" is not).
    // Read as a phone word further off (the number must be valid).
    let updated_with = other_word.and_then(|o| {
        let between = &b[start.saturating_sub(o)..start];
        let with = between
            .split(|c| !c.is_ascii_alphabetic())
            .any(|w| WORDS.with.whole(w));
        (with && context::possessed(b, start.saturating_sub(o)))
            .then(|| keyword_distance_before(b, start, NAMED_WINDOW, &WORDS.phone))
            .flatten()
            .filter(|&p| p > o)
    });
    let other_word = other_word.filter(|_| updated_with.is_none());
    let phone_word = phone_word.or(updated_with);
    // Context from further off: a label or a data row's header, the previous entry of
    // a list of phones, the sentence before.
    let labelled = labelled(b, start)
        || (other_word.is_none()
            && !dotted_decimal(run)
            && context::paired_label(b, start, run.end))
        || (other_word.is_none()
            && (context::list_sibling(b, run, start, prev_phone)
                || context::column_labelled(b, start, run.end)
                || around::sql_column(b, start, run.end)
                || context::before_international(b, run, start)));
    // A number alone on its line under a line holding only a name: a contact card or
    // a duty block ("Wochenenddienst:⏎Anna Kurz⏎06705.11848"), or right after a name
    // and a comma or dash ("Ana Rocha, 912 845 397"). Read like a phone word further
    // off: the number must be valid in a default region.
    // One dot without a trunk 0 is a decimal ("Anna Kurz⏎3.14159265").
    let decimal = dotted_decimal(run);
    let card = || {
        !decimal
            && ((other_word.is_none()
                && (context::card_line(b, start, run.end)
                    || context::bracket_after_word(b, s, run.end)
                    || (shape::name_shaped(run, plus) && around::name_before(b, start))))
                || context::sent_code(b, start, other_word))
    };
    let after = || other_word.is_none() && context::phone_word_after(b, run.end);
    // An extension after the number ("… Durchwahl -214"): read like a phone word
    // further off (the number must be valid in a default region), and never for
    // thousands ("12 500 000 interno 214") or fewer than eight digits.
    let extension = || {
        other_word.is_none()
            && nd >= 8
            && !run.lens().skip(1).all(|l| l == 3)
            && around::extension_after(b, run.end)
    };
    let sentence = || {
        if phone_word.is_some() || other_word.is_some() {
            None
        } else {
            context::previous_sentence(b, start)
        }
    };
    let worded = match (phone_word, other_word) {
        // A phone phrase holding a veto word ("caller ID") ends where it does; a phone
        // word that says what the thing is for ("Fatura do telemóvel n.º …") is no
        // phone word for the number.
        (Some(p), Some(o)) => {
            p <= o
                && !context::phone_word_complement(
                    &b[start.saturating_sub(o)..start.saturating_sub(p)],
                )
        }
        (Some(_), None) => true,
        (None, _) => after() || extension(),
    } || labelled
        || sentence().is_some();
    let carded = !worded && card();
    let keyed = worded || carded;
    if !keyed && shape::draw_shaped(run) {
        return None;
    }
    // The phone word is bound to the number: a label, a word right after it, or only
    // glue words between ("call me on", "Numer telefonu to"); in the sentence before,
    // a phone word ("… zurückrufen? Seine Nummer ist …"), not a word for a number. A
    // name line above is no phone word: such numbers must be valid.
    let bound = !carded
        && (labelled
            || phone_word.is_some_and(|p| glue_only(&b[start.saturating_sub(p)..start]))
            || (phone_word.is_none() && sentence() != Some(false))
            || after());
    // "telefon=785 126 508": a key and `=` before the number, not a sum.
    // "recipient=020 7946 0958&template=…": a form field's value, not a sum either.
    let arithmetic = (!context::key_value(b, start)
        && !context::form_field(b, start, run.end)
        && arithmetic_around(b, start, run.end))
        || keyword_after(b, run.end, 12, &WORDS.not_phone_after);
    if nd == 6 {
        // Six digits are a phone only as short plans write them ("Mobil: 22 56 49",
        // "Durchwahl 75 74 32"): space-separated groups of two or three, a label or
        // a phone word bound to them; then a default region must issue them.
        let short =
            run.ngroups >= 2 && run.uniform_sep(b" ") && run.lens().all(|l| (2..=3).contains(&l));
        let bound_word = labelled || (phone_word.is_some() && bound) || sentence() == Some(true);
        return (short && keyed && bound_word && !arithmetic && !placeholder(d))
            .then_some((KEYWORD_RULE, start));
    }
    // "mamá 573125859807, papá …", "Handy 15338726868": a vouched-for single group of
    // eleven to thirteen digits that is a calling code and a number that country's
    // plan fully issues, the `+` left out.
    if keyed && !arithmetic && code_prefixed(run) {
        return Some(("pii.phone.international", start));
    }
    // International: "+CC …" or "00CC …" (not "(00…)", a German area code style).
    let intl = if plus {
        Some(0)
    } else if d.starts_with(b"00")
        && (run.groups[0].1 >= 3 || spaced_prefix(run))
        && (!open_paren || context::bracket_after_word(b, s, run.end))
    {
        // "(00…)" is a German area code style, unless the brackets hold the whole
        // number after a word ("Hydraulik (00421 944 563 039)").
        Some(2)
    } else {
        None
    };
    if let Some(skip) = intl {
        // `00` and a calling code written without the `+` is also how tracking and
        // shipment numbers start ("Numero di spedizione 0046602716135"): a word
        // naming something else vetoes it; a `+` is a phone's alone.
        if international(run, skip) && !(skip == 2 && other_word.is_some()) {
            return Some(("pii.phone.international", start));
        }
        if !keyed {
            return None;
        }
    }
    // Dotted runs are dates, versions and decimals unless NANP-shaped.
    let dotted = run.has_sep(b'.');
    let nanp_shape = run.shape_is(&[3, 3, 4]) || (run.shape_is(&[1, 3, 3, 4]) && d[0] == b'1');
    // "(351) 969141777": a calling code in brackets without the `+` (as Portuguese
    // numbers are often written). Eleven digits or more and no NANP grouping, so that
    // "(212) 555-0100" stays an area code, and the rest fully valid in that country.
    let bracketed_code = open_paren
        && !dotted
        && d[0] != b'0'
        && nd >= 11
        && !nanp_shape
        && run.ngroups >= 2
        && run.seps[0] == b'p'
        && (2..=3).contains(&run.groups[0].1)
        && numbering::is_calling_code(&d[..usize::from(run.groups[0].1)]);
    if bracketed_code
        && other_word.is_none()
        && !arithmetic
        && numbering::international_strictly_valid(d)
    {
        return Some(("pii.phone.international", start));
    }
    // "57 601 911 03 92", "44 20 7946 0958": a calling code as the first group with
    // the `+` left out, spaces between, not thousands ("33 123 456 789"), and the rest
    // fully valid in that country.
    let code_first = !open_paren
        && !dotted
        && d[0] != b'0'
        && nd >= 11
        && !nanp_shape
        && run.ngroups >= 3
        && run.uniform_sep(b" ")
        && (2..=3).contains(&run.groups[0].1)
        && !run.lens().skip(1).all(|l| l == 3)
        && numbering::is_calling_code(&d[..usize::from(run.groups[0].1)]);
    if code_first
        && other_word.is_none()
        && !arithmetic
        && numbering::international_strictly_valid(d)
    {
        return Some(("pii.phone.international", start));
    }
    if nanp_shape {
        let body = &d[nd - 10..];
        // "(212) 555-0100", "1 (242) 806-4916": the area code in brackets.
        let seps = run.seps();
        let bracketed = (open_paren && seps.first() == Some(&b'p'))
            || (seps.len() == 3 && seps[0] == b'p' && seps[1] == b'p');
        let seps_ok = run.uniform_sep(b"-. ") || bracketed;
        // A word naming something else vetoes it ("SKU 863-848-7347 (phone case)").
        // An area or exchange code starting with 0 or 1 ("148-660-3263", as forms and
        // generators write numbers no plan issues) is still written as a NANP phone:
        // checked for a possible length only (see `NANP_SHAPE_RULE`).
        if seps_ok && !keyed && other_word.is_none() {
            if nanp_valid(body) {
                return Some(("pii.phone.nanp", start));
            }
            if !arithmetic && !placeholder(d) {
                return Some((NANP_SHAPE_RULE, start));
            }
        }
    }
    // Dotted runs with a phone word: nine digits or more, or two groups of four
    // ("ring 8731.8414"); shorter ones are decimals and versions.
    let dotted_ok = !dotted || nd >= 9 || run.shape_is(&[4, 4]);
    if keyed && !arithmetic && !placeholder(d) && run.ngroups <= 6 && dotted_ok {
        // A phone word further off and a count ("The SMS campaign sent 920 033 272
        // messages"): what the number counts names it.
        if !bound && counted(b, run, run.end) {
            return None;
        }
        return Some((
            if bound {
                KEYWORD_RULE
            } else {
                KEYWORD_FAR_RULE
            },
            start,
        ));
    }
    if other_word.is_some() || arithmetic {
        return None;
    }
    // An area-code slash: "02866/81785056" (a trunk 0, an area code of three to five
    // digits, twelve digits or more, valid in a default region: checked later); shorter
    // ones ("030/1234567") are divisions and file numbers too, only with a phone word.
    if run.has_sep(b'/') {
        let area = run.groups[0].1;
        let ok =
            run.ngroups == 2 && d[0] == b'0' && (3..=5).contains(&area) && (12..=13).contains(&nd);
        return ok.then_some(("pii.phone.national", start));
    }
    if dotted {
        return None;
    }
    // Trunk prefix 0 plus an area code of 1-4 digits as the first group
    // ("0151 496 0485", "(03905) 763990", Austrian "02875/64467438" of 13 digits);
    // "0-306-40615-2" (an ISBN) is not one.
    if d[0] == b'0'
        && (9..=13).contains(&nd)
        && run.ngroups >= 2
        && (open_paren || (2..=5).contains(&run.groups[0].1))
    {
        return Some(("pii.phone.national", start));
    }
    // A phone word further off in the same sentence, other words between ("… pode ser
    // contactada através da agência funerária pelo 920 033 272"): for a number written
    // as phones are, read like a phone word further off (valid in a default region).
    if !keyed && context::sentence_phone_word(b, run, start) && !counted(b, run, run.end) {
        return Some((KEYWORD_FAR_RULE, start));
    }
    // A bare ten-digit NANP number or a trunk-0 national number with no keyword: a
    // phone only inside a contact block (an e-mail close by); see `CONTACT_RULE`.
    let bare_nanp = nd == 10 && nanp_valid(d);
    let bare_trunk = d[0] == b'0' && d[1] != b'0' && (10..=11).contains(&nd);
    // Nothing vouches for a bare number: a word naming something else after it
    // ("… a valid PESEL?", "… is my order number") rules it out too.
    if run.ngroups == 1
        && !open_paren
        && bare_trunk
        && keyword_distance_before(b, start, 40, &WORDS.number).is_some()
        && !keyword_after(b, run.end, 40, &WORDS.not_phone)
    {
        // "Le numéro affiché était le 0430774717": a trunk 0, ten or eleven digits,
        // a word for a number or a display before it and none naming it something
        // else: a national number when a default region's plan issues it exactly
        // (checked later); order and customer numbers come with their word.
        return Some((BARE_RULE, start));
    }
    if run.ngroups == 1 && !open_paren && (bare_nanp || bare_trunk) {
        return Some((CONTACT_RULE, start));
    }
    // Grouped national digits ("663 910 092", "22 668 13 65"): the same, and valid
    // in a default region.
    let grouped = run.ngroups >= 2
        && (9..=12).contains(&nd)
        && run.uniform_sep(b" -")
        && run.lens().all(|l| (2..=4).contains(&l));
    if grouped && !open_paren {
        return Some((CONTACT_RULE, start));
    }
    None
}

/// Whether `run`, parsed with " - " joining groups ([`Run::parse_dashed`]), is one
/// number ("070 - 6979 - 6973", "03 - 83 - 12 - 42 - 36", "8 - 467 - 555 - 8147") rather
/// than a range, opening hours, a score or a dated reference ("10 - 12", "08 - 12 - 14 -
/// 18 Uhr", "21 - 19 - 21", "2024 - 3328 - 7518"): two joints or more (a range has one),
/// or one after a trunk-0 area code ("0151 - 4960485"); nine to fifteen digits, groups of
/// two digits or more after the first, no date and no year as the first group. Then
/// the number itself: with a calling code, fully valid in that country; with a trunk
/// prefix (`0`, or `8` and `1` alone as Russia and NANP write them), fully valid in one
/// of the shield's `regions` (the ones its findings are validated in) or with a phone
/// word or label bound to it; without one (scores and coordinates look so), both.
pub(super) fn dash_joined(b: &[u8], run: &Run, plus: bool, regions: &PhoneRegions) -> bool {
    let d = run.digits();
    let nd = d.len();
    if run.overflow || !(9..=15).contains(&nd) || date_shaped(run) {
        return false;
    }
    let year_first = run.groups[0].1 == 4 && (d.starts_with(b"19") || d.starts_with(b"20"));
    if year_first {
        return false;
    }
    if run.lens().skip(1).any(|l| l < 2) {
        return false;
    }
    // Where " - " joins two groups: after group `k`.
    let joints: Vec<usize> = (0..run.ngroups - 1)
        .filter(|&k| {
            let (gs, gl) = run.groups[k];
            b[gs + usize::from(gl)..].starts_with(b" - ")
        })
        .collect();
    let area_joint = joints.len() == 1
        && joints[0] == 0
        && d[0] == b'0'
        && (2..=5).contains(&run.groups[0].1)
        && nd - usize::from(run.groups[0].1) >= 6;
    if joints.len() < 2 && !area_joint {
        return false;
    }
    if plus {
        return numbering::international_strictly_valid(d);
    }
    if d.starts_with(b"00") {
        return numbering::international_strictly_valid(&d[2..]);
    }
    let trunk =
        (d[0] == b'0' && d[1] != b'0') || (run.groups[0].1 == 1 && matches!(d[0], b'1' | b'8'));
    let valid = regions.national_valid(d);
    let bound = slash_phone_context(b, run.start);
    if trunk {
        valid || bound
    } else {
        valid && bound
    }
}

/// Whether the number at `..end` is written in thousands ("12 034 567", "920 033 272":
/// one to three digits, then groups of three, spaces between) and a word follows that
/// says what it counts ("… members", "… messages"): a lower-case word that is not one
/// of the words that may follow a phone (glue words, conjunctions: "… ou por e-mail").
/// Read only where a phone word further off would otherwise vouch for the number.
fn counted(b: &[u8], run: &Run, end: usize) -> bool {
    let thousands = run.ngroups >= 2
        && run.uniform_sep(b" ")
        && run.groups[0].1 <= 3
        && run.lens().skip(1).all(|l| l == 3);
    if !thousands || b.get(end) != Some(&b' ') {
        return false;
    }
    let ws = end + 1;
    let we = b[ws..]
        .iter()
        .position(|&c| !(c.is_ascii_alphabetic() || c >= 0x80))
        .map_or(b.len(), |p| ws + p);
    let word = &b[ws..we];
    !word.is_empty()
        && !word[0].is_ascii_uppercase()
        && !WORDS.glue.whole(word)
        && !WORDS.conjunction.whole(word)
}

/// Whether a digit run at `s` that a slash ends ("30/198-2109") has a phone word bound
/// to it or a contact-block label right before it, or opens a value of an SQL row's
/// phone column, so that the slash may be read as an area-code separator.
pub(super) fn slash_phone_context(b: &[u8], s: usize) -> bool {
    let start = if s > 0 && b[s - 1] == b'(' { s - 1 } else { s };
    labelled(b, start)
        || keyword_distance_before(b, start, KEYWORD_WINDOW, &WORDS.phone)
            .is_some_and(|p| glue_only(&b[start.saturating_sub(p)..start]))
        || around::sql_column_at(b, start)
}

/// Whether a contact-block label stands right before the digits at `s` (see
/// [`labelled`]): such digits are a phone even when another identifier's checksum
/// passes.
pub(super) fn phone_labelled(b: &[u8], s: usize) -> bool {
    labelled(b, s)
}

/// Whether a contact-block label and its `:` or `.` stand right before `start`
/// ("Direct: ", "Tel. kom. ", "Recepción: "), the label at the start of its line or
/// after `|`, `,` or `;` (a label inside a sentence is a word).
fn labelled(b: &[u8], start: usize) -> bool {
    let mut j = start;
    while j > 0 && b[j - 1] == b' ' {
        j -= 1;
    }
    if j == 0 || !matches!(b[j - 1], b':' | b'.') {
        return false;
    }
    j -= 1;
    // "Tel.: ", "Mob.: ": a dot before the colon; "Accueil : ": a space; "Mobile (late
    // arrival): ": a bracketed note without digits.
    if b[j] == b':' {
        while j > 0 && b[j - 1] == b' ' {
            j -= 1;
        }
        if let Some(open) = bracket_note_before(b, j) {
            j = open;
            while j > 0 && b[j - 1] == b' ' {
                j -= 1;
            }
        }
        if j > 0 && b[j - 1] == b'.' {
            j -= 1;
        }
    }
    // The label starts its line or follows `|`, `,`, `;`, a tab or a dash between
    // spaces ("Guest: Ann Lee — Mobile (late arrival): …"; the digit view folds `—` and
    // `–` to `-`).
    let line = b[..j]
        .iter()
        .rposition(|&c| matches!(c, b'\n' | b'|' | b',' | b';' | b'(' | b'\t'))
        .map_or(0, |p| p + 1);
    let line = b[line..j]
        .windows(3)
        .rposition(|w| w == b" - ")
        .map_or(line, |p| line + p + 3);
    let mut ls = line;
    while ls < j && b[ls] == b' ' {
        ls += 1;
    }
    ls < j && j - ls <= 24 && WORDS.label.whole(&b[ls..j])
}

/// The longest bracketed note (bytes) read between a label and its colon.
const LABEL_NOTE: usize = 32;

/// Where the `(` opens a bracketed note that closes right at `end` ("Mobile (late
/// arrival):", "Tel (nach 18 Uhr):"): no digit, no line break and no other bracket in
/// it, at most [`LABEL_NOTE`] bytes.
fn bracket_note_before(b: &[u8], end: usize) -> Option<usize> {
    if end == 0 || b[end - 1] != b')' {
        return None;
    }
    let from = (end - 1).saturating_sub(LABEL_NOTE);
    let open = b[from..end - 1].iter().rposition(|&c| c == b'(')? + from;
    b[open + 1..end - 1]
        .iter()
        .all(|&c| !c.is_ascii_digit() && !matches!(c, b'\n' | b'(' | b')'))
        .then_some(open)
}

/// How far (bytes) a phone word may end before the number ("Il numero di telefono
/// dell'ufficio è …", "Numéro de téléphone du client : …").
const KEYWORD_WINDOW: usize = 24;

/// How far (bytes) a phone word may end before the number when only glue words and
/// capitalised names stand between ("Contato de emergência: Nicolas Câmara, …").
const NAMED_WINDOW: usize = 56;

/// Whether `between` (the text from a word naming something else to the number)
/// holds a preposition that sends the number to that thing rather than naming it
/// ("account to", "Konto auf", "compte par le", "cuenta al", "account naar", "conta
/// para"). Not "with"/"con": "Chiama la funzione con …" names an argument.
fn redirected(between: &[u8]) -> bool {
    between
        .split(|c| !c.is_ascii_alphabetic())
        .any(|w| WORDS.redirect.whole(w))
}

/// Whether `between` (the text from a phone word's end to its number) holds only
/// [`words::GLUE_WORDS`], other phone words and punctuation.
fn glue_only(between: &[u8]) -> bool {
    let Ok(between) = std::str::from_utf8(between) else {
        return false;
    };
    between
        .split(|c: char| {
            c.is_whitespace()
                || matches!(
                    c,
                    ':' | ','
                        | '-'
                        | '('
                        | ')'
                        | '\''
                        | '’'
                        | '.'
                        | '/'
                        | '|'
                        | '"'
                        | '#'
                        | '?'
                        | '!'
                        | '='
                )
        })
        .filter(|w| !w.is_empty())
        .all(|w| {
            // A capitalised word is a name or a place ("Emergency contact: Glenn
            // Johnson, (110) 412-8381", "call Anna at …"): whose number it is.
            let named = w.chars().next().is_some_and(char::is_uppercase)
                && w.chars().all(char::is_alphabetic);
            let w = w.as_bytes();
            named || WORDS.glue.whole(w) || WORDS.phone.whole(w) || WORDS.number.whole(w)
        })
}

/// Rule of a phone whose phone word stands further off, other words between ("call
/// at offset …"): the number must be valid in a default region, as without a word.
pub(super) const KEYWORD_FAR_RULE: &str = "pii.phone.keyword.far";

/// Rule of a number written in NANP grouping ("148-660-3263", "(973) 022-6320") whose
/// area or exchange code no plan issues: kept when its length is possible in a default
/// region, as for a phone word.
pub(super) const NANP_SHAPE_RULE: &str = "pii.phone.nanp.shape";

/// Rule of a phone found by a phone word before (or after) it.
pub(super) const KEYWORD_RULE: &str = "pii.phone.keyword";

/// Fewest digits a keyword phone needs to be checked for a possible length only;
/// shorter ones must be valid in a default region.
pub(super) const KEYWORD_MIN_UNVALIDATED: usize = 8;

/// Whether an arithmetic operator stands right before or after `start..end` ("What
/// is 123456789 * 4821?", "= 5551234567"): numbers in sums are no one's phone.
pub(in crate::detect::pii) fn arithmetic_around(b: &[u8], start: usize, end: usize) -> bool {
    let op = |c: u8| matches!(c, b'*' | b'/' | b'=' | b'^' | b'<' | b'>');
    let mut i = start;
    while i > 0 && b[i - 1] == b' ' && start - i < 2 {
        i -= 1;
    }
    // `+`, `-` and `x` are operators only between numbers ("12 - 3456789"); alone they
    // are a calling code, a dash after "Tel" or an extension.
    let digit_before = |k: usize| {
        let k = if k > 0 && b[k - 1] == b' ' { k - 1 } else { k };
        k > 0 && b[k - 1].is_ascii_digit()
    };
    let before = i > 0
        && (op(b[i - 1])
            || (i < start && matches!(b[i - 1], b'+' | b'-' | b'x') && digit_before(i - 1))
            || b[..i].ends_with("×".as_bytes()));
    let mut j = end;
    while j < b.len() && b[j] == b' ' && j - end < 2 {
        j += 1;
    }
    let digit_after = |k: usize| {
        let k = if b.get(k) == Some(&b' ') { k + 1 } else { k };
        b.get(k).is_some_and(u8::is_ascii_digit)
    };
    let after = j < b.len()
        && (op(b[j])
            || (j > end && matches!(b[j], b'+' | b'-') && digit_after(j + 1))
            || b[j..].starts_with("×".as_bytes()));
    before || after
}

/// Rule of a bare trunk-0 national number ("0430774717"): kept only when fully valid
/// in a default region.
pub(super) const BARE_RULE: &str = "pii.phone.national.bare";

/// Rule of a phone that only counts next to an e-mail address (checked in [`scan`]).
pub(super) const CONTACT_RULE: &str = "pii.phone.contact";

/// How far (bytes) an e-mail may be from a contact-rule phone.
pub(super) const CONTACT_WINDOW: usize = 48;

/// Whether the digits after `skip` (the `00` prefix) are a country calling code and a
/// national number that country's numbering plan can issue (see [`numbering`]); a
/// `(0)` trunk group is ignored.
fn international(run: &Run, skip: usize) -> bool {
    // Rebuild the digits without a "(0)" trunk group.
    let mut digits = [0u8; MAX_DIGITS];
    let mut n = 0;
    let mut pos = 0;
    for (k, &(_, gl)) in run.groups[..run.ngroups].iter().enumerate() {
        let g = &run.digits[pos..pos + usize::from(gl)];
        pos += usize::from(gl);
        let trunk = k > 0 && g == b"0" && run.seps.get(k - 1) == Some(&b'p');
        if !trunk {
            for &c in g {
                if n < MAX_DIGITS {
                    digits[n] = c;
                    n += 1;
                }
            }
        }
    }
    n > skip && numbering::international_valid(&digits[skip..n])
}
