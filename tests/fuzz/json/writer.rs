//! [`Json`]: a JSON tree whose strings say how to escape them, written out
//! by a serializer of our own, so bodies carry what serde_json never writes
//! (`\u` escapes of plain letters, surrogate pairs, lone surrogates, odd
//! whitespace, repeated keys).

/// A JSON tree, written out by [`Json::write`] with the escapes it asks for.
#[derive(Clone, Debug)]
pub enum Json {
    Null,
    Bool(bool),
    /// A number literal, written as is.
    Num(&'static str),
    Str(JStr),
    Arr(Vec<Json>),
    Obj(Vec<(JStr, Json)>),
}

/// A string and how to escape it.
#[derive(Clone, Debug)]
pub struct JStr {
    pub(super) text: String,
    pub(super) escape: Escape,
}

#[derive(Clone, Copy, Debug)]
pub(super) enum Escape {
    /// Only what JSON requires.
    Minimal,
    /// Every character as `\uXXXX` (astral ones as surrogate pairs).
    All,
    /// Every other character.
    Alternate,
    /// A lone surrogate `\uXXXX` inserted at this char index.
    Lone(usize, u16),
}

pub(super) fn s(text: &str) -> JStr {
    JStr {
        text: text.to_owned(),
        escape: Escape::Minimal,
    }
}

impl Json {
    /// The body bytes; `pretty` adds newlines and indentation-like spaces.
    pub fn to_bytes(&self, pretty: bool) -> Vec<u8> {
        let mut out = String::new();
        self.write(&mut out, pretty);
        out.into_bytes()
    }

    fn write(&self, out: &mut String, pretty: bool) {
        let sep = if pretty { "\n  " } else { "" };
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Num(n) => out.push_str(n),
            Json::Str(s) => s.write(out),
            Json::Arr(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(sep);
                    item.write(out, pretty);
                }
                out.push(']');
            }
            Json::Obj(members) => {
                out.push('{');
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(sep);
                    k.write(out);
                    out.push_str(if pretty { ": " } else { ":" });
                    v.write(out, pretty);
                }
                out.push('}');
            }
        }
    }
}

impl JStr {
    fn write(&self, out: &mut String) {
        use std::fmt::Write;
        out.push('"');
        for (i, c) in self.text.chars().enumerate() {
            if let Escape::Lone(at, unit) = self.escape
                && at == i
            {
                let _ = write!(out, "\\u{unit:04x}");
            }
            let escape_all = match self.escape {
                Escape::All => true,
                Escape::Alternate => i % 2 == 1,
                _ => false,
            };
            match c {
                _ if escape_all => {
                    let mut units = [0u16; 2];
                    for unit in c.encode_utf16(&mut units) {
                        let _ = write!(out, "\\u{unit:04X}");
                    }
                }
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                c if (c as u32) < 0x20 => {
                    let _ = write!(out, "\\u{:04x}", c as u32);
                }
                c => out.push(c),
            }
        }
        if let Escape::Lone(at, unit) = self.escape
            && at >= self.text.chars().count()
        {
            let _ = write!(out, "\\u{unit:04x}");
        }
        out.push('"');
    }
}
