//! Name/value pairs (headers, args, conf entries) as the generators own them,
//! and the conversions to and from what the encoders take and the decoders
//! give back.

use proptest::prelude::*;

use promptgate::protocol::peer::OwnedEntry;
use promptgate::protocol::{self, Entry};

/// An owned header, arg or conf entry: name and optional value.
type Pair = (Vec<u8>, Option<Vec<u8>>);
pub(super) type Pairs = Vec<Pair>;

pub(super) fn owned_pairs(entries: &[protocol::TextEntry<'_>]) -> Pairs {
    entries
        .iter()
        .map(|e| (e.name.to_vec(), e.value.map(<[u8]>::to_vec)))
        .collect()
}

pub(super) fn pairs(entries: &[OwnedEntry]) -> Pairs {
    entries
        .iter()
        .map(|e| (e.name.clone(), e.value.clone()))
        .collect()
}

/// Bytes that are often not UTF-8, sometimes empty.
pub(super) fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        2 => "[ -~]{0,24}".prop_map(String::into_bytes),
        1 => proptest::collection::vec(any::<u8>(), 0..max),
    ]
}

/// Owned name/value pairs (the value may be absent or empty).
pub(super) fn entries() -> impl Strategy<Value = Pairs> {
    proptest::collection::vec((bytes(32), proptest::option::of(bytes(64))), 0..12)
}

pub(super) fn borrow(entries: &[Pair]) -> Vec<Entry<'_>> {
    entries
        .iter()
        .map(|(n, v)| (&n[..], v.as_deref()))
        .collect()
}

pub(super) fn owned(entries: &[Pair]) -> Vec<OwnedEntry> {
    entries
        .iter()
        .map(|(n, v)| OwnedEntry {
            name: n.clone(),
            value: v.clone(),
        })
        .collect()
}

pub(super) fn same_entries(decoded: &[protocol::TextEntry<'_>], sent: &[Pair]) -> bool {
    decoded.len() == sent.len()
        && decoded
            .iter()
            .zip(sent)
            .all(|(d, (n, v))| d.name == &n[..] && d.value == v.as_deref())
}
