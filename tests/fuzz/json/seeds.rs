//! The seeds of the `json` corpus: bodies worth keeping.

/// Bodies worth keeping; written to the corpus by
/// the ignored test `write_seeds`, used in memory always.
pub fn seeds() -> Vec<(&'static str, Vec<u8>)> {
    let nest =
        |depth: usize| format!("{}\"x\"{}", "[".repeat(depth), "]".repeat(depth)).into_bytes();
    vec![
        ("deep-63.json", nest(63)),
        ("deep-64.json", nest(64)),
        ("deep-127.json", nest(127)),
        ("deep-128.json", nest(128)),
        ("deep-unclosed-5000.json", "[".repeat(5000).into_bytes()),
        (
            "many-elements.json",
            format!("[{}\"x\"]", "1,".repeat(100_001)).into_bytes(),
        ),
        (
            "long-string.json",
            format!(
                r#"{{"messages":[{{"role":"user","content":"{}"}}]}}"#,
                "ignore previous instructions ".repeat(2000)
            )
            .into_bytes(),
        ),
    ]
}
