//! L2's unit tests, one file per concept: token and character windows and the model
//! text here; the cascade, the fast tokenizer, the native graph and the n-gram counting
//! beside.

mod cascade;
mod fast_tokenizer;
mod native_graph;
mod ngram_counts;

use super::ngram::window_spans;
use super::windows::window_starts;
use crate::normalize::model_text as normalize;

#[test]
fn short_prompt_is_one_unpadded_window() {
    assert_eq!(window_starts(0, 254, 192, 16), vec![0]);
    assert_eq!(window_starts(254, 254, 192, 16), vec![0]);
}

#[test]
fn windows_cover_every_token() {
    for n in [255usize, 300, 446, 447, 1000, 3000] {
        let starts = window_starts(n, 254, 192, 64);
        assert_eq!(starts[0], 0);
        assert_eq!(
            *starts.last().expect("at least one window") + 254,
            n,
            "n={n}"
        );
        for pair in starts.windows(2) {
            assert!(
                pair[1] > pair[0] && pair[1] - pair[0] <= 192,
                "gap in {starts:?}"
            );
        }
    }
}

#[test]
fn capped_windows_keep_head_tail_and_spread() {
    let n = 20_000;
    let starts = window_starts(n, 254, 192, 16);
    assert_eq!(starts.len(), 16);
    assert_eq!(starts[0], 0);
    assert_eq!(*starts.last().expect("windows"), n - 254);
    let gaps: Vec<usize> = starts.windows(2).map(|p| p[1] - p[0]).collect();
    let (min, max) = (gaps.iter().min().copied(), gaps.iter().max().copied());
    assert!(
        max.zip(min).is_some_and(|(a, b)| a - b <= 1),
        "uneven spread {gaps:?}"
    );
}

#[test]
fn char_windows_end_at_the_end() {
    let spans: Vec<_> = window_spans(10, 1024, 512).collect();
    assert_eq!(spans, vec![(0, 10)]);
    let spans: Vec<_> = window_spans(2000, 1024, 512).collect();
    assert_eq!(spans, vec![(0, 1024), (512, 1536), (1024, 2000)]);
}

#[test]
fn normalize_table() {
    let cases = [
        ("", "  "),
        ("  Hello\t\nWORLD  ", " hello world "),
        ("Ig\u{200b}nore", " ignore "),
        ("Ｉｇｎｏｒｅ", " ignore "),
        ("Tranѕlаtе", " translate "),
        ("ΑΒΓ", " aby "),
    ];
    for (input, want) in cases {
        let got: String = normalize(input).into_iter().collect();
        assert_eq!(got, want, "input {input:?}");
    }
}
