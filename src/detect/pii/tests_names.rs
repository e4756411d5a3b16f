//! Cases for the PERSON and PHONE evidence added for the held-out set's misses: each
//! family with its positives and the look-alikes that must stay quiet. (Kept apart
//! from `tests.rs`, whose tables move to TOML.)

use super::{PiiConfig, PiiShield};

fn shield() -> PiiShield {
    PiiShield::new(&PiiConfig::default()).expect("the built-in tables compile")
}

/// The values of type `ty` found in `text`.
fn found(shield: &PiiShield, text: &str, ty: &str) -> Vec<String> {
    let mut out = Vec::new();
    shield.scan(text, 0, &mut out);
    out.iter()
        .filter(|f| &*f.category == ty)
        .map(|f| text[f.span.clone()].to_owned())
        .collect()
}

fn check(cases: &[(&str, &[&str])], ty: &str) {
    let shield = shield();
    let mut wrong = Vec::new();
    for (text, want) in cases {
        let got = found(&shield, text, ty);
        if got != *want {
            wrong.push(format!("{text:?}: want {want:?}, got {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn governing_phrases_make_unlisted_runs_names() {
    check(
        &[
            (
                "Forward this thread to Devansh Vohra and ask for a decision.",
                &["Devansh Vohra"],
            ),
            (
                "Summarise the interview with Tiiu Naumov in five bullet points.",
                &["Tiiu Naumov"],
            ),
            (
                "Leite den Thread an Gaurav Narain weiter.",
                &["Gaurav Narain"],
            ),
            (
                "Transfère ce fil à Øyvind Hauge et demande une décision.",
                &["Øyvind Hauge"],
            ),
            (
                "Encaminhe esta conversa para Žiga Kovačič hoje.",
                &["Žiga Kovačič"],
            ),
            (
                "Stuur deze thread door naar Alberts Krieviņš vandaag.",
                &["Alberts Krieviņš"],
            ),
            (
                "Umów spotkanie z Mihels Kauliņš na jutro.",
                &["Mihels Kauliņš"],
            ),
            ("Ho parlato con Qabil Soman ieri.", &["Qabil Soman"]),
            // One word needs more than a governing phrase.
            ("Forward this thread to Grace.", &[]),
            ("Send this to Anna.", &[]),
        ],
        "PERSON",
    );
}

#[test]
fn acts_after_a_run_make_it_a_name() {
    check(
        &[
            (
                "Yesterday Harish Sachar told me the door was open.",
                &["Harish Sachar"],
            ),
            (
                "und gestern Rute Alksnis hat mir geschrieben.",
                &["Rute Alksnis"],
            ),
            (
                "hier, Ignė Gailius m'a dit que c'était urgent.",
                &["Ignė Gailius"],
            ),
            (
                "y ayer Mindaugas Gintalas me dijo que no.",
                &["Mindaugas Gintalas"],
            ),
            (
                "e ieri Vanda Lipták mi ha detto che va bene.",
                &["Vanda Lipták"],
            ),
            (
                "The report says Alise Skuja is my manager.",
                &["Alise Skuja"],
            ),
            // Organisations say things too.
            ("Goldman Sachs said profits rose.", &[]),
            // A lone first name in a word problem is not reported.
            ("Barbara asked the butcher for 4 steaks.", &[]),
            ("Jack says he has 13 more notebooks than Gerald.", &[]),
        ],
        "PERSON",
    );
}

#[test]
fn mail_headers_and_display_names() {
    check(
        &[
            (
                "De: Mindaugas Gintalas <qm@example.net>\nAsunto: factura",
                &["Mindaugas Gintalas"],
            ),
            (
                "Da: Ľuboš Vajcik <cw@example.org>\nOggetto: fattura",
                &["Ľuboš Vajcik"],
            ),
            (
                "Von: Tiiu Naumov <tn@example.de>\nBetreff: Rechnung",
                &["Tiiu Naumov"],
            ),
            ("Von: Tiiu Naumov\nBetreff: Rechnung", &[]),
            ("Cc: Ignė Gailius <ig@example.com>", &["Ignė Gailius"]),
            // A header word that is not at a line start, or not followed by ':'.
            ("Escribe un poema de Sierra Nevada.", &[]),
        ],
        "PERSON",
    );
}

#[test]
fn irish_names_and_emergency_contacts() {
    check(
        &[
            (
                "Distinti saluti,\nFelicity Ó Tarlaigh",
                &["Felicity Ó Tarlaigh"],
            ),
            (
                "Kontakt awaryjny: Brendan Mac Anabadha, 538 309 430",
                &["Brendan Mac Anabadha"],
            ),
            (
                "Emergency contact: Eamon Kearney, 087 123 4567",
                &["Eamon Kearney"],
            ),
        ],
        "PERSON",
    );
    check(
        &[(
            "Kontakt awaryjny: Brendan Mac Anabadha, 538 309 430",
            &["538 309 430"],
        )],
        "PHONE",
    );
}

#[test]
fn capitalised_look_alikes_stay_quiet() {
    check(
        &[
            ("Will the Rose Garden be open in May?", &[]),
            ("Victoria Falls is on the Zambezi River.", &[]),
            ("Book a table at Golden Dragon for Friday.", &[]),
            ("Send the report to Deutsche Bank.", &[]),
        ],
        "PERSON",
    );
}

#[test]
fn phone_formats_without_a_phone_word() {
    check(
        &[
            (
                "Auf dem Display stand 02866/81785056 – ist das Betrug?",
                &["02866/81785056"],
            ),
            (
                "Le numéro affiché était le 0430774717, arnaque ?",
                &["0430774717"],
            ),
            (
                "The caller ID showed 1 (242) 806-4916; is it a scam?",
                &["1 (242) 806-4916"],
            ),
            (
                "The caller ID showed 03.4545.4153; is it a scam?",
                &["03.4545.4153"],
            ),
            ("Zadzwonił numer 0612345678, znasz go?", &["0612345678"]),
        ],
        "PHONE",
    );
}

#[test]
fn phone_look_alikes_stay_quiet() {
    check(
        &[
            // Checksum-failing PESELs, order and invoice numbers with their word.
            ("Czy 07675372422 może być poprawnym numerem PESEL?", &[]),
            ("Invoice 0430774717 is overdue.", &[]),
            ("Is 0430774717 my order number?", &[]),
            ("Customer ID 0612345678 was merged.", &[]),
            // Short slash runs, dates, divisions, fractions, versions.
            ("Aktenzeichen 030/1234567", &[]),
            ("The ratio 0300/2847193 is tiny.", &[]),
            ("The function call returned 0612345678 instead of 0.", &[]),
            ("Due on 01/02/2024.", &[]),
            ("What is 0430774717 / 7?", &[]),
            ("Upgrade to 03.4545.4153 of the firmware.", &[]),
            // Zero-led counts and SKUs that no plan issues.
            ("SKU 0000012345 is out of stock.", &[]),
            ("Build 0123456789 failed.", &[]),
        ],
        "PHONE",
    );
}
