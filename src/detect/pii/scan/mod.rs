//! Candidate discovery and validation over the folded text.
//!
//! Two passes: a byte loop for digit runs, `@`, `:`, `-`, `=` and brackets
//! ([`scan_bytes`]), and an Aho-Corasick pass over literal token prefixes
//! ([`anchors`], `0x` found by `memmem` beside it). Every index here is a byte offset
//! in the folded text. The families live in their own files (see `README.md`):
//!
//! - [`anchors`]: the literal-prefix automaton and its merged walk;
//! - [`secrets`]: what follows an anchor (cloud and API keys, JWTs, PEM blocks,
//!   crypto addresses) and values assigned to key-like names;
//! - [`numeric`]: digit runs and the identifiers written with digits (cards, IBAN,
//!   SSN, PESEL, NIP, REGON, NINO, IPv4); phones go on to [`super::phone`];
//! - [`network`]: hex tokens with `:`/`-` (IPv6, MAC);
//! - [`email`]: plain and `(at)`/`(dot)` addresses;
//! - [`bytes`]: the byte classes and keyword look-behind every family shares.

mod anchors;
mod bytes;
mod email;
mod network;
mod numeric;
mod run;
mod secrets;

use aho_corasick::AhoCorasick;

pub(super) use super::phone::CONTACT_RULE as PHONE_CONTACT_RULE;
use super::phone::{CONTACT_RULE, CONTACT_WINDOW, PhoneRegions};
use crate::types::PiiType;
pub(super) use anchors::build_anchors;
use anchors::each_anchor;
pub(super) use bytes::{Keywords, keyword_after, keyword_distance_before, word_at, word_before};
use email::{email_at, obfuscated_email};
use network::{hex_token_end, hex_token_start, ip6_or_mac};
use numeric::numeric;
pub(super) use run::{MAX_DIGITS, Run};
use secrets::{anchor_hit, generic_secret_at};

/// One confirmed value before overlap resolution and offset mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Hit {
    pub(super) ty: PiiType,
    pub(super) rule: &'static str,
    pub(super) start: usize,
    pub(super) end: usize,
}

/// Every rule id a hit can carry; the shield pre-allocates one `Arc<str>` per id.
pub(super) const RULE_IDS: &[&str] = &[
    "pii.email",
    "pii.email.obfuscated",
    "pii.phone.international",
    "pii.phone.nanp",
    "pii.phone.nanp.shape",
    "pii.phone.national",
    "pii.phone.national.bare",
    "pii.phone.keyword",
    "pii.phone.keyword.far",
    "pii.phone.contact",
    "pii.credit_card.visa",
    "pii.credit_card.mastercard",
    "pii.credit_card.amex",
    "pii.credit_card.discover",
    "pii.credit_card.jcb",
    "pii.credit_card.diners",
    "pii.credit_card.unionpay",
    "pii.credit_card.mir",
    "pii.credit_card.maestro",
    "pii.iban",
    "pii.us_ssn",
    "pii.pl_pesel",
    "pii.pl_nip",
    "pii.pl_regon",
    "pii.uk_nino",
    "pii.ip_address.v4",
    "pii.ip_address.v6",
    "pii.mac_address",
    "pii.btc_address.base58",
    "pii.btc_address.bech32",
    "pii.eth_address",
    "pii.aws_access_key",
    "pii.github_token",
    "pii.github_token.fine_grained",
    "pii.gitlab_token",
    "pii.slack_token",
    "pii.slack_token.webhook",
    "pii.openai_api_key",
    "pii.anthropic_api_key",
    "pii.jwt",
    "pii.private_key",
    "pii.generic_secret",
    super::person::RULE_LISTED,
    super::person::RULE_HONORIFIC,
    super::person::RULE_CONTEXT,
    super::person::RULE_CONTACT,
];

/// Builds the word tables of the families now, so that no request pays for it.
pub(super) fn warm() {
    numeric::warm();
}

/// Finds every confirmed value in `b` (overlaps not yet resolved); contact-rule phones
/// are settled later by [`settle_contact_phones`], once names are known too. `regions`
/// are the shield's phone regions.
pub(super) fn scan(b: &[u8], anchors: &AhoCorasick, regions: &PhoneRegions) -> Vec<Hit> {
    let mut hits = Vec::new();
    scan_bytes(b, regions, &mut hits);
    each_anchor(b, anchors, |start, end, kind| {
        anchor_hit(b, start, end, kind, &mut hits)
    });
    hits
}

/// Keeps a contact-rule phone (bare NANP or trunk-0 digits, no phone word) only inside
/// a contact block: an e-mail within [`CONTACT_WINDOW`] bytes, or a name right before
/// it ("Contact person: Dr Luke Fisher, 8023390424").
pub(super) fn settle_contact_phones(hits: &mut Vec<Hit>) {
    if !hits.iter().any(|h| h.rule == CONTACT_RULE) {
        return;
    }
    let anchors: Vec<(PiiType, usize, usize)> = hits
        .iter()
        .filter(|h| matches!(h.ty, PiiType::Email | PiiType::Person))
        .map(|h| (h.ty, h.start, h.end))
        .collect();
    hits.retain(|h| {
        h.rule != CONTACT_RULE
            || anchors.iter().any(|&(ty, s, e)| match ty {
                PiiType::Email => {
                    (e <= h.start && h.start - e <= CONTACT_WINDOW)
                        || (s >= h.end && s - h.end <= CONTACT_WINDOW)
                }
                _ => e <= h.start && h.start - e <= 3,
            })
    });
}

/// Sorts hits by start and drops each one that overlaps a better-validated hit.
pub(super) fn resolve_overlaps(hits: &mut Vec<Hit>) {
    if hits.len() < 2 {
        return;
    }
    hits.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end)));
    let mut kept: Vec<Hit> = Vec::with_capacity(hits.len());
    for h in hits.drain(..) {
        // Drop every kept hit this one overlaps and outranks; keep this one only if
        // no overlapping kept hit outranks it.
        let mut dominated = false;
        while let Some(last) = kept.last() {
            if last.end <= h.start {
                break;
            }
            if last.ty.priority() >= h.ty.priority() {
                dominated = true;
                break;
            }
            kept.pop();
        }
        if !dominated {
            kept.push(h);
        }
    }
    *hits = kept;
}

/// Bytes that can start a candidate in the byte loop.
static INTEREST: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = b'0';
    while c <= b'9' {
        t[c as usize] = true;
        c += 1;
    }
    t[b'@' as usize] = true;
    t[b':' as usize] = true;
    t[b'-' as usize] = true;
    t[b'=' as usize] = true;
    t[b'(' as usize] = true;
    t[b'[' as usize] = true;
    t[b'{' as usize] = true;
    t
};

fn scan_bytes(b: &[u8], regions: &PhoneRegions, hits: &mut Vec<Hit>) {
    let n = b.len();
    let mut i = 0;
    // End of the last hex token examined from a ':' or '-', so that a long run of
    // them is walked once, not once per separator.
    let mut hex_seen = 0;
    while i < n {
        while i < n && !INTEREST[usize::from(b[i])] {
            i += 1;
        }
        if i >= n {
            break;
        }
        match b[i] {
            b'0'..=b'9' => {
                i = numeric(b, i, regions, hits).max(i + 1);
                continue;
            }
            b'@' => email_at(b, i, hits),
            b'=' => generic_secret_at(b, i, hits),
            b'(' | b'[' | b'{' => {
                let close = match b[i] {
                    b'(' => b')',
                    b'[' => b']',
                    _ => b'}',
                };
                if b.len() >= i + 4
                    && b[i + 1..i + 3].eq_ignore_ascii_case(b"at")
                    && b[i + 3] == close
                {
                    obfuscated_email(b, i, i + 4, hits);
                }
            }
            _ => {
                if b[i] == b':' {
                    generic_secret_at(b, i, hits);
                }
                // ':' or '-': a MAC or IPv6 that starts with a letter (digit-led
                // ones are handled by `numeric`).
                if i >= 2
                    && i >= hex_seen
                    && b[i - 1].is_ascii_hexdigit()
                    && b.get(i + 1)
                        .is_some_and(|c| c.is_ascii_hexdigit() || *c == b':')
                {
                    let start = hex_token_start(b, i, hex_seen);
                    if !b[start].is_ascii_digit() && !word_before(b, start) {
                        let end = hex_token_end(b, i);
                        hex_seen = end;
                        if ip6_or_mac(b, start, end, hits) {
                            i = end;
                            continue;
                        }
                    }
                }
            }
        }
        i += 1;
    }
}
