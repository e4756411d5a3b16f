//! JSON bodies in UTF-16 or UTF-32, read as the upstreams that take them do.
//!
//! RFC 8259 asks for UTF-8, but RFC 4627 allowed UTF-16 and UTF-32, and
//! Python's `json.loads` still takes them from bytes (so FastAPI, vLLM and
//! LiteLLM read such a body): it tells the encoding from a byte-order mark or
//! from where the NUL bytes of the first four lie. Read as UTF-8, such a body
//! is text with a NUL between characters: no roles, and no PII detector finds
//! `j\0a\0n\0e\0@\0…`. So a body that those rules name UTF-16 or UTF-32, and
//! that decodes to text starting like JSON, is read as that text.

/// The body as UTF-8 when it is JSON in UTF-16 or UTF-32 (told as Python's
/// `json.detect_encoding` tells it); `None` for any other body, left as is.
pub(super) fn json_as_utf8(body: &[u8]) -> Option<Vec<u8>> {
    let (encoding, bom) = detect(body)?;
    let text = decode(&body[bom..], encoding)?;
    let first = text.trim_start().chars().next();
    matches!(first, Some('{' | '[')).then(|| text.into_bytes())
}

/// A wide encoding of JSON text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wide {
    Utf16Le,
    Utf16Be,
    Utf32Le,
    Utf32Be,
}

/// The wide encoding of `body`, with its byte-order mark's length, by
/// Python's rules: a UTF-32 or UTF-16 mark, else the NUL bytes among the
/// first four (two for a two-byte body). `None`: UTF-8, the default.
fn detect(body: &[u8]) -> Option<(Wide, usize)> {
    const MARKS: [(&[u8], Wide); 4] = [
        (b"\xFF\xFE\x00\x00", Wide::Utf32Le),
        (b"\x00\x00\xFE\xFF", Wide::Utf32Be),
        (b"\xFF\xFE", Wide::Utf16Le),
        (b"\xFE\xFF", Wide::Utf16Be),
    ];
    if let Some(&(mark, encoding)) = MARKS.iter().find(|(mark, _)| body.starts_with(mark)) {
        return Some((encoding, mark.len()));
    }
    let encoding = match *body {
        [0, 0, _, _, ..] => Wide::Utf32Be,
        [0, _, _, _, ..] => Wide::Utf16Be,
        [_, 0, 0, 0, ..] => Wide::Utf32Le,
        [_, 0, _, _, ..] => Wide::Utf16Le,
        [0, _] => Wide::Utf16Be,
        [_, 0] => Wide::Utf16Le,
        _ => return None,
    };
    Some((encoding, 0))
}

/// `bytes` decoded from `encoding`; `None` when they are not valid in it.
fn decode(bytes: &[u8], encoding: Wide) -> Option<String> {
    match encoding {
        Wide::Utf16Le | Wide::Utf16Be => {
            if !bytes.len().is_multiple_of(2) {
                return None;
            }
            let units = bytes.chunks_exact(2).map(|c| {
                let pair = [c[0], c[1]];
                if encoding == Wide::Utf16Le {
                    u16::from_le_bytes(pair)
                } else {
                    u16::from_be_bytes(pair)
                }
            });
            char::decode_utf16(units)
                .collect::<Result<String, _>>()
                .ok()
        }
        Wide::Utf32Le | Wide::Utf32Be => {
            if !bytes.len().is_multiple_of(4) {
                return None;
            }
            bytes
                .chunks_exact(4)
                .map(|c| {
                    let quad = [c[0], c[1], c[2], c[3]];
                    char::from_u32(if encoding == Wide::Utf32Le {
                        u32::from_le_bytes(quad)
                    } else {
                        u32::from_be_bytes(quad)
                    })
                })
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JSON: &str = r#"{"messages":[{"role":"user","content":"zażółć 日本 🎉"}]}"#;

    fn utf16(text: &str, big: bool) -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|u| {
                if big {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
            .collect()
    }

    fn utf32(text: &str, big: bool) -> Vec<u8> {
        text.chars()
            .flat_map(|c| {
                let c = c as u32;
                if big {
                    c.to_be_bytes()
                } else {
                    c.to_le_bytes()
                }
            })
            .collect()
    }

    #[test]
    fn wide_json_is_read_in_every_form_python_takes() {
        let with_mark = |mark: &[u8], body: Vec<u8>| [mark, &body].concat();
        for (form, body) in [
            ("UTF-16LE", utf16(JSON, false)),
            ("UTF-16BE", utf16(JSON, true)),
            ("UTF-32LE", utf32(JSON, false)),
            ("UTF-32BE", utf32(JSON, true)),
            ("UTF-16 LE mark", with_mark(b"\xFF\xFE", utf16(JSON, false))),
            ("UTF-16 BE mark", with_mark(b"\xFE\xFF", utf16(JSON, true))),
            (
                "UTF-32 LE mark",
                with_mark(b"\xFF\xFE\x00\x00", utf32(JSON, false)),
            ),
            (
                "UTF-32 BE mark",
                with_mark(b"\x00\x00\xFE\xFF", utf32(JSON, true)),
            ),
            ("UTF-16LE, space first", utf16(&format!("\n {JSON}"), false)),
        ] {
            let utf8 = json_as_utf8(&body).unwrap_or_else(|| panic!("{form}: read"));
            assert_eq!(
                String::from_utf8(utf8).ok().as_deref().map(str::trim),
                Some(JSON),
                "{form}"
            );
        }
    }

    #[test]
    fn other_bodies_are_left_as_they_are() {
        for body in [
            JSON.as_bytes().to_vec(),
            b"plain text".to_vec(),
            utf16("plain text, not JSON", false),
            utf16(JSON, false)[1..].to_vec(),
            [utf16(JSON, false), vec![0]].concat(),
            // An unpaired surrogate.
            [utf16("[\"", false), vec![0x00, 0xD8], utf16("\"]", false)].concat(),
            // Past the last code point.
            utf32("[", false)
                .into_iter()
                .chain([0, 0, 0x11, 0])
                .collect(),
            Vec::new(),
            vec![0],
        ] {
            assert_eq!(json_as_utf8(&body), None, "{body:?}");
        }
    }
}
