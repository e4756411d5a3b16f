//! L1.5, the PII shield: finds personal data and secrets in a segment's text and
//! confirms each candidate by real validation (checksums, ranges, tables), so that a
//! number that merely looks like a card, an IBAN or a PESEL is not reported.
//!
//! Takes the original text of one segment (from [`crate::extract`]); hands on
//! [`Finding`]s with `layer = L15`, `category` = the [`PiiType`] name and a byte span in
//! that original text, covering the whole value even when it was obfuscated (spaced
//! digits, full-width or other Unicode digits, zero-width characters, `name (at) domain
//! (dot) com`), so that redaction can replace it. It never decides (the policy maps each
//! type to a [`PiiAction`]) and never logs or returns the values it found.
//!
//! # How a scan works
//!
//! 1. The scan reads the digit view ([`DigitView`]: Unicode digits, full-width forms,
//!    exotic spaces and dashes to ASCII, zero-width characters dropped), built only if
//!    the text contains such characters; plain text is borrowed as is. Its offsets map
//!    back to the original.
//! 2. One byte pass visits digit runs, `@`, `:`, `-`, `=` and brackets (for key-like
//!    names and `(at)`); one case-sensitive Aho-Corasick pass (SIMD prefilter) finds
//!    literal token prefixes (`AKIA`, `ghp_`, `sk-`, `eyJ`, `-----BEGIN `, …). Text
//!    without candidates costs these two passes and nothing else.
//! 3. Each candidate goes to its validator; overlapping findings keep the better
//!    validated type (an IBAN beats the phone-looking digits inside it). Phone
//!    candidates are checked against libphonenumber's numbering metadata (`phone`):
//!    with a calling code in the scanner, in national format against the configured
//!    default regions before overlaps are resolved.
//!
//! # Where things are
//!
//! `scan/` holds candidate discovery, one file per family (anchors, secrets, numeric
//! identifiers, network addresses, e-mail; its `README.md` maps them); `phone/` decides
//! which digit runs are phones and checks them against the numbering metadata;
//! `person/` finds names (`words.rs` the lists and phrases, `context.rs` the evidence
//! around a run of capitalised words);
//! `checks.rs` holds the checksum and table validators. The view it reads is defined
//! with the other views in [`crate::normalize`].

mod checks;
mod person;
mod phone;
mod scan;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_names;

use std::sync::Arc;

use aho_corasick::AhoCorasick;

use crate::detect::{Finding, Layer};
use crate::normalize::DigitView;

pub use crate::types::{ParsePiiTypeError, PiiAction, PiiType, default_action};
pub use phone::{DEFAULT_PHONE_REGIONS, UnknownRegion, is_known_region};

/// Which PII types a [`PiiShield`] looks for.
///
/// Exists so that a policy can switch types off (all are on by default); the shield is
/// compiled once from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PiiConfig {
    /// The types to report; types not listed are never reported.
    pub enabled: Vec<PiiType>,
    /// Regions (ISO 3166 codes) whose national phone formats are recognised;
    /// numbers written with a calling code are checked against every region.
    pub phone_regions: Vec<String>,
    /// Numbers written with a calling code must be fully valid (a fixed-line,
    /// mobile… pattern of their country), not only fit the country's general
    /// pattern and lengths; refuses reserved and not yet issued ranges too.
    pub phone_strict: bool,
}

impl Default for PiiConfig {
    fn default() -> Self {
        PiiConfig {
            enabled: PiiType::ALL.to_vec(),
            phone_regions: DEFAULT_PHONE_REGIONS
                .iter()
                .map(|&r| r.to_owned())
                .collect(),
            phone_strict: false,
        }
    }
}

/// What can go wrong building a [`PiiShield`].
#[derive(Debug, thiserror::Error)]
pub enum PiiError {
    /// The anchor automaton could not be built (a bug in the pattern table, not input).
    #[error("building the PII anchor automaton failed: {0}")]
    Automaton(#[from] aho_corasick::BuildError),
    /// A phone region that the numbering metadata does not know.
    #[error(transparent)]
    PhoneRegion(#[from] UnknownRegion),
}

/// The compiled L1.5 layer: built once per policy version, shared behind `Arc`, and
/// scanned from many tasks at once (it holds no mutable state).
#[derive(Debug, Clone)]
pub struct PiiShield {
    enabled: u32,
    anchors: AhoCorasick,
    categories: Vec<Arc<str>>,
    rule_ids: Vec<(&'static str, Arc<str>)>,
    phone: phone::PhoneRegions,
}

impl PiiShield {
    /// Compiles the shield for `config`.
    ///
    /// # Errors
    ///
    /// [`PiiError::Automaton`] if the anchor automaton cannot be built,
    /// [`PiiError::PhoneRegion`] for a phone region the metadata does not know.
    pub fn new(config: &PiiConfig) -> Result<Self, PiiError> {
        let enabled = config.enabled.iter().fold(0u32, |m, t| m | t.bit());
        let anchors = scan::build_anchors()?;
        let categories = PiiType::ALL.iter().map(|t| Arc::from(t.as_str())).collect();
        let rule_ids = scan::RULE_IDS.iter().map(|&r| (r, Arc::from(r))).collect();
        let phone = phone::PhoneRegions::new(&config.phone_regions, config.phone_strict)?;
        // The word tables are shared by every shield; building them here keeps the
        // first request from paying for it.
        person::warm();
        phone::warm();
        scan::warm();
        Ok(PiiShield {
            enabled,
            anchors,
            categories,
            rule_ids,
            phone,
        })
    }

    /// Whether `ty` is reported by this shield.
    pub fn is_enabled(&self, ty: PiiType) -> bool {
        self.enabled & ty.bit() != 0
    }

    /// Scans `text` (segment number `segment`) and pushes one [`Finding`] per confirmed
    /// value, in text order, with spans in bytes of `text`.
    pub fn scan(&self, text: &str, segment: usize, out: &mut Vec<Finding>) {
        if self.enabled == 0 || text.is_empty() {
            return;
        }
        let folded = DigitView::new(text);
        let mut hits = scan::scan(folded.as_str().as_bytes(), &self.anchors, &self.phone);
        hits.retain(|h| self.phone_ok(folded.as_str().as_bytes(), h));
        if self.is_enabled(PiiType::Person) {
            // After the phones are settled: validated contact details are evidence.
            person::scan(folded.as_str(), &mut hits);
        }
        scan::settle_contact_phones(&mut hits);
        scan::resolve_overlaps(&mut hits);
        for hit in hits {
            if !self.is_enabled(hit.ty) {
                continue;
            }
            let span = folded.original_range(hit.start..hit.end);
            out.push(Finding {
                layer: Layer::L15,
                category: self.categories[hit.ty as usize].clone(),
                rule_id: self.rule_id(hit.rule),
                segment,
                span,
                score: 1.0,
            });
        }
    }

    /// Whether `hit` stands: anything but a phone does; a number with a calling
    /// code was checked by the scanner (and is checked again, fully, when strict);
    /// a national one must be valid in a default region. Digits end where an
    /// extension starts; a `(0)` trunk group after the calling code is dropped.
    fn phone_ok(&self, b: &[u8], hit: &scan::Hit) -> bool {
        if hit.ty != PiiType::Phone {
            return true;
        }
        let international = hit.rule == "pii.phone.international";
        if international && !self.phone.strict {
            return true;
        }
        let span = b.get(hit.start..hit.end).unwrap_or_default();
        let mut digits = [0u8; 24];
        let mut n = 0;
        let mut i = 0;
        while i < span.len() {
            let c = span[i];
            if c.is_ascii_alphabetic() {
                break;
            }
            if international && span[i..].starts_with(b"(0)") {
                i += 3;
                continue;
            }
            if c.is_ascii_digit() {
                if n == digits.len() {
                    return false;
                }
                digits[n] = c;
                n += 1;
            }
            i += 1;
        }
        if international {
            // `+CC…`, `(CC) …` or `00CC…`.
            // `CC …` without the `+` ("57 601 911 03 92") skips nothing.
            let skip = if span.starts_with(b"00") { 2 } else { 0 };
            n > skip && phone::international_strictly_valid(&digits[skip..n])
        } else if hit.rule == phone::KEYWORD_RULE || hit.rule == phone::NANP_SHAPE_RULE {
            // A phone word vouches for the number: a length a default region issues
            // will do; short ones (seven digits are also counts, years and codes)
            // must be valid.
            if n >= phone::KEYWORD_MIN_UNVALIDATED {
                self.phone.national_possible(&digits[..n])
                    || self.phone.national_valid(&digits[..n])
            } else {
                self.phone.national_valid(&digits[..n])
            }
        } else {
            self.phone.national_valid(&digits[..n])
        }
    }

    fn rule_id(&self, rule: &'static str) -> Arc<str> {
        self.rule_ids
            .iter()
            .find(|(r, _)| *r == rule)
            .map(|(_, a)| a.clone())
            .unwrap_or_else(|| Arc::from(rule))
    }
}
