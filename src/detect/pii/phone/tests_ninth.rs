//! The ninth PHONE pass: serial and meter numbers named as such, spaced date-times,
//! "… to E.164", a role line between a name and its number, an area-code slash after
//! a calling code, a `+` written apart, callback and reach words, and abbreviated SSN
//! words. The examples are of the kinds `holdout6.py`'s spent `test` half and
//! `holdout7.py`'s `tune` half showed (numbers made up or taken from the metadata's
//! examples).

use super::super::scan::Run;
use super::shape::date_shaped;
use super::test_support::{assert_phones, assert_quiet, findings, shield};

#[test]
fn serial_and_meter_numbers_are_not_phones() {
    let shield = shield();
    for text in [
        "S/N 0521 0330 3451 is printed under the battery of the cordless phone.",
        "Numéro de série 0263 7289 9036 sous la batterie du téléphone fixe.",
        "Numero di serie 0889 6952 8480 sotto la batteria del cordless.",
        "Matricola contatore 352 657 7618, lettura 99632 kWh.",
    ] {
        assert_quiet(&shield, text);
    }
    // Named as a phone, the same digits are one.
    assert_phones(
        &shield,
        "Numéro de téléphone 0263 7289 9036, sous la batterie.",
        &["0263 7289 9036"],
    );
}

#[test]
fn spaced_date_times_are_dates() {
    let shield = shield();
    assert_quiet(&shield, "Export 06 06 2024 11 02: Anruf abgelehnt.");
    assert_quiet(
        &shield,
        "Eksport: 2024 03 12 18 42 11 — połączenie odrzucone.",
    );
    let dated = |t: &str| date_shaped(&Run::parse(t.as_bytes(), 0));
    assert!(dated("06 06 2024 11 02"));
    assert!(dated("2024 03 12 18 42 11"));
    // Out of range, or no year: not a date and a time.
    assert!(!dated("06 06 2024 25 02"));
    assert!(!dated("06 32 2024 11 02"));
    assert!(!dated("06 06 2024 11 72"));
    assert!(!dated("06 12 34 56 78"));
    // A phone in pairs stays one.
    assert_phones(&shield, "Appelez le 06 12 34 56 78.", &["06 12 34 56 78"]);
}

#[test]
fn e164_names_a_phone() {
    let shield = shield();
    assert_phones(
        &shield,
        "Converti 0141403537 nel formato E.164, per favore.",
        &["0141403537"],
    );
    assert_phones(&shield, "Convert to E.164: 0141403537", &["0141403537"]);
    assert_quiet(&shield, "Converti 0141403537 nel formato CSV, per favore.");
}

#[test]
fn a_role_line_between_name_and_number() {
    let shield = shield();
    assert_phones(
        &shield,
        "BADGE\nNatasha Morgan\nSenior Buyer, Northwind Ltd\n02074960348",
        &["02074960348"],
    );
    for text in [
        // No name above the role, or a role line with digits.
        "Notes\nSenior Buyer, Northwind Ltd\n02074960348",
        "Natasha Morgan\nRoom 12, Floor 3\n02074960348",
    ] {
        assert_quiet(&shield, text);
    }
}

#[test]
fn calling_code_then_area_slash_and_a_spaced_plus() {
    let shield = shield();
    assert_phones(&shield, "SMS an +44 118/4960567.", &["+44 118/4960567"]);
    assert_phones(
        &shield,
        "Reception:\n+ 44 20 7946 0958",
        &["+ 44 20 7946 0958"],
    );
    for text in [
        // No `+`: a division; a `+` after a number: a sum.
        "Ratio 44 118/4960567.",
        "Total 12 + 44 20 7946 0958",
    ] {
        assert_quiet(&shield, text);
    }
}

#[test]
fn callback_and_reach_words() {
    let shield = shield();
    for (text, want) in [
        (
            "Schadenmeldung 7731: Versicherungsnehmer Olga Brandt, Rückrufnummer 0922012634.",
            "0922012634",
        ),
        (
            "Questions go to Ms Watson, reachable on 946 61 154 during school hours.",
            "946 61 154",
        ),
    ] {
        assert_phones(&shield, text, &[want]);
    }
    assert_quiet(
        &shield,
        "Schadenmeldung 7731: Versicherungsnehmer Olga Brandt, Vertragsnummer 0922012634.",
    );
}

#[test]
fn abbreviated_social_security_words() {
    let shield = shield();
    for (text, want) in [
        (
            "Applicant Mark Hill, Social Sec. No. 407830884.",
            "407830884",
        ),
        (
            "Tenant screening: Soc Sec # 200171930, rent 1,450.",
            "200171930",
        ),
    ] {
        assert_eq!(
            findings(&shield, text),
            vec![("US_SSN".to_owned(), want.to_owned())],
            "{text}"
        );
    }
    assert_quiet(&shield, "Applicant Mark Hill, file No. 407830884.");
}
