//! Request bodies shaped like each API the extractors read: OpenAI chat and
//! responses (with Anthropic's blocks mixed in), and Gemini.

use proptest::prelude::*;

use super::vocabulary::{WORDS, any_json, text_json, word};
use super::writer::{Json, s};

/// An OpenAI content part or Anthropic block.
fn part() -> BoxedStrategy<Json> {
    let ty = word(&[
        "text",
        "image_url",
        "tool_use",
        "tool_result",
        "document",
        "input_text",
        "refusal",
    ]);
    (ty, text_json(), any_json(), text_json())
        .prop_map(|(ty, text, input, data)| {
            Json::Obj(vec![
                (s("type"), ty),
                (s("text"), text.clone()),
                (s("input"), input),
                (s("content"), text),
                (
                    s("source"),
                    Json::Obj(vec![(s("type"), Json::Str(s("text"))), (s("data"), data)]),
                ),
            ])
        })
        .boxed()
}

fn content() -> BoxedStrategy<Json> {
    prop_oneof![
        3 => text_json(),
        2 => proptest::collection::vec(part(), 0..4).prop_map(Json::Arr),
        1 => part(),
        1 => Just(Json::Null),
        1 => any_json(),
    ]
    .boxed()
}

fn message() -> BoxedStrategy<Json> {
    (
        word(WORDS),
        content(),
        text_json(),
        proptest::option::of(text_json()),
    )
        .prop_map(|(role, content, args, refusal)| {
            let mut m = vec![(s("role"), role), (s("content"), content)];
            m.push((
                s("tool_calls"),
                Json::Arr(vec![Json::Obj(vec![(
                    s("function"),
                    Json::Obj(vec![(s("arguments"), args)]),
                )])]),
            ));
            if let Some(r) = refusal {
                m.push((s("refusal"), r));
            }
            Json::Obj(m)
        })
        .boxed()
}

pub(super) fn chat() -> BoxedStrategy<Json> {
    (
        proptest::collection::vec(message(), 0..5),
        proptest::option::of(content()),
        any::<bool>(),
    )
        .prop_map(|(messages, system, anthropic)| {
            let mut root = vec![(s("model"), Json::Str(s("gpt-4o")))];
            if let Some(system) = system {
                root.push((s("system"), system));
            }
            if anthropic {
                root.push((s("anthropic_version"), Json::Str(s("2023-06-01"))));
            }
            root.push((s("messages"), Json::Arr(messages)));
            Json::Obj(root)
        })
        .boxed()
}

pub(super) fn responses() -> BoxedStrategy<Json> {
    (
        proptest::option::of(text_json()),
        prop_oneof![
            text_json(),
            proptest::collection::vec(any_json(), 0..4).prop_map(Json::Arr)
        ],
        proptest::option::of(any_json()),
    )
        .prop_map(|(instructions, input, prompt)| {
            let mut root = vec![(s("model"), Json::Str(s("text-embedding-3-small")))];
            if let Some(i) = instructions {
                root.push((s("instructions"), i));
            }
            root.push((s("input"), input));
            if let Some(p) = prompt {
                root.push((s("prompt"), p));
            }
            Json::Obj(root)
        })
        .boxed()
}

fn gemini_part() -> BoxedStrategy<Json> {
    (
        proptest::sample::select(
            &[
                "text",
                "functionCall",
                "functionResponse",
                "executableCode",
                "codeExecutionResult",
                "function_call",
            ][..],
        ),
        text_json(),
        any_json(),
    )
        .prop_map(|(kind, text, nested)| match kind {
            "text" => Json::Obj(vec![(s("text"), text)]),
            outer => {
                let inner = match outer {
                    "functionCall" | "function_call" => "args",
                    "functionResponse" => "response",
                    "executableCode" => "code",
                    _ => "output",
                };
                Json::Obj(vec![(s(outer), Json::Obj(vec![(s(inner), nested)]))])
            }
        })
        .boxed()
}

fn gemini_content() -> BoxedStrategy<Json> {
    (
        proptest::option::of(word(WORDS)),
        proptest::collection::vec(gemini_part(), 0..4),
    )
        .prop_map(|(role, parts)| {
            let mut c = Vec::new();
            if let Some(role) = role {
                c.push((s("role"), role));
            }
            c.push((s("parts"), Json::Arr(parts)));
            Json::Obj(c)
        })
        .boxed()
}

pub(super) fn gemini() -> BoxedStrategy<Json> {
    (
        proptest::collection::vec(gemini_content(), 0..4),
        proptest::option::of(gemini_content()),
    )
        .prop_map(|(contents, system)| {
            let mut root = vec![(s("contents"), Json::Arr(contents))];
            if let Some(system) = system {
                root.push((s("systemInstruction"), system));
            }
            Json::Obj(root)
        })
        .boxed()
}
