//! The seventh PHONE pass: look-alikes that gave findings (a phone word saying what an
//! invoice is for, lottery draws, tax, VAT, barcode and order numbers), INI keys with
//! spaces around `=`, pairs of labelled numbers without colons, a bare NANP number
//! before an international list entry, dotted phones with zero-led groups that are no
//! IP address, and an SSN named earlier in its clause. The found examples are misses of
//! `holdout4.py`'s test half (spent by this pass) and `holdout5.py`'s tune half.

use super::test_support::{assert_holds_phone, assert_phones, assert_quiet, findings, shield};

#[test]
fn look_alikes_with_phone_words_stay_quiet() {
    let shield = shield();
    for text in [
        // The phone word names what the invoice is for, not whose number it is.
        "Fatura do telemóvel n.º 881463103, valor 95,30 €.",
        "Facture du portable n° 0612345678, montant 35,52 €.",
        "Bill for the phone 0612345678 is due on Monday.",
        // Lottery draws: pairs in rising order.
        "Combinación ganadora: 04 16 27 37 41, reintegro 7.",
        "Lottozahlen: 03 11 19 24 38 45, Superzahl 6.",
        // Tax, VAT, barcode and order numbers, in several languages.
        "EAN 2633411714587 is the barcode on the phone charger box.",
        "Partita IVA 06265534891 — non è un numero di telefono.",
        "Bestelnummer 0747 412 090 — de telefoon is nooit bezorgd.",
        "BTW-nummer 0123 456 789, vraag het kantoor om de telefoon.",
        "NIF 0612345678 de la empresa, no el teléfono.",
        // `=` with spaces after a word that names no phone: still a sum or a setting.
        "total = 785126508",
        "timeout = 0545074420",
        // An IPv4 shape with zero-led groups and no phone word is no phone either.
        "Mask 255.255.000.000 is wrong here.",
    ] {
        assert_quiet(&shield, text);
    }
}

#[test]
fn ini_keys_pairs_of_labels_and_first_list_entries() {
    let shield = shield();
    for (text, want) in [
        (
            "[contact]\nnom = Dorothée Weiss\ntel = 0762-425-496",
            &["0762-425-496"][..],
        ),
        (
            "[contato]\nnome = Kyara Batista\ntelefone = 600097713",
            &["600097713"],
        ),
        (
            "Privat 052 253 5563, dienstlich 8006447 – tagsüber bitte dienstlich.",
            &["052 253 5563", "8006447"],
        ),
        (
            "Privato 0765321449, lavoro 210.508.4909: in orario d'ufficio usa quello di lavoro.",
            &["0765321449", "210.508.4909"],
        ),
        (
            "Perso 083.873.34.24, pro +41 80 606 26 27 : le pro en journée.",
            &["083.873.34.24", "+41 80 606 26 27"],
        ),
        (
            "Jestem pod numerem 889 913 580 od 8 do 16.",
            &["889 913 580"],
        ),
        (
            "Ist die Nummer 0503819166 noch vergeben? Es kommt nur ein Freizeichen.",
            &["0503819166"],
        ),
    ] {
        assert_phones(&shield, text, want);
    }
    assert_holds_phone(
        &shield,
        "Phone tree: Grandma 3019556421, Uncle +44 20 7946 0958.",
        "3019556421",
    );
    for text in [
        // A label before a number with no second labelled number: no pair.
        "Pro 2024 edition, 12 users.",
        "Home 48211937 is the build we shipped.",
        // A bare ten-digit count before a calling code that is no list entry.
        "Processed 3019556421 rows; +44 is the prefix column.",
    ] {
        assert_quiet(&shield, text);
    }
}

#[test]
fn ssn_named_earlier_in_its_clause() {
    let shield = shield();
    assert_eq!(
        findings(
            &shield,
            "Il Social Security Number americano di Evangelista Dossetti è 043475360."
        ),
        vec![("US_SSN".to_owned(), "043475360".to_owned())]
    );
    for text in [
        // Another number between: the SSN word is that number's.
        "Social Security case 4471 was closed last week and reference 043475360 stays.",
        // A clause break between.
        "Social Security pays its benefits every month; the trust fund holds 043475360.",
    ] {
        assert_quiet(&shield, text);
    }
    for text in [
        // Words that are no call verb in English.
        "The conveyor belt 48211937 moved twelve crates.",
        "Llama 3 has 0700000000 parameters.",
    ] {
        assert_quiet(&shield, text);
    }
}

#[test]
fn nanp_grouping_and_calling_codes_without_plus() {
    let shield = shield();
    for (text, want) in [
        // NANP grouping with an area or exchange code no plan issues.
        (
            "Is 148-660-3263 a scam? They said they were calling from my bank.",
            "148-660-3263",
        ),
        ("Is 011.871.3102 still in service?", "011.871.3102"),
        ("Is 1 (973) 022-6320 a scam?", "1 (973) 022-6320"),
        // A calling code as the first group, the `+` left out.
        ("¿57 601 911 03 92 es una estafa?", "57 601 911 03 92"),
        ("Office 44 20 7946 0958, ask for Ann.", "44 20 7946 0958"),
    ] {
        assert_phones(&shield, text, &[want]);
    }
    // A list entry or a phone word vouches for a calling code run together with a
    // fully valid number.
    assert_phones(
        &shield,
        "Teléfonos para la ficha del colegio: mamá 573125859807, papá 0086 13788281142.",
        &["573125859807", "0086 13788281142"],
    );
    assert_phones(&shield, "Handy 34948612577", &["34948612577"]);
    // A reach verb after the number, at the end of a German clause.
    assert_phones(
        &shield,
        "Übersetze: 'Herr Utz Pärtzelt ist unter 0393698917 erreichbar.'",
        &["0393698917"],
    );
    assert_phones(
        &shield,
        "Anna est joignable au 0698127354 le soir.",
        &["0698127354"],
    );
    assert_quiet(
        &shield,
        "Version 0393698917 ist erreichbar? Nein; der Server ist aus.",
    );
    for text in [
        // A word naming something else, a sum, a placeholder.
        "SKU 148-660-3263 (phone case) is back in stock.",
        "Order 011-871-3102 shipped.",
        "148-660-3263 - 12 = ?",
        "Use 123-456-7890 as the example.",
        // Thousands, and a calling code before digits no plan issues.
        "Revenue was 33 123 456 789 last year.",
        "Batch 57 000 000 00 00 failed.",
        // No phone word or list: twelve digits stay an identifier.
        "Record 573125859807 was archived.",
    ] {
        assert_quiet(&shield, text);
    }
}
