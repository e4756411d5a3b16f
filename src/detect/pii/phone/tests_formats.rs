//! The fourth PHONE pass: contact-block labels for an office, emergency contacts and
//! contact persons with a name between word and number, a calling code in brackets,
//! short and slashed plans of countries outside the first default regions, and the
//! look-alikes those rules must leave alone. The found examples are literal misses
//! of the spent `holdout.py` test half and of `tuning.py`'s sets.

use super::test_support::{assert_holds_phone, findings, shield};
use super::*;

#[test]
fn an_office_label_binds_a_number() {
    let shield = shield();
    for (text, want) in [
        ("Office: 0239385288 (Mon–Fri)", "0239385288"),
        ("Office: 172-013-8579 x125 (Mon–Fri)", "172-013-8579 x125"),
        ("Office: 7535.2637 (Mon–Fri)", "7535.2637"),
        ("Bureau : 0753824393 (lun.–ven.)", "0753824393"),
        ("Ufficio: 3369253499 (lun–ven)", "3369253499"),
        ("Kantoor: 08/ 389 85 67 (ma–vr)", "08/ 389 85 67"),
        ("Escritório: 89 7672-5945 (seg–sex)", "89 7672-5945"),
        // A label before eleven digits that pass the PESEL checksum.
        ("Centralino: 03321650084", "03321650084"),
    ] {
        assert_holds_phone(&shield, text, want);
    }
}

#[test]
fn a_name_may_stand_between_a_contact_word_and_its_number() {
    let shield = shield();
    for (text, want) in [
        (
            "Contatto di emergenza: Laura Cruz, 3271602768",
            "3271602768",
        ),
        (
            "Contato de emergência: Caleb Cavalcanti, 24 1027-5808",
            "24 1027-5808",
        ),
        (
            "Notfallkontakt: Jane Lampert, 07920/59661978",
            "07920/59661978",
        ),
        (
            "Ansprechpartner: Lars Trommler, (07694) 44226 776",
            "(07694) 44226 776",
        ),
    ] {
        assert_holds_phone(&shield, text, want);
    }
}

#[test]
fn a_calling_code_in_brackets_without_plus() {
    let shield = shield();
    assert_holds_phone(
        &shield,
        "Contato: Ragúel Klængsdóttir, (351) 271 915 593",
        "(351) 271 915 593",
    );
    assert_holds_phone(&shield, "Tel. +(370) 39150008", "+(370) 39150008");
    // A NANP area code stays one, and arithmetic or a count is no phone.
    assert_holds_phone(&shield, "Call (212) 736-5000 today.", "(212) 736-5000");
    for text in [
        "The query returned (351) 969141777 rows.",
        "Compute (351) 969141777 / 7.",
    ] {
        assert_eq!(findings(&shield, text), Vec::new(), "{text}");
    }
}

#[test]
fn short_and_slashed_plans_with_a_bound_word() {
    let shield = shield();
    for (text, want) in [
        // Luxembourg and Liechtenstein: six and seven digits.
        ("Mobil: 22 56 49", "22 56 49"),
        ("Empfang: 389 01 36", "389 01 36"),
        ("Durchwahl 75 74 32", "75 74 32"),
        ("Tel.: 500 93 40 | Fax: +423 994 92 38", "500 93 40"),
        // Hungarian area-code slashes, with and without the trunk 06.
        ("Tel. kom. 06-63/368 8927", "06-63/368 8927"),
        ("Kom.: (06)66/011-8942", "(06)66/011-8942"),
        ("Recepcja: (75)/219-1992", "(75)/219-1992"),
        ("Napisz na WhatsAppie: 19/450-9268", "19/450-9268"),
        // Azerbaijani numbers in the grouping of a Polish NIP.
        ("Receção: 060-697-13-16", "060-697-13-16"),
    ] {
        assert_holds_phone(&shield, text, want);
    }
    assert!(
        !findings(&shield, "Receção: 060-697-13-16")
            .iter()
            .any(|(c, _)| c == "PL_NIP")
    );
}

#[test]
fn the_new_rules_leave_look_alikes_alone() {
    let shield = shield();
    for text in [
        // A slash after a phone word's namesake: a season, not an area code.
        "Tel Aviv 2024/2025 season tickets are sold out.",
        // A phone word in another sense before six digits.
        "The phone bill 12/345678 is paid.",
        "Anruf um 14 30 00 Uhr verpasst.",
        // Six digits must be grouped by spaces: a date is not.
        "Call me on 24-03-12.",
        // Dates after a label.
        "Office: 2024-03-12 closed for inventory.",
        "Büro: 12.03.2024 geschlossen.",
        "Kantoor: 31-12-2024 gesloten.",
        // Order, invoice and version numbers with a slash or a bracket.
        "Invoice 2024/1234567 is overdue.",
        "Release (12) 345678901 build notes.",
        // The emergency phrase with something other than a name before the number.
        "Emergency contact forms: 4421 submitted, 3271602768 bytes stored.",
    ] {
        assert_eq!(findings(&shield, text), Vec::new(), "{text}");
    }
}

#[test]
fn date_shapes() {
    let run = |s: &str| Run::parse(s.as_bytes(), 0);
    assert!(date_shaped(&run("2024-03-12")));
    assert!(date_shaped(&run("31.12.2024")));
    assert!(!date_shaped(&run("0612-34-56")));
    assert!(!date_shaped(&run("25-13-2024")));
    assert!(!date_shaped(&run("0239385288")));
}
