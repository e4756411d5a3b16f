//! Phone validation from real numbering metadata: libphonenumber's per-region
//! tables as shipped by the `phonenumber` crate (calling codes, national
//! prefixes, possible lengths and the number patterns of every type).
//!
//! The scanner ([`super`]) finds phone-shaped candidates (a `+` or `00` prefix, trunk-0 or
//! NANP grouping, a phone keyword nearby) and asks here whether the digits are
//! a number some numbering plan issues:
//!
//! - with a country calling code (`+CC`, `00CC`): the code must exist and the
//!   national number must have a length that country issues (libphonenumber's
//!   "possible number"; the general pattern is not asked, since forms and
//!   generators write numbers in ranges no plan has issued yet), any region
//!   sharing the code (+1, +7, +44…) will do; `phone_strict` asks for fully
//!   valid numbers instead;
//! - in national format: the number must be fully valid (a fixed-line, mobile,
//!   toll-free… pattern matches) in one of the configured default regions,
//!   after removing that region's national prefix.
//!
//! The crate's own matcher takes a global mutex and recompiles evicted regexes
//! on every call, so the patterns are compiled here instead: every region once
//! per process, when the first shield is built (never inside a request, whose
//! layer budget is tens of milliseconds), anchored at both ends, and read
//! without locks afterwards. Only candidates get here.

use std::collections::HashMap;
use std::sync::{LazyLock, OnceLock};

use phonenumber::metadata::{DATABASE, Descriptor, Metadata};
use regex_lite::{Regex, RegexBuilder};

/// Longest national significant number in any plan (ITU-T E.164 allows 15
/// digits with the calling code).
pub(super) const MAX_NSN: usize = 17;

pub use crate::types::DEFAULT_PHONE_REGIONS;

/// One pattern of a region with the lengths it allows.
struct Desc {
    /// Bit `n` set: national numbers of `n` digits may match.
    lengths: u32,
    pattern: Regex,
}

impl Desc {
    fn compile(desc: &Descriptor, inherited: u32) -> Option<Desc> {
        let own = length_mask(desc.possible_length());
        let lengths = if own == 0 { inherited } else { own };
        // Patterns in the metadata are written with insignificant whitespace.
        let pattern = RegexBuilder::new(&format!("^(?:{})$", desc.national_number().as_str()))
            .ignore_whitespace(true)
            .build()
            .ok()?;
        Some(Desc { lengths, pattern })
    }

    /// Whether `nsn` has a length this pattern allows (libphonenumber's "possible").
    fn possible(&self, nsn: &str) -> bool {
        nsn.len() < 32 && self.lengths & (1 << nsn.len()) != 0
    }

    fn fits(&self, nsn: &str) -> bool {
        nsn.len() < 32 && self.lengths & (1 << nsn.len()) != 0 && self.pattern.is_match(nsn)
    }
}

/// The descriptions of the number types libphonenumber calls valid in a
/// region (fixed line, mobile, toll free, premium, shared cost, personal,
/// VoIP, pager, UAN, voicemail); `None` where the region has no such type.
fn valid_number_types(meta: &Metadata) -> [Option<&Descriptor>; 10] {
    let d = meta.descriptors();
    [
        d.fixed_line(),
        d.mobile(),
        d.toll_free(),
        d.premium_rate(),
        d.shared_cost(),
        d.personal_number(),
        d.voip(),
        d.pager(),
        d.uan(),
        d.voicemail(),
    ]
}

fn length_mask(lengths: &[u16]) -> u32 {
    lengths
        .iter()
        .filter(|&&l| l < 32)
        .fold(0, |m, &l| m | (1 << l))
}

/// One region's numbering plan, compiled.
struct Region {
    /// The national prefix (trunk code), e.g. `0` or `1` (NANP) or `8` (RU).
    national_prefix: Option<String>,
    /// What to strip before parsing a national number, when it differs from
    /// the plain prefix (carrier selection codes and the like); matched at the start.
    prefix_for_parsing: Option<Regex>,
    general: Desc,
    /// Fixed line, mobile, toll free, premium, shared cost, personal, VoIP,
    /// pager, UAN, voicemail: the types libphonenumber calls valid.
    types: Vec<Desc>,
}

impl Region {
    fn compile(meta: &Metadata) -> Option<Region> {
        let d = meta.descriptors();
        let kinds = valid_number_types(meta);
        // The general description's lengths are the union of the types' (the
        // metadata leaves them to be computed); no lengths at all: any length.
        let mut general_lengths = length_mask(d.general().possible_length());
        if general_lengths == 0 {
            general_lengths = kinds
                .iter()
                .flatten()
                .fold(0, |m, t| m | length_mask(t.possible_length()));
        }
        if general_lengths == 0 {
            general_lengths = u32::MAX;
        }
        let general = Desc::compile(d.general(), general_lengths)?;
        let types = kinds
            .into_iter()
            .flatten()
            .filter_map(|t| Desc::compile(t, general.lengths))
            .collect();
        let prefix_for_parsing = meta.national_prefix_for_parsing().and_then(|p| {
            RegexBuilder::new(&format!("^(?:{})", p.as_str()))
                .ignore_whitespace(true)
                .build()
                .ok()
        });
        Some(Region {
            national_prefix: meta.national_prefix().map(str::to_owned),
            prefix_for_parsing,
            general,
            types,
        })
    }

    /// libphonenumber's "valid": the general pattern and one type's pattern.
    fn valid(&self, nsn: &str) -> bool {
        self.general.fits(nsn) && self.types.iter().any(|t| t.fits(nsn))
    }

    /// `digits` with this region's national prefix removed, when it has one;
    /// the digits themselves first (numbers like Italy's keep their 0).
    fn national_forms<'a>(&self, digits: &'a str) -> impl Iterator<Item = &'a str> {
        let by_rule = self
            .prefix_for_parsing
            .as_ref()
            .and_then(|re| re.find(digits))
            .filter(|m| m.end() > 0)
            .map(|m| &digits[m.end()..]);
        let by_prefix = self
            .national_prefix
            .as_deref()
            .filter(|p| !p.is_empty())
            .and_then(|p| digits.strip_prefix(p));
        std::iter::once(digits).chain(by_rule).chain(by_prefix)
    }
}

/// Every region of the metadata, compiled on first use.
struct Plan {
    regions: Vec<(&'static Metadata, OnceLock<Option<Region>>)>,
    by_code: HashMap<u16, Vec<usize>>,
    by_id: HashMap<&'static str, usize>,
}

static PLAN: LazyLock<Plan> = LazyLock::new(|| {
    let database: &'static phonenumber::metadata::Database = &DATABASE;
    let mut metas: Vec<&'static Metadata> = database.iter().collect();
    // Main countries first, so "+1 …" is tried as US before the islands.
    metas.sort_by_key(|m| (m.country_code(), !m.is_main_country_for_code(), m.id()));
    let mut by_code: HashMap<u16, Vec<usize>> = HashMap::new();
    let mut by_id = HashMap::new();
    for (k, meta) in metas.iter().enumerate() {
        by_code.entry(meta.country_code()).or_default().push(k);
        by_id.insert(meta.id(), k);
    }
    Plan {
        regions: metas.into_iter().map(|m| (m, OnceLock::new())).collect(),
        by_code,
        by_id,
    }
});

impl Plan {
    fn region(&self, k: usize) -> Option<&Region> {
        let (meta, cell) = self.regions.get(k)?;
        cell.get_or_init(|| Region::compile(meta)).as_ref()
    }
}

/// A region code that the metadata does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown phone region {0:?} (expected an ISO 3166 code such as US, GB, DE)")]
pub struct UnknownRegion(pub String);

/// Whether `id` (e.g. `"DE"`) names a region of the numbering metadata.
pub fn is_known_region(id: &str) -> bool {
    id.len() == 2 && PLAN.by_id.contains_key(id.to_ascii_uppercase().as_str())
}

/// The regions national-format numbers are validated against, compiled, and
/// whether numbers with a calling code must be fully valid too.
#[derive(Clone)]
pub(in crate::detect::pii) struct PhoneRegions {
    ids: Vec<&'static str>,
    regions: Vec<usize>,
    /// Numbers with a calling code must match a type pattern, not only the
    /// country's general pattern.
    pub(in crate::detect::pii) strict: bool,
}

impl std::fmt::Debug for PhoneRegions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PhoneRegions")
            .field("regions", &self.ids)
            .field("strict", &self.strict)
            .finish()
    }
}

impl PhoneRegions {
    /// Compiles the plans of `ids`, and the first time every other plan, now:
    /// about 0.2 s once per process in a release build, so that no request pays
    /// for compiling one.
    pub(in crate::detect::pii) fn new<S: AsRef<str>>(
        ids: &[S],
        strict: bool,
    ) -> Result<PhoneRegions, UnknownRegion> {
        let plan = &*PLAN;
        let mut out = PhoneRegions {
            ids: Vec::new(),
            regions: Vec::new(),
            strict,
        };
        for id in ids {
            let upper = id.as_ref().trim().to_ascii_uppercase();
            let Some((&key, &k)) = plan.by_id.get_key_value(upper.as_str()) else {
                return Err(UnknownRegion(id.as_ref().to_owned()));
            };
            if upper.len() != 2 || plan.region(k).is_none() {
                return Err(UnknownRegion(id.as_ref().to_owned()));
            }
            if !out.regions.contains(&k) {
                out.ids.push(key);
                out.regions.push(k);
            }
        }
        // Every other plan too: a request must never pay for compiling one (the
        // layer's budget is tens of milliseconds). Done once per process.
        for k in 0..plan.regions.len() {
            plan.region(k);
        }
        Ok(out)
    }

    /// Whether `digits` (ASCII digits as written, trunk prefix included) is a
    /// valid national number in one of the regions.
    pub(in crate::detect::pii) fn national_valid(&self, digits: &[u8]) -> bool {
        let Some(digits) = ascii_digits(digits, MAX_NSN + 3) else {
            return false;
        };
        let plan = &*PLAN;
        self.regions.iter().any(|&k| {
            plan.region(k)
                .is_some_and(|r| r.national_forms(digits).any(|nsn| r.valid(nsn)))
        })
    }

    /// Whether `digits` (as written, trunk prefix included) has a length one of the
    /// regions issues, after its national prefix is removed (libphonenumber's
    /// "possible number"), and is not one digit repeated. For numbers a phone word
    /// vouches for: forms and generators write numbers in ranges no plan has issued.
    pub(in crate::detect::pii) fn national_possible(&self, digits: &[u8]) -> bool {
        let Some(digits) = ascii_digits(digits, MAX_NSN + 3) else {
            return false;
        };
        let plan = &*PLAN;
        self.regions.iter().any(|&k| {
            plan.region(k).is_some_and(|r| {
                r.national_forms(digits)
                    .any(|nsn| !degenerate(nsn) && r.general.possible(nsn))
            })
        })
    }
}

/// A national number of one repeated digit ("000000000"): a placeholder, never issued.
fn degenerate(nsn: &str) -> bool {
    let b = nsn.as_bytes();
    b.iter().all(|&c| c == b[0])
}

/// Whether `digits` (after the `+` or `00`, ASCII digits only) is a country
/// calling code followed by a national number of a length that country's
/// numbering plan allows; a national prefix written
/// after the code (`+44 0 20…`) is tolerated.
pub(in crate::detect::pii) fn international_valid(digits: &[u8]) -> bool {
    international(digits, false)
}

/// Like [`international_valid`], but the national number must be fully valid
/// (match a fixed-line, mobile, toll-free… pattern), as libphonenumber's
/// `isValidNumber`: ranges set aside for drama and tests and ranges not yet
/// issued are refused.
pub(in crate::detect::pii) fn international_strictly_valid(digits: &[u8]) -> bool {
    international(digits, true)
}

fn international(digits: &[u8], strict: bool) -> bool {
    let Some(digits) = ascii_digits(digits, MAX_NSN + 3) else {
        return false;
    };
    let plan = &*PLAN;
    // Calling codes are prefix-free: the first length that names one is it.
    for cc_len in 1..=3.min(digits.len()) {
        let Ok(code) = digits[..cc_len].parse::<u16>() else {
            return false;
        };
        let Some(regions) = plan.by_code.get(&code) else {
            continue;
        };
        let nsn = &digits[cc_len..];
        // NANP numbers are NXX-NXX-XXXX: the exchange code never starts with 0
        // or 1, a rule the general patterns leave to the type patterns.
        if code == 1 && nsn.len() == 10 && matches!(nsn.as_bytes()[3], b'0' | b'1') {
            return false;
        }
        let fits = |r: &Region, nsn: &str| {
            if strict {
                r.valid(nsn)
            } else if code == 1 {
                // NANP's general pattern is its area and exchange rules, which
                // generators follow too: keep it.
                r.general.fits(nsn)
            } else {
                !degenerate(nsn) && r.general.possible(nsn)
            }
        };
        return regions.iter().any(|&k| {
            plan.region(k).is_some_and(|r| {
                fits(r, nsn)
                    || r.national_prefix
                        .as_deref()
                        .filter(|p| !p.is_empty())
                        .and_then(|p| nsn.strip_prefix(p))
                        .is_some_and(|rest| fits(r, rest))
            })
        });
    }
    false
}

/// Whether `digits` (ASCII) are exactly a country calling code ("351", "44"; not "12",
/// which is the code 1 and more).
pub(in crate::detect::pii) fn is_calling_code(digits: &[u8]) -> bool {
    ascii_digits(digits, 3)
        .and_then(|d| d.parse::<u16>().ok())
        .is_some_and(|code| PLAN.by_code.contains_key(&code))
}

fn ascii_digits(digits: &[u8], max: usize) -> Option<&str> {
    if digits.is_empty() || digits.len() > max || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()
}

#[cfg(test)]
pub(in crate::detect::pii) mod metadata_examples {
    //! The metadata's own example numbers, for tests.

    use super::*;

    /// `(region id, calling code, example national number)` for every type of
    /// every region that has one.
    pub(in crate::detect::pii) fn all() -> Vec<(&'static str, u16, &'static str)> {
        let plan = &*PLAN;
        let mut out = Vec::new();
        for (meta, _) in &plan.regions {
            for desc in valid_number_types(meta).into_iter().flatten() {
                if let Some(example) = desc.example() {
                    out.push((meta.id(), meta.country_code(), example));
                }
            }
        }
        out
    }

    /// The regions whose plan did not compile, and the type patterns that did not
    /// (`region id`), against every region and pattern of the metadata: both must be
    /// empty, since a pattern the engine refuses would silently drop a region or a type.
    pub(in crate::detect::pii) fn uncompiled() -> (Vec<&'static str>, Vec<&'static str>) {
        let plan = &*PLAN;
        let mut regions = Vec::new();
        let mut types = Vec::new();
        for (k, (meta, _)) in plan.regions.iter().enumerate() {
            let Some(region) = plan.region(k) else {
                regions.push(meta.id());
                continue;
            };
            let described = valid_number_types(meta).into_iter().flatten().count();
            if region.types.len() != described {
                types.push(meta.id());
            }
        }
        (regions, types)
    }

    /// The national prefix of `id`.
    pub(in crate::detect::pii) fn national_prefix(id: &str) -> Option<&'static str> {
        let plan = &*PLAN;
        let &k = plan.by_id.get(id)?;
        plan.regions[k].0.national_prefix()
    }
}
