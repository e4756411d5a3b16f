//! One OpenAI chat body of about a target size: a system message, filler
//! turns from benign corpus texts, and the prompt of its kind last, behind
//! the nonce placeholder. The size comes from filler alone, so the last
//! message is a corpus prompt as written whatever the size.

use super::nonce::NONCE_PLACEHOLDER;
use super::rng::SplitMix;

/// The system prompt every body opens with.
const SYSTEM_PROMPT: &str = "You are a helpful assistant. Answer concisely and cite sources.";
/// Longest filler turn, in bytes of text.
const MAX_TURN: usize = 1500;

/// An OpenAI chat body of about `size` bytes ending with `last` as the user
/// message (behind the nonce placeholder).
pub fn chat_body(filler: &[String], last: &str, size: usize, rng: &mut SplitMix) -> Vec<u8> {
    let last = format!(
        "[ref {}] {last}",
        std::str::from_utf8(NONCE_PLACEHOLDER).expect("invariant: the placeholder is ASCII")
    );
    let mut turns: Vec<(&str, String)> = Vec::new();
    let encode = |turns: &[(&str, String)]| {
        let mut messages = vec![serde_json::json!({"role": "system", "content": SYSTEM_PROMPT})];
        for (role, text) in turns {
            messages.push(serde_json::json!({"role": role, "content": text}));
        }
        messages.push(serde_json::json!({"role": "user", "content": last}));
        serde_json::to_vec(&serde_json::json!({
            "model": "gpt-4o-mini",
            "temperature": 0.2,
            "messages": messages,
        }))
        .expect("invariant: JSON values serialize")
    };
    let mut body = encode(&turns);
    // Each filler turn costs ~30 bytes of JSON around its text.
    while body.len() + 64 < size {
        let room = (size - body.len() - 32).min(MAX_TURN);
        let mut text = String::new();
        while text.len() < room {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(&filler[rng.below(filler.len())]);
        }
        truncate_at_char(&mut text, room);
        let role = if turns.len().is_multiple_of(2) {
            "user"
        } else {
            "assistant"
        };
        turns.push((role, text));
        body = encode(&turns);
    }
    body
}

fn truncate_at_char(text: &mut String, max: usize) {
    if text.len() <= max {
        return;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
}
