//! The context of a run of capitalised words: a title, an introduction or salutation,
//! a form label or mail header, a signature, contact details after it, a sentence
//! start. Read lazily: most runs are decided by their words alone.

use std::cell::Cell;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::LazyLock;

use super::super::scan::{Hit, PHONE_CONTACT_RULE, word_before};
use super::words::{
    self, ACTS, CLOSINGS, GOVERNING, HEADERS, INTRODUCTIONS, LABELS, LOWER_HONORIFICS,
};
use super::{CONTACT_WINDOW, CONTEXT_WINDOW};
use crate::types::PiiType;

/// What was found before a run while it was read.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Context {
    /// A title before the run ("Dr.", "Herr", "pan").
    pub(super) honorific: bool,
}

/// The context of a run, read only when a rule asks for it (most runs are decided by
/// their words alone) and at most once.
pub(super) struct Around<'a> {
    b: &'a [u8],
    run_start: usize,
    end: usize,
    /// Hits of the other types, validated.
    contacts: &'a [Hit],
    introduced: Cell<Option<bool>>,
    labelled: Cell<Option<bool>>,
    contact: Cell<Option<bool>>,
    governed: Cell<Option<bool>>,
}

impl<'a> Around<'a> {
    pub(super) fn new(b: &'a [u8], run_start: usize, end: usize, contacts: &'a [Hit]) -> Self {
        Around {
            b,
            run_start,
            end,
            contacts,
            introduced: Cell::new(None),
            labelled: Cell::new(None),
            contact: Cell::new(None),
            governed: Cell::new(None),
        }
    }

    fn memo(cell: &Cell<Option<bool>>, f: impl FnOnce() -> bool) -> bool {
        cell.get().unwrap_or_else(|| {
            let v = f();
            cell.set(Some(v));
            v
        })
    }

    /// An introduction or salutation before the run, or the run is a signature.
    pub(super) fn introduced(&self) -> bool {
        Self::memo(&self.introduced, || {
            before_phrase(self.b, self.run_start, &PHRASES.introductions)
                || signature(self.b, self.run_start, self.end)
        })
    }

    /// A form label or role before the run ("full name", "patient", "Kunde"), or a
    /// mail header word at the line start ("De:", "Von:").
    pub(super) fn labelled(&self) -> bool {
        Self::memo(&self.labelled, || {
            before_phrase(self.b, self.run_start, &PHRASES.labels)
                || header_before(self.b, self.run_start)
        })
    }

    /// The run is whom a message or task is for, or someone who speaks or acts: a
    /// governing phrase before it ("forward this thread to", "interview with") or
    /// an act after it ("told me", "hat gesagt", "m'a dit").
    pub(super) fn governed(&self) -> bool {
        Self::memo(&self.governed, || {
            before_phrase(self.b, self.run_start, &PHRASES.governing)
                || after_phrase(self.b, self.end, ACTS)
                || agent(self.b, self.run_start, self.end)
        })
    }

    /// Validated contact details right after the run.
    pub(super) fn contact(&self) -> bool {
        Self::memo(&self.contact, || {
            let (b, end) = (self.b, self.end);
            self.contacts.iter().any(|h| {
                matches!(
                    h.ty,
                    PiiType::Email | PiiType::Phone | PiiType::UsSsn | PiiType::PlPesel
                ) && h.rule != PHONE_CONTACT_RULE
                    && h.start >= end
                    && h.start - end <= CONTACT_WINDOW
                    && !b[end..h.start].contains(&b'\n')
            })
        })
    }

    /// A phone of a contact block (bare national digits, no phone word) right after
    /// the run: evidence only beside a label ("Kontakt awaryjny: Jūla Apsīte, 605 988
    /// 085"), where the name and the phone vouch for each other.
    pub(super) fn contact_block_phone(&self) -> bool {
        let (b, end) = (self.b, self.end);
        self.contacts.iter().any(|h| {
            h.ty == PiiType::Phone
                && h.rule == PHONE_CONTACT_RULE
                && h.start >= end
                && h.start - end <= 3
                && !b[end..h.start].contains(&b'\n')
        })
    }

    /// The run starts a sentence (its capital says nothing).
    pub(super) fn sentence_start(&self) -> bool {
        sentence_start(self.b, self.run_start)
    }
}

/// Phrases grouped by their last word, so that the context before a run is matched
/// against the few phrases ending with the word found there.
struct Phrases {
    introductions: PhraseIndex,
    labels: PhraseIndex,
    governing: PhraseIndex,
}

type PhraseIndex = HashMap<&'static [u8], Vec<&'static [u8]>, BuildHasherDefault<words::Fnv>>;

static PHRASES: LazyLock<Phrases> = LazyLock::new(|| Phrases {
    introductions: index_phrases(INTRODUCTIONS),
    labels: index_phrases(LABELS),
    governing: index_phrases(GOVERNING),
});

/// Builds the phrase index now, so that no request pays for it.
pub(super) fn warm() {
    LazyLock::force(&PHRASES);
}

fn index_phrases(list: &[&'static str]) -> PhraseIndex {
    let mut map = PhraseIndex::default();
    for p in list {
        let last = p.rsplit(' ').next().unwrap_or(p);
        map.entry(last.as_bytes()).or_default().push(p.as_bytes());
    }
    map
}

/// Whether a lower-case title ("pan", "sr.", "dhr.") stands right before `start`.
pub(super) fn lower_honorific_before(b: &[u8], start: usize) -> bool {
    let mut j = start;
    if j == 0 || b[j - 1] != b' ' {
        return false;
    }
    j -= 1;
    if j > 0 && b[j - 1] == b'.' {
        j -= 1;
    }
    let word_start = b[..j]
        .iter()
        .rposition(|c| !(c.is_ascii_lowercase() || *c >= 0x80))
        .map_or(0, |p| p + 1);
    let word = std::str::from_utf8(&b[word_start..j]).unwrap_or("");
    !word.is_empty() && LOWER_HONORIFICS.contains(&word) && !word_before(b, word_start)
}

/// Whether one of `phrases` ends right before `start` (spaces, `:`, `,`, `-`, a
/// quote or a line break allowed between).
fn before_phrase(b: &[u8], start: usize, phrases: &PhraseIndex) -> bool {
    let from = start.saturating_sub(CONTEXT_WINDOW);
    let mut j = start;
    while j > from && matches!(b[j - 1], b' ' | b':' | b',' | b'"' | b'\'' | b'\n' | b'-') {
        j -= 1;
    }
    let hay = &b[from..j];
    // The last word, lower-cased (ASCII) into a buffer: the key of its phrases.
    let word_start = hay
        .iter()
        .rposition(|&c| matches!(c, b' ' | b'\n' | b'\t' | b'(' | b'"' | b'.' | b','))
        .map_or(0, |p| p + 1);
    let word = &hay[word_start..];
    let mut buf = [0u8; 32];
    if word.is_empty() || word.len() > buf.len() {
        return false;
    }
    for (o, c) in buf.iter_mut().zip(word) {
        *o = c.to_ascii_lowercase();
    }
    phrases
        .get(&buf[..word.len()])
        .is_some_and(|ps| ps.iter().any(|p| ends_with_phrase(hay, p)))
}

/// Whether one of `phrases` starts right after `end` (one space between), ASCII case
/// ignored, and ends at a word end.
fn after_phrase(b: &[u8], end: usize, phrases: &[&str]) -> bool {
    if b.get(end) != Some(&b' ') {
        return false;
    }
    let rest = &b[end + 1..];
    phrases.iter().any(|p| {
        let p = p.as_bytes();
        rest.len() >= p.len()
            && rest[..p.len()]
                .iter()
                .zip(p)
                .all(|(a, b)| a.to_ascii_lowercase() == *b)
            && !rest
                .get(p.len())
                .is_some_and(|&c| c.is_ascii_alphanumeric() || c >= 0x80)
    })
}

/// Whether the run is the agent of a passive or past-tense verb: "approved by",
/// "signed by", "validée par", "redactada por", "redatto da", "opgesteld door",
/// "aprovado por", "zatwierdził(a) …", and German "von … freigegeben". Read from
/// the words' endings (participles), not listed phrase by phrase: the verbs vary,
/// the grammar does not.
fn agent(b: &[u8], run_start: usize, end: usize) -> bool {
    let (w1, at) = word_back(b, run_start);
    if w1.is_empty() {
        return false;
    }
    let (w2, _) = word_back(b, at);
    let ends = |w: &[u8], list: &[&str]| {
        list.iter()
            .any(|e| w.len() > e.len() + 2 && w.ends_with(e.as_bytes()))
    };
    match w1 {
        b"by" => {
            ends(w2, &["ed"])
                || [
                    &b"written"[..],
                    b"taken",
                    b"sent",
                    b"made",
                    b"given",
                    b"done",
                    b"seen",
                ]
                .contains(&w2)
        }
        b"par" => ends(w2, &["é", "ée", "és", "ées", "it", "ite"]),
        b"por" => ends(
            w2,
            &[
                "ado", "ada", "ados", "adas", "ido", "ida", "idos", "idas", "ito", "ita", "cho",
                "cha",
            ],
        ),
        b"da" => ends(
            w2,
            &[
                "ato", "ata", "ati", "ate", "uto", "uta", "ito", "ita", "tto", "tta",
            ],
        ),
        b"door" => {
            let ge = w2.windows(2).any(|p| p == b"ge");
            ge && ends(w2, &["d", "t", "en"])
        }
        b"von" => {
            // "von X geprüft", "von X freigegeben": the participle closes the clause.
            let rest = b.get(end..).unwrap_or_default();
            let Some(rest) = rest.strip_prefix(b" ") else {
                return false;
            };
            let n = rest
                .iter()
                .position(|&c| !(c.is_ascii_lowercase() || c >= 0x80))
                .unwrap_or(rest.len());
            let word = &rest[..n];
            let closes = rest
                .get(n)
                .is_none_or(|c| matches!(c, b'.' | b',' | b'!' | b'?' | b'\n'));
            closes && word.windows(2).any(|p| p == b"ge") && ends(word, &["t", "en"])
        }
        // Polish past tense, third person: "zatwierdził(a)", "sporządziła".
        _ => {
            ends(w1, &["ł", "ła", "ł(a)"])
                && w1
                    .iter()
                    .all(|&c| c.is_ascii_lowercase() || c >= 0x80 || c == b'(' || c == b')')
        }
    }
}

/// The lower-case word ending before `at` (spaces skipped) and where it starts; empty
/// when the word before has a capital or is not a word.
fn word_back(b: &[u8], at: usize) -> (&[u8], usize) {
    let mut j = at;
    while j > 0 && b[j - 1] == b' ' {
        j -= 1;
    }
    let s = b[..j]
        .iter()
        .rposition(|&c| matches!(c, b' ' | b'\n' | b'\t' | b',' | b'.' | b':' | b';' | b'"'))
        .map_or(0, |p| p + 1);
    let w = &b[s..j];
    if w.first().is_some_and(u8::is_ascii_uppercase) {
        return (&[], s);
    }
    (w, s)
}

/// Whether a mail header word and `:` stand at the line start before `start`
/// ("De: ", "Von: ", "From:\t").
fn header_before(b: &[u8], start: usize) -> bool {
    let mut j = start;
    while j > 0 && matches!(b[j - 1], b' ' | b'\t') {
        j -= 1;
    }
    if j == 0 || b[j - 1] != b':' {
        return false;
    }
    let colon = j - 1;
    let line_start = b[..colon]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |p| p + 1);
    // French typography puts a space before the colon ("De : ").
    let mut word_end = colon;
    while word_end > line_start && b[word_end - 1] == b' ' {
        word_end -= 1;
    }
    let word = &b[line_start..word_end];
    HEADERS
        .iter()
        .any(|h| word.eq_ignore_ascii_case(h.as_bytes()))
}

/// Whether `start` begins a sentence: nothing before it but spaces, quotes and
/// brackets since the text start or a `.`, `!`, `?` or line break.
fn sentence_start(b: &[u8], start: usize) -> bool {
    let mut j = start;
    while j > 0 && matches!(b[j - 1], b' ' | b'"' | b'\'' | b'(' | b'*' | b'-') {
        j -= 1;
    }
    j == 0 || matches!(b[j - 1], b'.' | b'!' | b'?' | b'\n' | b'\r')
}

/// Whether `hay` ends with `phrase` (lower-case), ASCII case ignored, at a word start.
fn ends_with_phrase(hay: &[u8], p: &[u8]) -> bool {
    if hay.len() < p.len() {
        return false;
    }
    let at = hay.len() - p.len();
    hay[at..]
        .iter()
        .zip(p)
        .all(|(a, b)| a.to_ascii_lowercase() == *b)
        && (at == 0 || !(hay[at - 1].is_ascii_alphanumeric() || hay[at - 1] >= 0x80))
}

/// Whether the run `start..end` is a signature: alone on its line, the line before
/// ending with a closing phrase ("Regards,", "Mit freundlichen Grüßen").
fn signature(b: &[u8], start: usize, end: usize) -> bool {
    let mut j = start;
    while j > 0 && b[j - 1] == b' ' {
        j -= 1;
    }
    if j == 0 || b[j - 1] != b'\n' {
        return false;
    }
    let mut k = end;
    while k < b.len() && matches!(b[k], b' ' | b',' | b'.') {
        k += 1;
    }
    if k < b.len() && b[k] != b'\n' && b[k] != b'\r' {
        return false;
    }
    let mut e = j - 1;
    while e > 0 && matches!(b[e - 1], b' ' | b',' | b'!' | b'.' | b'\r' | b'\n' | b'-') {
        e -= 1;
    }
    let line_start = b[..e]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |p| p + 1);
    let line = &b[line_start..e];
    line.len() <= 48
        && CLOSINGS
            .iter()
            .any(|p| ends_with_phrase(line, p.as_bytes()))
}
