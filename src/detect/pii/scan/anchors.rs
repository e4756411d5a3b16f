//! The literal anchors (`AKIA`, `ghp_`, `sk-`, `eyJ`, `-----BEGIN `, …): one
//! case-sensitive leftmost-longest automaton, plus `0x` found by `memmem`, walked
//! together as one automaton would report them. What follows an anchor is checked in
//! [`super::secrets`].

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Anchor {
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

pub(in crate::detect::pii) fn build_anchors() -> Result<AhoCorasick, aho_corasick::BuildError> {
    AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostLongest)
        .build(ANCHORS.iter().map(|(p, _)| p))
}

/// Calls `f` with every anchor match, as one leftmost-longest automaton over
/// [`ANCHORS`] and [`ETH_ANCHOR`] would report them: in order, without overlaps
/// (a match hides any other that starts inside it).
pub(super) fn each_anchor(
    b: &[u8],
    anchors: &AhoCorasick,
    mut f: impl FnMut(usize, usize, Anchor),
) {
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
        if let Ahead::Found(m) = ahead
            && m.start() < cursor
        {
            ahead = Ahead::Unknown;
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
