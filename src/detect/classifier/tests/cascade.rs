//! The cascade combination: the model signal is computed only in the n-gram's gray regions.

use super::super::spec::{Combination, CombinationSpec};

fn spec(kind: &str, gray_floor: Option<f64>) -> CombinationSpec {
    CombinationSpec {
        kind: kind.to_owned(),
        model_weight: 0.0,
        ngram_weight: 0.0,
        bias: 0.0,
        model_threshold: 0.9,
        ngram_threshold: 0.8,
        gray_floor,
    }
}

#[test]
fn cascade_gates_on_the_gray_floor_in_logits() {
    let c = Combination::from_spec(&spec("cascade", Some(0.3))).expect("valid cascade");
    // Windows are compared in logits: ln(0.3 / 0.7).
    let gray = c.gray_logit().expect("a cascade has a gray logit");
    assert!((gray - (0.3f64 / 0.7).ln()).abs() < 1e-12);
    // Without a gray region the model signal is 0 and the rescaled n-gram score
    // stands alone: 0.2 / 0.8 * 0.5.
    assert!((c.combine(0.0, 0.2) - 0.125).abs() < 1e-6);
    // From the floor, `max` of the two rescaled signals: the model's 0.95 is past its
    // threshold (0.5 + 0.5 * 0.05 / 0.1 = 0.75), the n-gram's 0.4 is not (0.25).
    assert!((c.combine(0.95, 0.4) - 0.75).abs() < 1e-6);
    assert!((c.combine(0.1, 0.9) - 0.75).abs() < 1e-6);
}

#[test]
fn max_and_blend_always_need_the_model() {
    for kind in ["max", "blend"] {
        let c = Combination::from_spec(&spec(kind, None)).expect("valid");
        assert!(c.gray_logit().is_none(), "{kind}");
    }
}

#[test]
fn cascade_without_a_valid_floor_is_refused() {
    for floor in [
        None,
        Some(0.0),
        Some(-0.1),
        Some(1.0),
        Some(1.5),
        Some(f64::NAN),
    ] {
        let err = Combination::from_spec(&spec("cascade", floor)).expect_err("refused");
        assert!(err.to_string().contains("gray_floor"), "{err}");
    }
}
