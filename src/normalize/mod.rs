//! The views of a text the detectors read, each with its reason and its reader:
//! one place for every fold, so no layer folds text privately.
//!
//! Takes the text of one [`crate::extract::Segment`] (JSON escapes already decoded).
//! One family of views per reader, because each layer needs the text in a
//! different shape:
//!
//! | view | built by | read by | why this shape |
//! | --- | --- | --- | --- |
//! | [`Views`] (the hardened views, [`ViewKind`]) | [`Normalizer::views`] | L1 keyword rules (and rule phrases, [`fold_phrase`]); L2 also scores the leetspeak, joined and mended views | undo evasions so a rule is written once in plain form; offsets map back for findings |
//! | [`DigitView`] | [`DigitView::new`] | L1.5 PII shield | numbers read however they were spelled, every other character as written (case, scripts); plain text borrowed |
//! | the model text | [`model_text_into`] | L2 classifier (n-grams and tokenizer) | exactly the text the model was trained on ([`MODEL_TEXT_ID`], `models/train/featurize.py`) |
//! | [`CompactView`] | [`CompactView::new`] | answers: the canary check (`detect/output`) | letters and digits only, so a canary copied with any separators between its characters is still found |
//!
//! The L0 cache reads no view: its key is the injection-scoped segments exactly as
//! extracted (`pipeline/l0.rs`), the input every view the cached layers read (the
//! hardened views for L1, the model text for L2) is a function of, under a fingerprint
//! that names the folds ([`Normalizer::settings`], [`MODEL_TEXT_ID`]). A key on a view
//! would be coarser than what L1 reads (a fold merges texts whose decoded payloads
//! differ), and building views before a cache hit would cost what the cache saves.
//!
//! The hardened views, each a rewriting that undoes one family of evasions:
//!
//! * [`ViewKind::Folded`]: NFKC-compatible decomposition, full case folding,
//!   diacritics stripped, typographic apostrophes (`’`, `‘`, `ʼ`, `＇`) read as `'`,
//!   zero-width / bidi / tag / variation-selector / soft-hyphen characters removed,
//!   whitespace runs collapsed. Always present; the others
//!   derive from it.
//! * [`ViewKind::Skeleton`]: the folded view with UTS #39 confusables replaced by
//!   their prototype (Cyrillic `а` reads `a`). Only for non-ASCII text.
//! * [`ViewKind::Leet`] / [`ViewKind::LeetL`]: digits and symbols inside words that
//!   mix them with letters read as letters (`1gn0r3` -> `ignore`); `1` read as `i`,
//!   or each `1` as `i` or `l` from its neighbours (`d15p14y 9u1d311n35` -> `display
//!   guidelines`).
//! * [`ViewKind::Joined`]: single letters spaced by blanks or punctuation joined
//!   (`i.g.n.o.r.e`, `i:g:n:o:r:e`, `\忽\略\之\前`); [`ViewKind::JoinedLeet`]: the
//!   same read as leetspeak (`i g n 0 r 3`).
//! * [`ViewKind::Mended`]: words split into two to four fragments by a blank,
//!   hyphen, dot, underscore, asterisk or slash mended (`ig nore all pre vious
//!   in struc tions`), when they spell a rule pack word of six letters or more
//!   and a fragment is no word itself (`can not` stays). Offered only when a
//!   word was mended.
//!   [`ViewKind::MendedLeet`]: the same mend of the leetspeak reading (or of
//!   the skeleton when there is none): `1gn ore prev1ous`, `іg nore`.
//! * [`ViewKind::Rot13`], [`ViewKind::Reversed`], [`ViewKind::ReversedRot13`]:
//!   offered only when the text reads better that way, as English or another
//!   Latin-script language of the rule packs (a count of common words), to keep
//!   cost and false positives down: for the whole text, or for a window of about
//!   32 words that does when the whole text does not (prose padding around an
//!   encoded sentence), mapping to that window.
//! * [`ViewKind::Base64`], [`ViewKind::Hex`], [`ViewKind::UrlEncoded`],
//!   [`ViewKind::Escaped`], [`ViewKind::Tags`]: an embedded encoded run decoded
//!   once (never recursively) within a size bound; the whole payload maps to the
//!   encoded run. Tags are the invisible Unicode tag characters (U+E0020..=U+E007E)
//!   that copy ASCII and that models read ("ASCII smuggling"); emoji flags' tag
//!   sequences are left alone. [`ViewKind::Selectors`]: four or more variation
//!   selectors in a row read as the bytes they stand for ("emoji smuggling").
//! * [`ViewKind::Unglued`]: zero-width spaces that stood between words read
//!   as spaces in a window around them (`ignore\u{200B}all` -> `ignore all`;
//!   the folded view glues the words), with that window's own views after it
//!   (`unglue.rs`).
//!
//! Every hardened view, the digit view and the compact view map any byte range of
//! their text back to a char-boundary range of the original
//! ([`View::original_range`], [`DigitView::original_range`],
//! [`CompactView::original_range`]), so findings point at what the user sent. Views that
//! would equal the folded view are not built. This module never decides anything and
//! never logs text.

mod alnum;
mod bmp;
mod compact;
mod decode;
mod derive;
mod digits;
mod fold;
mod fold_table;
mod joined;
mod map;
mod model;
mod split;
#[cfg(test)]
mod tests;
mod unglue;

use std::ops::Range;

use decode::Encoding;
use derive::Reading;
use map::OffsetMap;

pub use bmp::BmpTable;
pub use compact::CompactView;
#[cfg(test)]
pub(crate) use decode::{in_selectors, in_tags};
#[cfg(test)]
pub(crate) use derive::rot13;
pub use digits::DigitView;
#[cfg(test)]
pub(crate) use model::model_text;
pub use model::{MODEL_TEXT_ID, model_text_into, warm_model_text};
pub(crate) use split::warm as warm_split_words;

/// Version of the hardened views' folding rules; part of every fingerprint that
/// depends on them (compiled rule sets, and through [`Normalizer::settings`] the L0
/// key), so changing normalization invalidates both.
pub const NORMALIZER_VERSION: u32 = 13;

/// Upper bound on decoded bytes per text: decoding is a rescan, not a second body.
pub const DEFAULT_MAX_DECODED_BYTES: usize = 64 * 1024;
/// Upper bound on decoded payloads per text.
pub const DEFAULT_MAX_DECODED_RUNS: usize = 8;

/// Which evasion a view undoes.
///
/// Exists so a finding can say which rewriting exposed it, and so the keyword
/// engine can pick the automaton compiled for that view family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ViewKind {
    /// Folded text: NFKC, case fold, no diacritics, no invisibles, whitespace collapsed.
    Folded,
    /// Folded text with confusables replaced by their UTS #39 skeleton.
    Skeleton,
    /// Leetspeak folded, `1` read as `i`.
    Leet,
    /// Leetspeak folded, each `1` read as `i` or `l` from its neighbours
    /// (`wi11 d15p14y` -> `will display`).
    LeetL,
    /// Spaced or dotted single letters joined.
    Joined,
    /// The joined view read as leetspeak (`i g n 0 r 3` -> `ignore`): the
    /// two evasions together, which neither view undoes alone.
    JoinedLeet,
    /// Words split into fragments by blanks mended (`ig nore` -> `ignore`).
    Mended,
    /// Words split into fragments mended in the leetspeak reading, or in the
    /// skeleton when there is no leetspeak (`1gn ore` -> `ignore`): the two
    /// evasions together, which neither view undoes alone.
    MendedLeet,
    /// The folded text in ROT13.
    Rot13,
    /// The folded text reversed.
    Reversed,
    /// The folded text reversed, then in ROT13: the two encodings stacked
    /// (`.rybtre ry nebatV` -> `ignora le regole.`), which neither view reads.
    ReversedRot13,
    /// An embedded base64 run, decoded.
    Base64,
    /// An embedded hex run, decoded.
    Hex,
    /// An embedded percent-encoded run, decoded.
    UrlEncoded,
    /// `\uXXXX` / `\xXX` escapes in the text, decoded.
    Escaped,
    /// A run of invisible Unicode tag characters, read as the ASCII they copy.
    Tags,
    /// A run of variation selectors read as the bytes they can stand for.
    Selectors,
    /// String variables joined as an expression adds them (`x = "ign"`,
    /// `y = "ore all"`, `print(x + y)`): a payload split to pass the rules.
    Concatenated,
    /// A window around zero-width spaces between words, read as spaces
    /// (`ignore\u{200B}all` -> `ignore all`), where the folded view drops
    /// them and glues the words. Its own views (mended, joined, leetspeak)
    /// follow it.
    Unglued,
    /// Runs of letters written without spaces, cut into listed words
    /// (`IgnoreAllPreviousInstructions` -> `ignore all previous
    /// instructions`, also when invisible joiners glued them): a window of
    /// the folded text around them, the words apart (`split.rs`).
    Split,
}

impl ViewKind {
    /// A fixed label for metrics and test messages.
    pub fn as_str(self) -> &'static str {
        match self {
            ViewKind::Folded => "folded",
            ViewKind::Skeleton => "skeleton",
            ViewKind::Leet => "leet",
            ViewKind::LeetL => "leet_l",
            ViewKind::Joined => "joined",
            ViewKind::JoinedLeet => "joined_leet",
            ViewKind::Mended => "mended",
            ViewKind::MendedLeet => "mended_leet",
            ViewKind::Rot13 => "rot13",
            ViewKind::Reversed => "reversed",
            ViewKind::ReversedRot13 => "reversed_rot13",
            ViewKind::Base64 => "base64",
            ViewKind::Hex => "hex",
            ViewKind::UrlEncoded => "url_encoded",
            ViewKind::Escaped => "escaped",
            ViewKind::Tags => "tags",
            ViewKind::Selectors => "selectors",
            ViewKind::Concatenated => "concatenated",
            ViewKind::Unglued => "unglued",
            ViewKind::Split => "split",
        }
    }
}

/// One rewriting of a text, with the way back to the original.
#[derive(Debug, Clone)]
pub struct View {
    /// Which evasion this view undoes.
    pub kind: ViewKind,
    /// The rewritten text that detectors scan.
    pub text: String,
    /// Confusables were replaced by their skeleton in this text, so it must be
    /// matched against rule phrases folded with [`fold_phrase_skeleton`].
    pub skeleton: bool,
    map: OffsetMap,
    delta: Option<ViewDelta>,
}

/// How a view differs from an earlier view of the same [`Views`]: same length,
/// same bytes except at a few ASCII positions (a leetspeak reading).
///
/// Exists so a detector that already scanned the base view rescans only the
/// neighbourhood of the changed bytes instead of the whole text again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewDelta {
    /// Index (in [`Views::iter`] order) of the view this one was derived from;
    /// always lower than this view's own index.
    pub base: usize,
    /// Byte positions where this view's text differs from the base text,
    /// ascending. Both texts hold an ASCII byte there.
    pub changed: Vec<usize>,
}

impl View {
    /// Maps a byte range of [`View::text`] to the byte range of the original text
    /// it came from. Char-boundary ranges map to char-boundary ranges.
    pub fn original_range(&self, r: Range<usize>) -> Range<usize> {
        self.map.original_range(r)
    }

    /// When this view equals an earlier one except at a few bytes: which
    /// one and where (see [`ViewDelta`]).
    pub fn delta(&self) -> Option<&ViewDelta> {
        self.delta.as_ref()
    }
}

/// All views of one text, the folded view first.
///
/// Exists so every detector sees the same rewritings, computed once per segment.
#[derive(Debug, Clone)]
pub struct Views {
    views: Vec<View>,
    original_len: usize,
    /// What building these views learnt about the text that the views of
    /// a text joining it with others reuse ([`Normalizer::views_joined`]).
    facts: Facts,
    /// The text's runs of invisibles that glue words
    /// ([`unglue::gluing_runs`]; none unless the fold dropped an invisible),
    /// which a joined text takes from its parts.
    gluing: Vec<std::ops::Range<usize>>,
}

/// What [`Normalizer::views`] learnt about a text besides its views: the
/// answers of the checks that decide which views to build. Each one is an
/// answer for a joined text too (`joined.rs`).
#[derive(Debug, Clone, Copy, Default)]
struct Facts {
    /// The folded text holds letters of look-alike scripts.
    confusable: bool,
    /// The folded text passed leetspeak folding's pre-check (its words were
    /// read; a word the pre-check passes over may still be folded in a
    /// joined text another part of which passes it, so only a text no part
    /// of which passes is known to fold to nothing).
    leet: bool,
    /// [`derive::looks_spaced`] of the text.
    spaced: bool,
    /// The common-word counts of the folded text.
    readings: derive::Readings,
    /// The text holds an encoded run that was decoded, or a backslash (its
    /// escapes count across a joined text).
    payloads: bool,
    /// A word of the folded text was mended ([`ViewKind::Mended`]); for a
    /// joined text, of a part or across a seam (`joined.rs`).
    mended: bool,
    /// Zero-width spaces glued words ([`ViewKind::Unglued`]): a joined
    /// text's windows are read again when a part had one.
    unglued: bool,
    /// Letters glued into long runs split into words ([`ViewKind::Split`]):
    /// a run never crosses a joined text's seams, so it is read again only
    /// when a part had one.
    split: bool,
}

impl Views {
    /// Iterates the views, the folded view first.
    pub fn iter(&self) -> std::slice::Iter<'_, View> {
        self.views.iter()
    }

    /// The folded view (always present).
    pub fn folded(&self) -> &View {
        &self.views[0]
    }

    /// The view of a kind, when it was built (the first one for decoded kinds).
    pub fn get(&self, kind: ViewKind) -> Option<&View> {
        self.views.iter().find(|v| v.kind == kind)
    }

    /// The leetspeak view (the `l` reading when there is one) when the text is
    /// written in leetspeak rather than holding a few names with numbers,
    /// hashes or encoded runs: four rewrites within 128 bytes, inside spelled
    /// words. Exists for L2, which scores this reading besides the plain text;
    /// L1 reads every leetspeak view whatever its density.
    pub fn leetspeak_reading(&self) -> Option<&View> {
        let view = self
            .get(ViewKind::LeetL)
            .or_else(|| self.get(ViewKind::Leet))?;
        let delta = view.delta()?;
        let base = self.views.get(delta.base)?;
        derive::dense_in_spelled_words(base.text.as_bytes(), view.text.as_bytes(), &delta.changed)
            .then_some(view)
    }

    /// Number of views built.
    pub fn len(&self) -> usize {
        self.views.len()
    }

    /// Always false: the folded view is always there. Present for API symmetry.
    pub fn is_empty(&self) -> bool {
        self.views.is_empty()
    }

    /// Byte length of the original text.
    pub fn original_len(&self) -> usize {
        self.original_len
    }
}

impl<'a> IntoIterator for &'a Views {
    type Item = &'a View;
    type IntoIter = std::slice::Iter<'a, View>;
    fn into_iter(self) -> Self::IntoIter {
        self.views.iter()
    }
}

/// Builds [`Views`] of texts.
///
/// Exists to hold the per-policy limits; the Unicode tables it reads are static,
/// so building one is free and it is shared freely across threads.
#[derive(Debug, Clone)]
pub struct Normalizer {
    max_decoded_bytes: usize,
    max_decoded_runs: usize,
}

impl Default for Normalizer {
    fn default() -> Self {
        Normalizer::new()
    }
}

impl Normalizer {
    /// A normalizer with the default decoding bounds.
    pub fn new() -> Normalizer {
        Normalizer {
            max_decoded_bytes: DEFAULT_MAX_DECODED_BYTES,
            max_decoded_runs: DEFAULT_MAX_DECODED_RUNS,
        }
    }

    /// What decides the hardened views besides the text: the folding rules'
    /// version and the decoding bounds. The pipeline hashes it into the
    /// detectors' fingerprint, so the L0 key changes when the views L1 reads
    /// would.
    pub fn settings(&self) -> [u64; 3] {
        [
            u64::from(NORMALIZER_VERSION),
            self.max_decoded_bytes as u64,
            self.max_decoded_runs as u64,
        ]
    }

    /// A normalizer with its own decoding bounds (bytes and payload count per text).
    pub fn with_decode_limits(max_decoded_bytes: usize, max_decoded_runs: usize) -> Normalizer {
        Normalizer {
            max_decoded_bytes,
            max_decoded_runs,
        }
    }

    /// The folded form of a text ([`ViewKind::Folded`]).
    pub fn canonical(&self, text: &str) -> String {
        fold::fold(text, false, true).text
    }

    /// Builds every view of `text` that differs from the folded view.
    ///
    /// Embedded encoded payloads get the same views as the text itself
    /// (folded, skeleton, leetspeak, joined...), each mapping to the whole
    /// encoded run, within the decoding bounds.
    pub fn views(&self, text: &str) -> Views {
        self.views_with(text, fold::fold(text, false, true), None, None)
    }

    /// [`Normalizer::views`] of `text` given its folded view `base`, and,
    /// when `known` is set, the answers of the checks [`Facts`] records
    /// (for a joined text, from the views of its parts), and `gluing` its
    /// gluing runs when they are known (a joined text's are its parts').
    fn views_with(
        &self,
        text: &str,
        base: fold::Fold,
        known: Option<&Facts>,
        gluing: Option<Vec<std::ops::Range<usize>>>,
    ) -> Views {
        let mut views = Vec::with_capacity(4);
        // Read only when the fold dropped an invisible character.
        let gluing = match gluing {
            _ if !base.invisible => Vec::new(),
            Some(runs) => runs,
            None => unglue::gluing_runs(text),
        };
        let unglued = unglue::unglued(text, &gluing);
        let mut facts = text_views(
            text,
            base,
            &mut views,
            &|len| OffsetMap::whole(len, 0..0),
            None,
            known,
        );

        // Embedded encodings, decoded once; every view of a payload maps to its
        // whole run. The payload's folded view carries the encoding's kind.
        let decoded = match known {
            Some(k) if !k.payloads => Vec::new(),
            _ => decode::decode_runs(text, self.max_decoded_runs, self.max_decoded_bytes),
        };
        facts.payloads = !decoded.is_empty() || decode::has_escape_marks(text.as_bytes());
        // Around each run of zero-width spaces that glue words, the text
        // with the runs as spaces, and its views; they map to their whole
        // window, as a payload's views map to its run.
        facts.unglued = !unglued.is_empty();
        for (window, spaced) in unglued {
            let base = fold::fold(&spaced, false, true);
            text_views(
                &spaced,
                base,
                &mut views,
                &|len| OffsetMap::whole(len, window.clone()),
                Some(ViewKind::Unglued),
                None,
            );
        }
        for d in decoded {
            let kind = match d.encoding {
                Encoding::Base64 => ViewKind::Base64,
                Encoding::Hex => ViewKind::Hex,
                Encoding::Percent => ViewKind::UrlEncoded,
                Encoding::Escapes => ViewKind::Escaped,
                Encoding::Tags => ViewKind::Tags,
                Encoding::Selectors => ViewKind::Selectors,
            };
            let run = d.run.clone();
            let base = fold::fold(&d.text, false, true);
            text_views(
                &d.text,
                base,
                &mut views,
                &|len| OffsetMap::whole(len, run.clone()),
                Some(kind),
                None,
            );
        }

        Views {
            views,
            original_len: text.len(),
            facts,
            gluing,
        }
    }
}

/// Pushes the views of one text onto `views`: folded first (`base`, the fold
/// of `text`), then the ones that differ from it. With `payload` set, the text
/// is a decoded payload: the folded view takes that kind and every view's map
/// is `whole(len)` (the encoded run) instead of the fold's own map. `known`
/// answers the checks instead of running them (a joined text's, from its
/// parts; never with look-alike letters). Returns the answers.
fn text_views(
    text: &str,
    base: fold::Fold,
    views: &mut Vec<View>,
    whole: &dyn Fn(usize) -> OffsetMap,
    payload: Option<ViewKind>,
    known: Option<&Facts>,
) -> Facts {
    let first = views.len();
    let remap = |map: OffsetMap, len: usize| {
        if payload.is_some() { whole(len) } else { map }
    };
    let confusable = base.confusable;
    let mut facts = Facts {
        confusable,
        ..Facts::default()
    };
    let map = remap(base.map, base.text.len());
    views.push(View {
        kind: payload.unwrap_or(ViewKind::Folded),
        text: base.text,
        skeleton: false,
        map,
        delta: None,
    });

    // Confusable skeleton: only text with letters of look-alike scripts can differ.
    let mut work = first; // index of the view leetspeak and joining derive from
    if confusable {
        let sk = fold::fold(text, true, true);
        if sk.text != views[first].text {
            let map = remap(sk.map, sk.text.len());
            views.push(View {
                kind: ViewKind::Skeleton,
                text: sk.text,
                skeleton: true,
                map,
                delta: None,
            });
            work = views.len() - 1;
        }
    }

    // Leetspeak: same length as its source, so it shares the source's map and
    // records the bytes it changed (scanners rescan only around them).
    let mut scan = derive::LeetScan::default();
    let mut leet_view = None;
    let leet = match known {
        Some(k) if !k.leet => None,
        _ => derive::leet(&views[work].text, b'i', Some(&mut scan)),
    };
    facts.leet = scan.checked;
    if let Some(t) = leet {
        let src = &views[work];
        let (skeleton, map) = (src.skeleton, src.map.clone());
        let mut scan_l = derive::LeetScan::default();
        if scan.has_one
            && let Some(tl) = derive::leet(&views[work].text, b'l', Some(&mut scan_l))
        {
            views.push(View {
                kind: ViewKind::LeetL,
                text: tl,
                skeleton,
                map: map.clone(),
                delta: Some(ViewDelta {
                    base: work,
                    changed: scan_l.changed,
                }),
            });
        }
        leet_view = Some(views.len());
        views.push(View {
            kind: ViewKind::Leet,
            text: t,
            skeleton,
            map,
            delta: Some(ViewDelta {
                base: work,
                changed: scan.changed,
            }),
        });
    }

    // Spaced or dotted letters: needs the separators, so fold again uncollapsed.
    facts.spaced = known.map_or_else(|| derive::looks_spaced(text), |k| k.spaced);
    if facts.spaced {
        let skeleton = views[work].skeleton;
        let raw = fold::fold(text, skeleton, false);
        if let Some((t, map)) = derive::join_spaced(&raw.text, &raw.map) {
            let map = remap(map, t.len());
            // Leetspeak keeps the length, so the joined view's map serves both.
            let leet = derive::leet(&t, b'i', None);
            views.push(View {
                kind: ViewKind::Joined,
                text: t,
                skeleton,
                map: map.clone(),
                delta: None,
            });
            if let Some(leet) = leet {
                views.push(View {
                    kind: ViewKind::JoinedLeet,
                    text: leet,
                    skeleton,
                    map,
                    delta: None,
                });
            }
        }
    }

    // ROT13 and reversal: only when the text reads better that way (common words).
    // The same walk over the words collects where a split word may be mended.
    let mut junctions = Vec::new();
    let mut long_words = Vec::new();
    let mut blocks = Vec::new();
    let readings = known.map_or_else(
        || {
            derive::readings_and_junctions(
                &views[first].text,
                &mut junctions,
                &mut long_words,
                &mut blocks,
            )
        },
        |k| k.readings,
    );
    facts.readings = readings;

    // Words glued without spaces, read apart: a view of a window around
    // them, mapping to the window. A joined text's runs lie within its
    // parts: read only when a part had one.
    if known.is_some_and(|k| k.split) {
        long_words = split::long_words(&views[first].text);
    }
    for (window, words) in split::split_glued(&views[first].text, &long_words) {
        facts.split = true;
        let map = OffsetMap::whole(words.len(), views[first].map.original_range(window));
        let map = remap(map, words.len());
        views.push(View {
            kind: ViewKind::Split,
            text: words,
            skeleton: false,
            map,
            delta: None,
        });
    }
    if readings.offers(Reading::Rot13) {
        // Rotated as written, then folded: a letter that folding brings to ASCII
        // (`ä`, `ó`, `ł`) was never rotated, so rotating the folded text turned
        // German `uäggrfg` (`hättest`) into `hnttest`. Rotation keeps every byte
        // where it is, so the fold's map is the text's.
        let rotated = fold::fold(&derive::rot13(text), false, true);
        let map = remap(rotated.map, rotated.text.len());
        views.push(View {
            kind: ViewKind::Rot13,
            text: rotated.text,
            skeleton: false,
            map,
            delta: None,
        });
    }
    if readings.offers(Reading::Reversed) {
        let (t, map) = derive::reversed(&views[first].text, &views[first].map);
        let map = remap(map, t.len());
        views.push(View {
            kind: ViewKind::Reversed,
            text: t,
            skeleton: false,
            map,
            delta: None,
        });
    }
    if readings.offers(Reading::ReversedRot13) {
        // Rotated as written and folded, as the ROT13 view is, then reversed.
        let rotated = fold::fold(&derive::rot13(text), false, true);
        let (t, map) = derive::reversed(&rotated.text, &rotated.map);
        let map = remap(map, t.len());
        views.push(View {
            kind: ViewKind::ReversedRot13,
            text: t,
            skeleton: false,
            map,
            delta: None,
        });
    }

    // The same readings of a window where the whole text's counts favour
    // the plain one: a ROT13 or reversed sentence within a longer plain text
    // (padding the payload with prose must not hide it). Not for decoded
    // payloads (their map is their run's); each view maps to its whole
    // window. A joined text's counts come from its parts, without the walk
    // that cuts blocks: its blocks are walked here when a window may favour
    // a reading, since one may span a seam and the joined views must equal
    // the views of the joined text.
    if payload.is_none() {
        if known.is_some() && readings.may_favour_a_window() {
            derive::readings_and_junctions(
                &views[first].text,
                &mut Vec::new(),
                &mut Vec::new(),
                &mut blocks,
            );
        }
        reading_window_views(text, readings, &blocks, views, first);
    }

    // A payload split into string variables and added back together.
    if let Some((t, map)) = derive::joined_strings(&views[first].text, &views[first].map) {
        let map = remap(map, t.len());
        views.push(View {
            kind: ViewKind::Concatenated,
            text: t,
            skeleton: false,
            map,
            delta: None,
        });
    }

    // Words split into fragments by blanks, mended. Shorter than the folded
    // text, so not a delta view: offered only when a word was mended.
    let mended = match known {
        Some(k) if !k.mended => None,
        Some(_) => derive::mend_split_words(&views[first].text, &views[first].map),
        None => derive::mend_at(&views[first].text, &views[first].map, &junctions),
    };
    if let Some((t, map)) = mended {
        facts.mended = true;
        let map = remap(map, t.len());
        views.push(View {
            kind: ViewKind::Mended,
            text: t,
            skeleton: false,
            map,
            delta: None,
        });
    }

    // The same, in the leetspeak reading (or the skeleton when no digit was
    // read): `1gn ore prev1ous`, `іg nore` with a Cyrillic `і`. Read only
    // when there is such a reading, which ordinary prose has not.
    let source = leet_view.or((work != first).then_some(work));
    let base_junctions = known.is_none().then_some(&junctions);
    if let Some(src) = source.map(|k| &views[k])
        && let Some((t, map)) =
            mend_reading(src, (&views[first], first), facts.mended, base_junctions)
    {
        let skeleton = src.skeleton;
        let map = remap(map, t.len());
        views.push(View {
            kind: ViewKind::MendedLeet,
            text: t,
            skeleton,
            map,
            delta: None,
        });
    }
    facts
}

/// Pushes a view for each window ([`derive::reading_windows`]) of the folded
/// view at `first` that reads better in ROT13, reversed or both, for each
/// reading the whole text's counts (`readings`) do not favour already. Each
/// is built as its whole-text view is (ROT13 rotates the original as
/// written, then folds) and maps to its whole window of the original.
fn reading_window_views(
    text: &str,
    readings: derive::Readings,
    blocks: &[derive::ReadingBlock],
    views: &mut Vec<View>,
    first: usize,
) {
    // A text of one or two blocks was judged whole.
    if blocks.len() < 3 {
        return;
    }
    for reading in Reading::ALL {
        if readings.offers(reading) {
            continue;
        }
        for window in derive::reading_windows(blocks, reading) {
            let original = views[first].map.original_range(window.clone());
            let (kind, t) = match reading {
                Reading::Reversed => (
                    ViewKind::Reversed,
                    views[first].text[window].chars().rev().collect(),
                ),
                Reading::Rot13 | Reading::ReversedRot13 => {
                    let rotated = fold::fold(&derive::rot13(&text[original.clone()]), false, true);
                    if reading == Reading::Rot13 {
                        (ViewKind::Rot13, rotated.text)
                    } else {
                        (
                            ViewKind::ReversedRot13,
                            rotated.text.chars().rev().collect(),
                        )
                    }
                }
            };
            let map = OffsetMap::whole(t.len(), original);
            views.push(View {
                kind,
                text: t,
                skeleton: false,
                map,
                delta: None,
            });
        }
    }
}

/// The view `src` (a leetspeak reading or the skeleton) with its split words
/// mended, when a word is. Read only when the reading can mend a word the
/// folded view `folded` does not, or join one to a word it spells otherwise:
/// the folded view had a word mended (`mended`: `ig nore prev1ous`), a
/// fragment next to a junction holds a byte the leetspeak reading changed
/// (`ign0 re`) or, in a skeleton, a look-alike letter (`іg nore`). Most texts
/// with such a reading (`mp3`, `h264`, a Russian sentence) have none.
/// `junctions` are the folded view's (at `first`) when the walk over its
/// words found them: a leetspeak reading of it differs at a few bytes, so
/// only the junctions around those are tested again, not the whole text.
fn mend_reading(
    src: &View,
    (folded, first): (&View, usize),
    mended: bool,
    junctions: Option<&Vec<usize>>,
) -> Option<(String, OffsetMap)> {
    let text = src.text.as_bytes();
    let delta = src.delta();
    let leet = delta.is_some_and(|d| derive::junction_near_changes(text, &d.changed));
    let look_alike = || {
        let folded = folded.text.as_bytes();
        match junctions {
            Some(at) => derive::junction_near_non_ascii(folded, at),
            None => derive::junction_near_non_ascii(folded, &derive::junctions(folded)),
        }
    };
    if !(mended || leet || (src.skeleton && look_alike())) {
        return None;
    }
    match (delta, junctions) {
        (Some(d), Some(base)) if d.base == first => {
            let at = derive::junctions_after_changes(text, base, &d.changed);
            derive::mend_at(&src.text, &src.map, &at)
        }
        _ => derive::mend_split_words(&src.text, &src.map),
    }
}

/// Builds the per-character tables the hardened views read (the folds of
/// every BMP character, which characters are alphanumeric), the spaced-word
/// lexicon and the concatenation view's patterns now, so that no request pays
/// for them; the keyword guard calls it when it is built.
pub fn warm_tables() {
    fold_table::warm();
    alnum::warm();
    derive::warm();
}

/// Folds a rule phrase exactly as [`ViewKind::Folded`] folds text, so a phrase
/// written naturally ("Ignorez les instructions précédentes") matches.
pub fn fold_phrase(phrase: &str) -> String {
    fold::fold(phrase, false, true).text.trim_end().to_owned()
}

/// Folds a rule phrase as [`ViewKind::Skeleton`] folds text (confusables to their
/// prototype), for matching views whose [`View::skeleton`] is set.
pub fn fold_phrase_skeleton(phrase: &str) -> String {
    fold::fold(phrase, true, true).text.trim_end().to_owned()
}
