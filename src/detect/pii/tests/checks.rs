//! The validators against `testdata/checks.toml` (valid values and
//! look-alikes that fail their checks), and against values generated from
//! their formulas (PESEL dates, NIP runs).

use super::super::checks;

/// One row of `testdata/checks.toml`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Row {
    check: String,
    value: String,
    /// What `card_brand` says of a `luhn` row (`none`: nothing).
    brand: Option<String>,
    /// For readers.
    #[allow(dead_code)]
    why: Option<String>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    valid: Vec<Row>,
    invalid: Vec<Row>,
}

/// The validator a row names, applied to `value`.
fn check(name: &str, value: &[u8]) -> Result<bool, String> {
    Ok(match name {
        "luhn" => checks::luhn(value),
        "iban" => checks::iban_valid(value),
        "pesel" => checks::pesel_valid(value),
        "nip" => checks::nip_valid(value),
        "regon" => checks::regon_valid(value),
        "ssn" => checks::ssn_valid(value),
        "btc_base58" => checks::btc_base58_valid(value),
        "btc_bech32" => checks::btc_bech32_valid(value),
        "eth_checksum" => checks::eth_checksum_valid(value),
        "jwt_header" => checks::jwt_header_valid(value),
        "nino_prefix" => match value {
            [a, b] => checks::nino_prefix_valid(*a, *b),
            _ => return Err("a nino_prefix value is two letters".into()),
        },
        other => return Err(format!("unknown check {other:?}")),
    })
}

#[test]
fn validators_accept_valid_values_and_reject_look_alikes() {
    let table: Table = toml::from_str(include_str!("../testdata/checks.toml"))
        .unwrap_or_else(|e| panic!("testdata/checks.toml: {e}"));
    let mut failures = Vec::new();
    let kinds = [
        ("valid", &table.valid, true),
        ("invalid", &table.invalid, false),
    ];
    for (kind, rows, want) in kinds {
        for (i, row) in rows.iter().enumerate() {
            let at = format!("checks.toml › {kind}[{i}] {} {:?}", row.check, row.value);
            match check(&row.check, row.value.as_bytes()) {
                Err(problem) => failures.push(format!("{at}: {problem}")),
                Ok(got) if got != want => {
                    failures.push(format!("{at}: {}", if got { "passes" } else { "fails" }))
                }
                Ok(_) => {}
            }
            match (&row.brand, row.check.as_str()) {
                (None, _) => {}
                (Some(brand), "luhn") => {
                    let got = checks::card_brand(row.value.as_bytes()).unwrap_or("none");
                    if got != brand {
                        failures.push(format!("{at}: brand {got}, want {brand}"));
                    }
                }
                (Some(_), _) => failures.push(format!("{at}: `brand` belongs to luhn rows")),
            }
        }
    }
    assert!(
        table.valid.len() + table.invalid.len() > 60,
        "the table is read whole"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

pub(super) fn pesel_for(year: u32, month: u32, day: u32, serial: u32) -> String {
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

pub(super) fn nip_for(prefix: u32) -> Option<String> {
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

pub(super) fn luhn_complete(prefix: &str) -> String {
    (0..10)
        .map(|d| format!("{prefix}{d}"))
        .find(|s| checks::luhn(s.as_bytes()))
        .expect("one check digit always completes Luhn")
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
}

#[test]
fn generated_nips_pass_and_one_changed_digit_fails() {
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
}

#[test]
fn entropy_tells_repetition_from_randomness() {
    assert!(checks::entropy(b"aaaaaaaaaaaa") < 0.1);
    assert!(checks::entropy(b"Zx8Qp2Lm9Tr4Wv7K") > 3.5);
}
