//! Hex tokens joined by `:` or `-`: IPv6 (parsed by the standard library) and MAC
//! (EUI-48) addresses, whether they start with a digit or a letter.

use std::net::Ipv6Addr;

use super::Hit;
use super::bytes::word_at;
use crate::types::PiiType;

pub(super) fn hex_token_start(b: &[u8], mut i: usize, floor: usize) -> usize {
    while i > floor && (b[i - 1].is_ascii_hexdigit() || matches!(b[i - 1], b':' | b'-' | b'.')) {
        i -= 1;
    }
    // A token never starts with a separator (except "::" of IPv6).
    while i < b.len() && matches!(b[i], b'-' | b'.') {
        i += 1;
    }
    i
}

pub(super) fn hex_token_end(b: &[u8], mut i: usize) -> usize {
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
pub(super) fn ip6_or_mac(b: &[u8], start: usize, end: usize, hits: &mut Vec<Hit>) -> bool {
    if end <= start || word_at(b, end) {
        return false;
    }
    let tok = &b[start..end];
    if let Some(mac_end) = mac_len(tok)
        && mac_end == tok.len()
    {
        hits.push(Hit {
            ty: PiiType::MacAddress,
            rule: "pii.mac_address",
            start,
            end,
        });
        return true;
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
