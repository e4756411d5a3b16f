//! The phone word lists: words that make a digit run a phone, labels of contact
//! blocks, words that may stand between, and words that name a number as something
//! else; in en, pl, de, fr, es, it, nl and pt.

use std::sync::LazyLock;

use super::super::scan::Keywords;

/// Words that say a number is a phone, before it, in en, pl, de, fr, es, it, nl and
/// pt, at most [`KEYWORD_WINDOW`] bytes before it. Whole words, inflections listed,
/// so that "tel" is not "tell", "call me" not "function call", "numer" not
/// "numerical", "llámame" not "Llama" and "Telefon" not "Telefonrechnung" (each of
/// those let digit-heavy prompts through as phones).
#[rustfmt::skip]
pub(super) const PHONE_KEYWORDS: &[&str] = &[
    // en
    "phone", "phones", "phone:", "telephone", "tel", "mob", "cellphone", "landline", "fax",
    "sms", "text me", "text from", "texted", "whatsapp", "hotline", "helpline", "dial", "cell:",
    "cell phone", "cell number", "cell no", "mobile:", "mobile number", "mobile phone",
    "mobile no", "my mobile", "her mobile", "his mobile", "mobile is", "mobile on", "mobile at",
    "call me", "call us", "call him", "call her", "call them", "call at", "call on",
    "call back", "callback", "call from", "calls from", "called from", "calling from",
    "emergency contact", "new number", "dial-in", "be reached", "ring back",
    "helpline",
    "give me a call", "ring me", "reach me", "reach us", "reach him", "reach her", "contact",
    "extension", "please ring", "ring us", "ring him", "ring her", "caller id", "support line",
    "service line", "customer service", "called me", "voicemail", "voice mail", "front desk",
    "switchboard", "reachable", "e.164", "e164",
    "by calling", "try calling", "calling us", "calling me", "call now", "ring or text",
    "call or text", "text or call", "ring or call", "s mobile", "s cell",
    // pl
    "telefon", "telefonu", "telefonem", "telefonie", "telefony", "telefoniczny",
    "telefonicznie", "komórka", "komórki", "komórkę", "komórkowy", "numer", "nr tel", "zadzwoń",
    "zadzwonić", "zadzwoni", "dzwoń", "dzwonić", "oddzwoń", "oddzwonić", "sms", "smsa", "smsem",
    "kontakt", "kontaktdaten", "kontaktnummer", "kontaktu", "kontaktowy", "kontaktowe",
    "tel. kom.", "whatsappie", "whatsappa", "kontaktowa",
    "infolinia", "faks", "dzwonił", "dzwoniła", "dzwonili", "zadzwonił", "zadzwoniła",
    "nowy numer", "nieodebrane połączenie", "dostępny pod", "dostępna pod", "pod numerem",
    "pod numer",
    "dzwoniący", "dzwoniącego", "dzwoniąca", "oddzwonienie", "oddzwonienia",
    // de
    "telefonnummer", "telefonisch", "handy", "handynummer", "mobil", "mobilnummer",
    "mobiltelefon", "rufnummer", "anruf", "anrufen", "ruf", "rufe", "rufen", "erreichbar",
    "erreichen", "durchwahl", "angerufen", "servicenummer", "service-nummer", "kundendienst",
    "notfallkontakt", "notrufnummer", "ansprechpartner", "ansprechpartnerin",
    "neue nummer", "zurückrufen", "einwahlnummer", "festnetznummer", "festnetz",
    "anrufer", "anruferin", "ruft", "erreichst", "unter der nummer", "rückrufnummer",
    "rückruf", "melden sie sich", "melde dich", "meldet euch",
    // fr
    "tél", "téléphone", "téléphoner", "téléphonique", "portable", "appel", "appeler", "appelez",
    "rappel", "rappeler", "rappelez", "rappelle", "joignable", "joindre", "appelé", "appelée",
    "service client", "nouveau numéro", "ligne d'assistance", "ligne fixe", "appelle-moi",
    "appelle-nous", "appelant", "appelante", "au numéro",
    "appelle", "appelles", "rappelé", "rappelée", "être joint", "être jointe",
    // "contact" as a verb, in the seven other languages ("contactez Paul Durand au …",
    // "contacte con Ana Ruiz en el …", "contattare Paolo Neri al …")
    "contactez", "contacter", "contactez-nous",
    "contacte con", "contacta con", "contactar con", "contáctenos", "contáctame",
    "contattare", "contattate", "contattami", "contattaci",
    "kontaktieren", "kontaktiere", "kontaktieren sie",
    "skontaktuj się z", "skontaktować się z", "kontaktować się z",
    "contacte", "contactar", "contate", "contatar",
    // es
    "teléfono", "teléfonos", "telefono", "móvil", "movil", "celular", "llámame", "llámanos",
    "llámenos", "llamar", "llame", "llamada", "fijo", "contacto", "llamó", "llamaron",
    "atención al cliente", "línea de atención", "número nuevo", "nuevo número",
    "línea de ayuda", "devolver la llamada", "llamante", "al número", "llamen", "llámeme",
    "llámenme", "llama ya", "contactado", "contactada",
    // it
    "cellulare", "chiama", "chiamami", "chiamare", "chiamata", "richiamami", "richiamare",
    "contatto", "fisso", "chiamato", "servizio clienti", "nuovo numero", "numero verde",
    "chiamante", "al numero", "richiamato", "richiamata", "chiamarmi", "chiamateci",
    "chiamatemi", "contattati", "contattato", "contattata", "telefonic*",
    // nl
    "telefoon", "telefoonnummer", "mobiel", "mobiele", "mobielnummer", "gsm", "bel", "bellen",
    "bereikbaar", "gebeld", "belde", "klantenservice", "noodcontact", "noodnummer",
    "contactpersoon", "contacteer", "contacteren", "nieuw nummer", "terugbellen", "gemiste oproep", "oproep van", "inbelnummer", "hulplijn",
    "terugbelnummer", "vaste lijn", "beller", "belt mij", "belt me", "belt ons", "belt u", "op nummer", "op het nummer",
    // pt
    "telefone", "telefones", "telemóvel", "telemovel", "ligue", "ligar", "liga", "contato",
    "ligação", "ligacao", "ligou", "ligaram", "central de atendimento", "número novo",
    "novo número", "chamada perdida", "linha de apoio", "chamador", "pelo número",
    "ligar-me", "ligares-me", "liga-me", "ligue-me", "mande mensagem", "manda mensagem",
];

/// Contact-block labels ("Direct: …", "Reception: …", "Kom.: …", "Zentrale: …",
/// "Centralino: …"): words that name a phone only when a `:` or `.` closes them and the
/// number follows right after (spaces between). Alone they are words for other
/// things ("direct debit", "the reception", "Zentrale Dienste"), so unlike
/// [`PHONE_KEYWORDS`] they count only there; then they are as strong as a phone word.
#[rustfmt::skip]
pub(super) const PHONE_LABELS: &[&str] = &[
    // en
    "direct", "direct line", "main line", "main", "reception", "work", "home", "mob", "cell",
    "mobile", "t", "m", "tel", "ph", "office phone", "work phone", "home phone", "office",
    "fax", "dial-in",
    // pl
    "kom", "numer dostępowy", "tel. kom", "sekretariat", "recepcja", "biuro obsługi klienta", "centrala", "biuro",
    "dom", "praca", "prywatny", "służbowy", "private", "personal", "privato", "privé",
    "perso", "pro", "pessoal", "privado", "persoonlijk", "prive",
    // de
    "zentrale", "empfang", "mobil", "durchwahl", "sekretariat", "tel", "fon", "mob", "büro",
    "buero", "privat", "geschäftlich", "dienstlich", "einwahlnummer",
    // fr
    "standard", "ligne directe", "accueil", "mob", "port", "secrétariat", "bureau",
    "domicile", "travail", "numéro d'accès",
    // es
    "centralita", "línea directa", "recepción", "móvil", "secretaría", "cel", "oficina",
    "casa", "trabajo", "número de acceso",
    // it
    "centralino", "linea diretta", "reception", "cell", "segreteria", "ufficio", "lavoro",
    "numero di accesso",
    // nl
    "receptie", "direct", "mob", "secretariaat", "centrale", "kantoor", "thuis", "werk",
    "inbelnummer",
    // pt
    "receção", "recepção", "linha direta", "cel", "secretaria", "telem", "escritório",
    "escritorio", "trabalho", "número de acesso",
];

/// Words that may stand between a phone word and its number without loosening the
/// bond ("call me **on my mobile at** …", "Numer **to** …", "**unter der Nummer** …"):
/// articles, possessives, prepositions, "is", words for a number (and capitalised
/// words: names and places). Anything else
/// between ("call at **offset** …", "Chiama **la funzione con** …") leaves the
/// number to its numbering plan: see `KEYWORD_FAR_RULE`.
#[rustfmt::skip]
pub(super) const GLUE_WORDS: &[&str] = &[
    // en
    "is", "was", "at", "on", "to", "me", "us", "him", "her", "them", "the", "a", "an", "my",
    "our", "your", "his", "their", "number", "no", "nr", "num", "via", "or", "please", "now",
    "directly", "anytime", "back", "line", "free", "toll-free", "and", "from", "under", "by",
    "of", "this", "it", "s", "mobile", "cell", "office", "private", "work", "home", "main",
    "new", "he", "she", "they",
    // de
    "ist", "lautet", "unter", "an", "auf", "am", "die", "der", "das", "dem", "den", "mein",
    "meine", "meiner", "unsere", "unserer", "ihre", "nummer", "bitte", "mir", "uns", "mich",
    "eine", "einer", "einen", "von", "vom", "zur", "zum", "jetzt", "nun", "neue", "sie", "er",
    "sein", "seine", "ihr",
    // fr
    "au", "le", "la", "l", "est", "mon", "ma", "notre", "votre", "numéro", "n°", "sur", "à",
    "de", "du", "me", "moi", "nous", "en", "c", "au numéro", "désormais", "maintenant",
    "son", "sa", "nouveau", "il", "elle",
    // es
    "al", "el", "es", "mi", "nuestro", "nuestra", "número", "de", "del", "en", "me", "nos",
    "desde", "por", "ahora", "su", "nuevo",
    // it
    "il", "lo", "è", "mio", "mia", "nostro", "nostra", "numero", "di", "del", "dal", "su",
    "mi", "ci", "al", "allo", "da", "adesso", "ora", "suo", "sua", "nuovo",
    // nl
    "op", "naar", "vanaf", "steeds", "mijn", "ons", "onze", "nummer", "het", "de", "me", "mij", "door", "met",
    "nu", "zijn", "haar", "nieuw", "nieuwe",
    // pt
    "para", "o", "é", "meu", "minha", "nosso", "nossa", "número", "nº", "no", "na", "do", "da",
    "em", "pelo", "pela", "agora", "dele", "dela", "seu", "sua", "novo",
    // pl
    "na", "pod", "to", "mój", "moja", "mojego", "nasz", "nasza", "numer", "numerem", "numeru",
    "jest", "do", "z", "ze", "mi", "mnie", "nas", "ktoś", "biura", "pana", "pani", "teraz",
    "jego", "jej", "nowy",
    // an emergency contact, in the eight languages ("Contatto di emergenza: …")
    "emergency", "awaryjny", "awaryjnego", "notfall", "urgence", "d", "emergencia",
    "emergenza", "emergência", "emergencias",
    // a form field to fill in ("Emergency contact field: enter Jane Bird, …",
    // "Im Feld Notfallkontakt eintragen: …", "Nel campo … scrivi: …")
    "field", "enter", "fill", "in", "feld", "eintragen", "im", "champ", "mettre", "dans",
    "campo", "pon", "poner", "scrivi", "nel", "vul", "bij", "coloque", "wpisz", "polu",
    // a contact person ("Contact person: …", "Persona de contacto: …")
    "person", "personne", "persona", "pessoa", "persoon", "osoba",
];

/// Phone words right after a number ("Is 0612345678 a landline or a cell number?").
#[rustfmt::skip]
pub(super) const PHONE_KEYWORDS_AFTER: &[&str] = &[
    "landline", "calling", "called", "texting", "texted", "rang", "cell", "mobile", "phone",
    "telefon", "handy", "portable", "móvil", "cellulare", "mobiel", "telemóvel",
    // the same words in the other seven languages ("Czy … to numer stacjonarny?",
    // "Ist … eine Festnetznummer?", "Is … een vaste lijn?", "O … é fixo ou celular?")
    "stacjonarn*", "komórk*", "telefonu", "festnetz*", "handynummer", "mobilnummer",
    "telefonnummer", "fixe", "ligne fixe", "téléphone", "fijo", "celular", "teléfono",
    "fisso", "telefono", "vaste lijn", "vast nummer", "telefoon", "fixo", "telefone",
    "dzwonił*", "dzwoni", "rief", "appelé", "llamó", "chiamato", "belde", "ligou",
    "angerufen", "zadzwonił*", "m'a appelé", "me llamó", "mi ha chiamato", "me ligou",
    "erreichbar", "anrufen", "zurückrufen", "bereikbaar", "terugbellen", "joignable",
    "reachable", "raggiungibile", "reperibile", "localizable", "contactable",
    // a request to write it in the international format ("Convert … to E.164")
    "e.164", "e164",
    // asked whether the number is a scam ("Is … a scam?", "… è una truffa?")
    "scam", "oszustwo", "betrug", "arnaque", "estafa", "truffa", "oplichting", "golpe",
];

/// Words for an extension, right after a number and before its digits ("… Durchwahl
/// -214", "… interno 214", "… toestel 214"): see `around::extension_after`.
#[rustfmt::skip]
pub(super) const EXTENSION_WORDS: &[&str] = &[
    "ext", "extension", "wew", "wewn", "durchwahl", "nebenstelle", "poste", "extensión",
    "interno", "int", "toestel", "extensão", "ramal",
];

/// Prepositions after a word naming something else that send the number to it
/// rather than name it ("change the mobile on my account **to** …").
#[rustfmt::skip]
pub(super) const REDIRECTS: &[&str] = &["to", "auf", "par", "al", "naar", "para", "into"];

/// "of" in the eight languages: after a word for a number, it makes a count ("the
/// number of users").
#[rustfmt::skip]
pub(super) const OF: &[&str] = &[
    "of", "de", "des", "du", "di", "dei", "degli", "delle", "della", "del", "van", "der",
    "von", "do", "da", "dos", "das", "w",
];

/// Articles (and "for") between a word naming something else and a phone word naming
/// what it is for ("Fatura do telemóvel", "bill for the phone", "Rechnung für das Handy").
#[rustfmt::skip]
pub(super) const ARTICLES: &[&str] = &[
    "the", "a", "for", "my", "le", "la", "l", "les", "pour", "el", "los", "las", "il", "lo",
    "per", "het", "een", "voor", "o", "os", "um", "uma", "für", "das", "die", "den", "des",
    "dem", "za", "na",
];

/// Conjunctions that join the entries of a list of phones ("… or …", "… und …").
#[rustfmt::skip]
pub(super) const CONJUNCTIONS: &[&str] = &[
    "or", "and", "lub", "albo", "i", "oder", "und", "ou", "et", "o", "y", "e", "of", "en",
];

/// Words for a number or a screen showing one: before a bare trunk-0 number, with no
/// word naming it something else nearer, they make it a national phone candidate.
#[rustfmt::skip]
pub(super) const NUMBER_WORDS: &[&str] = &[
    "number", "numbers", "display", "displayed", "screen", "showed", "shown", "numer",
    "numerem", "numeru", "wyświetlacz*", "nummer", "anzeige", "display*", "angezeigt",
    "numéro", "affiché", "affichait", "écran", "número", "pantalla", "numero", "schermo",
    "scherm", "ecrã", "tela", "apareceu", "aparece", "message", "messages", "messagerie",
    "répondeur", "mensaje", "messaggio", "bericht", "mensagem", "nachricht", "wiadomość",
    "wiadomości",
];

/// Words that name a number as something other than a phone; nearer to the number than
/// any phone word, they veto every phone rule but the international one.
#[rustfmt::skip]
pub(super) const NOT_PHONE_KEYWORDS: &[&str] = &[
    "isbn", "issn", "doi", "invoice*", "order*", "faktur*", "rechnung*", "factur*", "ticket*",
    "factuur*", "fattur*", "fatura*", "klantnummer", "klantnr", "kundennummer", "kundennr",
    "customer number", "customer no", "numer klienta", "numéro client", "número de cliente",
    "numero cliente", "número do cliente",
    "tracking", "sku", "serial*", "account*", "konto", "konta", "rachun*", "iban", "pesel",
    "nip", "regon", "id", "ref", "reference", "referencia", "référence", "riferimento",
    "referentie", "zamówieni*", "bestell*", "commande", "pedido", "ordine", "bestelling",
    "encomenda", "dossier", "artikel*", "article", "produkt*", "product*", "version", "build",
    "timestamp*", "epoch", "population", "balance", "amount", "total", "zip", "postcode", "kod",
    "pin", "otp", "ssn", "passport", "licen*", "vat", "tax", "steuer*", "case", "claim",
    "policy", "parcel", "package", "shipment", "paczk*", "przesył*", "sendung*", "sn", "nº",
    "n°", "no.", "#", "imei", "imsi", "iccid", "meid", "model", "offset", "index", "seed",
    "code", "codes", "código", "codigo", "codice", "kod*", "token", "seryjn*", "vertrag*",
    "contract*", "contrat*", "contrato", "contratto", "umow*", "umów*", "function", "funktion",
    "fonction", "función", "funzione", "função", "functie", "argument*", "parameter*", "price",
    "prix", "precio", "preço", "prezzo", "preis", "cena", "prijs", "cost", "hash", "port", "batch*", "job", "jobs", "task", "commit", "session", "request", "lot",
    "charge*", "partia", "lote", "lotto",
    "liga", "league",
    "bestelnummer", "bestelnr", "aktenzeichen", "ean", "gtin", "upc", "barcode*", "strichcode",
    "iva", "partita", "btw", "tva", "mwst", "nif", "cif", "nipc", "cnpj", "cpf", "siret",
    "siren", "kvk", "cuit", "itin", "routing", "aba",
    // serial and meter numbers ("S/N 0521 0330 3451", "Numéro de série …", "Matricola
    // contatore …", "Zählernummer …")
    "s/n", "serie*", "série*", "matricola", "matrícula", "zähler*", "contatore", "compteur",
    "licznik*", "meternummer",
    // shipments, waybills and credit notes ("Numero di spedizione 4315989366728", "List
    // przewozowy 181 289 6833 702", "Credit note …")
    "spedizion*", "envío", "expédition", "zending*", "rastreio", "waybill", "przewozow*",
    "consignment", "credit note", "gutschrift*", "creditnota", "nota di credito",
    "nota de crédito", "note de crédit", "rectificativ*", "colis", "pacco", "paquete",
];

/// Words right after a number that make it a count or an amount ("12345678 users",
/// "99999999 bytes", "12500000 EUR").
#[rustfmt::skip]
pub(super) const NOT_PHONE_AFTER: &[&str] = &[
    "users", "rows", "bytes", "items", "people", "times", "records", "views", "downloads",
    "requests", "tokens", "km", "kg", "ms", "usd", "eur", "pln", "zł", "euro*", "dollar*",
    "mal", "fois", "veces", "volte", "keer", "vezes", "razy", "spectators", "visitors",
    "inhabitants", "einwohner", "habitants", "habitantes", "abitanti", "inwoners",
    "mieszkańców", "zuschauer", "espectadores", "spettatori", "pesos", "reais", "chf", "gbp",
    "złotych", "dólares", "dollari",
];

/// One-time and verification codes, which are sent to a phone: with a preposition
/// sending the code to the number ("El código de verificación tenía que llegar **al**
/// …"), the number is one (valid in a default region; see `phone::sent_code`).
#[rustfmt::skip]
pub(super) const CODE_WORDS: &[&str] = &[
    "verification code", "one-time code", "confirmation code", "sms code", "login code",
    "kod weryfikacyjny", "kod sms", "kod potwierdzający", "bestätigungscode",
    "verifizierungscode", "sms-code", "code de vérification", "code de confirmation",
    "código de verificación", "código de confirmación", "codice di verifica",
    "codice di conferma", "verificatiecode", "bevestigingscode", "código de verificação",
    "código de confirmação",
];

/// Prepositions that send a code to a number ("sent **to** …", "llegar **al** …",
/// "chegar **no** …", "zou **naar** … gaan").
#[rustfmt::skip]
pub(super) const SENT_TO: &[&str] = &[
    "to", "at", "on", "na", "an", "auf", "au", "sur", "al", "a", "naar", "op", "no", "para",
    "pod",
];

/// Prepositions (and articles after them) that introduce a number to call, right
/// before it ("… agência funerária **pelo** …", "… pompes funèbres **au** …", "… la
/// funeraria en **el** …"): a phone word earlier in the sentence vouches for a number
/// only after one of these ("The phone budget for next year is …" has a copula, "…
/// a figure of …" a count's "of").
#[rustfmt::skip]
pub(super) const CALL_PREPOSITIONS: &[&str] = &[
    "at", "on", "to", "via", "under", "by", "unter", "an", "auf", "au", "sur", "par", "al",
    "el", "en", "por", "allo", "tramite", "op", "naar", "bij", "pelo", "pela", "para", "no",
    "pod", "na",
];

/// "With" in the eight languages: after a word naming something else that a phone
/// word before it belongs to, the number updates that phone ("the mobile on my
/// account **with** …", "il cellulare del mio account **con** il …").
#[rustfmt::skip]
pub(super) const WITH: &[&str] = &["with", "z", "mit", "avec", "con", "met", "com"];

/// Possessives before a word naming something else: "my account" is someone's, so
/// a phone word before it may be that account's phone.
#[rustfmt::skip]
pub(super) const POSSESSIVES: &[&str] = &[
    "my", "our", "his", "her", "their", "mój", "mojego", "moim", "mein", "meinem", "meines",
    "mon", "ma", "notre", "mi", "mio", "mia", "nostro", "mijn", "ons", "onze", "meu", "minha",
    "nosso", "nossa", "su", "suo", "sua",
];

/// Second words of job titles whose first word names a number otherwise ("Account
/// Manager", "Account Executive"): a role in a signature, not an account.
#[rustfmt::skip]
pub(super) const ROLES: &[&str] = &[
    "manager", "managerin", "executive", "director", "directeur", "directora", "lead",
    "owner", "specialist", "coordinator", "representative", "administrator",
];

/// The phone word lists, indexed once per process.
pub(super) struct Words {
    pub(super) phone: Keywords,
    pub(super) phone_after: Keywords,
    pub(super) extension: Keywords,
    pub(super) not_phone: Keywords,
    pub(super) not_phone_after: Keywords,
    pub(super) number: Keywords,
    pub(super) label: Keywords,
    pub(super) glue: Keywords,
    pub(super) conjunction: Keywords,
    pub(super) redirect: Keywords,
    pub(super) of: Keywords,
    pub(super) article: Keywords,
    pub(super) role: Keywords,
    pub(super) with: Keywords,
    pub(super) possessive: Keywords,
    pub(super) code: Keywords,
    pub(super) sent_to: Keywords,
    pub(super) call_preposition: Keywords,
}

pub(super) static WORDS: LazyLock<Words> = LazyLock::new(|| Words {
    phone: Keywords::new(PHONE_KEYWORDS),
    phone_after: Keywords::new(PHONE_KEYWORDS_AFTER),
    extension: Keywords::new(EXTENSION_WORDS),
    not_phone: Keywords::new(NOT_PHONE_KEYWORDS),
    not_phone_after: Keywords::new(NOT_PHONE_AFTER),
    number: Keywords::new(NUMBER_WORDS),
    label: Keywords::new(PHONE_LABELS),
    glue: Keywords::new(GLUE_WORDS),
    conjunction: Keywords::new(CONJUNCTIONS),
    redirect: Keywords::new(REDIRECTS),
    of: Keywords::new(OF),
    article: Keywords::new(ARTICLES),
    role: Keywords::new(ROLES),
    with: Keywords::new(WITH),
    possessive: Keywords::new(POSSESSIVES),
    code: Keywords::new(CODE_WORDS),
    sent_to: Keywords::new(SENT_TO),
    call_preposition: Keywords::new(CALL_PREPOSITIONS),
});
