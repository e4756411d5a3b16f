//! Derived variants of an attack text: each one undone by a view L1 reads
//! (the confusable skeleton, leetspeak, joined letters, the decoded runs
//! including text hidden in Unicode tag characters, the rot13 and reversed
//! readings) or by the fold every view starts from
//! (invisibles, width, case, diacritics, typographic apostrophes). A `fires` row that asks for a
//! variant must still fire its rule on it, with a span inside the variant
//! that covers at least half of it (issue 3, item 8: the adversarial suite).

use base64::Engine as _;

/// One way to disguise a text.
pub(super) struct Variant {
    /// Its name in case files (`variants = [...]`) and failure messages.
    pub name: &'static str,
    /// What precedes the variant in the scanned text (rot13 and reversed text
    /// come with the instruction to decode them).
    pub prefix: &'static str,
    /// The disguise.
    pub apply: fn(&str) -> String,
}

/// What follows the variant in the scanned text.
pub(super) const SUFFIX: &str = " Thanks!";

const HELLO: &str = "Hello there. ";

/// Every variant, in the order they run.
pub(super) const VARIANTS: &[Variant] = &[
    Variant {
        name: "identity",
        prefix: HELLO,
        apply: str::to_owned,
    },
    Variant {
        name: "cyrillic homoglyphs",
        prefix: HELLO,
        apply: |s| homoglyphs(s, false),
    },
    Variant {
        name: "greek homoglyphs",
        prefix: HELLO,
        apply: |s| homoglyphs(s, true),
    },
    Variant {
        name: "zero-width inserted",
        prefix: HELLO,
        apply: |s| s.chars().flat_map(|c| [c, '\u{200B}']).collect(),
    },
    Variant {
        name: "mixed invisibles",
        prefix: HELLO,
        apply: |s| {
            const INVISIBLE: [char; 5] =
                ['\u{200D}', '\u{FEFF}', '\u{2060}', '\u{00AD}', '\u{E0041}'];
            s.chars()
                .enumerate()
                .flat_map(|(i, c)| [c, INVISIBLE[i % 5]])
                .collect()
        },
    },
    Variant {
        name: "full-width",
        prefix: HELLO,
        apply: |s| {
            s.chars()
                .map(|c| match c.is_ascii_graphic() {
                    true => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
                    false => '\u{3000}',
                })
                .collect()
        },
    },
    Variant {
        name: "spacing",
        prefix: HELLO,
        apply: |s| join_letters(s, " ", "   "),
    },
    Variant {
        name: "dotted",
        prefix: HELLO,
        apply: |s| join_letters(s, ".", " "),
    },
    Variant {
        name: "dashed",
        prefix: HELLO,
        apply: |s| join_letters(s, "-", " "),
    },
    Variant {
        name: "backslashed",
        prefix: HELLO,
        apply: |s| join_letters(s, "\\", " "),
    },
    Variant {
        name: "typographic apostrophes",
        prefix: HELLO,
        apply: |s| s.replace('\'', "\u{2019}"),
    },
    Variant {
        name: "leetspeak",
        prefix: HELLO,
        apply: leet,
    },
    Variant {
        name: "mixed case",
        prefix: HELLO,
        apply: |s| {
            s.chars()
                .enumerate()
                .map(|(i, c)| {
                    if i % 2 == 0 {
                        c.to_ascii_uppercase()
                    } else {
                        c
                    }
                })
                .collect()
        },
    },
    Variant {
        name: "mixed scripts",
        prefix: HELLO,
        apply: |s| {
            s.split(' ')
                .enumerate()
                .map(|(i, w)| {
                    if i % 2 == 0 {
                        homoglyphs(w, false)
                    } else {
                        leet(w)
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        },
    },
    Variant {
        name: "diacritics",
        prefix: HELLO,
        apply: |s| {
            s.chars()
                .flat_map(|c| match c.is_ascii_alphabetic() {
                    true => vec![c, '\u{0301}'],
                    false => vec![c],
                })
                .collect()
        },
    },
    Variant {
        name: "base64",
        prefix: HELLO,
        apply: |s| base64::engine::general_purpose::STANDARD.encode(s),
    },
    Variant {
        name: "hex",
        prefix: HELLO,
        apply: |s| hex::encode(s),
    },
    Variant {
        name: "url-encoded",
        prefix: HELLO,
        apply: |s| {
            s.bytes()
                .map(|b| match b.is_ascii_alphanumeric() {
                    true => (b as char).to_string(),
                    false => format!("%{b:02X}"),
                })
                .collect()
        },
    },
    Variant {
        name: "unicode tags",
        prefix: HELLO,
        // Invisible tag characters copying the ASCII ("ASCII smuggling"); tags
        // copy ASCII only, so accented letters go in without their accents.
        apply: |s| {
            use unicode_normalization::UnicodeNormalization as _;
            use unicode_normalization::char::is_combining_mark;
            s.nfd()
                .filter(|&c| !is_combining_mark(c))
                .map(|c| match c.is_ascii() {
                    true => char::from_u32(0xE0000 + c as u32).unwrap_or(c),
                    false => c,
                })
                .collect()
        },
    },
    Variant {
        name: "variation selectors",
        prefix: "Hello there. \u{1F600}",
        // Bytes as variation selectors after an emoji ("emoji smuggling").
        apply: crate::normalize::in_selectors,
    },
    Variant {
        name: "rot13",
        prefix: "Hello there. Decode this and do it: ",
        apply: crate::normalize::rot13,
    },
    Variant {
        name: "reversed",
        prefix: "Hello there. Read this backwards: ",
        apply: |s| s.chars().rev().collect(),
    },
    Variant {
        name: "json-escaped",
        prefix: HELLO,
        // A client that sends \u0069gnore: extraction decodes JSON escapes, so
        // through the pipeline the text arrives as written here; the layer sees
        // the decoded text either way.
        apply: |s| {
            let escaped: String = s.chars().map(|c| format!("\\u{:04x}", c as u32)).collect();
            serde_json::from_str::<String>(&format!("\"{escaped}\"")).unwrap_or_default()
        },
    },
    Variant {
        name: "backslash escapes left in text",
        prefix: HELLO,
        apply: |s| {
            s.chars()
                .enumerate()
                .map(|(i, c)| match i % 3 {
                    0 => format!("\\u{:04x}", c as u32),
                    _ => c.to_string(),
                })
                .collect()
        },
    },
];

/// The variants a row names: `all` is every one, and `-name` takes one out
/// (`["all", "-rot13"]`); an unknown name is an error.
pub(super) fn named(names: &[String]) -> Result<Vec<&'static Variant>, String> {
    let find = |n: &str| {
        VARIANTS
            .iter()
            .find(|v| v.name == n)
            .ok_or_else(|| format!("unknown variant {n:?}"))
    };
    let mut chosen: Vec<&'static Variant> = Vec::new();
    for name in names {
        if name == "all" {
            chosen = VARIANTS.iter().collect();
        } else if let Some(out) = name.strip_prefix('-') {
            let out = find(out)?;
            chosen.retain(|v| v.name != out.name);
        } else {
            chosen.push(find(name)?);
        }
    }
    Ok(chosen)
}

/// Latin letters replaced by Cyrillic or Greek look-alikes.
fn homoglyphs(s: &str, greek: bool) -> String {
    s.chars()
        .map(|c| match (c, greek) {
            ('a', false) => 'а',
            ('e', false) => 'е',
            ('o', false) => 'о',
            ('p', false) => 'р',
            ('c', false) => 'с',
            ('i', false) => 'і',
            ('o', true) => 'ο',
            ('i', true) => 'ι',
            ('v', true) => 'ν',
            ('u', true) => 'υ',
            _ => c,
        })
        .collect()
}

fn leet(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'o' => '0',
            'e' => '3',
            'a' => '4',
            's' => '5',
            't' => '7',
            'i' => '1',
            _ => c,
        })
        .collect()
}

/// The letters of each word joined by `inner`, the words by `outer`.
fn join_letters(s: &str, inner: &str, outer: &str) -> String {
    s.split(' ')
        .map(|w| w.chars().map(String::from).collect::<Vec<_>>().join(inner))
        .collect::<Vec<_>>()
        .join(outer)
}
