//! Tests for L1.5: validator tables (valid values and look-alikes that fail their
//! checks), scan cases with exact spans, obfuscation, and the test corpus floors.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::checks;
use super::{PiiAction, PiiConfig, PiiShield, PiiType, default_action};
use crate::detect::{Finding, Layer};

fn shield() -> PiiShield {
    PiiShield::new(&PiiConfig::default()).expect("the built-in anchor table compiles")
}

fn scan(text: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    shield().scan(text, 0, &mut out);
    out
}

/// (category, matched text) pairs, for readable assertions.
fn found(text: &str) -> Vec<(String, String)> {
    scan(text)
        .into_iter()
        .map(|f| (f.category.to_string(), text[f.span].to_string()))
        .collect()
}

// === Validators ===

fn pesel_for(year: u32, month: u32, day: u32, serial: u32) -> String {
    let offset = match year {
        1800..=1899 => 80,
        1900..=1999 => 0,
        2000..=2099 => 20,
        2100..=2199 => 40,
        _ => 60,
    };
    let body = format!(
        "{:02}{:02}{:02}{:04}",
        year % 100,
        month + offset,
        day,
        serial
    );
    const W: [u32; 10] = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
    let sum: u32 = body
        .bytes()
        .zip(W)
        .map(|(c, w)| u32::from(c - b'0') * w)
        .sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}

fn nip_for(prefix: u32) -> Option<String> {
    let body = format!("{prefix:09}");
    const W: [u32; 9] = [6, 5, 7, 2, 3, 4, 5, 6, 7];
    let sum: u32 = body
        .bytes()
        .zip(W)
        .map(|(c, w)| u32::from(c - b'0') * w)
        .sum();
    let check = sum % 11;
    (check != 10).then(|| format!("{body}{check}"))
}

fn luhn_complete(prefix: &str) -> String {
    (0..10)
        .map(|d| format!("{prefix}{d}"))
        .find(|s| checks::luhn(s.as_bytes()))
        .expect("one check digit always completes Luhn")
}

#[test]
fn luhn_and_card_brands() {
    let valid = [
        ("4111111111111111", "visa"),
        ("4012888888881881", "visa"),
        ("5555555555554444", "mastercard"),
        ("2223003122003222", "mastercard"),
        ("378282246310005", "amex"),
        ("6011111111111117", "discover"),
        ("3530111333300000", "jcb"),
        ("30569309025904", "diners"),
        ("6200000000000005", "unionpay"),
    ];
    for (n, brand) in valid {
        assert!(checks::luhn(n.as_bytes()), "{n} passes Luhn");
        assert_eq!(checks::card_brand(n.as_bytes()), Some(brand), "{n}");
    }
    for n in ["4111111111111112", "5555555555554445", "378282246310006"] {
        assert!(!checks::luhn(n.as_bytes()), "{n} fails Luhn");
    }
    // Luhn-valid but no brand has this IIN and length.
    let isbn_like = luhn_complete("978306406152");
    assert_eq!(checks::card_brand(isbn_like.as_bytes()), None);
    // Visa with a length Visa never issues.
    assert_eq!(
        checks::card_brand(luhn_complete("41111111111111").as_bytes()),
        None
    );
}

#[test]
fn iban_mod97_and_lengths() {
    for iban in [
        "DE89370400440532013000",
        "GB82WEST12345698765432",
        "FR1420041010050500013M02606",
        "NL91ABNA0417164300",
        "PL61109010140000071219812874",
        "CH9300762011623852957",
        "ES9121000418450200051332",
        "IT60X0542811101000000123456",
    ] {
        assert!(checks::iban_valid(iban.as_bytes()), "{iban}");
    }
    for iban in [
        "DE89370400440532013001",       // check digits wrong
        "DE8937040044053201300",        // too short for DE
        "GB82WEST123456987654321",      // too long for GB
        "XX82WEST12345698765432",       // no such country
        "PL61109010140000071219812875", // mod-97 fails
    ] {
        assert!(!checks::iban_valid(iban.as_bytes()), "{iban}");
    }
}

#[test]
fn pesel_checksum_and_dates() {
    for (y, m, d) in [
        (1944, 5, 14),
        (1899, 12, 31),
        (2000, 2, 29),
        (2024, 2, 29),
        (2150, 1, 1),
        (1985, 11, 30),
    ] {
        let p = pesel_for(y, m, d, 1234);
        assert!(checks::pesel_valid(p.as_bytes()), "{p} ({y}-{m}-{d})");
    }
    assert!(checks::pesel_valid(b"44051401359"));
    // Checksum right but no such date: 1900-02-29, 2023-02-29, 31 April, month 13.
    for (y, m, d) in [
        (1900, 2, 29),
        (2023, 2, 29),
        (1990, 4, 31),
        (1990, 13, 1),
        (1990, 1, 0),
    ] {
        let p = pesel_for(y, m, d, 1234);
        assert!(!checks::pesel_valid(p.as_bytes()), "{p} ({y}-{m}-{d})");
    }
    // Valid date, wrong check digit.
    assert!(!checks::pesel_valid(b"44051401358"));
}

#[test]
fn nip_and_regon_checksums() {
    assert!(checks::nip_valid(b"1234563218"));
    assert!(!checks::nip_valid(b"1234563219"));
    let mut generated = 0;
    for prefix in (100_000_000..100_000_400).step_by(7) {
        if let Some(n) = nip_for(prefix) {
            assert!(checks::nip_valid(n.as_bytes()), "{n}");
            let mut bad = n.into_bytes();
            bad[9] = if bad[9] == b'9' { b'0' } else { bad[9] + 1 };
            assert!(!checks::nip_valid(&bad));
            generated += 1;
        }
    }
    assert!(generated > 40);
    assert!(checks::regon_valid(b"123456785"));
    assert!(!checks::regon_valid(b"123456786"));
    assert!(checks::regon_valid(b"12345678512347"));
    assert!(!checks::regon_valid(b"12345678512348"));
}

#[test]
fn ssn_rules() {
    for ok in ["536221234", "001010001", "899991234", "665123456"] {
        assert!(checks::ssn_valid(ok.as_bytes()), "{ok}");
    }
    for bad in [
        "000123456",
        "666123456",
        "900123456",
        "987654321",
        "536001234",
        "536220000",
        "078051120",
    ] {
        assert!(!checks::ssn_valid(bad.as_bytes()), "{bad}");
    }
}

#[test]
fn ssn_dotted_or_named_after() {
    let shield = shield();
    let ssns = |text: &str| -> Vec<String> {
        let mut out = Vec::new();
        shield.scan(text, 0, &mut out);
        out.iter()
            .filter(|f| &*f.category == "US_SSN")
            .map(|f| text[f.span.clone()].to_owned())
            .collect()
    };
    for (text, want) in [
        ("Die SSN des Mitarbeiters ist 380.72.4793.", "380.72.4793"),
        ("Is 536221234 a valid Social Security number?", "536221234"),
        ("Check 536-22-1234 please", "536-22-1234"),
    ] {
        assert_eq!(ssns(text), vec![want.to_owned()], "{text}");
    }
    for text in [
        "Upgrade from 380.72.4793 to 381.0.1.",
        "Build 536.22.1234 passed.",
        "Order 536221234 is late.",
        "SSN 666.12.3456 is not valid.",
    ] {
        assert_eq!(ssns(text), Vec::<String>::new(), "{text}");
    }
}

#[test]
fn crypto_addresses() {
    for a in [
        "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
        "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
    ] {
        assert!(checks::btc_base58_valid(a.as_bytes()), "{a}");
    }
    for a in [
        "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3",
        "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLz",
    ] {
        assert!(!checks::btc_base58_valid(a.as_bytes()), "{a}");
    }
    for a in [
        "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
        "BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ",
        "bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297",
    ] {
        assert!(checks::btc_bech32_valid(a.as_bytes()), "{a}");
    }
    for a in [
        "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdr", // checksum
        "bc1qw508d6qejxxdg4y5r3zarvary0c5xw7kv8f3t5", // checksum
        "bc1Qw508d6qejxxdg4y5r3zarvary0c5xw7kv8f3t4", // mixed case
        // v1 program with a bech32 (not bech32m) checksum (BIP-350 invalid vector).
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
    ] {
        assert!(!checks::btc_bech32_valid(a.as_bytes()), "{a}");
    }
    assert!(checks::eth_checksum_valid(
        b"5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
    ));
    assert!(checks::eth_checksum_valid(
        b"fB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"
    ));
    assert!(checks::eth_checksum_valid(
        b"5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"
    ));
    assert!(!checks::eth_checksum_valid(
        b"5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"
    ));
    assert!(!checks::eth_checksum_valid(
        b"5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
    ));
}

#[test]
fn nino_prefixes_and_entropy() {
    assert!(checks::nino_prefix_valid(b'A', b'B'));
    for (a, b) in [
        (b'D', b'A'),
        (b'A', b'O'),
        (b'G', b'B'),
        (b'Q', b'Q'),
        (b'Z', b'Z'),
    ] {
        assert!(
            !checks::nino_prefix_valid(a, b),
            "{}{}",
            a as char,
            b as char
        );
    }
    assert!(checks::entropy(b"aaaaaaaaaaaa") < 0.1);
    assert!(checks::entropy(b"Zx8Qp2Lm9Tr4Wv7K") > 3.5);
}

#[test]
fn jwt_headers() {
    assert!(checks::jwt_header_valid(
        b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
    ));
    // {"typ":"JWT"} has no alg.
    assert!(!checks::jwt_header_valid(b"eyJ0eXAiOiJKV1QifQ"));
    assert!(!checks::jwt_header_valid(b"eyJnotbase64!!"));
}

// === Scan cases: (text, expected (category, value) in order) ===

const JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

#[test]
fn scan_cases() {
    let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi\n-----END RSA PRIVATE KEY-----";
    let cases: Vec<(String, Vec<(&str, String)>)> = vec![
        (
            "Mail me at jane.doe+x@mail.example.co.uk.".into(),
            vec![("EMAIL", "jane.doe+x@mail.example.co.uk".into())],
        ),
        (
            "write to jane (at) example (dot) com today".into(),
            vec![("EMAIL", "jane (at) example (dot) com".into())],
        ),
        (
            "write to jane[at]example[dot]org".into(),
            vec![("EMAIL", "jane[at]example[dot]org".into())],
        ),
        (
            "card 4111 1111 1111 1111 exp".into(),
            vec![("CREDIT_CARD", "4111 1111 1111 1111".into())],
        ),
        (
            "card 4 1 1 1-1111 1111 1111 please".into(),
            vec![("CREDIT_CARD", "4 1 1 1-1111 1111 1111".into())],
        ),
        (
            "card 4111.1111.1111.1111".into(),
            vec![("CREDIT_CARD", "4111.1111.1111.1111".into())],
        ),
        (
            "amex 3782-822463-10005.".into(),
            vec![("CREDIT_CARD", "3782-822463-10005".into())],
        ),
        (
            "IBAN DE89 3704 0044 0532 0130 00, thanks".into(),
            vec![("IBAN", "DE89 3704 0044 0532 0130 00".into())],
        ),
        (
            "konto PL61109010140000071219812874".into(),
            vec![("IBAN", "PL61109010140000071219812874".into())],
        ),
        (
            "SSN 536-22-1234 and 536 22 1234".into(),
            vec![
                ("US_SSN", "536-22-1234".into()),
                ("US_SSN", "536 22 1234".into()),
            ],
        ),
        (
            "my ssn is 536221234".into(),
            vec![("US_SSN", "536221234".into())],
        ),
        (
            "PESEL 44051401359.".into(),
            vec![("PL_PESEL", "44051401359".into())],
        ),
        (
            "NIP 123-456-32-18 lub NIP 1234563218".into(),
            vec![
                ("PL_NIP", "123-456-32-18".into()),
                ("PL_NIP", "1234563218".into()),
            ],
        ),
        (
            "REGON 123456785".into(),
            vec![("PL_REGON", "123456785".into())],
        ),
        (
            "NINO AB 12 34 56 C and AB123456D".into(),
            vec![
                ("UK_NINO", "AB 12 34 56 C".into()),
                ("UK_NINO", "AB123456D".into()),
            ],
        ),
        (
            "from 8.8.4.4 and 2001:db8::ff00:42:8329.".into(),
            vec![
                ("IP_ADDRESS", "8.8.4.4".into()),
                ("IP_ADDRESS", "2001:db8::ff00:42:8329".into()),
            ],
        ),
        (
            "visit 8.8.8.8? or http://93.184.216.34:8080/x".into(),
            vec![
                ("IP_ADDRESS", "8.8.8.8".into()),
                ("IP_ADDRESS", "93.184.216.34".into()),
            ],
        ),
        (
            "host fe80::1ff:fe23:4567:890a up".into(),
            vec![("IP_ADDRESS", "fe80::1ff:fe23:4567:890a".into())],
        ),
        (
            "mac 00:1A:2B:3C:4D:5E and aa-bb-cc-dd-ee-01".into(),
            vec![
                ("MAC_ADDRESS", "00:1A:2B:3C:4D:5E".into()),
                ("MAC_ADDRESS", "aa-bb-cc-dd-ee-01".into()),
            ],
        ),
        (
            "btc 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 or bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
                .into(),
            vec![
                ("BTC_ADDRESS", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2".into()),
                (
                    "BTC_ADDRESS",
                    "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq".into(),
                ),
            ],
        ),
        (
            "eth 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed".into(),
            vec![(
                "ETH_ADDRESS",
                "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed".into(),
            )],
        ),
        (
            "key AKIAIOSFODNN7EXAMPLE used".into(),
            vec![("AWS_ACCESS_KEY", "AKIAIOSFODNN7EXAMPLE".into())],
        ),
        (
            "tok ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5 ok".into(),
            vec![(
                "GITHUB_TOKEN",
                "ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5".into(),
            )],
        ),
        (
            "tok glpat-Ab12Cd34Ef56Gh78Ij90".into(),
            vec![("GITLAB_TOKEN", "glpat-Ab12Cd34Ef56Gh78Ij90".into())],
        ),
        (
            "slack xoxb-1234567890-abcdefghij".into(),
            vec![("SLACK_TOKEN", "xoxb-1234567890-abcdefghij".into())],
        ),
        (
            "hook https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"
                .into(),
            vec![(
                "SLACK_TOKEN",
                "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"
                    .into(),
            )],
        ),
        (
            "OPENAI_API_KEY=sk-proj-Ab3De5Gh7Jk9Mn1Pq3St5Vw7Yz9Bc1".into(),
            vec![(
                "OPENAI_API_KEY",
                "sk-proj-Ab3De5Gh7Jk9Mn1Pq3St5Vw7Yz9Bc1".into(),
            )],
        ),
        (
            "key sk-ant-api03-Ab3De5Gh7Jk9Mn1Pq3St5Vw7Yz9".into(),
            vec![(
                "ANTHROPIC_API_KEY",
                "sk-ant-api03-Ab3De5Gh7Jk9Mn1Pq3St5Vw7Yz9".into(),
            )],
        ),
        (
            format!("Authorization: Bearer {JWT}"),
            vec![("JWT", JWT.into())],
        ),
        (
            format!("key:\n{pem}\nend"),
            vec![("PRIVATE_KEY", pem.into())],
        ),
        (
            "config: api_key = \"Zx8Qp2Lm9Tr4Wv7K\"".into(),
            vec![("GENERIC_SECRET", "Zx8Qp2Lm9Tr4Wv7K".into())],
        ),
        (
            "{\"password\": \"n7Q!x2Lp#9vR\"}".into(),
            vec![("GENERIC_SECRET", "n7Q!x2Lp#9vR".into())],
        ),
        (
            "call +48 533 845 828 now".into(),
            vec![("PHONE", "+48 533 845 828".into())],
        ),
        (
            "or (455)866-8396x6873.".into(),
            vec![("PHONE", "(455)866-8396x6873".into())],
        ),
        (
            "Tel. +49 (0) 9366 903868".into(),
            vec![("PHONE", "+49 (0) 9366 903868".into())],
        ),
        (
            "telefon: 739 273 543.".into(),
            vec![("PHONE", "739 273 543".into())],
        ),
        (
            "tel. 0151 496 0485".into(),
            vec![("PHONE", "0151 496 0485".into())],
        ),
        (
            "phone 920.319.3014".into(),
            vec![("PHONE", "920.319.3014".into())],
        ),
        (
            "+1-345-332-0916x3340".into(),
            vec![("PHONE", "+1-345-332-0916x3340".into())],
        ),
    ];
    for (text, want) in cases {
        let got = found(&text);
        let want: Vec<(String, String)> =
            want.into_iter().map(|(c, v)| (c.to_string(), v)).collect();
        assert_eq!(got, want, "in {text:?}");
    }
}

#[test]
fn look_alikes_are_not_reported() {
    let negatives = [
        "card 4111 1111 1111 1112 declined",
        "tracking 6178831607575320",
        "ISBN 9789672965954",
        "Die Nummer DE89370400440532013001 ist falsch",
        "SSN 000-12-3456 or 666-12-3456 or 912-34-5678",
        "Czy 44051401358 to PESEL?",
        "NIP 1234563219",
        "Is 633.154.32.56 a valid IP? 256.1.1.1 neither",
        "version 1.2.3.4 and v10.0.0.1",
        "timestamp 1700000000 and id 1234567890 and order 98765432101",
        "Convert 501417 seconds; room 4817; Policz 12 345 * 9368",
        "Rechnung RE/2020/07/244 and SKU PN-83320-B",
        "Commit caeaf5bb1952153c76cff875d116e923fb7dabe1 and 0x11E57017",
        "eth 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD",
        "btc 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3",
        "the time is 10:30:45 and std::vec::Vec",
        "password: hunter2 and api_key=YOUR_API_KEY_HERE and token: ${TOKEN_VALUE_123}",
        "use sk-learn-is-a-python-library for this",
        "date 2024-01-15, 15.01.2024, 01/15/2024",
        "icon@2x.png and npm install foo@1.2.3 and @mention",
        "ratio 3.14159 and 1,234,567.89 EUR",
        "NINO QQ 12 34 56 C",
        "uuid 123e4567-e89b-12d3-a456-426614174000",
        "uuid 41111111-1111-1111-1111-123456789012",
        "ISBN 0-306-40615-2 and ISBN 978-0-306-40615-7",
        "order 0151 496 0485 shipped; invoice 030 1234 5678",
        "version 10.0.0.1 and build 1.2.3.4",
    ];
    for text in negatives {
        assert_eq!(found(text), Vec::<(String, String)>::new(), "in {text:?}");
    }
}

#[test]
fn obfuscated_digits_map_back_to_the_original() {
    // Full-width digits, Arabic-Indic digits and a zero-width space inside a card.
    let cases = [
        "card ４１１１ １１１１ １１１１ １１１１ ok",
        "card \u{0664}\u{0661}\u{0661}\u{0661}111111111111 ok",
        "card 4111\u{200B}1111\u{200B}1111\u{200B}1111 ok",
        "card 4111\u{00A0}1111\u{2013}1111\u{2013}1111 ok",
    ];
    for text in cases {
        let f = scan(text);
        assert_eq!(f.len(), 1, "{text:?}: {f:?}");
        assert_eq!(&*f[0].category, "CREDIT_CARD");
        let value = &text[f[0].span.clone()];
        assert!(
            value.starts_with(|c: char| c != ' ') && !value.ends_with(' '),
            "{value:?}"
        );
        assert_eq!(&text[..f[0].span.start], "card ");
        assert_eq!(&text[f[0].span.end..], " ok");
    }
    let text = "mail ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ now";
    let f = scan(text);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(&text[f[0].span.clone()], "ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ");
}

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

// === Corpus ===

fn corpus_dir() -> Option<PathBuf> {
    crate::corpus::corpus_dir()
}

struct Record {
    category: String,
    text: String,
    /// (type, byte range)
    spans: Vec<(String, std::ops::Range<usize>)>,
}

fn load(name: &str) -> Vec<Record> {
    let dir = corpus_dir().expect(
        "tests/corpus not found: run from the repository root or set PROMPTGATE_CORPUS_DIR",
    );
    let data = std::fs::read_to_string(dir.join(name)).expect("corpus file is readable");
    data.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).expect("corpus lines are JSON");
            let text = v["text"].as_str().unwrap_or_default().to_string();
            // Code-point offsets to byte offsets.
            let mut byte_at: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
            byte_at.push(text.len());
            let spans = v["pii"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|p| {
                            let s = p["start"].as_u64().unwrap_or(0) as usize;
                            let e = p["end"].as_u64().unwrap_or(0) as usize;
                            (
                                p["type"].as_str().unwrap_or_default().to_string(),
                                byte_at[s]..byte_at[e],
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            Record {
                category: v["category"].as_str().unwrap_or_default().to_string(),
                text,
                spans,
            }
        })
        .collect()
}

#[derive(Default, Debug)]
struct Tally {
    gold: usize,
    hit: usize,
    exact: usize,
    fp: usize,
}

#[test]
fn corpus_pii_recall_precision_and_hard_negatives() {
    let shield = shield();
    let records = load("pii.jsonl");
    let mut tally: BTreeMap<String, Tally> = BTreeMap::new();
    let mut hard_negative_findings = Vec::new();
    let mut misses = Vec::new();
    for r in &records {
        let mut out = Vec::new();
        shield.scan(&r.text, 0, &mut out);
        if r.category == "pii_hard_negative" {
            for f in &out {
                hard_negative_findings.push(format!(
                    "{} {:?} in {:?}",
                    f.category,
                    &r.text[f.span.clone()],
                    r.text
                ));
            }
            continue;
        }
        for (ty, span) in &r.spans {
            if ty == "PERSON" {
                continue;
            }
            let t = tally.entry(ty.clone()).or_default();
            t.gold += 1;
            let overlapping = out
                .iter()
                .find(|f| &*f.category == ty && f.span.start < span.end && span.start < f.span.end);
            match overlapping {
                Some(f) => {
                    t.hit += 1;
                    if f.span == *span {
                        t.exact += 1;
                    } else {
                        misses.push(format!(
                            "inexact {ty}: got {:?} want {:?}",
                            &r.text[f.span.clone()],
                            &r.text[span.clone()]
                        ));
                    }
                }
                None => misses.push(format!(
                    "missed {ty} {:?} in {:?}",
                    &r.text[span.clone()],
                    r.text
                )),
            }
        }
        for f in &out {
            let matched = r
                .spans
                .iter()
                .any(|(ty, s)| ty == &*f.category && f.span.start < s.end && s.start < f.span.end);
            if !matched {
                tally.entry(f.category.to_string()).or_default().fp += 1;
                misses.push(format!(
                    "false positive {} {:?} in {:?}",
                    f.category,
                    &r.text[f.span.clone()],
                    r.text
                ));
            }
        }
    }
    println!(
        "{:<12} {:>5} {:>5} {:>6} {:>4} {:>8} {:>9}",
        "type", "gold", "hit", "exact", "fp", "recall", "precision"
    );
    for (ty, t) in &tally {
        let recall = if t.gold == 0 {
            1.0
        } else {
            t.hit as f64 / t.gold as f64
        };
        let precision = if t.hit + t.fp == 0 {
            1.0
        } else {
            t.hit as f64 / (t.hit + t.fp) as f64
        };
        println!(
            "{ty:<12} {:>5} {:>5} {:>6} {:>4} {:>7.1}% {:>8.1}%",
            t.gold,
            t.hit,
            t.exact,
            t.fp,
            recall * 100.0,
            precision * 100.0
        );
    }
    for m in &misses {
        println!("  {m}");
    }
    assert!(
        hard_negative_findings.is_empty(),
        "findings on pii_hard_negative records: {hard_negative_findings:#?}"
    );
    for ty in [
        "CREDIT_CARD",
        "IBAN",
        "US_SSN",
        "PL_PESEL",
        "PL_NIP",
        "EMAIL",
        "IP_ADDRESS",
    ] {
        let t = &tally[ty];
        assert!(
            t.hit * 100 >= t.gold * 99,
            "{ty} recall {}/{} below 99%",
            t.hit,
            t.gold
        );
        assert_eq!(t.exact, t.hit, "{ty}: every detected span is exact");
        assert_eq!(t.fp, 0, "{ty}: no false positives in pii.jsonl");
    }
    // Phone: numbers with `+`/`00`, NANP or trunk-0 grouping, a phone keyword before
    // them, or (bare NANP / trunk-0 digits) an e-mail beside them in a contact block.
    let phone = &tally["PHONE"];
    assert!(
        phone.hit * 100 >= phone.gold * PHONE_RECALL_FLOOR,
        "PHONE recall {}/{}",
        phone.hit,
        phone.gold
    );
    assert!(phone.fp <= 1, "PHONE false positives: {}", phone.fp);
}

/// The phone recall this layer reaches on the test corpus (percent; 139/139 today),
/// asserted.
const PHONE_RECALL_FLOOR: usize = 99;

#[test]
fn corpus_benign_and_attacks_rarely_fire() {
    let shield = shield();
    for (file, max_rate_permille) in [("benign.jsonl", 10), ("attacks.jsonl", 20)] {
        let records = load(file);
        let mut fired = 0;
        let mut by_type: BTreeMap<String, usize> = BTreeMap::new();
        for r in &records {
            let mut out = Vec::new();
            shield.scan(&r.text, 0, &mut out);
            // Names in these prompts are names (characters of maths problems, public
            // figures, e-mail salutations): PERSON is measured on its own sets.
            out.retain(|f| &*f.category != "PERSON");
            if !out.is_empty() {
                fired += 1;
            }
            for f in &out {
                *by_type.entry(f.category.to_string()).or_default() += 1;
                let s = f.span.start.saturating_sub(30);
                let e = (f.span.end + 30).min(r.text.len());
                let ctx = r.text.get(s..e).unwrap_or("<non-boundary>");
                println!(
                    "{file}: {} {:?} (…{ctx:?}…)",
                    f.category,
                    &r.text[f.span.clone()]
                );
            }
        }
        println!(
            "{file}: {fired}/{} records with PII findings, by type {by_type:?}",
            records.len()
        );
        assert!(
            fired * 1000 <= records.len() * max_rate_permille,
            "{file}: {fired} records fire"
        );
    }
}

/// The training pool is not in the repository (training data only): run this with
/// `PROMPTGATE_CORPUS_DIR` at the development corpus and `-- --ignored`.
#[test]
#[ignore = "needs train_pool.jsonl of the development corpus in PROMPTGATE_CORPUS_DIR"]
fn corpus_train_pool_rarely_fires() {
    // The training pool has no PII annotations; it is a wide sample of prompts on which
    // L1.5 should stay quiet apart from real contact details.
    let shield = shield();
    let records = load("train_pool.jsonl");
    let mut fired = 0;
    let mut by_type: BTreeMap<String, usize> = BTreeMap::new();
    for r in &records {
        let mut out = Vec::new();
        shield.scan(&r.text, 0, &mut out);
        // As in `corpus_benign_and_attacks_rarely_fire`: PERSON has its own sets.
        out.retain(|f| &*f.category != "PERSON");
        fired += usize::from(!out.is_empty());
        for f in &out {
            *by_type.entry(f.category.to_string()).or_default() += 1;
            let s = f.span.start.saturating_sub(30);
            let e = (f.span.end + 30).min(r.text.len());
            let ctx = r.text.get(s..e).unwrap_or("<non-boundary>");
            println!(
                "train_pool: {} {:?} (…{ctx:?}…)",
                f.category,
                &r.text[f.span.clone()]
            );
        }
    }
    println!(
        "train_pool.jsonl: {fired}/{} records with PII findings, by type {by_type:?}",
        records.len()
    );
    assert!(
        fired * 100 <= records.len(),
        "train_pool: {fired} records fire"
    );
}

// === Properties ===

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

mod properties {
    use super::*;
    use proptest::prelude::*;

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
}
