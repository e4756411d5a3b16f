//! Properties over generated input: any text scans without panic with sane
//! spans; generated cards, IBANs, PESELs and NIPs are found exactly.

use proptest::prelude::*;

use super::checks::{luhn_complete, nip_for, pesel_for};
use super::*;

fn iban_for(country: &str, bban: &str) -> String {
    let rearranged = format!("{bban}{country}00");
    let mut rem = 0u32;
    for c in rearranged.bytes() {
        rem = match c {
            b'0'..=b'9' => (rem * 10 + u32::from(c - b'0')) % 97,
            _ => (rem * 100 + u32::from(c - b'A') + 10) % 97,
        };
    }
    format!("{country}{:02}{bban}", 98 - rem)
}

fn grouped(digits: &str, sep: &str, group: usize) -> String {
    let chunks: Vec<String> = digits
        .as_bytes()
        .chunks(group)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    chunks.join(sep)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_text_scans_without_panic_and_spans_are_sane(text in "[0-9a-zA-Z@:.+() \\-_=\"\u{FF10}-\u{FF19}\u{200B}ąß€\n]{0,200}") {
        let f = scan(&text);
        let mut last_end = 0;
        for x in &f {
            prop_assert!(x.span.start < x.span.end && x.span.end <= text.len());
            prop_assert!(text.is_char_boundary(x.span.start) && text.is_char_boundary(x.span.end));
            prop_assert!(x.span.start >= last_end, "findings are ordered and disjoint");
            last_end = x.span.end;
        }
    }

    #[test]
    fn generated_cards_are_found_exactly(body in "[0-9]{14}", sep in prop::sample::select(vec!["", " ", "-", ".", "\u{00A0}"])) {
        let number = luhn_complete(&format!("4{body}"));
        let shown = grouped(&number, sep, 4);
        let text = format!("pay with {shown} now");
        let f = found(&text);
        prop_assert_eq!(f, vec![("CREDIT_CARD".to_string(), shown)]);
    }

    #[test]
    fn generated_ibans_are_found_exactly(bban in "[0-9]{18}", spaced in any::<bool>()) {
        let iban = iban_for("DE", &bban);
        let shown = if spaced { grouped(&iban, " ", 4) } else { iban.clone() };
        let text = format!("IBAN: {shown}.");
        prop_assert_eq!(found(&text), vec![("IBAN".to_string(), shown)]);
        // One changed digit breaks mod-97 and nothing is reported.
        let mut bad = iban.into_bytes();
        bad[10] = if bad[10] == b'9' { b'0' } else { bad[10] + 1 };
        let bad = String::from_utf8(bad).expect("ASCII");
        prop_assert_eq!(found(&format!("IBAN: {bad}.")), vec![]);
    }

    #[test]
    fn generated_pesels_and_nips_are_found(y in 1900u32..2099, m in 1u32..=12, d in 1u32..=28, serial in 0u32..10000, prefix in 100_000_000u32..999_999_999) {
        let p = pesel_for(y, m, d, serial);
        let pesel_text = format!("PESEL: {p}, ok");
        prop_assert_eq!(found(&pesel_text), vec![("PL_PESEL".to_string(), p)]);
        if let Some(n) = nip_for(prefix) {
            let dashed = format!("{}-{}-{}-{}", &n[..3], &n[3..6], &n[6..8], &n[8..]);
            let nip_text = format!("NIP {dashed}");
            prop_assert_eq!(found(&nip_text), vec![("PL_NIP".to_string(), dashed)]);
        }
    }
}
