//! The shield as the pipeline uses it: the shape of a finding, the
//! configuration that disables types, and hostile inputs.

use super::super::{PiiAction, PiiConfig, PiiShield, PiiType, default_action};
use super::*;
use crate::detect::Layer;

#[test]
fn findings_have_the_shape_the_pipeline_expects() {
    let mut out = Vec::new();
    shield().scan("x 4111111111111111", 7, &mut out);
    assert_eq!(out.len(), 1);
    let f = &out[0];
    assert_eq!(f.layer, Layer::L15);
    assert_eq!(&*f.category, "CREDIT_CARD");
    assert_eq!(&*f.rule_id, "pii.credit_card.visa");
    assert_eq!(f.segment, 7);
    assert_eq!(f.span, 2..18);
    assert!((f.score - 1.0).abs() < f32::EPSILON);
}

#[test]
fn config_disables_types_and_names_round_trip() {
    let only_email = PiiShield::new(&PiiConfig {
        enabled: vec![PiiType::Email],
        ..PiiConfig::default()
    })
    .expect("anchors compile");
    let mut out = Vec::new();
    only_email.scan("a@b.com 4111111111111111", 0, &mut out);
    assert_eq!(out.len(), 1);
    assert_eq!(&*out[0].category, "EMAIL");
    for t in PiiType::ALL {
        assert_eq!(t.as_str().parse::<PiiType>(), Ok(t));
        assert_eq!(t.to_string(), t.as_str());
    }
    assert!("credit-card".parse::<PiiType>().is_ok());
    assert!("NOPE".parse::<PiiType>().is_err());
    assert!(PiiType::Jwt.is_secret() && !PiiType::Email.is_secret());
    assert_eq!(default_action(PiiType::PrivateKey), PiiAction::Block);
    assert_eq!(default_action(PiiType::AwsAccessKey), PiiAction::Block);
    assert_eq!(default_action(PiiType::Email), PiiAction::Redact);
    assert_eq!(default_action(PiiType::GenericSecret), PiiAction::Redact);
}

#[test]
fn hostile_inputs_do_not_panic() {
    let long_digits = "1".repeat(100_000);
    let spaced = "1 ".repeat(50_000);
    let ats = "@".repeat(10_000);
    let colons = "a:".repeat(20_000);
    let weird = "\u{FF10}\u{200B}+(((0)))--..  @@ (at) [dot] -----BEGIN  PRIVATE KEY-----";
    for text in [
        long_digits.as_str(),
        spaced.as_str(),
        ats.as_str(),
        colons.as_str(),
        weird,
        "",
        "+",
        "(",
        "0x",
        "eyJ",
        "sk-",
    ] {
        let _ = scan(text);
    }
    // Every multi-byte boundary: spans must stay on char boundaries.
    let text = "żółć 4111 1111 1111 1111 ąę ＠ ４１１１";
    for f in scan(text) {
        assert!(text.is_char_boundary(f.span.start) && text.is_char_boundary(f.span.end));
    }
}

#[test]
fn shield_is_shareable() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<PiiShield>();
}
