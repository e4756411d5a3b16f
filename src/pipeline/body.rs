//! The gate before any detector: body size, content encoding and shape.
//!
//! A compressed body is decoded within the same byte limit as a plain one (a
//! 1 KiB gzip bomb must not become a gigabyte), or refused by policy. Nothing
//! here looks at what the text says.

use std::borrow::Cow;
use std::io::Read;

use crate::detect::Layer;
use crate::policy::CompressedBodies;

use crate::types::Block;

/// A content coding promptgate can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    /// No coding (absent header or `identity`).
    Identity,
    /// `gzip` / `x-gzip`.
    Gzip,
    /// `deflate` (zlib-wrapped, or raw as some clients send).
    Deflate,
    /// `br`.
    Brotli,
}

impl Coding {
    /// Parses a `content-encoding` value. Stacked codings (`gzip, br`) and
    /// unknown ones give `None`: promptgate cannot see inside them.
    pub fn parse(value: Option<&[u8]>) -> Option<Coding> {
        let Some(value) = value else {
            return Some(Coding::Identity);
        };
        let value = std::str::from_utf8(value).ok()?.trim();
        if value.contains(',') {
            return None;
        }
        match value.to_ascii_lowercase().as_str() {
            "" | "identity" => Some(Coding::Identity),
            "gzip" | "x-gzip" => Some(Coding::Gzip),
            "deflate" => Some(Coding::Deflate),
            "br" => Some(Coding::Brotli),
            _ => None,
        }
    }
}

/// Returns the plain body, decoded within `limit` bytes, or the block reply.
pub fn open_body<'a>(
    body: &'a [u8],
    content_encoding: Option<&[u8]>,
    limit: u64,
    compressed: CompressedBodies,
) -> Result<Cow<'a, [u8]>, Block> {
    let limit_usize = usize::try_from(limit).unwrap_or(usize::MAX);
    if body.len() > limit_usize {
        return Err(too_large(limit));
    }
    let coding = Coding::parse(content_encoding).ok_or_else(|| {
        Block::new(
            415,
            "unsupported_content_encoding",
            Layer::Gate,
            "content-encoding not supported; send identity, gzip, deflate or br",
        )
    })?;
    if coding != Coding::Identity && compressed == CompressedBodies::Refuse {
        return Err(Block::new(
            415,
            "compressed_body_refused",
            Layer::Gate,
            "compressed request bodies are not accepted on this route",
        ));
    }
    let decoded = match coding {
        Coding::Identity => return Ok(Cow::Borrowed(body)),
        Coding::Gzip => read_limited(flate2::read::MultiGzDecoder::new(body), limit),
        Coding::Deflate => read_limited(flate2::read::ZlibDecoder::new(body), limit)
            .or_else(|_| read_limited(flate2::read::DeflateDecoder::new(body), limit)),
        Coding::Brotli => read_limited(brotli::Decompressor::new(body, 4096), limit),
    };
    match decoded {
        Ok(bytes) => Ok(Cow::Owned(bytes)),
        Err(DecodeFailure::TooLarge) => Err(too_large(limit)),
        Err(DecodeFailure::Corrupt) => Err(Block::new(
            400,
            "malformed_body",
            Layer::Gate,
            "request body does not decode with its content-encoding",
        )),
    }
}

/// The 413 reply.
pub fn too_large(limit: u64) -> Block {
    Block::new(
        413,
        "body_too_large",
        Layer::Gate,
        format!("request body exceeds the {limit}-byte limit of this route"),
    )
}

enum DecodeFailure {
    TooLarge,
    Corrupt,
}

/// Reads at most `limit` bytes; one byte more means the body is over the limit.
fn read_limited(reader: impl Read, limit: u64) -> Result<Vec<u8>, DecodeFailure> {
    let mut out = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|_| DecodeFailure::Corrupt)?;
    if out.len() as u64 > limit {
        Err(DecodeFailure::TooLarge)
    } else {
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(data).expect("in-memory write");
        enc.finish().expect("in-memory finish")
    }

    fn brotli(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut w = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
            w.write_all(data).expect("in-memory write");
        }
        out
    }

    fn deflate(data: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(data).expect("in-memory write");
        enc.finish().expect("in-memory finish")
    }

    #[test]
    fn plain_bodies_pass_borrowed() {
        let body = open_body(b"{}", None, 10, CompressedBodies::Decode).expect("ok");
        assert!(matches!(body, Cow::Borrowed(b"{}")));
    }

    #[test]
    fn every_supported_coding_decodes() {
        let text = b"{\"prompt\":\"hello\"}";
        for (name, data) in [
            ("gzip", gzip(text)),
            ("br", brotli(text)),
            ("deflate", deflate(text)),
        ] {
            let body = open_body(&data, Some(name.as_bytes()), 1000, CompressedBodies::Decode)
                .unwrap_or_else(|b| panic!("{name}: {b:?}"));
            assert_eq!(&*body, text, "{name}");
        }
    }

    #[test]
    fn a_bomb_is_stopped_at_the_limit() {
        let bomb = gzip(&vec![b'a'; 10_000_000]);
        assert!(bomb.len() < 20_000);
        let err =
            open_body(&bomb, Some(b"gzip"), 1 << 20, CompressedBodies::Decode).expect_err("413");
        assert_eq!(err.status, 413);
    }

    #[test]
    fn refusal_unknown_codings_and_corrupt_data() {
        let data = gzip(b"x");
        assert_eq!(
            open_body(&data, Some(b"gzip"), 100, CompressedBodies::Refuse)
                .expect_err("415")
                .status,
            415
        );
        assert_eq!(
            open_body(b"x", Some(b"zstd"), 100, CompressedBodies::Decode)
                .expect_err("415")
                .status,
            415
        );
        assert_eq!(
            open_body(b"x", Some(b"gzip, br"), 100, CompressedBodies::Decode)
                .expect_err("415")
                .status,
            415
        );
        assert_eq!(
            open_body(b"not gzip", Some(b"gzip"), 100, CompressedBodies::Decode)
                .expect_err("400")
                .status,
            400
        );
        assert_eq!(
            open_body(&[0u8; 11], None, 10, CompressedBodies::Decode)
                .expect_err("413")
                .status,
            413
        );
    }
}
