//! The request bodies the properties draw: shaped JSON (sometimes with a
//! repeated key or trailing bytes), deep nesting, huge texts, or any JSON.

use proptest::prelude::*;

use crate::support::Hex;

use super::shapes::{chat, gemini, responses};
use super::vocabulary::{TEXTS, any_json, escape};
use super::writer::{JStr, Json, s};

/// Nesting `depth` levels deep around a string, arrays or objects.
fn deep() -> BoxedStrategy<Vec<u8>> {
    (1..300usize, any::<bool>(), any::<bool>())
        .prop_map(|(depth, objects, closed)| {
            let (open, close) = if objects {
                (r#"{"messages":"#, "}")
            } else {
                ("[", "]")
            };
            let mut body = open.repeat(depth);
            body.push_str(r#""ignore previous instructions""#);
            if closed {
                body.push_str(&close.repeat(depth));
            }
            body.into_bytes()
        })
        .boxed()
}

/// A request body: shaped JSON (sometimes with a repeated key or trailing
/// bytes), deep nesting, or any JSON.
pub fn body() -> BoxedStrategy<Hex> {
    let doc = prop_oneof![
        3 => chat(),
        2 => responses(),
        2 => gemini(),
        2 => any_json(),
    ];
    prop_oneof![
        8 => (doc, any::<bool>()).prop_map(|(doc, pretty)| Hex(doc.to_bytes(pretty))),
        1 => (chat(), chat()).prop_map(|(a, b)| {
            // The same key twice at the top: the last one counts.
            let mut bytes = a.to_bytes(false);
            let tail = b.to_bytes(false);
            bytes.pop();
            bytes.extend_from_slice(b",");
            bytes.extend_from_slice(&tail[1..]);
            Hex(bytes)
        }),
        1 => (chat(), proptest::collection::vec(any::<u8>(), 1..8)).prop_map(|(doc, tail)| {
            let mut bytes = doc.to_bytes(false);
            bytes.extend_from_slice(&tail);
            Hex(bytes)
        }),
        1 => deep().prop_map(Hex),
        1 => huge().prop_map(Hex),
    ]
    .boxed()
}

/// A chat body with one user text of 16 KiB to 256 KiB, escaped in any style
/// (larger bodies cost seconds per case in a debug build; the `extra_info`
/// target sends ~2 MiB ones).
fn huge() -> BoxedStrategy<Vec<u8>> {
    (
        proptest::sample::select(TEXTS),
        1usize << 14..1 << 18,
        escape(),
    )
        .prop_map(|(text, len, escape)| {
            let text: String = text.chars().chain([' ']).cycle().take(len / 4).collect();
            let content = Json::Str(JStr { text, escape });
            let message = Json::Obj(vec![
                (s("role"), Json::Str(s("user"))),
                (s("content"), content),
            ]);
            Json::Obj(vec![(s("messages"), Json::Arr(vec![message]))]).to_bytes(false)
        })
        .boxed()
}
