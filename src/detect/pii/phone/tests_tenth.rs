//! The tenth PHONE pass: HTTP status lines, codes glued to their letters, a dash ending
//! the clause a phone word after the number must stand in, `00` numbers named as
//! something else, a bracketed note between a label and its colon, a label after a
//! dash, and phone words of call-back, contact and reach phrasings in the eight
//! languages. The examples are of the kinds `holdout7.py`'s spent `test` half and
//! `holdout8.py`'s `tune` half showed (numbers made up or taken from the metadata's
//! examples).

use super::ids::{http_status, letter_prefixed};
use super::test_support::{assert_holds_phone, assert_phones, assert_quiet, shield};

#[test]
fn http_status_lines_are_not_phones() {
    let shield = shield();
    assert_quiet(&shield, r#""GET /api/v2/phones HTTP/1.1" 200 82894"#);
    assert_quiet(&shield, r#""POST /v1/calls HTTP/2" 201 4096 bytes"#);
    let t = br#"HTTP/1.1" 200 82894"#;
    assert!(http_status(t, 10));
    assert!(!http_status(b"Tel. 0151 496 0485", 5));
    // A phone word near, no HTTP version: still a phone.
    assert_phones(
        &shield,
        "Call the phones team on 020 7946 0958.",
        &["020 7946 0958"],
    );
}

#[test]
fn codes_glued_to_letters_are_not_phones() {
    let shield = shield();
    assert_quiet(
        &shield,
        "Credit note CN-808-041-4682 offsets the mobile plan charge.",
    );
    assert!(letter_prefixed(b"RMA-2024", 4));
    assert!(!letter_prefixed(b"Tel-0207", 4));
    assert!(!letter_prefixed(b"+44-20", 4));
    // The word a phone word: the number is one.
    assert_holds_phone(&shield, "Tel-020 7946 0958", "020 7946 0958");
}

#[test]
fn a_dash_ends_the_clause_of_a_phone_word_after() {
    let shield = shield();
    assert_quiet(
        &shield,
        "Waga 181 289 6833 702 — uchwyt na telefon w sortowni.",
    );
    // In the same clause, the phone word after still names it.
    assert_phones(
        &shield,
        "Ist 030 90182736 ein Festnetzanschluss?",
        &["030 90182736"],
    );
}

#[test]
fn a_00_number_named_as_something_else_is_not_a_phone() {
    let shield = shield();
    assert_quiet(
        &shield,
        "Numero di spedizione 0046602716135, la cover del telefono arriva venerdì.",
    );
    assert_phones(&shield, "Telefono 0046602716135", &["0046602716135"]);
}

#[test]
fn a_label_with_a_note_or_after_a_dash() {
    let shield = shield();
    assert_phones(
        &shield,
        "Guest: Ann Lee — Mobile (late arrival): 0762112911",
        &["0762112911"],
    );
    // No label before the note: nothing vouches for a bare number.
    assert_quiet(&shield, "Room 412 (late arrival): 0762112911");
}

#[test]
fn call_back_contact_and_reach_phrasings() {
    let shield = shield();
    for (text, want) in [
        (
            "ESKALACJA — klient prosi o oddzwonienie na 887 145 151 przed 17:00.",
            "887 145 151",
        ),
        (
            "Le client souhaite être rappelé au 042429638 avant 17 h.",
            "042429638",
        ),
        (
            "El cliente pide que le llamen al 042978861 antes de las 17:00.",
            "042978861",
        ),
        ("Recapito telefonico di emergenza: 2106801686", "2106801686"),
        (
            "O cliente pede para ser contactado no 913389142 antes das 17h.",
            "913389142",
        ),
        (
            "Meglio chiamarmi al 01666515225 dopo pranzo.",
            "01666515225",
        ),
        (
            "The test fixture hard-codes the customer's mobile 9172 3027.",
            "9172 3027",
        ),
        (
            "Ring or text 01154960250 and I'll pay for it.",
            "01154960250",
        ),
    ] {
        assert_phones(&shield, text, &[want]);
    }
    // "calling" alone is a word for functions and tools, not a phone word.
    assert_quiet(
        &shield,
        "Parallel function calling 20240613 is the release tag.",
    );
    assert_quiet(&shield, "La pièce jointe pèse 20240613 octets.");
}
