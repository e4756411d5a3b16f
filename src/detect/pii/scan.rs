//! Candidate discovery and validation over the folded text.
//!
//! Two passes: a byte loop for digit runs, `@`, `:`, `-`, `=` and brackets, and an
//! Aho-Corasick pass over literal token prefixes (`0x` found by `memmem` beside it).
//! Every index here is a byte offset in the folded text.

use std::net::Ipv6Addr;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::checks;
use super::types::PiiType;

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
    "pii.phone.national",
    "pii.phone.keyword",
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
];

// === Anchors ===

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Anchor {
    Aws,
    GithubClassic,
    GithubPat,
    Gitlab,
    SlackToken,
    SlackHook,
    OpenAi,
    Anthropic,
    Jwt,
    Pem,
    Bech32,
    Eth,
}

/// Literal anchors, matched case-sensitively (so the automaton keeps its SIMD
/// prefilter), leftmost-longest so that `sk-ant-` wins over `sk-`. Key-like names and
/// `(at)` are found from the byte loop instead (`=`, `:`, brackets).
const ANCHORS: &[(&str, Anchor)] = &[
    ("AKIA", Anchor::Aws),
    ("ASIA", Anchor::Aws),
    ("ghp_", Anchor::GithubClassic),
    ("gho_", Anchor::GithubClassic),
    ("ghu_", Anchor::GithubClassic),
    ("ghs_", Anchor::GithubClassic),
    ("ghr_", Anchor::GithubClassic),
    ("github_pat_", Anchor::GithubPat),
    ("glpat-", Anchor::Gitlab),
    ("xoxb-", Anchor::SlackToken),
    ("xoxp-", Anchor::SlackToken),
    ("xoxa-", Anchor::SlackToken),
    ("xoxr-", Anchor::SlackToken),
    ("xoxs-", Anchor::SlackToken),
    ("xoxe-", Anchor::SlackToken),
    ("hooks.slack.com/services/", Anchor::SlackHook),
    ("sk-", Anchor::OpenAi),
    ("sk-ant-", Anchor::Anthropic),
    ("eyJ", Anchor::Jwt),
    ("-----BEGIN ", Anchor::Pem),
    ("bc1", Anchor::Bech32),
    ("BC1", Anchor::Bech32),
];

/// The Ethereum anchor, found apart from the automaton ([`each_anchor`]): as
/// its only two-byte pattern it made the automaton's SIMD prefilter key on
/// two-byte prefixes, and "gh", "sk", "ey" and "ho" are everywhere in English
/// (about six times slower on prose than with three-byte prefixes).
const ETH_ANCHOR: &[u8] = b"0x";

pub(super) fn build_anchors() -> Result<AhoCorasick, aho_corasick::BuildError> {
    AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostLongest)
        .build(ANCHORS.iter().map(|(p, _)| p))
}

/// Finds every confirmed value in `b` (overlaps not yet resolved).
pub(super) fn scan(b: &[u8], anchors: &AhoCorasick) -> Vec<Hit> {
    let mut hits = Vec::new();
    scan_bytes(b, &mut hits);
    each_anchor(b, anchors, |start, end, kind| {
        anchor_hit(b, start, end, kind, &mut hits)
    });
    if hits.iter().any(|h| h.rule == CONTACT_RULE) {
        let emails: Vec<(usize, usize)> = hits
            .iter()
            .filter(|h| h.ty == PiiType::Email)
            .map(|h| (h.start, h.end))
            .collect();
        hits.retain(|h| {
            h.rule != CONTACT_RULE
                || emails.iter().any(|&(s, e)| {
                    (e <= h.start && h.start - e <= CONTACT_WINDOW)
                        || (s >= h.end && s - h.end <= CONTACT_WINDOW)
                })
        });
    }
    hits
}

/// Calls `f` with every anchor match, as one leftmost-longest automaton over
/// [`ANCHORS`] and [`ETH_ANCHOR`] would report them: in order, without overlaps
/// (a match hides any other that starts inside it).
fn each_anchor(b: &[u8], anchors: &AhoCorasick, mut f: impl FnMut(usize, usize, Anchor)) {
    /// The automaton's next match at or after the cursor.
    enum Ahead {
        /// Not searched since the cursor passed the last one.
        Unknown,
        /// The leftmost-longest match from the cursor: it stays so while the
        /// cursor does not pass its start, so it is not searched for again.
        Found(aho_corasick::Match),
        /// No match from the cursor on, hence none later either.
        Exhausted,
    }
    // "0x" cannot overlap itself: every occurrence is listed.
    let mut eth = memchr::memmem::find_iter(b, ETH_ANCHOR).peekable();
    let mut ahead = Ahead::Unknown;
    let mut cursor = 0;
    loop {
        if let Ahead::Found(m) = ahead {
            if m.start() < cursor {
                ahead = Ahead::Unknown;
            }
        }
        if let Ahead::Unknown = ahead {
            let input = aho_corasick::Input::new(b).range(cursor..);
            ahead = anchors.find(input).map_or(Ahead::Exhausted, Ahead::Found);
        }
        while eth.next_if(|&p| p < cursor).is_some() {}
        let eth_at = eth.peek().copied();
        // No pattern in ANCHORS starts with '0', so the two never start at
        // the same byte and leftmost alone decides.
        match (&ahead, eth_at) {
            (Ahead::Found(m), p) if p.is_none_or(|p| m.start() < p) => {
                f(m.start(), m.end(), ANCHORS[m.pattern().as_usize()].1);
                cursor = m.end();
                ahead = Ahead::Unknown;
            }
            (_, Some(p)) => {
                f(p, p + ETH_ANCHOR.len(), Anchor::Eth);
                cursor = p + ETH_ANCHOR.len();
            }
            _ => return,
        }
    }
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

// === Byte classes ===

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

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Whether the character that ends just before `i` is a letter, digit or `_`
/// (non-ASCII letters count: a digit run glued to "ą" or "№" is not a lone number).
fn word_before(b: &[u8], i: usize) -> bool {
    if i == 0 {
        return false;
    }
    let c = b[i - 1];
    if c < 0x80 {
        return is_word(c);
    }
    let mut s = i - 1;
    while s > 0 && (b[s] & 0xC0) == 0x80 {
        s -= 1;
    }
    std::str::from_utf8(&b[s..i])
        .ok()
        .and_then(|t| t.chars().next())
        .is_some_and(char::is_alphanumeric)
}

/// Whether the character starting at `i` is a letter, digit or `_`.
fn word_at(b: &[u8], i: usize) -> bool {
    match b.get(i) {
        None => false,
        Some(&c) if c < 0x80 => is_word(c),
        Some(_) => {
            let end = (i + 4).min(b.len());
            let chunk = &b[i..end];
            let valid = match std::str::from_utf8(chunk) {
                Ok(s) => s,
                Err(e) => std::str::from_utf8(&chunk[..e.valid_up_to()]).unwrap_or(""),
            };
            valid.chars().next().is_some_and(char::is_alphanumeric)
        }
    }
}

fn skip_word(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && (is_word(b[i]) || b[i] >= 0x80) {
        i += 1;
    }
    i
}

/// Whether one of `keywords` (lower-case) starts a word in the `window` bytes before `at`.
///
/// Called for a few candidates per text, so it is written to touch each word start
/// once and to compare whole keywords only after their first byte matched.
fn keyword_before(b: &[u8], at: usize, window: usize, keywords: &[&str]) -> bool {
    let from = at.saturating_sub(window.min(64));
    let hay = &b[from..at];
    (0..hay.len()).any(|i| {
        let first = hay[i].to_ascii_lowercase();
        (i == 0 || !hay[i - 1].is_ascii_alphabetic())
            && keywords.iter().any(|k| {
                let k = k.as_bytes();
                k[0] == first
                    && hay.len() - i >= k.len()
                    && hay[i..i + k.len()]
                        .iter()
                        .zip(k)
                        .all(|(a, b)| a.to_ascii_lowercase() == *b)
            })
    })
}

/// Whether `needle` (lower-case) occurs in `hay` (already lower-case).
fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.len() >= needle.len()
        && (0..=hay.len() - needle.len())
            .any(|i| hay[i] == needle[0] && hay[i..i + needle.len()] == *needle)
}

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
const NIP_KEYWORDS: &[&str] = &["nip", "vat", "tax id", "podatk"];
const REGON_KEYWORDS: &[&str] = &["regon"];
const SSN_KEYWORDS: &[&str] = &["ssn", "social security", "ss#"];
const VERSION_KEYWORDS: &[&str] = &["version", "ver.", "release", "build", "firmware"];

// === Byte loop ===

fn scan_bytes(b: &[u8], hits: &mut Vec<Hit>) {
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
                i = numeric(b, i, hits).max(i + 1);
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

fn hex_token_start(b: &[u8], mut i: usize, floor: usize) -> usize {
    while i > floor && (b[i - 1].is_ascii_hexdigit() || matches!(b[i - 1], b':' | b'-' | b'.')) {
        i -= 1;
    }
    // A token never starts with a separator (except "::" of IPv6).
    while i < b.len() && matches!(b[i], b'-' | b'.') {
        i += 1;
    }
    i
}

fn hex_token_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && (b[i].is_ascii_hexdigit() || matches!(b[i], b':' | b'-' | b'.')) {
        i += 1;
    }
    // Sentence punctuation after the token is not part of it.
    while i > 0 && matches!(b[i - 1], b'.' | b'-') {
        i -= 1;
    }
    i
}

/// Tries `b[start..end]` as an IPv6 or MAC address.
fn ip6_or_mac(b: &[u8], start: usize, end: usize, hits: &mut Vec<Hit>) -> bool {
    if end <= start || word_at(b, end) {
        return false;
    }
    let tok = &b[start..end];
    if let Some(mac_end) = mac_len(tok) {
        if mac_end == tok.len() {
            hits.push(Hit {
                ty: PiiType::MacAddress,
                rule: "pii.mac_address",
                start,
                end,
            });
            return true;
        }
    }
    let colons = tok.iter().filter(|&&c| c == b':').count();
    if colons < 2 || tok.contains(&b'-') {
        return false;
    }
    let groups = tok.split(|&c| c == b':').filter(|g| !g.is_empty()).count();
    if groups < 3 {
        return false;
    }
    let Ok(s) = std::str::from_utf8(tok) else {
        return false;
    };
    match s.parse::<Ipv6Addr>() {
        Ok(ip) if !ip.is_loopback() && !ip.is_unspecified() => {
            hits.push(Hit {
                ty: PiiType::IpAddress,
                rule: "pii.ip_address.v6",
                start,
                end,
            });
            true
        }
        _ => false,
    }
}

/// Length of a MAC address (`aa:bb:cc:dd:ee:ff` or with `-`) at the start of `tok`.
fn mac_len(tok: &[u8]) -> Option<usize> {
    if tok.len() < 17 {
        return None;
    }
    let sep = tok[2];
    if sep != b':' && sep != b'-' {
        return None;
    }
    for g in 0..6 {
        let p = g * 3;
        if !tok[p].is_ascii_hexdigit() || !tok[p + 1].is_ascii_hexdigit() {
            return None;
        }
        if g < 5 && tok[p + 2] != sep {
            return None;
        }
    }
    // All-zero and broadcast addresses identify nobody.
    let digits: Vec<u8> = tok[..17]
        .iter()
        .copied()
        .filter(u8::is_ascii_hexdigit)
        .collect();
    if digits.iter().all(|&c| c == b'0') || digits.iter().all(|&c| c == b'f' || c == b'F') {
        return None;
    }
    Some(17)
}

// === Numeric runs ===

const MAX_GROUPS: usize = 24;
const MAX_DIGITS: usize = 40;

/// A run of digit groups joined by short separators, e.g. `4111 1111-1111.1111`,
/// `(455)866-8396` or `+49 (0) 9366 903868` (the `+`/`(` before it is not in the run).
struct Run {
    start: usize,
    end: usize,
    groups: [(usize, u8); MAX_GROUPS],
    /// Separator between group k and k+1: a single byte for ' ', '-' and '.', or
    /// `b'p'` when it contains a parenthesis.
    seps: [u8; MAX_GROUPS],
    ngroups: usize,
    digits: [u8; MAX_DIGITS],
    ndigits: usize,
    overflow: bool,
}

impl Run {
    fn parse(b: &[u8], start: usize) -> Run {
        let mut run = Run {
            start,
            end: start,
            groups: [(0, 0); MAX_GROUPS],
            seps: [0; MAX_GROUPS],
            ngroups: 0,
            digits: [0; MAX_DIGITS],
            ndigits: 0,
            overflow: false,
        };
        let n = b.len();
        let mut i = start;
        loop {
            let gs = i;
            while i < n && b[i].is_ascii_digit() {
                if run.ndigits < MAX_DIGITS {
                    run.digits[run.ndigits] = b[i];
                    run.ndigits += 1;
                } else {
                    run.overflow = true;
                }
                i += 1;
            }
            if run.ngroups < MAX_GROUPS {
                run.groups[run.ngroups] = (gs, (i - gs).min(255) as u8);
                run.ngroups += 1;
            } else {
                run.overflow = true;
            }
            run.end = i;
            let mut j = i;
            while j < n && j - i < 3 && matches!(b[j], b' ' | b'-' | b'.' | b'(' | b')') {
                j += 1;
            }
            if j == i || j >= n || !b[j].is_ascii_digit() {
                break;
            }
            let sep = &b[i..j];
            let plain = sep
                .iter()
                .filter(|c| matches!(c, b' ' | b'-' | b'.'))
                .count();
            let parens = sep.len() - plain;
            if plain > 1 || (parens == 0 && sep.len() > 1) {
                break;
            }
            if run.ngroups <= MAX_GROUPS && run.ngroups > 0 {
                let k = run.ngroups - 1;
                if k < MAX_GROUPS {
                    run.seps[k] = if parens > 0 { b'p' } else { sep[0] };
                }
            }
            i = j;
        }
        run
    }

    fn digits(&self) -> &[u8] {
        &self.digits[..self.ndigits]
    }

    fn lens(&self) -> impl Iterator<Item = u8> + '_ {
        self.groups[..self.ngroups].iter().map(|g| g.1)
    }

    fn shape_is(&self, lens: &[u8]) -> bool {
        self.ngroups == lens.len() && self.lens().zip(lens).all(|(a, &b)| a == b)
    }

    fn seps(&self) -> &[u8] {
        &self.seps[..self.ngroups.saturating_sub(1)]
    }

    fn uniform_sep(&self, allowed: &[u8]) -> bool {
        let seps = self.seps();
        seps.first().is_some_and(|s| allowed.contains(s)) && seps.iter().all(|s| *s == seps[0])
    }

    fn has_sep(&self, c: u8) -> bool {
        self.seps().contains(&c)
    }
}

/// Handles the digit at `s` (no digit before it) and returns where to continue.
fn numeric(b: &[u8], s: usize, hits: &mut Vec<Hit>) -> usize {
    if word_before(b, s) {
        // Glued to letters: an IBAN ("DE89…"), a NINO ("AB123456C"), or part of an
        // identifier that no numeric validator may claim.
        if s >= 2
            && b[s - 1].is_ascii_uppercase()
            && b[s - 2].is_ascii_uppercase()
            && !word_before(b, s - 2)
        {
            if let Some(end) = iban_at(b, s - 2) {
                hits.push(Hit {
                    ty: PiiType::Iban,
                    rule: "pii.iban",
                    start: s - 2,
                    end,
                });
                return end;
            }
            if let Some(end) = nino_at(b, s - 2) {
                hits.push(Hit {
                    ty: PiiType::UkNino,
                    rule: "pii.uk_nino",
                    start: s - 2,
                    end,
                });
                return end;
            }
        }
        return skip_word(b, s);
    }
    let run = Run::parse(b, s);
    let after = run.end;
    let ext_end = phone_extension(b, after);
    if word_at(b, after) && ext_end.is_none() {
        // Digits glued to letters after them: hex, base58, versions like "5G".
        let tok_end = skip_word(b, s);
        if matches!(b[s], b'1' | b'3') && btc_base58(b, s, tok_end, hits) {
            return tok_end;
        }
        let hex_end = hex_token_end(b, s);
        if hex_end > s && ip6_or_mac(b, s, hex_end, hits) {
            return hex_end;
        }
        // Skip the whole token either way, so each byte is walked a bounded number of times.
        return tok_end.max(hex_end);
    }
    if b.get(after) == Some(&b':') || (b.get(after) == Some(&b'-') && run.ngroups == 1) {
        let hex_end = hex_token_end(b, s);
        if hex_end > after {
            if !ip6_or_mac(b, s, hex_end, hits) && b.get(after) == Some(&b':') {
                classify(b, &run, ext_end, hits);
            }
            return hex_end;
        }
    }
    if run.overflow {
        return after;
    }
    classify(b, &run, ext_end, hits);
    after
}

fn classify(b: &[u8], run: &Run, ext_end: Option<usize>, hits: &mut Vec<Hit>) {
    let s = run.start;
    let d = run.digits();
    let nd = d.len();
    let before = if s > 0 { b[s - 1] } else { b' ' };
    let plus = before == b'+' && !word_before(b, s - 1);
    let paren = before == b'(' || run.has_sep(b'p');
    let push = |hits: &mut Vec<Hit>, ty, rule, start, end| {
        hits.push(Hit {
            ty,
            rule,
            start,
            end,
        })
    };

    if !plus && !paren {
        // IPv4-shaped runs belong to the IP validator, valid or not.
        if run.ngroups == 4 && run.uniform_sep(b".") && run.lens().all(|l| (1..=3).contains(&l)) {
            if ipv4_valid(run) && !keyword_before(b, s, 12, VERSION_KEYWORDS) {
                push(hits, PiiType::IpAddress, "pii.ip_address.v4", s, run.end);
            }
            return;
        }
        if run.shape_is(&[3, 2, 4]) && run.uniform_sep(b"- ") {
            if checks::ssn_valid(d) {
                push(hits, PiiType::UsSsn, "pii.us_ssn", s, run.end);
            }
            return;
        }
        if (13..=19).contains(&nd) {
            if let Some(brand) = card(d) {
                push(hits, PiiType::CreditCard, brand, s, run.end);
                return;
            }
            if nd == 14 && keyword_before(b, s, 24, REGON_KEYWORDS) {
                if checks::regon_valid(d) {
                    push(hits, PiiType::PlRegon, "pii.pl_regon", s, run.end);
                }
                return;
            }
            // Not a card: only an international phone ("001-…") may still claim it.
        }
        if nd == 11 && (run.ngroups == 1 || run.uniform_sep(b" -")) && checks::pesel_valid(d) {
            push(hits, PiiType::PlPesel, "pii.pl_pesel", s, run.end);
            return;
        }
        if nd == 10 {
            let dashed = (run.shape_is(&[3, 3, 2, 2]) || run.shape_is(&[3, 2, 2, 3]))
                && run.uniform_sep(b"-");
            let keyed = keyword_before(b, s, 24, NIP_KEYWORDS)
                && (run.ngroups == 1 || run.uniform_sep(b"- "));
            if (dashed || keyed) && checks::nip_valid(d) {
                push(hits, PiiType::PlNip, "pii.pl_nip", s, run.end);
                return;
            }
            if dashed {
                return;
            }
        }
        if (nd == 9 || nd == 14) && keyword_before(b, s, 24, REGON_KEYWORDS) {
            if checks::regon_valid(d) {
                push(hits, PiiType::PlRegon, "pii.pl_regon", s, run.end);
            }
            return;
        }
        if nd == 9 && run.ngroups == 1 && keyword_before(b, s, 24, SSN_KEYWORDS) {
            if checks::ssn_valid(d) {
                push(hits, PiiType::UsSsn, "pii.us_ssn", s, run.end);
            }
            return;
        }
        if nd == 6 && run.ngroups <= 3 && s >= 3 && b[s - 1] == b' ' {
            if let Some(end) = nino_at(b, s - 3) {
                if !word_before(b, s - 3) {
                    push(hits, PiiType::UkNino, "pii.uk_nino", s - 3, end);
                    return;
                }
            }
        }
    }
    if let Some((rule, start)) = phone(b, run, plus) {
        let end = ext_end.unwrap_or(run.end);
        push(hits, PiiType::Phone, rule, start, end);
        return;
    }
    // A card hidden in a longer spaced run ("card 4111 1111 1111 1111 12/25" aside,
    // e.g. "ref 12 4111 1111 1111 1111"): try windows of whole groups.
    if nd > 13 && run.ngroups >= 3 && !plus && !paren && run.uniform_sep(b" ") {
        card_window(run, hits);
    }
}

fn card(d: &[u8]) -> Option<&'static str> {
    let brand = checks::card_brand(d)?;
    if !checks::luhn(d) {
        return None;
    }
    // Runs of one repeated digit pass Luhn for some lengths; they are test fillers.
    if d.iter().all(|&c| c == d[0]) {
        return None;
    }
    Some(match brand {
        "visa" => "pii.credit_card.visa",
        "mastercard" => "pii.credit_card.mastercard",
        "amex" => "pii.credit_card.amex",
        "discover" => "pii.credit_card.discover",
        "jcb" => "pii.credit_card.jcb",
        "diners" => "pii.credit_card.diners",
        "unionpay" => "pii.credit_card.unionpay",
        "mir" => "pii.credit_card.mir",
        _ => "pii.credit_card.maestro",
    })
}

fn card_window(run: &Run, hits: &mut Vec<Hit>) {
    let groups = &run.groups[..run.ngroups];
    let mut digit_at = [0usize; MAX_GROUPS + 1];
    for (k, g) in groups.iter().enumerate() {
        digit_at[k + 1] = digit_at[k] + usize::from(g.1);
    }
    let mut a = 0;
    while a < groups.len() {
        let mut found = None;
        for z in (a + 1..=groups.len()).rev() {
            let len = digit_at[z] - digit_at[a];
            if !(13..=19).contains(&len) || digit_at[z] > run.ndigits {
                continue;
            }
            if let Some(rule) = card(&run.digits[digit_at[a]..digit_at[z]]) {
                found = Some((z, rule));
                break;
            }
        }
        if let Some((z, rule)) = found {
            let (gs, _) = groups[a];
            let (ge, gl) = groups[z - 1];
            hits.push(Hit {
                ty: PiiType::CreditCard,
                rule,
                start: gs,
                end: ge + usize::from(gl),
            });
            a = z;
        } else {
            a += 1;
        }
    }
}

fn ipv4_valid(run: &Run) -> bool {
    let mut octets = [0u32; 4];
    for (k, &(_, gl)) in run.groups[..4].iter().enumerate() {
        let start: usize = run.groups[..k].iter().map(|g| usize::from(g.1)).sum();
        let v = run.digits[start..start + usize::from(gl)]
            .iter()
            .fold(0u32, |a, &c| a * 10 + u32::from(c - b'0'));
        if v > 255 {
            return false;
        }
        octets[k] = v;
    }
    // Unspecified, loopback, multicast/reserved and netmask-looking values identify no one.
    !(octets[0] == 0 || octets[0] == 127 || octets[0] >= 224)
}

/// `x123`, ` x123`, ` ext. 123`, `ext123` right after a phone body; returns its end.
fn phone_extension(b: &[u8], at: usize) -> Option<usize> {
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

// === Phone ===

fn nanp_valid(d: &[u8]) -> bool {
    d.len() == 10 && (b'2'..=b'9').contains(&d[0]) && (b'2'..=b'9').contains(&d[3])
}

/// Decides whether a run is a phone number; returns the rule and the span start.
fn phone(b: &[u8], run: &Run, plus: bool) -> Option<(&'static str, usize)> {
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
const CONTACT_RULE: &str = "pii.phone.contact";

/// How far (bytes) an e-mail may be from a contact-rule phone.
const CONTACT_WINDOW: usize = 48;

/// Whether the digits after `skip` (the `00` prefix) are a country calling code and a
/// national number that country's numbering plan can issue (see [`super::phone`]); a
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
    n > skip && super::phone::international_valid(&digits[skip..n])
}

// === IBAN, NINO ===

/// An IBAN starting at `p` (two upper-case letters), compact or grouped by four.
fn iban_at(b: &[u8], p: usize) -> Option<usize> {
    let want = checks::iban_len_for(&b[p..p + 2])?;
    let mut buf = [0u8; 34];
    let mut n = 0;
    let mut i = p;
    while i < b.len() && n < want {
        let c = b[i];
        if c.is_ascii_digit() || c.is_ascii_uppercase() {
            buf[n] = c;
            n += 1;
            i += 1;
        } else if c == b' '
            && n % 4 == 0
            && n > 0
            && b.get(i + 1).is_some_and(u8::is_ascii_alphanumeric)
        {
            i += 1;
        } else {
            break;
        }
    }
    if n != want || word_at(b, i) {
        return None;
    }
    checks::iban_valid(&buf[..n]).then_some(i)
}

/// A UK NINO at `p`: `AB123456C` or `AB 12 34 56 C`.
fn nino_at(b: &[u8], p: usize) -> Option<usize> {
    let (a, c) = (*b.get(p)?, *b.get(p + 1)?);
    if !a.is_ascii_uppercase() || !c.is_ascii_uppercase() || !checks::nino_prefix_valid(a, c) {
        return None;
    }
    let mut i = p + 2;
    let spaced = b.get(i) == Some(&b' ');
    for pair in 0..3 {
        if spaced && b.get(i) == Some(&b' ') {
            i += 1;
        } else if spaced && pair > 0 {
            return None;
        }
        if !b.get(i)?.is_ascii_digit() || !b.get(i + 1)?.is_ascii_digit() {
            return None;
        }
        i += 2;
    }
    if spaced && b.get(i) == Some(&b' ') {
        i += 1;
    }
    if !matches!(b.get(i), Some(b'A'..=b'D')) {
        return None;
    }
    i += 1;
    (!word_at(b, i)).then_some(i)
}

fn btc_base58(b: &[u8], s: usize, end: usize, hits: &mut Vec<Hit>) -> bool {
    if !(25..=35).contains(&(end - s)) || !checks::btc_base58_valid(&b[s..end]) {
        return false;
    }
    hits.push(Hit {
        ty: PiiType::BtcAddress,
        rule: "pii.btc_address.base58",
        start: s,
        end,
    });
    true
}

// === E-mail ===

fn is_local(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-')
}

/// File extensions that follow `@2x`-style asset names; never a TLD in practice.
const NOT_TLDS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "svg", "webp", "css", "js", "ts", "py", "rs", "json", "txt",
];

/// Parses `label(.label)+` at `i` where the separator is '.' or, when `obfuscated`,
/// also `(dot)`, `[dot]`, `{dot}` with optional spaces. Returns the end.
fn domain_at(b: &[u8], mut i: usize, obfuscated: bool) -> Option<usize> {
    let mut labels = 0;
    let mut last_label = (0, 0);
    let mut end = i;
    let domain_start = i;
    loop {
        if i - domain_start > 255 {
            return None;
        }
        let ls = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'-') {
            i += 1;
        }
        if i == ls || i - ls > 63 || b[ls] == b'-' || b[i - 1] == b'-' {
            break;
        }
        labels += 1;
        last_label = (ls, i);
        end = i;
        if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_alphanumeric) {
            i += 1;
            continue;
        }
        if obfuscated {
            let mut j = i;
            while j < b.len() && b[j] == b' ' && j - i < 2 {
                j += 1;
            }
            let tok = b.get(j..j + 5);
            if tok.is_some_and(|t| {
                t.eq_ignore_ascii_case(b"(dot)")
                    || t.eq_ignore_ascii_case(b"[dot]")
                    || t.eq_ignore_ascii_case(b"{dot}")
            }) {
                j += 5;
                let k = j;
                while j < b.len() && b[j] == b' ' && j - k < 2 {
                    j += 1;
                }
                if b.get(j).is_some_and(u8::is_ascii_alphanumeric) {
                    i = j;
                    continue;
                }
            }
        }
        break;
    }
    if labels < 2 {
        return None;
    }
    let tld = &b[last_label.0..last_label.1];
    let tld_ok = (2..=24).contains(&tld.len()) && tld.iter().all(u8::is_ascii_alphabetic)
        || tld.len() > 4 && tld[..4].eq_ignore_ascii_case(b"xn--");
    if !tld_ok
        || NOT_TLDS
            .iter()
            .any(|x| x.as_bytes().eq_ignore_ascii_case(tld))
    {
        return None;
    }
    if word_at(b, end) {
        return None;
    }
    Some(end)
}

fn local_start(b: &[u8], end: usize) -> Option<usize> {
    let mut j = end;
    while j > 0 && is_local(b[j - 1]) && end - j <= 64 {
        j -= 1;
    }
    while j < end && matches!(b[j], b'.' | b'-' | b'+') {
        j += 1;
    }
    if j == end || end - j > 64 || b[end - 1] == b'.' || word_before(b, j) {
        return None;
    }
    Some(j)
}

fn email_at(b: &[u8], at: usize, hits: &mut Vec<Hit>) {
    let Some(start) = local_start(b, at) else {
        return;
    };
    if let Some(end) = domain_at(b, at + 1, false) {
        hits.push(Hit {
            ty: PiiType::Email,
            rule: "pii.email",
            start,
            end,
        });
    }
}

fn obfuscated_email(b: &[u8], p: usize, q: usize, hits: &mut Vec<Hit>) {
    let mut j = p;
    while j > 0 && b[j - 1] == b' ' && p - j < 2 {
        j -= 1;
    }
    let Some(start) = local_start(b, j) else {
        return;
    };
    let mut k = q;
    while k < b.len() && b[k] == b' ' && k - q < 2 {
        k += 1;
    }
    if let Some(end) = domain_at(b, k, true) {
        hits.push(Hit {
            ty: PiiType::Email,
            rule: "pii.email.obfuscated",
            start,
            end,
        });
    }
}

// === Anchored secrets ===

fn token_end(b: &[u8], mut i: usize, extra: &[u8]) -> usize {
    while i < b.len() && (b[i].is_ascii_alphanumeric() || extra.contains(&b[i])) {
        i += 1;
    }
    i
}

fn has_classes(s: &[u8], min: usize) -> bool {
    let lower = s.iter().any(u8::is_ascii_lowercase);
    let upper = s.iter().any(u8::is_ascii_uppercase);
    let digit = s.iter().any(u8::is_ascii_digit);
    usize::from(lower) + usize::from(upper) + usize::from(digit) >= min
}

fn anchor_hit(b: &[u8], p: usize, q: usize, kind: Anchor, hits: &mut Vec<Hit>) {
    let exact = |lit: &[u8]| b[p..q] == *lit;
    let free_before = !(p > 0 && (is_word(b[p - 1]) || b[p - 1] == b'-'));
    let mut push = |ty, rule, start, end| {
        hits.push(Hit {
            ty,
            rule,
            start,
            end,
        })
    };
    match kind {
        Anchor::Aws => {
            let end = token_end(b, q, b"");
            if free_before
                && (exact(b"AKIA") || exact(b"ASIA"))
                && end - q == 16
                && b[q..end]
                    .iter()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            {
                push(PiiType::AwsAccessKey, "pii.aws_access_key", p, end);
            }
        }
        Anchor::GithubClassic => {
            let end = token_end(b, q, b"");
            if free_before
                && b[p..q].iter().all(|c| !c.is_ascii_uppercase())
                && (30..=251).contains(&(end - q))
                && has_classes(&b[q..end], 2)
                && !word_at(b, end)
            {
                push(PiiType::GithubToken, "pii.github_token", p, end);
            }
        }
        Anchor::GithubPat => {
            let end = token_end(b, q, b"_");
            if free_before && exact(b"github_pat_") && end - q >= 40 && has_classes(&b[q..end], 2) {
                push(
                    PiiType::GithubToken,
                    "pii.github_token.fine_grained",
                    p,
                    end,
                );
            }
        }
        Anchor::Gitlab => {
            let end = token_end(b, q, b"_-");
            if free_before && exact(b"glpat-") && end - q >= 20 && has_classes(&b[q..end], 2) {
                push(PiiType::GitlabToken, "pii.gitlab_token", p, end);
            }
        }
        Anchor::SlackToken => {
            let end = token_end(b, q, b"-");
            if free_before
                && b[p..q].iter().all(|c| !c.is_ascii_uppercase())
                && end - q >= 10
                && b[q..end].iter().any(u8::is_ascii_digit)
            {
                push(PiiType::SlackToken, "pii.slack_token", p, end);
            }
        }
        Anchor::SlackHook => {
            let end = token_end(b, q, b"/");
            let path = &b[q..end];
            let parts: Vec<&[u8]> = path.split(|&c| c == b'/').collect();
            if exact(b"hooks.slack.com/services/")
                && parts.len() == 3
                && parts.iter().all(|p| p.len() >= 8)
            {
                let start = [&b"https://"[..], b"http://"]
                    .iter()
                    .find(|pre| p >= pre.len() && b[p - pre.len()..p].eq_ignore_ascii_case(pre))
                    .map_or(p, |pre| p - pre.len());
                push(PiiType::SlackToken, "pii.slack_token.webhook", start, end);
            }
        }
        Anchor::OpenAi | Anchor::Anthropic => {
            let end = token_end(b, q, b"_-");
            let body = &b[q..end];
            let lower_prefix = b[p..q].iter().all(|c| !c.is_ascii_uppercase());
            if free_before
                && lower_prefix
                && body.len() >= 20
                && has_classes(body, 2)
                && body.iter().any(u8::is_ascii_digit)
                && checks::entropy(body) >= 3.0
            {
                if kind == Anchor::Anthropic {
                    push(PiiType::AnthropicApiKey, "pii.anthropic_api_key", p, end);
                } else {
                    push(PiiType::OpenaiApiKey, "pii.openai_api_key", p, end);
                }
            }
        }
        Anchor::Jwt => {
            if !exact(b"eyJ") || (p > 0 && (is_word(b[p - 1]) || matches!(b[p - 1], b'-' | b'.'))) {
                return;
            }
            let h_end = token_end(b, p, b"_-");
            if b.get(h_end) != Some(&b'.') || h_end - p < 10 {
                return;
            }
            let p_end = token_end(b, h_end + 1, b"_-");
            if p_end - (h_end + 1) < 2 || b.get(p_end) != Some(&b'.') {
                return;
            }
            let s_end = token_end(b, p_end + 1, b"_-");
            if checks::jwt_header_valid(&b[p..h_end]) {
                push(PiiType::Jwt, "pii.jwt", p, s_end);
            }
        }
        Anchor::Pem => {
            if !exact(b"-----BEGIN ") {
                return;
            }
            let line_end = b[q..]
                .iter()
                .position(|&c| c == b'\n')
                .map_or(b.len(), |x| q + x)
                .min(q + 64);
            let header = &b[q..line_end];
            let Some(dash) = header.windows(5).position(|w| w == b"-----") else {
                return;
            };
            let label = &header[..dash];
            if !label.ends_with(b"PRIVATE KEY") {
                return;
            }
            let after_header = q + dash + 5;
            let mut end_marker = Vec::with_capacity(label.len() + 14);
            end_marker.extend_from_slice(b"-----END ");
            end_marker.extend_from_slice(label);
            end_marker.extend_from_slice(b"-----");
            let end = b[after_header..]
                .windows(end_marker.len())
                .position(|w| w == end_marker.as_slice())
                .map(|x| after_header + x + end_marker.len())
                .unwrap_or_else(|| {
                    // Truncated block: cover the base64 body that follows.
                    let mut i = after_header;
                    while i < b.len()
                        && (b[i].is_ascii_alphanumeric() || b"+/=\r\n\t \\:-,".contains(&b[i]))
                    {
                        i += 1;
                    }
                    while i > after_header && b[i - 1].is_ascii_whitespace() {
                        i -= 1;
                    }
                    i
                });
            push(PiiType::PrivateKey, "pii.private_key", p, end);
        }
        Anchor::Bech32 => {
            let end = token_end(b, p, b"");
            if free_before && (42..=62).contains(&(end - p)) && checks::btc_bech32_valid(&b[p..end])
            {
                push(PiiType::BtcAddress, "pii.btc_address.bech32", p, end);
            }
        }
        Anchor::Eth => {
            let end = token_end(b, q, b"");
            if !exact(b"0x")
                || !free_before
                || end - q != 40
                || !b[q..end].iter().all(u8::is_ascii_hexdigit)
            {
                return;
            }
            if checks::eth_checksum_valid(&b[q..end]) {
                push(PiiType::EthAddress, "pii.eth_address", p, end);
            }
        }
    }
}

/// Key-like names whose assigned value is checked for a secret.
const SECRET_NAMES: &[&[u8]] = &[
    b"api_key",
    b"apikey",
    b"api-key",
    b"secret",
    b"password",
    b"passwd",
    b"pwd",
    b"token",
    b"access_key",
    b"private_key",
    b"credential",
    b"auth_key",
];

/// At an `=` or `:` at `i`: if the name before it is key-like (`api_key`, `"password"`,
/// `client_secret`), check the value after it.
fn generic_secret_at(b: &[u8], i: usize, hits: &mut Vec<Hit>) {
    // The name: optional spaces, optional closing quote, identifier characters.
    let mut j = i;
    while j > 0 && b[j - 1] == b' ' && i - j < 3 {
        j -= 1;
    }
    if j > 0 && matches!(b[j - 1], b'"' | b'\'' | b'`') {
        j -= 1;
    }
    let name_end = j;
    while j > 0 && (is_word(b[j - 1]) || b[j - 1] == b'-' || b[j - 1] == b'.') && name_end - j < 40
    {
        j -= 1;
    }
    if j == name_end {
        return;
    }
    let mut name = [0u8; 40];
    let len = name_end - j;
    for (o, c) in name.iter_mut().zip(&b[j..name_end]) {
        *o = c.to_ascii_lowercase();
    }
    let name = &name[..len];
    if !SECRET_NAMES.iter().any(|k| contains(name, k)) {
        return;
    }
    if let Some((start, end)) = assigned_value(b, i) {
        if looks_secret(&b[start..end]) {
            hits.push(Hit {
                ty: PiiType::GenericSecret,
                rule: "pii.generic_secret",
                start,
                end,
            });
        }
    }
}

/// The value after the separator at `i` (`:`, `=`, `:=`, `=>`), optionally quoted.
fn assigned_value(b: &[u8], mut i: usize) -> Option<(usize, usize)> {
    let n = b.len();
    match b.get(i) {
        Some(b'=') => {
            i += 1;
            if b.get(i) == Some(&b'>') {
                i += 1;
            }
        }
        Some(b':') => {
            i += 1;
            if b.get(i) == Some(&b'=') {
                i += 1;
            }
        }
        _ => return None,
    }
    let sp = i;
    while i < n && (b[i] == b' ' || b[i] == b'\t') && i - sp < 4 {
        i += 1;
    }
    let quote = match b.get(i) {
        Some(&q @ (b'"' | b'\'' | b'`')) => {
            i += 1;
            Some(q)
        }
        _ => None,
    };
    let vs = i;
    while i < n && i - vs <= 512 {
        let c = b[i];
        let stop = match quote {
            Some(q) => c == q || c == b'\n',
            None => {
                c.is_ascii_whitespace()
                    || matches!(
                        c,
                        b',' | b';' | b'"' | b'\'' | b'`' | b')' | b'}' | b']' | b'<' | b'>'
                    )
            }
        };
        if stop {
            break;
        }
        i += 1;
    }
    (i > vs).then_some((vs, i))
}

fn looks_secret(v: &[u8]) -> bool {
    if !(10..=512).contains(&v.len()) || !v.is_ascii() {
        return false;
    }
    if v.iter().any(|c| c.is_ascii_whitespace()) {
        return false;
    }
    let lower: Vec<u8> = v.iter().map(u8::to_ascii_lowercase).collect();
    const PLACEHOLDERS: &[&[u8]] = &[
        b"xxx",
        b"***",
        b"...",
        b"${",
        b"{{",
        b"<",
        b"example",
        b"your",
        b"here",
        b"changeme",
        b"redacted",
        b"http",
        b"env",
        b"process.",
    ];
    if PLACEHOLDERS
        .iter()
        .any(|p| lower.windows(p.len()).any(|w| w == *p))
    {
        return false;
    }
    has_classes(v, 2) && v.iter().any(u8::is_ascii_digit) && checks::entropy(v) >= 3.0
}

#[cfg(test)]
mod anchor_tests {
    use super::*;
    use proptest::prelude::*;

    /// What one automaton over every anchor, "0x" included, reports: the
    /// behaviour [`each_anchor`] must keep.
    fn one_automaton(b: &[u8]) -> Vec<(usize, usize, Anchor)> {
        let mut all: Vec<(&str, Anchor)> = ANCHORS.to_vec();
        all.push(("0x", Anchor::Eth));
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(all.iter().map(|(p, _)| p))
            .expect("anchors compile");
        ac.find_iter(b)
            .map(|m| (m.start(), m.end(), all[m.pattern().as_usize()].1))
            .collect()
    }

    fn split(b: &[u8]) -> Vec<(usize, usize, Anchor)> {
        let anchors = build_anchors().expect("anchors compile");
        let mut out = Vec::new();
        each_anchor(b, &anchors, |s, e, k| out.push((s, e, k)));
        out
    }

    #[test]
    fn overlapping_anchors_resolve_as_one_automaton_would() {
        for text in [
            "",
            "0x",
            "00x0x",
            "0xoxb-1",
            "xoxb-0x",
            "sk-ant-0xsk-",
            "ghp_0xAKIA0x",
            "-----BEGIN 0x",
            "0x-----BEGIN ",
            "hooks.slack.com/services/0xhooks.slack.com/services/",
        ] {
            assert_eq!(
                split(text.as_bytes()),
                one_automaton(text.as_bytes()),
                "{text:?}"
            );
        }
        let many = "0x".repeat(5_000) + "AKIA" + &"0xoxb-".repeat(2_000);
        assert_eq!(split(many.as_bytes()), one_automaton(many.as_bytes()));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn anchors_match_one_automaton(parts in prop::collection::vec(prop::sample::select(vec![
            "0x", "0", "x", "ox", "xoxb-", "xox", "AKIA", "ASIA", "sk-", "sk-ant-", "sk", "-ant-",
            "eyJ", "ey", "bc1", "BC1", "gh", "ghp_", "github_pat_", "glpat-", "-----BEGIN ", "--",
            "hooks.slack.com/services/", "hooks", "a", " ", "_", "1",
        ]), 0..40)) {
            let text = parts.concat();
            prop_assert_eq!(split(text.as_bytes()), one_automaton(text.as_bytes()));
        }
    }
}
