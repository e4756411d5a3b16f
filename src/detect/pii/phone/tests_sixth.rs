//! The sixth PHONE pass: caller words, key=value cells, phone words after a quote
//! mark, a number alone under a name line, a number alone in brackets after a word,
//! job titles after "Account", phone words after the number within its clause; and the
//! look-alikes each of those rules must leave alone. The found examples are misses of
//! the spent `holdout3.py` and `holdout2.py` test halves and of `holdout4.py`'s `tune`
//! half.

use super::test_support::{assert_phones, assert_quiet, findings, shield};

#[test]
fn callers_keys_and_quoted_phone_words() {
    let shield = shield();
    for (text, want) in [
        (
            "Nagranie z poczty głosowej, dzwoniący 030.810.877: \"Proszę o kontakt.\"",
            "030.810.877",
        ),
        (
            "Mailbox-Abschrift, Anrufer 0667416339: \"Es geht um die Heizung.\"",
            "0667416339",
        ),
        (
            "Transcripción del buzón de voz, llamante 15275074424: «Es por la caldera.»",
            "15275074424",
        ),
        (
            "kontakt=Dagmara Kozieja telefon=785 126 508 vip=tak",
            "785 126 508",
        ),
        (
            "kontakt=Sebastian Aleksa telefon=054 507 442 vip=tak",
            "054 507 442",
        ),
        (
            "Elle a dit « appelle-moi au 0767900571 quand le colis arrive » puis a raccroché.",
            "0767900571",
        ),
        (
            "Me dijo «llámame al 060459296 cuando llegue el paquete» y colgó.",
            "060459296",
        ),
        (
            "461 2 092 hat mich heute dreimal angerufen. Soll ich die Nummer sperren?",
            "461 2 092",
        ),
    ] {
        assert_phones(&shield, text, &[want]);
    }
    for text in [
        // `=` after a word that names no phone is still a sum or a setting.
        "total=785126508 rows",
        "timeout=054507442",
        "x = 5551234567",
        // A letter before the quote mark: still inside a word.
        "Ärger«ruf 12345678",
        // The phone word after the number, but past a clause break.
        "Run 6566601 of 19529630 iterations; the phone farm processed 632 241 calls.",
        "Batch 48211937 done. Phone support is closed.",
        // Not a caller: a function's caller passes an argument.
        "The caller passes 48211937 as the seed value.",
    ] {
        assert_quiet(&shield, text);
    }
}

#[test]
fn numbers_alone_under_a_name_or_in_brackets_after_a_word() {
    let shield = shield();
    for (text, want) in [
        ("Dyżur weekendowy:\nDamian Kurp\n060.943.434", "060.943.434"),
        (
            "Wochenenddienst:\nMuzaffer Austermühle\n06705.11848",
            "06705.11848",
        ),
        (
            "Turno del fine settimana:\nSerafina Fabrizi\n8 382 049 63 73",
            "8 382 049 63 73",
        ),
        (
            "Guardia de fin de semana:\nPaulina Farías\n13957151546",
            "13957151546",
        ),
        (
            "The plumber (0375767398) comes on Thursday between 8 and 10.",
            "0375767398",
        ),
        (
            "Hydraulik (882 419 850) przyjdzie w czwartek rano.",
            "882 419 850",
        ),
        (
            "Hydraulik (00421 944 563 039) przyjdzie w czwartek rano.",
            "00421 944 563 039",
        ),
        (
            "Mohammad Wilson | Account Manager | 0494-343-519 | dnicholls@example.org",
            "0494-343-519",
        ),
    ] {
        let got = findings(&shield, text);
        assert!(
            got.contains(&("PHONE".to_owned(), want.to_owned())),
            "{text}: {got:?}"
        );
        assert!(
            got.iter().all(|(c, _)| c == "PHONE" || c == "EMAIL"),
            "{text}: {got:?}"
        );
    }
    for text in [
        // One word above is no name; a number no default region issues stays out.
        "Total\n12345678",
        "Weekend cover:\nAnna Kurz\n2024-03-12",
        "Weekend cover:\nAnna Kurz\n3.14159265",
        "Weekend cover:\nAnna Kurz\nHX-12 48211937",
        // A word naming something else before the brackets.
        "Population (38 433 600) grew.",
        "The order (0375767398) shipped.",
        "SKU 863-848-7347 (phone case, black) is back in stock.",
        // Part of a sentence in brackets, or a year.
        "The plumber (since 19850312) comes.",
        "Patched in build (2024).",
        // "Account" with no job title after it is still an account.
        "Account 0494-343-519 is overdrawn.",
    ] {
        assert_quiet(&shield, text);
    }
}

#[test]
fn codes_sent_to_a_number_and_phones_updated_with_one() {
    let shield = shield();
    for (text, want) in [
        (
            "El código de verificación tenía que llegar al 0 807 691 437 y no llegó.",
            "0 807 691 437",
        ),
        (
            "Il codice di verifica doveva arrivare al 3464019406 ma non è mai arrivato.",
            "3464019406",
        ),
        (
            "De verificatiecode zou naar 0631514734 gaan maar kwam nooit aan.",
            "0631514734",
        ),
        (
            "O código de verificação devia chegar no 968364972 mas nunca chegou.",
            "968364972",
        ),
        (
            "Per favore aggiornate il cellulare del mio account con il 01145118823.",
            "01145118823",
        ),
    ] {
        assert_phones(&shield, text, &[want]);
    }
    for text in [
        // The number is the code, not where it went.
        "Your verification code is 48211937.",
        "Enter the verification code 48211937 on the site.",
        // A code word in another sentence.
        "The verification code expired. Batch 48211937 was sent to the queue.",
        // "con" after a function, not someone's account, names an argument.
        "Chiama la funzione con 658890752 come seme.",
        "Chiama il metodo del mio oggetto con 658890752 come seme.",
        // No phone word before "my account".
        "Update my account with 48211937 credits.",
    ] {
        assert_quiet(&shield, text);
    }
    // A US SSN named in Dutch ("socialezekerheidsnummer").
    let text = "Formulier W-4: Liza Neuteboom, Amerikaans socialezekerheidsnummer 500139077.";
    assert_eq!(
        findings(&shield, text),
        vec![("US_SSN".to_owned(), "500139077".to_owned())],
        "{text}"
    );
}
