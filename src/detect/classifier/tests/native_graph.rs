//! The native evaluator of the static-embedding graph against ONNX Runtime.

use std::path::PathBuf;

use super::super::native::{NotNative, StaticHead};
use super::super::onnx::{INT8, OnnxError, read_graph};
use super::super::{Classifier, ClassifierError, LoadOptions};

fn model_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models/minilm-static-v1")
}

fn onnx_bytes() -> Vec<u8> {
    let path = model_dir().join("model.onnx");
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_shipped_graph_is_recognised() {
    let bytes = onnx_bytes();
    let head = StaticHead::from_onnx(&bytes, "score").expect("static-embedding graph");
    assert_eq!(head.vocab(), 30_522);
    assert!(matches!(
        StaticHead::from_onnx(&bytes, "logit"),
        Err(NotNative::OtherGraph(_))
    ));
}

/// What prost decodes from the shipped model: the whole graph `train.py` writes,
/// so the trimmed schema keeps every field the evaluator compares.
#[test]
fn the_shipped_model_decodes_with_every_field_the_reader_needs() {
    let graph = read_graph(&onnx_bytes()).expect("the shipped model reads");
    assert_eq!(graph.nodes.len(), 25);
    assert_eq!(graph.inputs, ["input_ids", "attention_mask"]);
    assert_eq!(graph.outputs, ["score"]);
    let gather = &graph.nodes[0];
    assert_eq!(gather.op, "Gather");
    assert_eq!(gather.inputs, ["table_q", "input_ids"]);
    assert_eq!(gather.attrs[0].name, "axis");
    assert_eq!(gather.attrs[0].i, Some(0));
    assert!(!gather.attrs[0].other);
    let reduce_max = graph
        .nodes
        .iter()
        .find(|n| n.op == "ReduceMax")
        .expect("ReduceMax");
    assert_eq!(reduce_max.attrs[0].ints, [1]);
    let table = &graph.initializers["table_q"];
    assert_eq!(table.dims, [30_522, table.dims[1]]);
    assert_eq!(table.data_type, INT8);
    assert_eq!(table.raw.len(), table.len().expect("dims"));
    assert!(graph.initializers["eps"].f32s().is_some());
}

#[test]
fn damaged_graphs_are_refused_without_panicking() {
    let bytes = onnx_bytes();
    for cut in [0, 1, 100, bytes.len() / 2, bytes.len() - 1] {
        assert!(
            matches!(
                StaticHead::from_onnx(&bytes[..cut], "score"),
                Err(NotNative::Read(_))
            ),
            "cut at {cut}"
        );
    }
    assert!(matches!(
        read_graph(&bytes[..bytes.len() / 2]),
        Err(OnnxError::Decode(_))
    ));
    assert!(matches!(read_graph(&[]), Err(OnnxError::NoGraph)));
    // Flipped bytes anywhere (mostly the graph's small fields at the end, where
    // the node list lives) must give an error or a head, never a panic.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..300 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let mut damaged = bytes.clone();
        let tail = 4096.min(damaged.len());
        let at = if state.is_multiple_of(2) {
            damaged.len() - 1 - (state as usize >> 8) % tail
        } else {
            (state as usize >> 8) % damaged.len()
        };
        damaged[at] ^= 1 << (state % 8);
        let _ = StaticHead::from_onnx(&damaged, "score");
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..proptest::prelude::ProptestConfig::default()
    })]

    /// Arbitrary bytes are refused with a typed error (or, by chance, read):
    /// never a panic, a hang or an allocation beyond the input.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2048)) {
        let _ = read_graph(&bytes);
        let _ = StaticHead::from_onnx(&bytes, "score");
    }

    /// The shipped model (its token table cut to two rows) with arbitrary bytes
    /// written anywhere: an error or a graph, never a panic.
    #[test]
    fn a_damaged_model_never_panics(
        at in proptest::prelude::any::<usize>(),
        patch in proptest::collection::vec(proptest::prelude::any::<u8>(), 1..16),
    ) {
        let mut bytes = small_model().to_vec();
        let at = at % bytes.len();
        for (k, b) in patch.into_iter().enumerate() {
            if let Some(slot) = bytes.get_mut(at + k) {
                *slot = b;
            }
        }
        let _ = read_graph(&bytes);
    }
}

/// The shipped model with its token table cut to two rows: every field but the
/// 4 MB of int8 rows, so the property test above decodes a small message many times.
fn small_model() -> &'static [u8] {
    use prost::Message as _;
    static TAIL: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    TAIL.get_or_init(|| {
        let mut model =
            super::super::onnx_proto::ModelProto::decode(&onnx_bytes()[..]).expect("decodes");
        if let Some(graph) = model.graph.as_mut() {
            for t in &mut graph.initializer {
                if t.name.as_deref() == Some("table_q") {
                    t.raw_data = Some(vec![0; 64]);
                    t.dims = vec![2, 32];
                }
            }
        }
        model.encode_to_vec()
    })
}

fn load(native_graph: bool) -> Option<Classifier> {
    let config = LoadOptions {
        pool_size: 1,
        native_graph,
        ..LoadOptions::default()
    };
    match Classifier::load(&model_dir(), &config) {
        Ok(c) => Some(c),
        Err(ClassifierError::RuntimeMissing { .. })
            if std::env::var("PROMPTGATE_SKIP_L2").is_ok_and(|v| v == "1") =>
        {
            None
        }
        Err(e) => {
            panic!("loading the model: {e} (set ORT_DYLIB_PATH, or PROMPTGATE_SKIP_L2=1)")
        }
    }
}

#[test]
fn native_scores_equal_onnx_runtime_scores_on_the_dev_corpus() {
    let (Some(native), Some(ort)) = (load(true), load(false)) else {
        return;
    };
    assert!(
        native.inner.head.is_some(),
        "the shipped graph runs natively"
    );
    assert!(ort.inner.head.is_none());
    let dir = crate::corpus::corpus_dir().expect("tests/corpus not found");
    let mut n = 0;
    for file in ["attacks.jsonl", "benign.jsonl", "pii.jsonl"] {
        let path = dir.join(file);
        let body =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for line in body.lines().filter(|l| !l.trim().is_empty()) {
            let row: serde_json::Value = serde_json::from_str(line).expect("jsonl row");
            let Some(text) = row["text"].as_str() else {
                continue;
            };
            let a = native.score_blocking(text).expect("native scoring");
            let b = ort.score_blocking(text).expect("ONNX Runtime scoring");
            assert_eq!(a.windows, b.windows);
            assert!(
                (a.model - b.model).abs() <= 1e-5 && a.ngram == b.ngram,
                "{}: native {a:?} ONNX Runtime {b:?}",
                row["id"]
            );
            n += 1;
        }
    }
    assert!(n > 1_000, "only {n} texts");
}
