//! What the PHONE pass tests share: the default shield and assertions over its
//! findings.

use crate::detect::pii::{PiiConfig, PiiShield};

/// The shield with the default configuration (default phone regions).
pub(super) fn shield() -> PiiShield {
    PiiShield::new(&PiiConfig::default()).expect("default regions are known")
}

/// `(category, value)` of every finding in `text`, PERSON left out.
pub(super) fn findings(shield: &PiiShield, text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    shield.scan(text, 0, &mut out);
    out.iter()
        .filter(|f| &*f.category != "PERSON")
        .map(|f| (f.category.to_string(), text[f.span.clone()].to_owned()))
        .collect()
}

/// Asserts that `want` is among the phones found in `text`.
pub(super) fn assert_holds_phone(shield: &PiiShield, text: &str, want: &str) {
    assert!(
        findings(shield, text).contains(&("PHONE".to_owned(), want.to_owned())),
        "{text}: {:?}",
        findings(shield, text)
    );
}

/// Asserts that `text` holds exactly the phones `want`, and nothing else.
pub(super) fn assert_phones(shield: &PiiShield, text: &str, want: &[&str]) {
    let want: Vec<(String, String)> = want
        .iter()
        .map(|w| ("PHONE".to_owned(), (*w).to_owned()))
        .collect();
    assert_eq!(findings(shield, text), want, "{text}");
}

/// Asserts that nothing but PERSON is found in `text`.
pub(super) fn assert_quiet(shield: &PiiShield, text: &str) {
    assert_eq!(findings(shield, text), Vec::new(), "{text}");
}
