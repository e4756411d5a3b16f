//! The eleventh PHONE pass: groups joined by " - ", a phone word earlier in the
//! number's sentence, form fields, and counts after a phone word further off. The examples
//! are of the kinds `holdout8.py`'s `tune` half showed (numbers made up or taken from
//! the metadata's examples), with as many look-alikes: ranges, opening hours, scores,
//! coordinates, dated references, versions, timestamps and counts.

use super::numbering::{DEFAULT_PHONE_REGIONS, PhoneRegions};
use super::test_support::{assert_phones, assert_quiet, shield};

#[test]
fn groups_joined_by_spaced_dashes_are_one_number() {
    let shield = shield();
    for (text, want) in [
        (
            "Sorry about the scratch. Ring or text 020 - 7946 - 0958 and I'll pay.",
            "020 - 7946 - 0958",
        ),
        ("Rufen Sie uns an: 030 - 9018 - 2736.", "030 - 9018 - 2736"),
        (
            "Appelez le 01 - 42 - 68 - 53 - 00 pour réserver.",
            "01 - 42 - 68 - 53 - 00",
        ),
        ("Llámenos al 912 - 473 - 658 hoy mismo.", "912 - 473 - 658"),
        (
            "Chiamami al 06 - 6982 - 1234 dopo cena.",
            "06 - 6982 - 1234",
        ),
        (
            "Bel ons op 020 - 555 - 1234 voor een afspraak.",
            "020 - 555 - 1234",
        ),
        (
            "Ligue para 21 - 346 - 7890 ou mande mensagem.",
            "21 - 346 - 7890",
        ),
        // A calling code: fully valid in that country.
        ("WhatsApp: +48 - 601 - 473 - 658", "+48 - 601 - 473 - 658"),
        (
            "Zadzwoń pod 22 - 668 - 13 - 65 w godzinach pracy.",
            "22 - 668 - 13 - 65",
        ),
        // One joint after a trunk-0 area code.
        ("Tel.: 0151 - 4960485", "0151 - 4960485"),
        // No phone word: a trunk-0 number a default region issues, as "070 6979 6973".
        (
            "Write it down: 0171 - 234 - 5678 is my new mobile.",
            "0171 - 234 - 5678",
        ),
    ] {
        assert_phones(&shield, text, &[want]);
    }
    let defaults = PhoneRegions::new(DEFAULT_PHONE_REGIONS, false).expect("known regions");
    assert!(defaults.national_valid(b"02079460958"));
}

#[test]
fn ranges_hours_scores_and_dated_references_stay_apart() {
    let shield = shield();
    for text in [
        "Call me between 9 - 17 on weekdays.",
        "Our hotline is open 0800 - 1700, Monday - Friday.",
        "Bitte rufen Sie uns zwischen 08 - 12 - 14 - 18 Uhr an.",
        "The phone costs 1 299 - 1 499 EUR depending on storage.",
        "Scores after three rounds: 3 - 2 - 1.",
        "Text me the score: 21 - 19 - 21 - 17 - 15.",
        "Contact the owner: coordinates 52 - 13 - 40 - 21 - 00 - 12.",
        "Contact the team about the outage window 2024 - 03 - 12 - 10 - 30.",
        "Call log export 2024 - 05 - 12 - 14 - 33 - 10 attached.",
        "Ring us about the 2019 - 2024 - 2029 plan.",
        "Per telefono ci hanno detto che la pratica 2024 - 3328 - 7518 è chiusa.",
        "Appelez le service avant le 12 - 06 - 2024.",
        "Call me about the 100 000 - 200 000 budget.",
        "Please contact HR about the salary band 45 000 - 55 000 - 65 000.",
        "Contacte con soporte si la versión 10 - 0 - 19045 falla.",
        "Bel de helpdesk als het ordernummer 2024 - 5531 - 7781 niet klopt.",
        "Zadzwoń do działu kadr, umowa 2023 - 4411 - 0815 wygasła.",
        "Telefonkonferenz: Agenda-Punkte 1 - 12 - 24 - 36 besprechen.",
    ] {
        assert_quiet(&shield, text);
    }
}

#[test]
fn a_phone_word_earlier_in_the_sentence_vouches_for_a_valid_number() {
    let shield = shield();
    for (text, want) in [
        (
            "La famille peut être jointe par les pompes funèbres au 01 42 68 53 00.",
            "01 42 68 53 00",
        ),
        (
            "A família pode ser contactada através da agência funerária pelo 912 473 658.",
            "912 473 658",
        ),
        (
            "La familia puede ser contactada a través de la funeraria en el 912 473 658.",
            "912 473 658",
        ),
        (
            "I familiari possono essere contattati tramite l'agenzia funebre al 06 6982 1234.",
            "06 6982 1234",
        ),
        (
            "Contact the landlord's agent in Lisbon directly, he answers at 912 473 658.",
            "912 473 658",
        ),
        // A Chinese mobile, written in one group as China writes them.
        (
            "I familiari possono essere contattati tramite l'agenzia funebre al 13861947253.",
            "13861947253",
        ),
    ] {
        assert_phones(&shield, text, &[want]);
    }
}

#[test]
fn a_phone_word_in_another_sentence_or_behind_a_veto_does_not() {
    let shield = shield();
    for text in [
        // Another sentence.
        "Call the office tomorrow. The parcel weighed 912 473 658 grams in total.",
        // A word naming something else between.
        "Contact support if the invoice for the renewal shows 912 473 658.",
        "Ligue para o suporte se o pedido 920 033 272 atrasar.",
        "Chiama il reparto: il lotto 2024 3318 7725 è difettoso.",
        // No preposition introduces the number: a copula, a count's "of".
        "Our phone budget for next year is 965 180 400.",
        "The WhatsApp division reported a figure of 54 37 82 80 for the quarter.",
        "In the customer service survey, the scores were 96 64 52 35 across rounds.",
        // A count: the word after says what it counts.
        "Le chiffre d'affaires du téléphone a atteint 613 859 271 cette année.",
        "Revenue from mobile phone subscriptions reached 199 883 635 last year.",
        "The SMS campaign sent 920 033 272 messages last quarter.",
        "WhatsApp groups for the campaign reached 12 034 567 members.",
        "The phone survey covered 1 234 567 890 people across regions.",
        // Timestamps, dotted and slashed numbers.
        "Contact: see timestamps 1699263837 and 1699263912 in the log.",
        "Call the vendor about the upgrade from version 10.0.19045 to 10.0.22631.",
        "Phone numbers were masked; the dataset has 19926383 rows and 12 columns.",
    ] {
        assert_quiet(&shield, text);
    }
}

#[test]
fn a_form_field_is_not_a_sum() {
    let shield = shield();
    assert_phones(
        &shield,
        "POST /sms/send body: recipient=020 7946 0958&template=x",
        &["020 7946 0958"],
    );
    // Without a phone word near, a field's value is left to the other rules.
    assert_quiet(&shield, "rate=0151496048&x=2 in the query string");
    // A sum stays a sum.
    assert_quiet(&shield, "phone bill: x = 0151496048 * 3");
}

#[test]
fn a_percent_encoded_number_is_found_and_spans_its_escapes() {
    let shield = shield();
    // The span covers the escapes as written, so redaction replaces exactly them.
    assert_phones(
        &shield,
        "POST /sms/send body: recipient=%2B48%20601%20473%20658&template=reminder",
        &["%2B48%20601%20473%20658"],
    );
    assert_phones(
        &shield,
        "GET /api/call?to=020%207946%200958&lang=en",
        &["020%207946%200958"],
    );
    // Escapes that are not a number's separators, and encoded look-alikes.
    for text in [
        "GET /search?q=order%20%23%202024%20118%205531&page=2",
        "GET /report?range=2024-03-12%2010%3A30&tz=UTC",
        "POST /cart body: sku=100%20off&qty=2",
        "GET /api/v2/phones?version=10%2E0%2E19045&build=22631",
    ] {
        assert_quiet(&shield, text);
    }
}
