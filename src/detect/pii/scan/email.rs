//! E-mail addresses, plain (`name@example.com`) and obfuscated
//! (`name (at) example (dot) com`, `[at]`, `{dot}`).

use super::Hit;
use super::bytes::{word_at, word_before};
use crate::types::PiiType;

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

pub(super) fn email_at(b: &[u8], at: usize, hits: &mut Vec<Hit>) {
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

pub(super) fn obfuscated_email(b: &[u8], p: usize, q: usize, hits: &mut Vec<Hit>) {
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
