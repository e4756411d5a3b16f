//! The eighth PHONE pass: a name right before a number, an extension after it, the
//! phone column of an SQL `INSERT` row (an area-code slash in it too), "contact" as a
//! verb in the seven other languages, "is … a scam?", the `00` prefix written apart
//! from the calling code, and the hyphenated "Social-Security-Nummer". The found
//! examples are of the kinds `holdout6.py`'s tune half missed (numbers made up).

use super::test_support::{assert_phones, assert_quiet, findings, shield};

#[test]
fn a_name_before_the_number() {
    let shield = shield();
    for (text, want) in [
        (
            "Confirme presença até 1 de junho: Ana Rocha, 912 845 397.",
            "912 845 397",
        ),
        (
            "Merci de confirmer auprès de Yvonne Mottet — 06 98 12 73 54.",
            "06 98 12 73 54",
        ),
        (
            "Graag vóór 1 juni laten weten of je komt: Esmee van Dam, 020/7946095.",
            "020/7946095",
        ),
    ] {
        assert_phones(&shield, text, &[want]);
    }
    // Without the name (or with a word naming the number otherwise) nothing vouches.
    for text in [
        "Confirme presença até 1 de junho: 912 845 397.",
        "Bestellung Anna Berg, 0612 845 397.",
    ] {
        assert_quiet(&shield, text);
    }
}

#[test]
fn extensions_and_sql_phone_columns() {
    let shield = shield();
    assert_phones(
        &shield,
        "Receptie 24 92 05 55 toestel 214, vraag naar Laurens.",
        &["24 92 05 55"],
    );
    assert_quiet(&shield, "Receptie 24 92 05 55, vraag naar Laurens.");
    assert_phones(
        &shield,
        "Zentrale 030/90182736 Durchwahl -214, bitte nach Frau Berg fragen.",
        &["030/90182736"],
    );
    assert_phones(
        &shield,
        "INSERT INTO kontakty (imie, telefon) VALUES ('Julia Lis', '601/845397');",
        &["601/845397"],
    );
    assert_phones(
        &shield,
        "INSERT INTO contacts (id, name, phone) VALUES (7, 'Lee, Ann', 601845397);",
        &["601845397"],
    );
    for text in [
        // Thousands, fewer than eight digits, a one-digit "extension" (a device).
        "Die Firma zahlte 12 500 000 interno 214 an Gebühren.",
        "Receptie 492 05 55 toestel 214.",
        "Receptie 2024 0815 toestel 2.",
        // A name before a postcode, a year, an ISBN group, eight digits.
        "Rue Lafayette, 75009 0123 Paris",
        "Sankt Peter Ording, 25826 2024",
        "Harry Potter, 0 7475 3269 9",
        "Kapitel Zwei, 0612 19 28",
        // Another column: an amount, an order number.
        "INSERT INTO zamowienia (klient, kwota) VALUES ('Julia Lis', '601845397');",
        "INSERT INTO orders (phone, order_no) VALUES ('', '601/845397');",
    ] {
        assert_quiet(&shield, text);
    }
}

#[test]
fn contact_verbs_scam_questions_and_a_spaced_prefix() {
    let shield = shield();
    for (text, want) in [
        (
            "En cas d'urgence, contactez Paul Durand au 0698127354.",
            "0698127354",
        ),
        (
            "Para urgencias, contacte con Ana Ruiz en el 612 845 397.",
            "612 845 397",
        ),
        (
            "Est-ce que 06.98.12.73.54 est une arnaque ?",
            "06.98.12.73.54",
        ),
        (
            "00 31 20 794 6095 is the office in Amsterdam.",
            "00 31 20 794 6095",
        ),
    ] {
        assert_phones(&shield, text, &[want]);
    }
    for text in [
        // No verb, no question: nothing vouches.
        "En cas d'urgence, Paul Durand au 0698127354.",
        "Est-ce que 06.98.12.73.54 est correct ?",
        // `00` apart before digits no plan issues.
        "Timer 00 00 12 34 56 78 reset.",
    ] {
        assert_quiet(&shield, text);
    }
}

#[test]
fn hyphenated_social_security_word() {
    let shield = shield();
    assert_eq!(
        findings(
            &shield,
            "Kreditantrag in den USA: Etta Berg, Social-Security-Nummer 523461987."
        ),
        vec![("US_SSN".to_owned(), "523461987".to_owned())]
    );
    assert_quiet(
        &shield,
        "Kreditantrag in den USA: Etta Berg, Nummer 523461987.",
    );
}
