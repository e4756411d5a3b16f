use super::*;
use crate::detect::pii::{PiiConfig, PiiShield};

fn shield(regions: &[&str]) -> PiiShield {
    PiiShield::new(&PiiConfig {
        phone_regions: regions.iter().map(|&r| r.to_owned()).collect(),
        ..PiiConfig::default()
    })
    .expect("known regions")
}

fn strict_shield(regions: &[&str]) -> PiiShield {
    PiiShield::new(&PiiConfig {
        phone_regions: regions.iter().map(|&r| r.to_owned()).collect(),
        phone_strict: true,
        ..PiiConfig::default()
    })
    .expect("known regions")
}

/// The PHONE values `shield` finds in `text`.
fn phones(shield: &PiiShield, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    shield.scan(text, 0, &mut out);
    out.iter()
        .filter(|f| &*f.category == "PHONE")
        .map(|f| text[f.span.clone()].to_owned())
        .collect()
}

fn digits(s: &str) -> Vec<u8> {
    s.bytes().filter(u8::is_ascii_digit).collect()
}

/// What libphonenumber itself says about `text` parsed in `region`.
fn crate_valid(region: Option<&str>, text: &str) -> bool {
    let region = region.map(|r| r.parse::<phonenumber::country::Id>().expect("region id"));
    phonenumber::parse(region, text).is_ok_and(|n| phonenumber::is_valid(&n))
}

#[test]
fn every_numbering_plan_and_pattern_of_the_metadata_compiles() {
    let (regions, types) = metadata_examples::uncompiled();
    assert!(
        regions.is_empty(),
        "plans that did not compile: {regions:?}"
    );
    assert!(
        types.is_empty(),
        "regions with a type pattern that did not compile: {types:?}"
    );
}

#[test]
fn every_example_number_of_the_metadata_passes_with_its_calling_code() {
    let examples = metadata_examples::all();
    assert!(examples.len() > 1000, "{} examples", examples.len());
    let mut failed = Vec::new();
    for &(region, code, example) in &examples {
        let e164 = format!("{code}{example}");
        if !international_valid(e164.as_bytes()) || !international_strictly_valid(e164.as_bytes()) {
            failed.push(format!("{region} +{e164}"));
        }
    }
    assert!(failed.is_empty(), "{} rejected: {failed:?}", failed.len());
}

#[test]
fn example_numbers_of_the_default_regions_pass_in_national_format() {
    let regions = PhoneRegions::new(DEFAULT_PHONE_REGIONS, false).expect("defaults are known");
    let mut checked = 0;
    for (region, _, example) in metadata_examples::all() {
        if !DEFAULT_PHONE_REGIONS.contains(&region) {
            continue;
        }
        let prefix = metadata_examples::national_prefix(region).unwrap_or("");
        let national = format!("{prefix}{example}");
        assert!(
            regions.national_valid(national.as_bytes()),
            "{region} {national}"
        );
        checked += 1;
    }
    assert!(checked > 100, "{checked}");
}

/// Numbers as people write them, one or more per country, with and without
/// the calling code; each must agree with libphonenumber's own validity.
const VALID: &[(&str, &str)] = &[
    ("US", "+1 212 736 5000"),
    ("US", "(212) 736-5000"),
    ("US", "1-800-275-2273"),
    ("CA", "+1 416 555 0199"),
    ("GB", "+44 20 7946 0958"),
    ("GB", "020 7946 0958"),
    ("GB", "07911 123456"),
    ("IE", "+353 1 234 5678"),
    ("DE", "+49 30 90182000"),
    ("DE", "030 90182000"),
    ("DE", "0151 23456789"),
    ("AT", "+43 1 58058 0"),
    ("CH", "+41 44 668 18 00"),
    ("FR", "+33 1 42 68 53 00"),
    ("FR", "06 12 34 56 78"),
    ("BE", "+32 2 555 12 12"),
    ("ES", "+34 912 345 678"),
    ("IT", "+39 06 1234 5678"),
    ("IT", "06 1234 5678"),
    ("PT", "+351 21 234 5678"),
    ("PL", "+48 22 123 45 67"),
    ("PL", "+48 512 345 678"),
    ("NL", "+31 20 123 4567"),
    ("NL", "06 12345678"),
    ("RU", "+7 495 123-45-67"),
    ("UA", "+380 44 123 4567"),
    ("JP", "+81 3-1234-5678"),
    ("JP", "090-1234-5678"),
    ("CN", "+86 10 1234 5678"),
    ("IN", "+91 98765 43210"),
    ("BR", "+55 11 91234-5678"),
    ("AU", "+61 2 9374 4000"),
    ("MX", "+52 55 1234 5678"),
    ("ZA", "+27 21 123 4567"),
    ("KE", "+254 712 345678"),
    ("NG", "+234 802 123 4567"),
    // Calling codes the old hand-written table did not have.
    ("CR", "+506 2222 3333"),
    ("MV", "+960 330 1234"),
    ("IS", "+354 411 1234"),
];

#[test]
fn valid_numbers_from_many_countries_are_found_and_libphonenumber_agrees() {
    let everywhere: Vec<&str> = VALID.iter().map(|&(r, _)| r).collect();
    let shield = shield(&everywhere);
    for &(region, number) in VALID {
        assert!(
            crate_valid(Some(region), number),
            "the table itself is wrong: {region} {number}"
        );
        let text = format!("Please call {number} tomorrow.");
        assert_eq!(phones(&shield, &text), vec![number.to_owned()], "{region}");
    }
}

/// Numbers that fit their country's general pattern but no type's: reserved for
/// fiction (UK drama ranges), or in blocks not issued when the metadata was built.
const ONLY_POSSIBLE: &[&str] = &[
    "+1-345-332-0916",
    "+44115 496 0340",
    "001-395-713-3472",
    "+49(0)5786852359",
];

#[test]
fn strict_mode_refuses_numbers_that_are_possible_but_not_valid() {
    let loose = shield(&["US"]);
    let strict = strict_shield(&["US"]);
    for &number in ONLY_POSSIBLE {
        assert!(
            !crate_valid(None, &number.replacen("001-", "+1-", 1).replace("(0)", "")),
            "{number}"
        );
        let text = format!("call {number} now");
        assert_eq!(phones(&loose, &text), vec![number.to_owned()], "{number}");
        assert_eq!(phones(&strict, &text), Vec::<String>::new(), "{number}");
    }
    let everywhere: Vec<&str> = VALID.iter().map(|&(r, _)| r).collect();
    let strict = strict_shield(&everywhere);
    for number in VALID.iter().map(|&(_, n)| n).chain([
        "+44 (0)20 7946 0958",
        "0049 30 90182000",
        "+1 212 736 5000 x12",
    ]) {
        let text = format!("call {number} now");
        assert_eq!(phones(&strict, &text), vec![number.to_owned()], "{number}");
    }
}

/// Phone-shaped numbers that no numbering plan issues.
const INVALID: &[&str] = &[
    "+1 055 123 4567",   // NANP area codes never start with 0 or 1
    "+1 212 036 5000",   // nor exchange codes
    "+44 12 34",         // too short for the UK
    "+44 20 7946 09581", // too long
    "+999 1234 5678",    // no such calling code
    "+383 1",            // Kosovo, far too short
    "+33 0 00 00 00 00", // France has no number 000000000
    "+48 000 000 000",
    "+49 0000 000000",
    "+81 1234",
];

#[test]
fn numbers_no_plan_issues_are_not_phones() {
    let shield = shield(DEFAULT_PHONE_REGIONS);
    for &number in INVALID {
        assert!(
            !crate_valid(None, number),
            "the table itself is wrong: {number}"
        );
        let text = format!("Please call {number} tomorrow.");
        assert_eq!(phones(&shield, &text), Vec::<String>::new(), "{number}");
        assert!(!international_valid(&digits(number)), "{number}");
    }
}

#[test]
fn national_formats_count_only_in_the_configured_regions() {
    // (text, regions, expected phone)
    let table: &[(&str, &[&str], Option<&str>)] = &[
        ("Tel. 030 90182000", &["DE"], Some("030 90182000")),
        ("Tel. 030 90182000", &["US"], None),
        ("call 020 7946 0958", &["GB"], Some("020 7946 0958")),
        ("call 020 7946 0958", &["US"], None),
        ("call 06 12 34 56 78", &["FR"], Some("06 12 34 56 78")),
        ("call (212) 736-5000", &["US"], Some("(212) 736-5000")),
        ("call (212) 736-5000", &["PL"], None),
        // A calling code needs no region.
        ("call +49 30 90182000", &["US"], Some("+49 30 90182000")),
        ("call 0049 30 90182000", &["US"], Some("0049 30 90182000")),
        (
            "call +44 (0)20 7946 0958",
            &["US"],
            Some("+44 (0)20 7946 0958"),
        ),
        // An extension stays part of the span but not of the number.
        (
            "phone (212) 736-5000x1234",
            &["US"],
            Some("(212) 736-5000x1234"),
        ),
    ];
    for &(text, regions, want) in table {
        let got = phones(&shield(regions), text);
        assert_eq!(
            got,
            want.map(str::to_owned).into_iter().collect::<Vec<_>>(),
            "{text} with {regions:?}"
        );
    }
}

#[test]
fn timestamps_ids_and_amounts_are_not_phones() {
    let shield = shield(DEFAULT_PHONE_REGIONS);
    for text in [
        "created_at 1700000000, updated 1700000123",
        "ts=1712345678901 request id 4915112345678",
        "order 0151 496 0485 shipped",
        "invoice number 030 90182000",
        r#"{"id": 2127365000, "version": "20.7946.0958"}"#,
        "ISBN 0-306-40615-2",
        "total 1 212 736,50 EUR",
        "2024-01-15 12:30:45",
    ] {
        assert_eq!(phones(&shield, text), Vec::<String>::new(), "{text}");
    }
}

#[test]
fn regions_are_checked_when_the_shield_is_built() {
    assert!(
        PhoneRegions::new(&["de", " GB "], false).is_ok(),
        "case and spaces"
    );
    for bad in ["XX", "", "001", "USA", "E"] {
        let err = PhoneRegions::new(&[bad], false).expect_err(bad);
        assert_eq!(err, UnknownRegion(bad.to_owned()));
        assert!(!is_known_region(bad), "{bad}");
    }
    assert!(is_known_region("us") && is_known_region("PL"));
    assert!(matches!(
        PiiShield::new(&PiiConfig {
            phone_regions: vec!["ZZ".into()],
            ..PiiConfig::default()
        }),
        Err(crate::detect::pii::PiiError::PhoneRegion(_))
    ));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_digit_strings_never_panic(d in "[0-9]{0,30}") {
        let regions = PhoneRegions::new(&["US", "DE", "AR", "BR", "MX"], false).expect("known");
        let _ = international_valid(d.as_bytes());
        let _ = regions.national_valid(d.as_bytes());
    }

    #[test]
    fn arbitrary_bytes_are_refused_not_panicked_on(b in proptest::collection::vec(proptest::num::u8::ANY, 0..40)) {
        let regions = PhoneRegions::new(&["GB"], false).expect("known");
        let all_digits = !b.is_empty() && b.len() <= MAX_NSN + 3 && b.iter().all(u8::is_ascii_digit);
        if !all_digits {
            proptest::prop_assert!(!international_valid(&b));
            proptest::prop_assert!(!regions.national_valid(&b));
        }
    }
}

/// The checked-in generated set (`testdata/generate.py`, seed 2026): every locale's
/// Faker phone formats and US SSNs in three formats, in sentences of eight languages;
/// and digit-heavy texts with no PII at all (invoice numbers, versions, timestamps,
/// SKUs, UUIDs, arithmetic, IMEIs, SSN look-alikes that fail the SSA rules, phone words
/// beside numbers that are not phones).
#[test]
fn generated_phones_and_ssns_meet_the_floors() {
    use crate::detect::pii::person::tests::{measure, parse_jsonl, table};
    let shield = shield(DEFAULT_PHONE_REGIONS);
    let records = parse_jsonl(include_str!("../testdata/ssn_phone.jsonl"));
    let (counts, notes) = measure(&shield, &records);
    println!("{}", table(&counts));
    for n in &notes {
        println!("  {n}");
    }
    for (ty, floor) in [("PHONE", 0.97), ("US_SSN", 0.99)] {
        let c = counts[ty];
        assert!(c.recall() >= floor, "{ty} recall {:.3}", c.recall());
        assert_eq!(c.found, c.correct, "{ty}: findings on the wrong span");
    }
    let negatives = parse_jsonl(include_str!("../testdata/negatives.jsonl"));
    let (counts, notes) = measure(&shield, &negatives);
    assert!(
        counts.values().all(|c| c.found == 0),
        "findings on look-alikes: {notes:#?}"
    );
}

#[test]
fn phone_words_are_whole_words_and_nearer_than_other_words() {
    let shield = shield(DEFAULT_PHONE_REGIONS);
    for text in [
        "Tell me whether 4915123456789 is a prime number.",
        "The function call returned 0612345678 instead of 0.",
        "Each cell in column B holds 06123456789.",
        "Telefonrechnung Nr. 0301234567 bitte prüfen.",
        "Call me about order 0612345678 tomorrow.",
        "Llama 3 has 0700000000 parameters.",
        "Our mobile app reached 48123456 downloads.",
        "phone: (123) 456-7890",
        "What is 0612345678 * 42?",
    ] {
        assert_eq!(phones(&shield, text), Vec::<String>::new(), "{text}");
    }
    for (text, want) in [
        ("Rufen Sie mich unter 0063928755 zurück.", "0063928755"),
        (
            "Il numero di telefono dell'ufficio è 0921711223.",
            "0921711223",
        ),
        ("Is 0691527384 a landline or a cell number?", "0691527384"),
        ("Dane: 663 910 092, ksawery@example.net.", "663 910 092"),
        ("Contact person: Dr Luke Fisher, 8023390424.", "8023390424"),
        ("Ligue-me para o 13 0568-6129.", "13 0568-6129"),
    ] {
        assert_eq!(phones(&shield, text), vec![want.to_owned()], "{text}");
    }
}

#[test]
fn area_code_slashes_and_call_verbs() {
    let shield = shield(DEFAULT_PHONE_REGIONS);
    for (text, want) in [
        ("Telefon 030/2847193 bitte notieren.", "030/2847193"),
        ("Unsere Servicenummer: 02875/64467438", "02875/64467438"),
        ("Onze klantenservice: 03/ 685 39 27", "03/ 685 39 27"),
        ("Mi ha chiamato il 3505999558, è una truffa?", "3505999558"),
        (
            "Recebi uma ligação do 85 9417-9334, é golpe?",
            "85 9417-9334",
        ),
    ] {
        assert_eq!(phones(&shield, text), vec![want.to_owned()], "{text}");
    }
    for text in [
        "Rechnung 0301/2024 vom 01/2024 ist offen.",
        "Faktura 0123/45678901 – termin minął.",
        "The ratio 0300/2847193 is tiny.",
        "Am 05/12/2026 um 10:30 angerufen.",
    ] {
        assert_eq!(phones(&shield, text), Vec::<String>::new(), "{text}");
    }
}

#[test]
fn contact_block_labels_bind_a_number() {
    let shield = shield(DEFAULT_PHONE_REGIONS);
    for (text, want) in [
        // A label, then the number: even an area code no plan has issued.
        ("Direct: 567-945-1812", "567-945-1812"),
        ("Main line: 567-945-1812 (9am-5pm)", "567-945-1812"),
        ("Accueil : 0449505195", "0449505195"),
        ("Kom.: 519 783 525", "519 783 525"),
        ("Hours 9-17 | Direct: 567-945-1812", "567-945-1812"),
        // A phone word before a NANP number with an unissued area code.
        ("Please ring 449-107-3577 to confirm.", "449-107-3577"),
        // Two groups of four with a phone word.
        ("Please ring 8731.8414 to confirm.", "8731.8414"),
        ("Leave a voicemail at 0249951536.", "0249951536"),
        // A word for a message before a bare trunk-0 number a plan issues.
        ("Laissez un message au 0249951536.", "0249951536"),
        // A name between the phone word and its number.
        (
            "Emergency contact: Glenn Johnson, (110) 412-8381",
            "(110) 412-8381",
        ),
    ] {
        assert_eq!(phones(&shield, text), vec![want.to_owned()], "{text}");
    }
    for text in [
        // The label inside a sentence, or no `:` after it, is a word.
        "Pay by direct debit 0449505195 now.",
        "The reception 0449505195 guests were happy.",
        // "(9am" is a note, not a group: the body alone is checked.
        "Version (9am) 1.2",
        // Two groups of four without a phone word are decimals and versions.
        "Ratio 8731.8414 to one.",
    ] {
        assert_eq!(phones(&shield, text), Vec::<String>::new(), "{text}");
    }
}

#[test]
fn phone_words_in_another_sense_do_not_make_a_phone() {
    let shield = shield(DEFAULT_PHONE_REGIONS);
    for text in [
        "Why does the call at offset 291700817 segfault?",
        "Chiama la funzione con 658890752 come seme.",
        "Your SMS code is 10618745; it expires in 10 minutes.",
        "Liga 2021/2026: 40126353 espectadores.",
        "Precio fijo de 8445553 pesos, referencia 603322905.",
        "Telefon kosztuje 7882 zł, numer seryjny 877659304006.",
        "Handy-Vertrag 21091709 kündigen.",
        "Send an SMS when batch 74839201 is done.",
        // Words between the phone word and a number no plan issues.
        "Text me when the migration of 5550123456 rows finishes.",
    ] {
        assert_eq!(phones(&shield, text), Vec::<String>::new(), "{text}");
    }
    // Other words between: found only when a default region's plan issues it.
    assert_eq!(
        phones(&shield, "Text me after lunch on 0691527384."),
        vec!["0691527384".to_owned()]
    );
    assert_eq!(
        phones(&shield, "Il numero di telefono dell’ufficio è 0921711223."),
        vec!["0921711223".to_owned()]
    );
}
