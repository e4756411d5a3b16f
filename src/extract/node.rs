//! [`Node`]: a light, borrowed JSON tree for the hot path.
//!
//! serde_json's `Value` allocates every key, every string and a hash map per
//! object; building and dropping it costs several times the parse itself. A
//! `Node` borrows every string that has no escapes straight from the body, keeps
//! objects as small vectors and drops numbers (nothing reads them), so the walk
//! allocates only for arrays, objects and escaped strings.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use super::keys::canonical;

/// The parse error of an object that names a member twice (after
/// [`canonical`]): the reader's only data error, which `extract` answers with
/// [`super::ExtractError::DuplicateKey`].
const DUPLICATE_KEY: &str = "an object names a member twice";

/// Objects up to this many members look for a repeated name by a linear scan.
const SMALL_OBJECT: usize = 16;

/// A JSON value with borrowed strings and without number values.
#[derive(Debug)]
pub(super) enum Node<'a> {
    /// `null`: allowed where a shape expects text (OpenAI `content: null`).
    Null,
    /// `true`, `false` or a number: never text.
    Scalar,
    /// A string, escapes decoded (borrowed when it had none).
    Str(Cow<'a, str>),
    /// An array.
    Arr(Vec<Node<'a>>),
    /// An object's members in document order; every name once, each read
    /// key in its documented spelling (see `keys.rs`).
    Obj(Vec<(Cow<'a, str>, Node<'a>)>),
}

/// The members of an object.
pub(super) type Members<'a> = [(Cow<'a, str>, Node<'a>)];

/// The member named `key` (a parsed object names each member once).
pub(super) fn get<'n, 'a>(members: &'n Members<'a>, key: &str) -> Option<&'n Node<'a>> {
    members.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// The string value of member `key`, if it is a string.
pub(super) fn get_str<'n>(members: &'n Members<'_>, key: &str) -> Option<&'n str> {
    match get(members, key) {
        Some(Node::Str(s)) => Some(s),
        _ => None,
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Node<'de>, E> {
        Ok(Node::Scalar)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Node<'de>, E> {
        Ok(Node::Scalar)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Node<'de>, E> {
        Ok(Node::Scalar)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Node<'de>, E> {
        Ok(Node::Scalar)
    }
    fn visit_unit<E>(self) -> Result<Node<'de>, E> {
        Ok(Node::Null)
    }
    fn visit_none<E>(self) -> Result<Node<'de>, E> {
        Ok(Node::Null)
    }
    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Node<'de>, E> {
        Ok(Node::Str(Cow::Borrowed(s)))
    }
    fn visit_str<E>(self, s: &str) -> Result<Node<'de>, E> {
        Ok(Node::Str(Cow::Owned(s.to_owned())))
    }
    fn visit_string<E>(self, s: String) -> Result<Node<'de>, E> {
        Ok(Node::Str(Cow::Owned(s)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node<'de>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(item) = seq.next_element::<Node<'de>>()? {
            items.push(item);
        }
        Ok(Node::Arr(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node<'de>, A::Error> {
        let mut members: Vec<(Cow<'de, str>, Node<'de>)> =
            Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
        // The names seen, once an object is too large for a linear search (a
        // hostile object must not make the parse quadratic).
        let mut seen: Option<HashSet<Cow<'de, str>>> = None;
        while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
            let k = canonical(&k).map_or(k, Cow::Borrowed);
            let repeated = match &mut seen {
                Some(seen) => !seen.insert(k.clone()),
                None => members.iter().any(|(seen, _)| *seen == k),
            };
            if repeated {
                return Err(de::Error::custom(DUPLICATE_KEY));
            }
            if seen.is_none() && members.len() == SMALL_OBJECT {
                let names = members.iter().map(|(k, _)| k.clone());
                seen = Some(names.chain([k.clone()]).collect());
            }
            members.push((k, map.next_value::<Node<'de>>()?));
        }
        Ok(Node::Obj(members))
    }
}

impl<'de> Deserialize<'de> for Node<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

/// An object key, borrowed when it has no escapes (`Cow<str>`'s own
/// `Deserialize` always copies).
struct Key<'a>(Cow<'a, str>);

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }
    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(s)))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(s.to_owned())))
    }
    fn visit_string<E: de::Error>(self, s: String) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(s)))
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(KeyVisitor)
    }
}
