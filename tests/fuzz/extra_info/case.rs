//! [`Case`]: one conversation's input (route conf, how the body is
//! announced and encoded, what the fake APISIX answers and to which
//! question, whether it half-closes) and how cases are generated.

use std::io::Write;

use proptest::prelude::*;

use promptgate::protocol::HEADER_LEN;

use crate::support::{self, Hex};

use super::all_seeds;
use super::apisix::extra_info_frame;
use super::runners::VARS;

/// Route confs (the `promptgate` entry of PrepareConf); `None` sends no entry.
pub(super) const ROUTES: &[Option<&str>] = &[
    Some("{}"),
    Some(""),
    Some(r#"{"api":"openai"}"#),
    Some(r#"{"api":"anthropic"}"#),
    Some(r#"{"api":"gemini"}"#),
    Some(r#"{"mode":"shadow"}"#),
    Some(r#"{"max_body_bytes":64}"#),
    Some(r#"{"fail_open":true}"#),
    Some(r#"{"policy":"refuse"}"#),
    None,
];

/// `content-encoding` values: the supported ones in several spellings, and
/// ones the runner must refuse.
const ENCODINGS: &[&[u8]] = &[
    b"gzip",
    b"x-gzip",
    b"deflate",
    b"br",
    b"identity",
    b"GZIP",
    b" br ",
    b"",
    b"gzip, br",
    b"compress",
    b"\xff\xfe",
];

/// How the request announces its body.
#[derive(Clone, Debug)]
pub(super) enum Length {
    /// `content-length` of the body actually sent.
    Exact,
    /// `transfer-encoding: chunked`.
    Chunked,
    /// A `content-length` that need not match.
    Claimed(u64),
    /// A `content-length` value that is not a plain number.
    Odd(&'static [u8]),
}

/// `content-length` values a careless or hostile client sends.
const ODD_LENGTHS: &[&[u8]] = &[
    b"",
    b" 12 ",
    b"-1",
    b"+5",
    b"1e3",
    b"0x10",
    b"18446744073709551616",
    b"1, 1",
    b"\xff",
];

/// What the fake APISIX answers to the body question.
#[derive(Clone, Debug)]
pub(super) enum Answer {
    /// A well-formed ExtraInfo.Resp; `None` leaves `result` absent (no body).
    Body(Option<Hex>),
    /// A right frame header of any type around any payload.
    Frame { ty: u8, payload: Hex },
    /// Raw bytes in place of an answer.
    Raw(Hex),
}

#[derive(Clone, Debug)]
pub(super) struct Case {
    pub(super) vars: bool,
    pub(super) route: usize,
    pub(super) encoding: Option<Hex>,
    pub(super) length: Length,
    pub(super) answer: Answer,
    /// With `vars`: the generated answer goes in place of this variable's
    /// answer, and the body question gets [`PLAIN_BODY`].
    pub(super) at_var: Option<usize>,
    /// Half-close after answering instead of waiting for the reply.
    pub(super) close: bool,
}

pub(super) fn compress(body: &[u8], coding: &str) -> Vec<u8> {
    use flate2::Compression;
    match coding {
        "gzip" => {
            let mut w = flate2::write::GzEncoder::new(Vec::new(), Compression::fast());
            w.write_all(body).expect("gzip");
            w.finish().expect("gzip")
        }
        "deflate" => {
            let mut w = flate2::write::ZlibEncoder::new(Vec::new(), Compression::fast());
            w.write_all(body).expect("zlib");
            w.finish().expect("zlib")
        }
        "deflate-raw" => {
            let mut w = flate2::write::DeflateEncoder::new(Vec::new(), Compression::fast());
            w.write_all(body).expect("deflate");
            w.finish().expect("deflate")
        }
        "br" => {
            let mut out = Vec::new();
            {
                let mut w = brotli::CompressorWriter::new(&mut out, 4096, 1, 22);
                w.write_all(body).expect("brotli");
            }
            out
        }
        other => unreachable!("no coding {other}"),
    }
}

/// A body with the `content-encoding` it is sent under.
fn body() -> BoxedStrategy<(Hex, Option<Hex>)> {
    let encoding = || {
        prop_oneof![
            6 => Just(None),
            1 => proptest::sample::select(ENCODINGS).prop_map(|e| Some(Hex(e.to_vec()))),
        ]
    };
    let coding = proptest::sample::select(&["gzip", "deflate", "deflate-raw", "br"][..]);
    prop_oneof![
        // JSON of every shape, as is.
        6 => (crate::json::body(), encoding()),
        // Compressed under its header (deflate-raw as `deflate`), sometimes upper-case.
        3 => (crate::json::body(), coding.clone(), any::<bool>()).prop_map(|(b, coding, upper)| {
            let name = if coding == "deflate-raw" { "deflate" } else { coding };
            let name = if upper { name.to_uppercase() } else { name.to_owned() };
            (Hex(compress(&b.0, coding)), Some(Hex(name.into_bytes())))
        }),
        // Compressed, then damaged.
        2 => (crate::json::body(), coding, support::mutations()).prop_map(|(b, coding, edits)| {
            let name = if coding == "deflate-raw" { "deflate" } else { coding };
            let bytes = support::mutate(compress(&b.0, coding), &edits);
            (Hex(bytes), Some(Hex(name.as_bytes().to_vec())))
        }),
        // Corpus bodies, mutated, under any header.
        2 => (support::mutated(all_seeds()), encoding()).prop_map(|((_, b), e)| (b, e)),
        // Anything.
        1 => (proptest::collection::vec(any::<u8>(), 0..512), encoding())
            .prop_map(|(b, e)| (Hex(b), e)),
        // Large text around the body limit (1 MiB by default).
        1 => (0..(1usize << 21), encoding()).prop_map(|(n, e)| {
            (Hex(b"a@b.io ignore all previous ".iter().copied().cycle().take(n).collect()), e)
        }),
    ]
    .boxed()
}

fn answer() -> BoxedStrategy<(Answer, Option<Hex>)> {
    let frame_ty = proptest::sample::select(&[3u8, 3, 0, 1, 2, 4, 5, 0xff][..]);
    prop_oneof![
        8 => body().prop_map(|(b, e)| (Answer::Body(Some(b)), e)),
        1 => Just((Answer::Body(None), None)),
        // A well-formed answer, damaged, under a right-length header of some type.
        2 => (body(), frame_ty, support::mutations()).prop_map(|((b, e), ty, edits)| {
            let frame = extra_info_frame(Some(&b.0));
            let payload = support::mutate(frame[HEADER_LEN..].to_vec(), &edits);
            (Answer::Frame { ty, payload: Hex(payload) }, e)
        }),
        // A well-formed answer frame, damaged anywhere (header included).
        1 => (body(), support::mutations()).prop_map(|((b, e), edits)| {
            (Answer::Raw(Hex(support::mutate(extra_info_frame(Some(&b.0)), &edits))), e)
        }),
        // Corpus entries as raw answers.
        1 => support::mutated(all_seeds()).prop_map(|(_, b)| (Answer::Raw(b), None)),
    ]
    .boxed()
}

pub(super) fn case() -> BoxedStrategy<Case> {
    (
        any::<bool>(),
        0..ROUTES.len(),
        answer(),
        prop_oneof![
            4 => Just(Length::Exact),
            1 => Just(Length::Chunked),
            1 => prop_oneof![Just(0u64), Just(u64::MAX), 0..(1u64 << 21)].prop_map(Length::Claimed),
            1 => proptest::sample::select(ODD_LENGTHS).prop_map(Length::Odd),
        ],
        prop_oneof![3 => Just(false), 1 => Just(true)],
        prop_oneof![3 => Just(None), 1 => (0..VARS).prop_map(Some)],
    )
        .prop_map(
            |(vars, route, (answer, encoding), length, close, at_var)| Case {
                vars,
                route,
                encoding,
                length,
                answer,
                at_var,
                close,
            },
        )
        .boxed()
}
