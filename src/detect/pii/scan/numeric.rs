//! Digit runs and the identifiers written with digits: payment cards (Luhn, IIN),
//! IBAN (mod 97), US SSN, PESEL, NIP, REGON, UK NINO, IPv4 and base58 Bitcoin
//! addresses. A run no identifier claims is offered to [`crate::detect::pii::phone`].

use super::super::checks;
use super::super::phone::arithmetic_around;
use super::super::phone::{
    PhoneRegions, dash_joined, phone, phone_extension, phone_labelled, slash_phone_context,
};
use super::Hit;
use super::run::{MAX_GROUPS, Run};
use crate::types::PiiType;
use std::sync::LazyLock;

use super::bytes::{
    Keywords, keyword_after, keyword_before, keyword_distance_before, skip_word, word_at,
    word_before,
};
use super::network::{hex_token_end, ip6_or_mac};

const NIP_KEYWORDS: &[&str] = &["nip", "vat", "tax id", "podatk"];
const REGON_KEYWORDS: &[&str] = &["regon"];
/// Words naming a PESEL.
const PESEL_KEYWORDS: &[&str] = &["pesel"];
/// Phone words that, nearer to eleven digits than "PESEL", make them a phone that
/// merely passes the PESEL checksum (one eleven-digit number in ten or so does).
#[rustfmt::skip]
const PESEL_PHONE_WORDS: &[&str] = &[
    "tel", "phone*", "telefon*", "handy*", "mobil*", "cellulare", "celular", "móvil",
    "telemóvel", "telefoon*", "telefone*", "téléphone*", "portable", "fax", "hotline",
    "erreichbar", "rufen", "richiama*", "chiama*", "ligue*", "bel", "llam*", "appel*",
    "rappel*", "call", "zadzwo*", "komórk*",
];
/// Words that make a number an answer or an operand rather than someone's identifier.
#[rustfmt::skip]
const ARITHMETIC_WORDS: &[&str] = &[
    "answer", "result", "equals", "total", "sum", "product", "compute", "calculate", "wynik",
    "suma", "ergebnis", "summe", "résultat", "resultado", "risultato", "somma", "uitkomst",
    "som", "dossier", "population",
];
/// Words right after a number that make it an operand ("… divisible by 7?").
#[rustfmt::skip]
const ARITHMETIC_AFTER: &[&str] = &[
    "divisible", "divided", "prime", "squared", "cubed", "factorial", "modulo", "mod", "times",
    "plus", "minus", "podzielna", "podzielne", "teilbar", "divisible", "divisibile", "deelbaar",
    "divisível",
];
/// Words before a Luhn-valid number that make it a device identifier, not a card.
const NOT_CARD_KEYWORDS: &[&str] = &["imei", "imsi", "iccid", "meid", "serial"];

/// Words naming a barcode: an EAN-13 or GTIN-14 starting with 4 or 5 passes Luhn as
/// often as any number and is shaped like a thirteen- or fourteen-digit card, so
/// named as a barcode it is one.
#[rustfmt::skip]
const BARCODE_KEYWORDS: &[&str] = &[
    "ean", "ean-13", "ean13", "gtin", "gtin-14", "upc", "barcode", "bar code", "isbn",
    "kod kreskowy", "strichcode", "code-barres", "code barre", "código de barras",
    "codice a barre", "streepjescode", "código de barra",
];

/// The keyword lists above, indexed once per process.
struct Words {
    pesel: Keywords,
    pesel_phone: Keywords,
    arithmetic: Keywords,
    arithmetic_after: Keywords,
    not_card: Keywords,
    barcode: Keywords,
    ssn: Keywords,
}

static WORDS: LazyLock<Words> = LazyLock::new(|| Words {
    pesel: Keywords::new(PESEL_KEYWORDS),
    pesel_phone: Keywords::new(PESEL_PHONE_WORDS),
    arithmetic: Keywords::new(ARITHMETIC_WORDS),
    arithmetic_after: Keywords::new(ARITHMETIC_AFTER),
    not_card: Keywords::new(NOT_CARD_KEYWORDS),
    barcode: Keywords::new(BARCODE_KEYWORDS),
    ssn: Keywords::new(SSN_KEYWORDS),
});

/// Builds the word tables now, so that no request pays for it.
pub(super) fn warm() {
    LazyLock::force(&WORDS);
}

/// Whether the eleven digits of `run` may be a PESEL by their context: written as one
/// group (or grouped, after the word "PESEL"), no phone word nearer than "PESEL", not
/// an operand or a result.
fn pesel_context(b: &[u8], run: &Run) -> bool {
    let s = run.start;
    let named = keyword_distance_before(b, s, 48, &WORDS.pesel);
    let phone = keyword_distance_before(b, s, 40, &WORDS.pesel_phone);
    if let Some(p) = named {
        return (run.ngroups == 1 || run.uniform_sep(b" -")) && phone.is_none_or(|q| q >= p);
    }
    // A contact-block label right before it ("Centralino: 03321650084") names a phone.
    run.ngroups == 1
        && phone.is_none()
        && !phone_labelled(b, s)
        && !arithmetic_around(b, s, run.end)
        && keyword_distance_before(b, s, 32, &WORDS.arithmetic).is_none()
        && !keyword_after(b, run.end, 16, &WORDS.arithmetic_after)
}

/// Whether an SSN word stands before the run (48 bytes) or right after it ("Is
/// 123456789 a valid Social Security number?", 32 bytes).
fn ssn_named(b: &[u8], run: &Run) -> bool {
    keyword_before(b, run.start, 48, SSN_KEYWORDS)
        || keyword_after(b, run.end, 32, &WORDS.ssn)
        || ssn_named_in_clause(b, run.start)
}

/// Whether an SSN word opens the clause the run ends, further off, with words and no
/// other number between ("Il Social Security Number americano di Evangelista Dossetti
/// è 043475360"): the number the sentence is about.
fn ssn_named_in_clause(b: &[u8], start: usize) -> bool {
    let from = start.saturating_sub(SSN_CLAUSE_WINDOW);
    let hay = &b[from..start];
    let clause = hay
        .iter()
        .rposition(|&c| matches!(c, b'\n' | b';' | b'!' | b'?' | b',' | b'(' | b')'))
        .map_or(0, |p| p + 1);
    let hay = &hay[clause..];
    !hay.iter().any(u8::is_ascii_digit) && keyword_before(b, start, hay.len(), SSN_KEYWORDS)
}

/// How far (bytes) back an SSN word may open the run's clause (see
/// [`ssn_named_in_clause`]); [`keyword_before`] looks 64 bytes back at most.
const SSN_CLAUSE_WINDOW: usize = 64;

/// Words naming a US social security number, in the eight languages' phrasings
/// (matched as word starts; "social-security" is the compound German and Dutch texts
/// write: "Social-Security-Nummer").
#[rustfmt::skip]
const SSN_KEYWORDS: &[&str] = &[
    "ssn", "social security", "social-security", "ss#", "my social", "sozialversicherungsnummer", "sécurité sociale",
    "securite sociale", "seguro social", "seguridad social", "previdenza sociale",
    "segurança social", "seguranca social", "ubezpieczenia społecznego", "sociale zekerheid",
    "socialezekerheidsnummer",
    // abbreviated on forms ("Social Sec. No.", "Soc Sec #")
    "social sec", "soc sec", "soc. sec",
];
const VERSION_KEYWORDS: &[&str] = &["version", "ver.", "release", "build", "firmware"];

/// Handles the digit at `s` (no digit before it) and returns where to continue;
/// `regions` are the shield's phone regions.
pub(super) fn numeric(b: &[u8], s: usize, regions: &PhoneRegions, hits: &mut Vec<Hit>) -> usize {
    if word_before(b, s) {
        // Glued to letters: an IBAN ("DE89…"), a NINO ("AB123456C"), or part of an
        // identifier that no numeric validator may claim.
        if s >= 2
            && b[s - 1].is_ascii_uppercase()
            && b[s - 2].is_ascii_uppercase()
            && !word_before(b, s - 2)
        {
            if let Some(end) = iban_at(b, s - 2) {
                hits.push(Hit {
                    ty: PiiType::Iban,
                    rule: "pii.iban",
                    start: s - 2,
                    end,
                });
                return end;
            }
            if let Some(end) = nino_at(b, s - 2) {
                hits.push(Hit {
                    ty: PiiType::UkNino,
                    rule: "pii.uk_nino",
                    start: s - 2,
                    end,
                });
                return end;
            }
        }
        return skip_word(b, s);
    }
    let mut run = Run::parse(b, s);
    // "02875/64467438", "03/ 685 39 27": an area code and a slash (Germany, Austria,
    // Belgium); read again with the slash as a separator. Dates ("01/2024") have too
    // few digits for any phone rule. Without the trunk 0 ("30/198-2109", "06-7/049
    // 2577" and "(06)66/011-8942" are Hungarian), only after a phone word or label.
    let slash_at = run.end + usize::from(b.get(run.end) == Some(&b')'));
    if (2..=5).contains(&run.ndigits) && run.ngroups <= 2 && b.get(slash_at) == Some(&b'/') {
        let trunk = b[s] == b'0' && run.ngroups == 1;
        // "+44 118/4960567", "+33 2/69849166": a calling code, then the area code
        // and its slash; the rest is checked as an international number.
        let code_area = run.ngroups == 2 && run.groups[0].1 <= 3 && plus_before(b, s);
        if trunk || code_area || slash_phone_context(b, s) {
            let slashed = Run::parse_with(b, s, true);
            // A subscriber number of six digits or more after the slash, unless a
            // trunk 0 says so ("Tel Aviv 2024/2025" is a season).
            if slashed.ngroups > run.ngroups && (trunk || slashed.ndigits >= run.ndigits + 6) {
                run = slashed;
            }
        }
    }
    let after = run.end;
    let ext_end = phone_extension(b, after);
    if word_at(b, after) && ext_end.is_none() {
        // Digits glued to letters after them: hex, base58, versions like "5G".
        let tok_end = skip_word(b, s);
        if matches!(b[s], b'1' | b'3') && btc_base58(b, s, tok_end, hits) {
            return tok_end;
        }
        let hex_end = hex_token_end(b, s);
        if hex_end > s && ip6_or_mac(b, s, hex_end, hits) {
            return hex_end;
        }
        // Skip the whole token either way, so each byte is walked a bounded number of times.
        return tok_end.max(hex_end);
    }
    if b.get(after) == Some(&b':') || (b.get(after) == Some(&b'-') && run.ngroups == 1) {
        let hex_end = hex_token_end(b, s);
        if hex_end > after {
            if !ip6_or_mac(b, s, hex_end, hits) && b.get(after) == Some(&b':') {
                classify(b, &run, ext_end, hits);
            }
            return hex_end;
        }
    }
    if run.overflow {
        return after;
    }
    // "070 - 6979 - 6973", "03 - 83 - 12 - 42 - 36": groups joined by " - ", read as one
    // number when it is one (see `dash_joined`) and a phone rule takes it; otherwise
    // the first group alone, as ranges and hours ("10 - 12", "9 - 17") are read.
    if b[after..].starts_with(b" - ") && b.get(after + 3).is_some_and(u8::is_ascii_digit) {
        let joined = Run::parse_dashed(b, s);
        let jext = phone_extension(b, joined.end);
        if joined.ngroups > run.ngroups
            && (jext.is_some() || !word_at(b, joined.end))
            && dash_joined(b, &joined, plus_before(b, s), regions)
        {
            let n = hits.len();
            classify(b, &joined, jext, hits);
            if hits[n..].iter().any(|h| h.ty == PiiType::Phone) {
                return joined.end;
            }
            hits.truncate(n);
        }
    }
    classify(b, &run, ext_end, hits);
    after
}

/// Phone rules whose hits stand only if a later check passes (a far phone word, an
/// e-mail close by, a plan issuing the bare digits): not yet a list's first entry.
const CONDITIONAL_PHONE_RULES: &[&str] = &[
    "pii.phone.keyword.far",
    "pii.phone.contact",
    "pii.phone.national.bare",
];

fn classify(b: &[u8], run: &Run, ext_end: Option<usize>, hits: &mut Vec<Hit>) {
    let s = run.start;
    let d = run.digits();
    let nd = d.len();
    let before = if s > 0 { b[s - 1] } else { b' ' };
    let plus = plus_before(b, s);
    let paren = before == b'(' || run.has_sep(b'p');
    let push = |hits: &mut Vec<Hit>, ty, rule, start, end| {
        hits.push(Hit {
            ty,
            rule,
            start,
            end,
        })
    };

    // An SSN in brackets ("my social security number (519-62-4807)"): a bracket
    // before it is not an area code's unless one closes inside the run.
    if !plus && !run.has_sep(b'p') && paren && ssn_at(b, run, hits) {
        return;
    }
    if !plus && !paren {
        // IPv4-shaped runs belong to the IP validator, valid or not; an octet written
        // with a leading zero ("056.172.68.87", "046.16.05.21") is no address's but a
        // dotted phone's, left to the phone rules.
        if run.ngroups == 4
            && run.uniform_sep(b".")
            && run.lens().all(|l| (1..=3).contains(&l))
            && !zero_led_octet(run)
        {
            if ipv4_valid(run) && !keyword_before(b, s, 12, VERSION_KEYWORDS) {
                push(hits, PiiType::IpAddress, "pii.ip_address.v4", s, run.end);
            }
            return;
        }
        if ssn_at(b, run, hits) {
            return;
        }
        if (13..=19).contains(&nd) {
            if let Some(brand) = card(d) {
                // IMEIs are Luhn-valid fifteen-digit numbers too (those starting 34 or
                // 37 look like Amex): named as such, they are devices, not cards.
                if nd == 15 && keyword_distance_before(b, s, 24, &WORDS.not_card).is_some() {
                    return;
                }
                if nd <= 14 && keyword_distance_before(b, s, 24, &WORDS.barcode).is_some() {
                    return;
                }
                push(hits, PiiType::CreditCard, brand, s, run.end);
                return;
            }
            if nd == 14 && keyword_before(b, s, 24, REGON_KEYWORDS) {
                if checks::regon_valid(d) {
                    push(hits, PiiType::PlRegon, "pii.pl_regon", s, run.end);
                }
                return;
            }
            // Not a card: only an international phone ("001-…") may still claim it.
        }
        if nd == 11 && pesel_context(b, run) && checks::pesel_valid(d) {
            push(hits, PiiType::PlPesel, "pii.pl_pesel", s, run.end);
            return;
        }
        if nd == 10 {
            let dashed = (run.shape_is(&[3, 3, 2, 2]) || run.shape_is(&[3, 2, 2, 3]))
                && run.uniform_sep(b"-");
            let keyed = keyword_before(b, s, 24, NIP_KEYWORDS)
                && (run.ngroups == 1 || run.uniform_sep(b"- "));
            // A tax office code never starts with 0: "060-697-13-16" is a trunk-0
            // phone written in the NIP's grouping, unless the word NIP says otherwise.
            let trunk = d[0] == b'0' && !keyed;
            if (dashed || keyed) && !trunk && checks::nip_valid(d) {
                push(hits, PiiType::PlNip, "pii.pl_nip", s, run.end);
                return;
            }
            if dashed && !trunk {
                return;
            }
        }
        if (nd == 9 || nd == 14) && keyword_before(b, s, 24, REGON_KEYWORDS) {
            if checks::regon_valid(d) {
                push(hits, PiiType::PlRegon, "pii.pl_regon", s, run.end);
            }
            return;
        }
        if nd == 6
            && run.ngroups <= 3
            && s >= 3
            && b[s - 1] == b' '
            && let Some(end) = nino_at(b, s - 3)
            && !word_before(b, s - 3)
        {
            push(hits, PiiType::UkNino, "pii.uk_nino", s - 3, end);
            return;
        }
    }
    // The phone found last, if one of the last hits: a list's entries vouch for each other.
    let prev_phone = hits
        .iter()
        .rev()
        .take(2)
        .find(|h| h.ty == PiiType::Phone && !CONDITIONAL_PHONE_RULES.contains(&h.rule))
        .map(|h| h.end);
    if let Some((rule, start)) = phone(b, run, plus, prev_phone) {
        let end = ext_end.unwrap_or(run.end);
        push(hits, PiiType::Phone, rule, start, end);
        return;
    }
    // A card hidden in a longer spaced run ("card 4111 1111 1111 1111 12/25" aside,
    // e.g. "ref 12 4111 1111 1111 1111"): try windows of whole groups.
    if nd > 13 && run.ngroups >= 3 && !plus && !paren && run.uniform_sep(b" ") {
        card_window(run, hits);
    }
}

/// Whether a `+` stands right before the digits at `s`, not glued to a word, or one
/// space before them ("+ 39 355 053 2110", as some write it), then not after a number
/// or a bracket (a sum: "12 + 39 …").
fn plus_before(b: &[u8], s: usize) -> bool {
    if s > 0 && b[s - 1] == b'+' {
        return !word_before(b, s - 1);
    }
    if s < 2 || b[s - 1] != b' ' || b[s - 2] != b'+' {
        return false;
    }
    let operand = |c: u8| c.is_ascii_alphanumeric() || c == b')';
    match s.checked_sub(3).map(|k| b[k]) {
        None => true,
        Some(b' ') => s < 4 || !(b[s - 4].is_ascii_digit() || b[s - 4] == b')'),
        Some(c) => !operand(c),
    }
}

/// The SSN shapes: 3-2-4 dashed or spaced; dotted ("774.39.7255", dots are versions
/// and dates too) or nine digits in one group only next to an SSN word. Whether the
/// run took one of these shapes (pushing a hit if the SSA rules pass): then no other
/// identifier may claim it.
fn ssn_at(b: &[u8], run: &Run, hits: &mut Vec<Hit>) -> bool {
    let d = run.digits();
    let shaped = (run.shape_is(&[3, 2, 4]) && run.uniform_sep(b"- "))
        || (run.shape_is(&[3, 2, 4]) && run.uniform_sep(b".") && ssn_named(b, run))
        || (d.len() == 9
            && run.ngroups == 1
            && ssn_named(b, run)
            && !keyword_before(b, run.start, 24, REGON_KEYWORDS));
    if shaped && checks::ssn_valid(d) {
        hits.push(Hit {
            ty: PiiType::UsSsn,
            rule: "pii.us_ssn",
            start: run.start,
            end: run.end,
        });
    }
    shaped
}

fn card(d: &[u8]) -> Option<&'static str> {
    let brand = checks::card_brand(d)?;
    if !checks::luhn(d) {
        return None;
    }
    // Runs of one repeated digit pass Luhn for some lengths; they are test fillers.
    if d.iter().all(|&c| c == d[0]) {
        return None;
    }
    Some(match brand {
        "visa" => "pii.credit_card.visa",
        "mastercard" => "pii.credit_card.mastercard",
        "amex" => "pii.credit_card.amex",
        "discover" => "pii.credit_card.discover",
        "jcb" => "pii.credit_card.jcb",
        "diners" => "pii.credit_card.diners",
        "unionpay" => "pii.credit_card.unionpay",
        "mir" => "pii.credit_card.mir",
        _ => "pii.credit_card.maestro",
    })
}

fn card_window(run: &Run, hits: &mut Vec<Hit>) {
    let groups = &run.groups[..run.ngroups];
    let mut digit_at = [0usize; MAX_GROUPS + 1];
    for (k, g) in groups.iter().enumerate() {
        digit_at[k + 1] = digit_at[k] + usize::from(g.1);
    }
    let mut a = 0;
    while a < groups.len() {
        let mut found = None;
        for z in (a + 1..=groups.len()).rev() {
            let len = digit_at[z] - digit_at[a];
            if !(13..=19).contains(&len) || digit_at[z] > run.ndigits {
                continue;
            }
            if let Some(rule) = card(&run.digits[digit_at[a]..digit_at[z]]) {
                found = Some((z, rule));
                break;
            }
        }
        if let Some((z, rule)) = found {
            let (gs, _) = groups[a];
            let (ge, gl) = groups[z - 1];
            hits.push(Hit {
                ty: PiiType::CreditCard,
                rule,
                start: gs,
                end: ge + usize::from(gl),
            });
            a = z;
        } else {
            a += 1;
        }
    }
}

/// Whether a group of the run has two digits or more and starts with 0 ("056"): how
/// dotted phones are written ("046.16.05.21"), not how addresses are.
fn zero_led_octet(run: &Run) -> bool {
    let mut at = 0;
    run.lens().any(|l| {
        let led = l > 1 && run.digits()[at] == b'0';
        at += usize::from(l);
        led
    })
}

fn ipv4_valid(run: &Run) -> bool {
    let mut octets = [0u32; 4];
    for (k, &(_, gl)) in run.groups[..4].iter().enumerate() {
        let start: usize = run.groups[..k].iter().map(|g| usize::from(g.1)).sum();
        let v = run.digits[start..start + usize::from(gl)]
            .iter()
            .fold(0u32, |a, &c| a * 10 + u32::from(c - b'0'));
        if v > 255 {
            return false;
        }
        octets[k] = v;
    }
    // Unspecified, loopback, multicast/reserved and netmask-looking values identify no one.
    !(octets[0] == 0 || octets[0] == 127 || octets[0] >= 224)
}

/// An IBAN starting at `p` (two upper-case letters), compact or grouped by four.
fn iban_at(b: &[u8], p: usize) -> Option<usize> {
    let want = checks::iban_len_for(&b[p..p + 2])?;
    let mut buf = [0u8; 34];
    let mut n = 0;
    let mut i = p;
    while i < b.len() && n < want {
        let c = b[i];
        if c.is_ascii_digit() || c.is_ascii_uppercase() {
            buf[n] = c;
            n += 1;
            i += 1;
        } else if c == b' '
            && n % 4 == 0
            && n > 0
            && b.get(i + 1).is_some_and(u8::is_ascii_alphanumeric)
        {
            i += 1;
        } else {
            break;
        }
    }
    if n != want || word_at(b, i) {
        return None;
    }
    checks::iban_valid(&buf[..n]).then_some(i)
}

/// A UK NINO at `p`: `AB123456C` or `AB 12 34 56 C`.
fn nino_at(b: &[u8], p: usize) -> Option<usize> {
    let (a, c) = (*b.get(p)?, *b.get(p + 1)?);
    if !a.is_ascii_uppercase() || !c.is_ascii_uppercase() || !checks::nino_prefix_valid(a, c) {
        return None;
    }
    let mut i = p + 2;
    let spaced = b.get(i) == Some(&b' ');
    for pair in 0..3 {
        if spaced && b.get(i) == Some(&b' ') {
            i += 1;
        } else if spaced && pair > 0 {
            return None;
        }
        if !b.get(i)?.is_ascii_digit() || !b.get(i + 1)?.is_ascii_digit() {
            return None;
        }
        i += 2;
    }
    if spaced && b.get(i) == Some(&b' ') {
        i += 1;
    }
    if !matches!(b.get(i), Some(b'A'..=b'D')) {
        return None;
    }
    i += 1;
    (!word_at(b, i)).then_some(i)
}

fn btc_base58(b: &[u8], s: usize, end: usize, hits: &mut Vec<Hit>) -> bool {
    if !(25..=35).contains(&(end - s)) || !checks::btc_base58_valid(&b[s..end]) {
        return false;
    }
    hits.push(Hit {
        ty: PiiType::BtcAddress,
        rule: "pii.btc_address.base58",
        start: s,
        end,
    });
    true
}
