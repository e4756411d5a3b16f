//! The fifth PHONE pass: list and block entries after a phone, data-row columns under
//! a phone header, the sentence before the number, phone words after it in the eight
//! languages, a veto word the number is sent to, new-number and dial-in phrases, SSNs
//! in brackets; and the look-alikes each of those rules must leave alone. The found
//! examples are misses of the spent `holdout2.py` test half, of `holdout3.py`'s `tune`
//! half and of `tuning.py`'s sets.

use super::test_support::{assert_phones, findings, shield};

#[test]
fn entries_of_a_list_or_block_of_phones_are_phones() {
    let shield = shield();
    for (text, want) in [
        (
            "Zentrale: +352 27 79 31 33\nNotdienst: 24 87 04 17",
            &["+352 27 79 31 33", "24 87 04 17"][..],
        ),
        (
            "Standard : +3240 2845431\nAstreinte : 0178804599",
            &["+3240 2845431", "0178804599"],
        ),
        (
            "Receção: +55 89 7904-0198\nPiquete: 67 7271-2733",
            &["+55 89 7904-0198", "67 7271-2733"],
        ),
        (
            "Dispatch: 001-317-739-3689\nAfter hours: (864) 026-4726",
            &["001-317-739-3689", "(864) 026-4726"],
        ),
        (
            "Nummern für das Schulformular: Mutter +41 41 248 52 50, Vater 09886076546.",
            &["+41 41 248 52 50", "09886076546"],
        ),
        (
            "Telefony do rodziców: mama 00387 60 869 078, tata 052218398.",
            &["00387 60 869 078", "052218398"],
        ),
        // The first entry, before one with a calling code.
        (
            "Numéros pour la fiche de l'école : maman 0841175155, papa +359 88 123 4567.",
            &["0841175155", "+359 88 123 4567"],
        ),
    ] {
        assert_phones(&shield, text, want);
    }
}

#[test]
fn a_header_naming_a_phone_labels_its_column() {
    let shield = shield();
    for (text, want) in [
        (
            "imię;telefon;miasto\nWojciech Durczok;065647871;Kraków",
            &["065647871"][..],
        ),
        (
            "nome;telefono;città\nGastone Mazzacurati;84673346485;Bergamo",
            &["84673346485"],
        ),
        (
            "| Name | Phone |\n|---|---|\n| Ann Dawson | 049527133 |",
            &["049527133"],
        ),
        (
            "name,phone,city\nAnn Dawson,049527133,Leeds\nBob Stone,0491 570 006,York",
            &["049527133", "0491 570 006"],
        ),
    ] {
        assert_phones(&shield, text, want);
    }
}

#[test]
fn the_sentence_before_can_name_the_number() {
    let shield = shield();
    for (text, want) in [
        (
            "Kannst du den Vermieter zurückrufen? Seine Nummer ist 22 56 49.",
            "22 56 49",
        ),
        (
            "Kun je de verhuurder terugbellen? Zijn nummer is 17173531.",
            "17173531",
        ),
        (
            "Our babysitter's number changed. It is now 0491 570 156.",
            "0491 570 156",
        ),
        (
            "La canguro cambió de número. Ahora es el 0491 570 156.",
            "0491 570 156",
        ),
    ] {
        assert_phones(&shield, text, &[want]);
    }
}

#[test]
fn phone_words_after_the_number_in_eight_languages() {
    let shield = shield();
    for (text, want) in [
        ("Czy 594 56 46 to numer stacjonarny?", "594 56 46"),
        ("Ist 0909513263 eine Festnetznummer?", "0909513263"),
        ("Is 03/ 026 66 77 een vaste lijn?", "03/ 026 66 77"),
        ("O 927 258 128 é fixo ou celular?", "927 258 128"),
    ] {
        assert_phones(&shield, text, &[want]);
    }
}

#[test]
fn new_number_dial_in_and_missed_call_phrases() {
    let shield = shield();
    for (text, want) in [
        (
            "Please change the mobile on my account to 6045213373.",
            "6045213373",
        ),
        (
            "Bitte ändern Sie die Mobilnummer in meinem Konto auf 01267135576.",
            "01267135576",
        ),
        (
            "hey, it's me, new number: (902) 167-9113 — save it pls",
            "(902) 167-9113",
        ),
        (
            "coucou c'est moi, nouveau numéro : 071532311, enregistre-le",
            "071532311",
        ),
        (
            "Telefonische Einwahl\nEinwahlnummer: 04722672519\nKonferenz-ID: 4471 0968",
            "04722672519",
        ),
        (
            "Mam nieodebrane połączenie z 739 935 443, kto to może być?",
            "739 935 443",
        ),
        (
            "W razie pytań Antoni Barankiewicz jest dostępna pod 739 440 662.",
            "739 440 662",
        ),
        (
            "Gemiste oproep van 69 97 74 53 om 16:10, geen voicemail.",
            "69 97 74 53",
        ),
    ] {
        assert_phones(&shield, text, &[want]);
    }
}

#[test]
fn ssns_in_brackets_and_after_my_social() {
    let shield = shield();
    for (text, want) in [
        (
            "The tax preparer needs my social security number (519-62-4807) by Monday.",
            "519-62-4807",
        ),
        (
            "The tax preparer needs my social security number (089081681) by Monday.",
            "089081681",
        ),
        (
            "My social is 472799669; does it go on the 1099?",
            "472799669",
        ),
    ] {
        let want = vec![("US_SSN".to_owned(), want.to_owned())];
        assert_eq!(findings(&shield, text), want, "{text}");
    }
    // Failing the SSA rules in brackets: neither an SSN nor a phone.
    assert_eq!(
        findings(&shield, "SSN (000-12-3456) is a test value."),
        Vec::new()
    );
}

#[test]
fn the_fifth_pass_rules_leave_look_alikes_alone() {
    let shield = shield();
    for text in [
        // Invoices and customer numbers beside a call word (holdout2's four findings).
        "Klantnummer 7892884 belde over factuur 356955960.",
        // "con" names an argument: the veto stands.
        "Chiama la funzione con 658890752 come seme.",
        // A count in the sentence before, a veto word in it, a call in another sense.
        "The number of users changed. It is now 48211937.",
        "El número de usuarios cambió. Ahora es 48211937.",
        "The order number changed. It is now 0491 570 156.",
        "Please call back. Ticket 48211937 is open.",
        "Call me later. The total is 48211937.",
        "We shipped 48211937 GSM modules.",
        // Columns whose header names no phone.
        "sku;price;stock\nHX-12;12345678;40",
        "id,phone_model,units\n1,48211937,200",
        // A veto word the number is set to, without any phone word.
        "Set the session timeout to 36000000 ms.",
        "Convert timestamp to 1674342916650.",
    ] {
        assert_eq!(findings(&shield, text), Vec::new(), "{text}");
    }
    // After a phone: a birth date, a customer number, an epoch, a ticket are no entries.
    for (text, want) in [
        (
            "Phone +1 212 555 0187, born 19850312 in Ohio.",
            "+1 212 555 0187",
        ),
        (
            "Tel. 030 2345 6789, Kundennummer 48211937.",
            "030 2345 6789",
        ),
        (
            "Phone +44 20 7946 0018, updated 16743429161",
            "+44 20 7946 0018",
        ),
        (
            "mum +44 20 7946 0018, dad's birthday 19850312",
            "+44 20 7946 0018",
        ),
        (
            "Order 0123456789, call +44 20 7946 0018.",
            "+44 20 7946 0018",
        ),
        ("Ticket 20240312, +44 20 7946 0018", "+44 20 7946 0018"),
    ] {
        assert_phones(&shield, text, &[want]);
    }
}
