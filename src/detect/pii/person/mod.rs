//! PERSON: names of people in en, pl, de, fr, es, it, nl and pt text.
//!
//! A name has no checksum, so this pass weighs evidence instead of validating. It
//! visits runs of capitalised words (one space apart, lower-case particles such as
//! "van der" or "da" inside, a leading unlisted word such as "Patient" or "Meeting"
//! before a listed first name left out as context) and reports a run when
//!
//! - **listed**: two words or more, the first a listed first name that is not also a
//!   common word, the last a listed surname or ending like one ("-ski", "-mann",
//!   "-ez", "-ová", …): "Karen Russell", "Pia Gude", "Jan van der Berg". A first
//!   name that is also a word ("Victoria", "Jade") counts before a listed surname
//!   that is not, except at a sentence start ("Victoria Dunn" mid-sentence, not
//!   "Victoria Station" or "Will Smith opened…");
//! - **honorific**: a title stands before it ("Dr. Smith", "Herr Müller",
//!   "pan Maciej Powązka", "Sig.ra Rossi", "Mevr. de Vries", "Dipl.-Ing. Ute …");
//! - **context**: an introduction, salutation or signature stands before two words
//!   or more, listed or not ("my name is", "nazywam się", "Dear", "Hallo",
//!   "Estimado", alone on the line after "Regards," or "Pozdrawiam,"), or before
//!   one listed word ("Dear Grace"); a form label, role or mail header ("full name",
//!   "patient", "Kunde", "intestatario", "From:", "Von:") stands before a run with a
//!   listed word or with contact details after it ("From: Upasna Subramaniam
//!   <upasna@…>");
//! - **contact**: validated contact details (e-mail, phone, SSN, PESEL) follow
//!   within a few bytes and the run has a listed word or a surname ending
//!   ("Anna Kowalska (anna@…)", "Ove Malm (…@…)").
//!
//! The name lists (`rules/pii/names/`, from Faker's locales, MIT) are one piece of
//! evidence among several, never enough alone for one word: a list also holds names
//! that are common words ("May", "Will", "Grace", "Rose", "Paris", "Mercedes"), which
//! count only with context. Runs stop at function words, days, months, imperative
//! verbs that start prompts, and words that make a run an organisation or a place
//! ("University", "Street", "GmbH"); runs of five or six words must be listed names
//! throughout and longer ones are titles or headings; words glued to `@`, `/`, `_` or
//! `.` belong to addresses and code.
//!
//! Names found this way also make the digits right after them a contact-block phone
//! (`scan::settle_contact_phones`), so this pass runs after the phones are validated
//! and before the contact phones are settled.
//!
//! # Default action
//!
//! PERSON defaults to [`super::PiiAction::Redact`], like the other personal data
//! types. A privacy team sending prompts to an external LLM treats a person's name as
//! a direct identifier (GDPR art. 4(1)): logging alone would let every customer,
//! patient and employee name reach the provider. Blocking would be wrong the other
//! way: names are everywhere in legitimate requests ("write to Dr. Stolze about the
//! appointment"), and a name detector, unlike a checksum, has false positives. A
//! redacted request still works (the model sees a placeholder, the answer keeps its
//! shape), so a false positive costs a word, not the request. Routes that need names
//! (a CRM assistant with a data processing agreement) set `pii.actions.PERSON =
//! "log"` or disable the type.
//!
//! # Cost
//!
//! One byte pass looking for capitalised word starts; per capitalised word one or two
//! lookups in hashed sets of the shipped lists (built once per process); context is
//! read only around runs. No allocation.

mod context;
mod words;

#[cfg(test)]
pub(super) mod tests;

use std::sync::LazyLock;

use super::scan::{Hit, word_before};
use crate::types::PiiType;
use context::{Around, Context, lower_honorific_before};
use words::{
    DOTTED_HONORIFICS, HONORIFIC_SET, NAMES, ORGANISATIONS, PARTICLES, STOP_SET, SURNAME_ENDINGS,
};

/// Rule of a name made of a listed first name and a listed or surname-shaped last word.
pub(super) const RULE_LISTED: &str = "pii.person.listed";
/// Rule of a name after a title.
pub(super) const RULE_HONORIFIC: &str = "pii.person.honorific";
/// Rule of a name after an introduction, salutation or label, or in a signature.
pub(super) const RULE_CONTEXT: &str = "pii.person.context";
/// Rule of a name followed by contact details.
pub(super) const RULE_CONTACT: &str = "pii.person.contact";

/// Longest run of capitalised words taken as one name ("Gracia María Del Carmen
/// Chaparro Carballo"; runs of five or six must be listed names throughout); longer
/// runs are titles and headings.
const MAX_NAME_WORDS: usize = 6;

/// How far (bytes) contact details may start after a name to count as its own
/// (", +33 …", " (anna@…)", " MBA., Tel. +49 …").
const CONTACT_WINDOW: usize = 16;

/// How far back (bytes) an introduction or salutation is looked for.
const CONTEXT_WINDOW: usize = 40;

/// A word: byte range in the text.
#[derive(Debug, Clone, Copy)]
struct Word {
    start: usize,
    end: usize,
}

/// Builds the shared tables now, so that no request pays for it.
pub(super) fn warm() {
    LazyLock::force(&NAMES);
    LazyLock::force(&STOP_SET);
    LazyLock::force(&HONORIFIC_SET);
    context::warm();
}

/// Finds names in `text` (the folded text) and pushes them to `hits`, whose hits of
/// other types (already validated) serve as contact evidence.
pub(super) fn scan(text: &str, hits: &mut Vec<Hit>) {
    let b = text.as_bytes();
    let names = &*NAMES;
    let contacts = hits.len();
    let mut i = 0;
    while let Some(first) = next_capitalised(text, i) {
        let mut ctx = Context::default();
        let mut words = [Word { start: 0, end: 0 }; MAX_NAME_WORDS + 1];
        let mut k = 0;
        let mut w = first;
        // The run's left edge for context: before its title, if it has one.
        let mut run_start = first.start;
        let mut organisation = false;
        loop {
            let s = &text[w.start..w.end];
            if is_honorific(s, b, w.end) && next_in_run(text, w.end, false).is_some() {
                // A title inside a run starts the name ("Patient Mr Arthur Day").
                ctx.honorific = true;
                run_start = w.start;
                k = 0;
            } else if STOP_SET.contains(s) || !(name_shaped(s) || (k > 0 && s == "Ó")) {
                // Irish "Ó" ("Felicity Ó Tarlaigh") is a one-letter name word.
                // "Foster Farms", "Beverly Hills Bakery": a company, not a person.
                // ("Juanito Company Zorrilla": a surname, with a name after it.)
                organisation =
                    k > 0 && ORGANISATIONS.contains(&s) && next_in_run(text, w.end, true).is_none();
                break;
            } else {
                if k == words.len() {
                    k += 1;
                    break;
                }
                words[k] = w;
                k += 1;
            }
            match next_in_run(text, w.end, k > 0) {
                Some(next) => w = next,
                None => break,
            }
        }
        i = w.end.max(first.end);
        if organisation {
            continue;
        }
        if k > MAX_NAME_WORDS {
            // Skip the rest of an over-long run, so its tail is not a run of its own.
            while let Some(next) = next_in_run(text, i, true) {
                i = next.end;
            }
            continue;
        }
        let mut words = &words[..k];
        // A capitalised word that no list knows, before a listed first name, is
        // context, not name: "Patient Rebecca Jones", "Meeting Kevin Smith"; unless a
        // phrase before the whole run puts a person there ("Best,⏎Panya Njoroge",
        // "Demande à Zuhri Kimani": Njoroge and Kimani are first names too).
        let whole_placed = words.len() >= 2
            && !ctx.honorific
            && !names.is_listed(word(text, &words[0]))
            && names.is_first(word(text, &words[1]))
            && {
                let end = words[words.len() - 1].end;
                let full = Around::new(b, run_start, end, &hits[..contacts]);
                full.introduced() || (words.len() <= 4 && full.governed())
            };
        while words.len() >= 2
            && !ctx.honorific
            && !whole_placed
            && !names.is_listed(word(text, &words[0]))
            && names.is_first(word(text, &words[1]))
        {
            words = &words[1..];
            run_start = words[0].start;
        }
        if words.is_empty() {
            continue;
        }
        let start = words[0].start;
        let end = words[words.len() - 1].end;
        if glued(b, start, end) {
            continue;
        }
        if !ctx.honorific {
            ctx.honorific = lower_honorific_before(b, run_start);
        }
        let around = Around::new(b, run_start, end, &hits[..contacts]);
        if let Some(rule) = decide(text, words, ctx.honorific, &around, names) {
            hits.push(Hit {
                ty: PiiType::Person,
                rule,
                start,
                end,
            });
        }
    }
}

fn word<'t>(text: &'t str, w: &Word) -> &'t str {
    &text[w.start..w.end]
}

/// Weighs the evidence for a run of `words`; the rule that accepts it, if any.
fn decide(
    text: &str,
    words: &[Word],
    honorific: bool,
    ctx: &Around<'_>,
    names: &words::Names,
) -> Option<&'static str> {
    let first = word(text, &words[0]);
    let last = word(text, &words[words.len() - 1]);
    let is_first = names.is_first(first);
    let common_first = names.is_common(first);
    let plain_first = is_first && !common_first;
    let last_listed = names.is_last(last);
    let listed_any = words.iter().any(|w| names.is_listed(word(text, w)));
    if honorific {
        return Some(RULE_HONORIFIC);
    }
    if words.len() >= 2 {
        // Five or six words ("Gracia María Del Carmen Chaparro Carballo") only when
        // every one is a listed name: longer capitalised runs are titles.
        if words.len() > 4 && !words.iter().all(|w| names.is_listed(word(text, w))) {
            return None;
        }
        if plain_first && (last_listed || surname_shaped(last)) {
            return Some(RULE_LISTED);
        }
        // "Victoria Dunn", "Jade Evans": a first name that is also a word, then a
        // listed surname that is not, in the middle of a sentence.
        if is_first && last_listed && !names.is_common(last) && !ctx.sentence_start() {
            return Some(RULE_LISTED);
        }
        if ctx.introduced() {
            return Some(RULE_CONTEXT);
        }
        // "Forward this thread to Devansh Vohra", "Yesterday Harish Sachar told me":
        // no list needed for a short run in a person's place.
        if words.len() <= 4 && ctx.governed() {
            return Some(RULE_CONTEXT);
        }
        if ctx.labelled() && (listed_any || ctx.contact() || ctx.contact_block_phone()) {
            return Some(RULE_CONTEXT);
        }
        if (listed_any || (words.len() <= 3 && surname_shaped(last))) && ctx.contact() {
            return Some(RULE_CONTACT);
        }
        return None;
    }
    // One word: never on list membership alone.
    if !listed_any {
        return None;
    }
    if ctx.introduced() {
        return Some(RULE_CONTEXT);
    }
    if (plain_first || (last_listed && !names.is_common(last))) && ctx.labelled() {
        return Some(RULE_CONTEXT);
    }
    if plain_first && ctx.contact() {
        return Some(RULE_CONTACT);
    }
    None
}

/// The next capitalised word starting at or after `i` that is not glued to a letter
/// or digit before it.
fn next_capitalised(text: &str, mut i: usize) -> Option<Word> {
    let b = text.as_bytes();
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_uppercase() {
            if !word_before(b, i) {
                return Some(Word {
                    start: i,
                    end: word_end(text, i),
                });
            }
            i += 1;
        } else if c >= 0xC0 {
            let ch = text.get(i..).and_then(|t| t.chars().next());
            match ch {
                Some(ch) if ch.is_uppercase() && !word_before(b, i) => {
                    return Some(Word {
                        start: i,
                        end: word_end(text, i),
                    });
                }
                Some(ch) => i += ch.len_utf8(),
                None => i += 1,
            }
        } else {
            i += 1;
        }
    }
    None
}

/// End of the word starting at `i`: letters, and `-`, `'` or `’` between letters; a
/// possessive `'s` is left out.
fn word_end(text: &str, i: usize) -> usize {
    let b = text.as_bytes();
    let mut j = i;
    loop {
        let Some(ch) = text.get(j..).and_then(|t| t.chars().next()) else {
            return j;
        };
        if ch.is_alphabetic() {
            j += ch.len_utf8();
            continue;
        }
        if matches!(ch, '-' | '\'' | '’') {
            let after = j + ch.len_utf8();
            let next = text.get(after..).and_then(|t| t.chars().next());
            if next.is_some_and(char::is_alphabetic) {
                let possessive = ch != '-'
                    && matches!(b.get(after), Some(b's'))
                    && !text
                        .get(after + 1..)
                        .and_then(|t| t.chars().next())
                        .is_some_and(char::is_alphabetic);
                if possessive {
                    return j;
                }
                j = after;
                continue;
            }
        }
        return j;
    }
}

/// The next word of a run after a word ending at `end`: one space (or, after a title,
/// its `.`, `-` and one space), optional particles, then a capitalised word.
fn next_in_run(text: &str, end: usize, named: bool) -> Option<Word> {
    let b = text.as_bytes();
    let mut j = end;
    if !named {
        // After a title: "Dr. ", "Dipl.-Ing. ", "Sig.ra ".
        while j < b.len() && j - end < 3 && matches!(b[j], b'.' | b'-') {
            j += 1;
        }
        if b[end..j].first() == Some(&b'.') {
            for suffix in [&b"ra"[..], b"na", b"ssa"] {
                if b[j..].starts_with(suffix) && b.get(j + suffix.len()) == Some(&b' ') {
                    j += suffix.len();
                }
            }
        }
        if j > end && b[j - 1] == b'-' {
            return next_capitalised_at(text, j);
        }
    }
    if b.get(j) != Some(&b' ') {
        return None;
    }
    j += 1;
    if named {
        // Particles: "van der", "de la", "da".
        let mut p = j;
        for _ in 0..2 {
            let we = b[p..]
                .iter()
                .position(|c| !c.is_ascii_lowercase())
                .map_or(b.len(), |x| p + x);
            if we > p && b.get(we) == Some(&b' ') && PARTICLES.contains(&&text[p..we]) {
                p = we + 1;
                if b.get(p).is_some_and(u8::is_ascii_uppercase)
                    || b.get(p).is_some_and(|&c| c >= 0xC0)
                {
                    j = p;
                    break;
                }
            } else {
                break;
            }
        }
    }
    next_capitalised_at(text, j)
}

/// The capitalised word starting exactly at `j`, if there is one.
fn next_capitalised_at(text: &str, j: usize) -> Option<Word> {
    let ch = text.get(j..)?.chars().next()?;
    ch.is_uppercase().then(|| Word {
        start: j,
        end: word_end(text, j),
    })
}

/// Whether `s` (a capitalised word) is a title, given the byte after it.
fn is_honorific(s: &str, b: &[u8], end: usize) -> bool {
    if s.len() > MAX_HONORIFIC {
        return false;
    }
    let dot = b.get(end) == Some(&b'.');
    HONORIFIC_SET.contains(s) || (dot && DOTTED_HONORIFICS.contains(&s))
}

/// Longest title in [`words::HONORIFICS`] ("Mademoiselle"); longer words are not compared.
const MAX_HONORIFIC: usize = 12;

/// Whether `s` looks like a name word: two letters or more, capitalised, not all in
/// capitals (acronyms), capitals inside only after `-`, an apostrophe or a known
/// prefix ("McDonald", "DiCaprio", "O'Neil").
fn name_shaped(s: &str) -> bool {
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if !first.is_uppercase() {
        return false;
    }
    let mut prev = first;
    let mut seen = 1;
    let mut lower = false;
    for (idx, ch) in s.char_indices().skip(1) {
        seen += 1;
        if ch.is_lowercase() {
            lower = true;
        } else if ch.is_uppercase() {
            let prefix = &s[..idx];
            let ok = matches!(prev, '-' | '\'' | '’')
                || matches!(
                    prefix,
                    "Mc" | "Mac" | "Di" | "De" | "Da" | "La" | "Le" | "Van"
                );
            if !ok {
                return false;
            }
        }
        prev = ch;
    }
    seen >= 2 && lower
}

/// Whether `s` ends like a surname of one of the covered countries.
fn surname_shaped(s: &str) -> bool {
    s.len() >= 5 && SURNAME_ENDINGS.iter().any(|e| s.ends_with(e))
}

/// Whether the run `start..end` is glued to an address, path or identifier.
fn glued(b: &[u8], start: usize, end: usize) -> bool {
    let before = start.checked_sub(1).map(|i| b[i]);
    let before_attached = match before {
        Some(b'@' | b'/' | b'\\' | b'#' | b'$' | b'_' | b'=' | b'<' | b'{' | b'[' | b'&') => {
            // `<` and brackets open tags and placeholders; "John Smith <john@…>" has the
            // bracket after the name, not before.
            true
        }
        Some(b'.') => start >= 2 && b[start - 2].is_ascii_alphanumeric(),
        _ => false,
    };
    let after_attached = match b.get(end) {
        Some(b'@' | b'_' | b'/' | b'\\' | b'(' | b'=') => {
            // "Smith(" is a call; "Smith (" is a name with a note.
            true
        }
        Some(b'.') => b.get(end + 1).is_some_and(u8::is_ascii_alphanumeric),
        Some(c) => c.is_ascii_digit(),
        None => false,
    };
    before_attached || after_attached
}
