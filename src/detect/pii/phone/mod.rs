//! Phones: which digit runs are phone numbers, and whether their digits are a number
//! some numbering plan issues.
//!
//! The byte loop of [`super::scan`] hands every digit run that no other identifier
//! claimed to [`phone`], which decides from its shape and context: a `+` or `00`
//! calling code, NANP grouping, a trunk-0 area code, a phone keyword before it, or a
//! contact block (an e-mail close by). The digits are then checked against
//! libphonenumber's numbering metadata in [`numbering`].

mod numbering;

#[cfg(test)]
mod tests;

use super::scan::{MAX_DIGITS, Run, keyword_before, word_at};
pub use numbering::{DEFAULT_PHONE_REGIONS, UnknownRegion, is_known_region};
#[cfg(test)]
use numbering::{MAX_NSN, international_valid, metadata_examples};
pub(super) use numbering::{PhoneRegions, international_strictly_valid};

const PHONE_KEYWORDS: &[&str] = &[
    "tel",
    "phone",
    "call",
    "mobile",
    "mobil",
    "cell",
    "fax",
    "contact",
    "kontakt",
    "sms",
    "whatsapp",
    "handy",
    "ruf",
    "t\u{e9}l",
    "t\u{e9}l\u{e9}phone",
    "portable",
    "appel",
    "llam",
    "m\u{f3}vil",
    "movil",
    "celular",
    "chiama",
    "cellulare",
    "numer",
    "zadzwo",
    "kom\u{f3}rk",
    "bel ",
    "gsm",
    "hotline",
    "text me",
    "reach me",
    "dial",
];
/// Words that name a number as something other than a phone; they veto the national
/// phone rules unless a phone keyword is also present.
const NOT_PHONE_KEYWORDS: &[&str] = &[
    "isbn", "issn", "doi", "invoice", "order", "faktur", "rechnung", "factura", "facture",
    "ticket", "tracking", "sku", "serial", "account", "konto", "iban", "pesel", "nip", "regon",
];
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

fn nanp_valid(d: &[u8]) -> bool {
    d.len() == 10 && (b'2'..=b'9').contains(&d[0]) && (b'2'..=b'9').contains(&d[3])
}

/// Decides whether a run is a phone number; returns the rule and the span start.
pub(super) fn phone(b: &[u8], run: &Run, plus: bool) -> Option<(&'static str, usize)> {
    let s = run.start;
    let d = run.digits();
    let nd = d.len();
    if !(7..=15).contains(&nd) {
        return None;
    }
    let open_paren = s > 0 && b[s - 1] == b'(';
    let start = if plus || open_paren { s - 1 } else { s };
    if start > 0 && b[start - 1] == b'+' && open_paren {
        return None;
    }
    // International: "+CC …" or "00CC …" (not "(00…)", a German area code style).
    let intl = if plus {
        Some(0)
    } else if !open_paren && d.starts_with(b"00") && run.groups[0].1 >= 3 {
        Some(2)
    } else {
        None
    };
    if let Some(skip) = intl {
        return international(run, skip).then_some(("pii.phone.international", start));
    }
    // Dotted runs are dates, versions and decimals unless NANP-shaped.
    let dotted = run.has_sep(b'.');
    let nanp_shape = run.shape_is(&[3, 3, 4]) || (run.shape_is(&[1, 3, 3, 4]) && d[0] == b'1');
    if nanp_shape {
        let body = &d[nd - 10..];
        let seps_ok = run.uniform_sep(b"-. ") || (open_paren && run.seps().first() == Some(&b'p'));
        if seps_ok && nanp_valid(body) {
            return Some(("pii.phone.nanp", start));
        }
    }
    if dotted {
        return None;
    }
    let keyed = keyword_before(b, start, 32, PHONE_KEYWORDS);
    if !keyed && keyword_before(b, start, 24, NOT_PHONE_KEYWORDS) {
        return None;
    }
    // Trunk prefix 0 plus an area code of 1-4 digits as the first group
    // ("0151 496 0485", "(03905) 763990"); "0-306-40615-2" (an ISBN) is not one.
    if d[0] == b'0'
        && (9..=12).contains(&nd)
        && run.ngroups >= 2
        && (open_paren || (2..=5).contains(&run.groups[0].1))
    {
        return Some(("pii.phone.national", start));
    }
    if keyed && (run.ngroups >= 2 && nd >= 7 || (9..=12).contains(&nd)) && (nd <= 12) {
        return Some(("pii.phone.keyword", start));
    }
    // A bare ten-digit NANP number or a trunk-0 national number with no keyword: a
    // phone only inside a contact block (an e-mail close by); see `CONTACT_RULE`.
    let bare_nanp = nd == 10 && nanp_valid(d);
    let bare_trunk = d[0] == b'0' && d[1] != b'0' && (10..=11).contains(&nd);
    if run.ngroups == 1 && !open_paren && (bare_nanp || bare_trunk) {
        return Some((CONTACT_RULE, start));
    }
    None
}

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
