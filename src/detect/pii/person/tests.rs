//! PERSON tests: cases with exact spans, look-alikes that must stay quiet, and floors
//! on the generated evaluation set checked in under `src/detect/pii/testdata/`.

use std::collections::BTreeMap;

use crate::detect::Finding;
use crate::detect::pii::{PiiConfig, PiiShield};

fn shield() -> PiiShield {
    PiiShield::new(&PiiConfig::default()).expect("the built-in tables compile")
}

fn people(shield: &PiiShield, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    shield.scan(text, 0, &mut out);
    out.iter()
        .filter(|f| &*f.category == "PERSON")
        .map(|f| text[f.span.clone()].to_owned())
        .collect()
}

/// A record of the corpus schema (`category`, `text`, `pii` spans in code
/// points).
pub(in crate::detect::pii) struct Labelled {
    pub category: String,
    pub text: String,
    /// (type, byte range)
    pub spans: Vec<(String, std::ops::Range<usize>)>,
}

pub(in crate::detect::pii) fn parse_jsonl(data: &str) -> Vec<Labelled> {
    data.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).expect("JSON lines");
            let text = v["text"].as_str().unwrap_or_default().to_owned();
            let mut byte_at: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
            byte_at.push(text.len());
            let spans = v["pii"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|p| {
                            let s = p["start"].as_u64().unwrap_or(0) as usize;
                            let e = p["end"].as_u64().unwrap_or(0) as usize;
                            (
                                p["type"].as_str().unwrap_or_default().to_owned(),
                                byte_at[s]..byte_at[e],
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            Labelled {
                category: v["category"].as_str().unwrap_or_default().to_owned(),
                text,
                spans,
            }
        })
        .collect()
}

/// Per-type counts: gold spans, gold spans found (overlap), findings, findings that
/// overlap a gold span of their type.
#[derive(Debug, Default, Clone, Copy)]
pub(in crate::detect::pii) struct Counts {
    pub gold: usize,
    pub recalled: usize,
    pub found: usize,
    pub correct: usize,
}

impl Counts {
    pub fn recall(&self) -> f64 {
        if self.gold == 0 {
            1.0
        } else {
            self.recalled as f64 / self.gold as f64
        }
    }

    pub fn precision(&self) -> f64 {
        if self.found == 0 {
            1.0
        } else {
            self.correct as f64 / self.found as f64
        }
    }
}

/// Scans every record; per-type counts and the text of every wrong finding and miss.
pub(in crate::detect::pii) fn measure(
    shield: &PiiShield,
    records: &[Labelled],
) -> (BTreeMap<String, Counts>, Vec<String>) {
    let mut counts: BTreeMap<String, Counts> = BTreeMap::new();
    let mut notes = Vec::new();
    let overlaps =
        |a: &std::ops::Range<usize>, b: &std::ops::Range<usize>| a.start < b.end && b.start < a.end;
    for r in records {
        let mut out: Vec<Finding> = Vec::new();
        shield.scan(&r.text, 0, &mut out);
        for (ty, span) in &r.spans {
            let c = counts.entry(ty.clone()).or_default();
            c.gold += 1;
            if out
                .iter()
                .any(|f| &*f.category == ty && overlaps(&f.span, span))
            {
                c.recalled += 1;
            } else {
                notes.push(format!(
                    "miss {ty} {:?} in {:?}",
                    &r.text[span.clone()],
                    r.text
                ));
            }
        }
        for f in &out {
            let c = counts.entry(f.category.to_string()).or_default();
            c.found += 1;
            if r.spans
                .iter()
                .any(|(ty, s)| ty == &*f.category && overlaps(&f.span, s))
            {
                c.correct += 1;
            } else {
                notes.push(format!(
                    "false {} {:?} ({}) in {:?}",
                    f.category,
                    &r.text[f.span.clone()],
                    f.rule_id,
                    r.text
                ));
            }
        }
    }
    (counts, notes)
}

pub(in crate::detect::pii) fn table(counts: &BTreeMap<String, Counts>) -> String {
    let mut s = format!(
        "{:<14} {:>6} {:>6} {:>6} {:>8} {:>9}\n",
        "type", "gold", "found", "fp", "recall", "precision"
    );
    for (ty, c) in counts {
        s.push_str(&format!(
            "{ty:<14} {:>6} {:>6} {:>6} {:>7.1}% {:>8.1}%\n",
            c.gold,
            c.found,
            c.found - c.correct,
            100.0 * c.recall(),
            100.0 * c.precision()
        ));
    }
    s
}

/// Development report over any corpus-schema files: `PROMPTGATE_PII_EVAL=a.jsonl:b.jsonl
/// cargo test --lib pii_eval_report -- --ignored --nocapture`. Not part of the suite (it
/// reads files outside the repository).
#[test]
#[ignore = "development report over files named in PROMPTGATE_PII_EVAL"]
fn pii_eval_report() {
    let shield = shield();
    let Some(paths) = std::env::var_os("PROMPTGATE_PII_EVAL") else {
        return;
    };
    for path in std::env::split_paths(&paths) {
        let data = std::fs::read_to_string(&path).expect("readable");
        let records = parse_jsonl(&data);
        let (counts, notes) = measure(&shield, &records);
        println!("== {} ({} records)", path.display(), records.len());
        print!("{}", table(&counts));
        let verbose = std::env::var_os("PROMPTGATE_PII_EVAL_NOTES").is_some();
        if verbose {
            for n in &notes {
                println!("  {n}");
            }
        }
    }
}

#[test]
fn names_found_with_their_evidence() {
    let shield = shield();
    let cases: &[(&str, &[&str])] = &[
        (
            "Fill in the rental application for Karen Russell, SSN 757-78-1298.",
            &["Karen Russell"],
        ),
        (
            "Schreib eine E-Mail an Dr. Franz Stolze (kzorbach@mueller.com).",
            &["Franz Stolze"],
        ),
        (
            "Napisz do klienta pan Maciej Powązka w sprawie reklamacji.",
            &["Maciej Powązka"],
        ),
        (
            "Szanowny Panie Tadeusz Kaluga, prosimy o wpłatę.",
            &["Tadeusz Kaluga"],
        ),
        (
            "Crea una ficha: José Ángel Naranjo Diez, +34 874 13 13 84.",
            &["José Ángel Naranjo Diez"],
        ),
        (
            "Stuur het naar Jan van der Berg vandaag.",
            &["Jan van der Berg"],
        ),
        (
            "Erstelle eine Visitenkarte: Prof. Hans-Joachim Gnatz MBA., Tel. 0151 496 0485",
            &["Hans-Joachim Gnatz"],
        ),
        (
            "My name is Zbigniew Qwertyuk and I need help.",
            &["Zbigniew Qwertyuk"],
        ),
        ("Hallo Herr Müller, wie geht's?", &["Müller"]),
        ("Je m'appelle Camille.", &["Camille"]),
        (
            "Thanks for the help.\n\nBest regards,\nOlivia\n",
            &["Olivia"],
        ),
        ("Mi chiamo Giulia Rossi e vivo a Roma.", &["Giulia Rossi"]),
        ("Meu nome é João da Silva.", &["João da Silva"]),
        ("Dear Grace, thank you.", &["Grace"]),
        (
            "Übersetze den Brief an Herrn Rolandas Galdikas.",
            &["Rolandas Galdikas"],
        ),
        ("Soy Elsy Padilla, la nueva responsable.", &["Elsy Padilla"]),
        (
            "From: Upasna Subramaniam <upasna@example.com>\nSubject: invoice",
            &["Upasna Subramaniam"],
        ),
    ];
    for (text, want) in cases {
        assert_eq!(&people(&shield, text), want, "{text:?}");
    }
}

/// Evidence added after the `tune` halves and `testdata/tuning.py` showed it thin:
/// passive and past-tense agents, time-of-day greetings, a run whose second word is
/// also a first name, French headers, contact blocks with a phone only a plan vouches
/// for, message nouns before a recipient, cc.
#[test]
fn agents_greetings_and_contact_blocks() {
    let shield = shield();
    let cases: &[(&str, &[&str])] = &[
        (
            "The lease was approved by Ololade Koya on Tuesday.",
            &["Ololade Koya"],
        ),
        (
            "Minutes taken by Toluwanimi Odunsi.",
            &["Toluwanimi Odunsi"],
        ),
        (
            "Die Abrechnung wurde von Ituri Wafula freigegeben.",
            &["Ituri Wafula"],
        ),
        (
            "Wniosek zatwierdził(a) Safiya Bappa we wtorek.",
            &["Safiya Bappa"],
        ),
        ("Acta redactada por Sani Yahaya.", &["Sani Yahaya"]),
        (
            "Verbale redatto da Sibonelo Magubane.",
            &["Sibonelo Magubane"],
        ),
        ("Notulen opgesteld door Ozioma Iwu.", &["Ozioma Iwu"]),
        (
            "Compte rendu rédigé par Adaeze Ogbuehi.",
            &["Adaeze Ogbuehi"],
        ),
        ("Ata redigida por Gatot Kusumo.", &["Gatot Kusumo"]),
        (
            "Good morning Árlaug Sævarsdóttir,\nthe parcel is late.",
            &["Árlaug Sævarsdóttir"],
        ),
        (
            "Hoi Ənvər Sadıxova,\nde levering is laat.",
            &["Ənvər Sadıxova"],
        ),
        // "Njoroge" and "Kimani" are listed first names: the whole run is the name.
        (
            "Best,\nPanya Njoroge\nHead of Procurement",
            &["Panya Njoroge"],
        ),
        (
            "Demande à Zuhri Kimani si le budget inclut les déplacements.",
            &["Zuhri Kimani"],
        ),
        (
            "De : Jūle Zirne <anne@example.org>\nObjet : facture",
            &["Jūle Zirne"],
        ),
        (
            "Kontakt awaryjny: Jūla Apsīte, 605 988 085",
            &["Jūla Apsīte"],
        ),
        (
            "Inoltra questa discussione a Katarīna Bite e chiedi.",
            &["Katarīna Bite"],
        ),
        ("Please cc Alamu Afonja on the reply.", &["Alamu Afonja"]),
        (
            "Pon a Akumu Kariuki en copia de la respuesta.",
            &["Akumu Kariuki"],
        ),
        // A company word with a name after it does not make the run a company
        // (it still stops it, as before: the label finds the listed first name).
        (
            "Crea una ficha de contacto: Juanito Company Zorrilla, +34 922 981 118.",
            &["Juanito"],
        ),
    ];
    for (text, want) in cases {
        assert_eq!(&people(&shield, text), want, "{text:?}");
    }
    for text in [
        // Organisations after "by": their words stop the run.
        "The chickens were donated by Foster Farms last year.",
        "The bakers at the Beverly Hills Bakery baked 200 loaves.",
        "Del Monte Foods donated 30 fewer bottles.",
        "The app was developed by Google DeepMind.",
        // "by" after a word that is no participle.
        "Sort the table by Order Date.",
        // A participle in German that does not close the clause.
        "Von Berlin Hauptbahnhof geht es weiter nach Hamburg.",
        // A label before a run with digits after it that no plan issues.
        "Contact: Project Phoenix, 12345",
    ] {
        assert!(
            people(&shield, text).is_empty(),
            "{text:?}: {:?}",
            people(&shield, text)
        );
    }
}

#[test]
fn capitalised_words_that_are_not_names_stay_quiet() {
    let shield = shield();
    for text in [
        "Will you help me plan a trip to Paris in May?",
        "The Rose Garden at Kew opens on Monday.",
        "Grace Hopper Celebration tickets are sold out.",
        "Install Python and Docker on Windows Server.",
        "Write a poem about the North Sea and the Baltic.",
        "Ich habe einen Termin beim Arzt am Montag.",
        "La factura FA/2024/03/117 sigue pendiente.",
        "Commit f3ac2db introduced a regression.",
        "Send it to john.smith@example.com please.",
        "class JohnSmith extends Person {}",
        "See docs/Anna/Kowalski for details.",
        "THE QUICK BROWN FOX",
        "Dear Customer, your order has shipped.",
        "Hello World program in Rust.",
        "The Lord Of The Rings And The Return Of The King",
        "Yesterday Morning Standup moved to Room B.",
        "From: Customer Support <help@example.com>",
    ] {
        assert!(
            people(&shield, text).is_empty(),
            "{text:?}: {:?}",
            people(&shield, text)
        );
    }
}

/// The checked-in generated sets (`testdata/generate.py`, seed 2026): names of the
/// list locales, names no list has (only context can find them), and capitalised
/// words that are not names.
#[test]
fn generated_sets_meet_the_person_floors() {
    let shield = shield();
    let floors: [(&str, &str, f64, f64); 2] = [
        (
            "person.jsonl",
            include_str!("../testdata/person.jsonl"),
            0.95,
            0.98,
        ),
        (
            "person_oov.jsonl",
            include_str!("../testdata/person_oov.jsonl"),
            0.60,
            0.98,
        ),
    ];
    for (name, data, recall, precision) in floors {
        let (counts, notes) = measure(&shield, &parse_jsonl(data));
        let c = counts.get("PERSON").copied().unwrap_or_default();
        println!("{name}\n{}", table(&counts));
        for n in notes.iter().filter(|n| n.contains("PERSON")) {
            println!("  {n}");
        }
        assert!(
            c.recall() >= recall,
            "{name}: PERSON recall {:.3}",
            c.recall()
        );
        assert!(
            c.precision() >= precision,
            "{name}: PERSON precision {:.3}",
            c.precision()
        );
    }
    let negatives = parse_jsonl(include_str!("../testdata/negatives.jsonl"));
    let (counts, notes) = measure(&shield, &negatives);
    let person = counts.get("PERSON").copied().unwrap_or_default();
    assert_eq!(
        person.found, 0,
        "PERSON on capitalised non-names: {notes:#?}"
    );
}

#[test]
fn no_title_is_longer_than_the_length_check() {
    for h in super::words::HONORIFICS {
        assert!(h.len() <= super::MAX_HONORIFIC, "{h}");
    }
}
