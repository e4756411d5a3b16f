//! Secrets: the token after each literal anchor (cloud and API keys, Slack and
//! GitHub tokens, JWTs, PEM private keys, Bitcoin bech32 and Ethereum addresses),
//! and high-entropy values assigned to key-like names (`api_key = "…"`).

use super::super::checks;
use super::Hit;
use super::anchors::Anchor;
use super::bytes::{contains, is_word, word_at};
use crate::types::PiiType;

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

pub(super) fn anchor_hit(b: &[u8], p: usize, q: usize, kind: Anchor, hits: &mut Vec<Hit>) {
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
pub(super) fn generic_secret_at(b: &[u8], i: usize, hits: &mut Vec<Hit>) {
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
    if let Some((start, end)) = assigned_value(b, i)
        && looks_secret(&b[start..end])
    {
        hits.push(Hit {
            ty: PiiType::GenericSecret,
            rule: "pii.generic_secret",
            start,
            end,
        });
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
