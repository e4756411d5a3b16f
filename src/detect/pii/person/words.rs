//! The word lists PERSON evidence is read from: the name lists shipped in
//! `rules/pii/names/` (first names, surnames, names that are also common words), and
//! small hand-written tables of honorifics, context phrases and words that never
//! belong to a name, for en, pl, de, fr, es, it, nl and pt.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

/// First names of the Faker locales listed in `rules/pii/names/first.txt`'s header.
const FIRST_TXT: &str = include_str!("../../../../rules/pii/names/first.txt");
/// Surnames of the same locales (Polish feminine forms added).
const LAST_TXT: &str = include_str!("../../../../rules/pii/names/last.txt");
/// Names that are also common words, places, brands or languages.
const COMMON_TXT: &str = include_str!("../../../../rules/pii/names/common.txt");

/// FNV-1a: names are short and the sets are built from shipped data, so a keyed
/// hash buys nothing; this is several times cheaper than SipHash on 5-10 bytes.
#[derive(Default)]
pub(super) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type NameSet = HashSet<&'static str, BuildHasherDefault<Fnv>>;

fn parse(text: &'static str) -> NameSet {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

/// The three shipped lists, parsed once per process (about 19,000 names, well under
/// a millisecond) and read without locks afterwards.
pub(super) struct Names {
    first: NameSet,
    last: NameSet,
    common: NameSet,
}

pub(super) static NAMES: LazyLock<Names> = LazyLock::new(|| Names {
    first: parse(FIRST_TXT),
    last: parse(LAST_TXT),
    common: parse(COMMON_TXT),
});

impl Names {
    /// Whether `w` (as written, capitalised) is a listed first name.
    pub(super) fn is_first(&self, w: &str) -> bool {
        self.first.contains(w) || split_any(w, |p| self.first.contains(p))
    }

    /// Whether `w` is a listed surname (either half of a double-barrelled one will do).
    pub(super) fn is_last(&self, w: &str) -> bool {
        self.last.contains(w) || split_any(w, |p| self.last.contains(p))
    }

    /// Whether `w` is a listed first name or surname.
    pub(super) fn is_listed(&self, w: &str) -> bool {
        self.is_first(w) || self.is_last(w)
    }

    /// Whether `w` is also a common word, place, brand or language.
    pub(super) fn is_common(&self, w: &str) -> bool {
        self.common.contains(w)
    }
}

/// `f` on each part of a hyphenated word ("Hans-Joachim", "Albers-Schinke"), if it has
/// more than one.
fn split_any(w: &str, mut f: impl FnMut(&str) -> bool) -> bool {
    w.contains('-') && w.split('-').any(|p| !p.is_empty() && f(p))
}

/// Titles written before a name, as capitalised words (a trailing `.` is skipped by
/// the scanner): en, de, pl, fr, es, it, nl, pt, plus academic titles.
#[rustfmt::skip]
pub(super) const HONORIFICS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof", "Sir", "Dame", "Herr", "Frau", "Hr", "Fr",
    "Pan", "Pani", "Panie", "Pana", "Panu", "Panią", "Mme", "Mlle", "Madame", "Monsieur",
    "Mademoiselle", "Sr", "Sra", "Srta", "Dra", "Don", "Doña", "Dona", "Señor", "Señora", "Sig",
    "Signor", "Signora", "Signorina", "Dott", "Dottssa", "Dottor", "Dottore", "Dottoressa",
    "Avv", "Ing", "Dhr", "Mevr", "Mevrouw", "Meneer", "Mw", "Dipl", "Univ", "Senhor", "Senhora",
    "Mag", "Doc", "Rev", "Fr", "Mgr", "Inż", "Herrn",
];

/// [`HONORIFICS`] as a set: every capitalised word is looked up, and a pass over
/// the list compared it with each title of its length.
pub(super) static HONORIFIC_SET: LazyLock<NameSet> =
    LazyLock::new(|| HONORIFICS.iter().copied().collect());

/// Honorifics written in lower case before a name ("pan Maciej Powązka", "el sr.
/// García"): only these, since lower-case words before a capital are otherwise just
/// words.
#[rustfmt::skip]
pub(super) const LOWER_HONORIFICS: &[&str] = &[
    "pan", "pani", "panie", "pana", "panu", "panią", "sr", "sra", "srta", "don", "doña", "dona",
    "sig", "dott", "dhr", "mevr", "herr", "frau", "monsieur", "madame", "señor", "señora",
    "signor", "signora", "senhor", "senhora", "herrn",
];

/// Titles that need a `.` to be one ("M. Dupont"; a bare "M" is a letter).
pub(super) const DOTTED_HONORIFICS: &[&str] = &["M", "Me"];

/// Lower-case phrases that, right before a capitalised word, say a name follows: an
/// introduction or a salutation. Matched case-insensitively (ASCII), at a word start,
/// with `:`, `,` and spaces allowed after them. Strong evidence: a run of two
/// capitalised words after one is taken as a name even when no list has them.
#[rustfmt::skip]
pub(super) const INTRODUCTIONS: &[&str] = &[
    // en
    "my name is", "name is", "i am", "i'm", "call me", "dear", "hi", "hello", "hey",
    "good morning", "good afternoon", "good evening",
    // pl
    "nazywam się", "mam na imię", "jestem", "szanowny", "szanowna", "szanowni", "drogi",
    "droga", "witaj", "cześć", "dzień dobry", "dobry wieczór",
    // de
    "ich heiße", "ich heisse", "mein name ist", "ich bin", "liebe", "lieber", "hallo",
    "sehr geehrte", "sehr geehrter", "guten tag", "guten morgen", "guten abend",
    // fr
    "je m'appelle", "je m’appelle", "mon nom est", "je suis", "cher", "chère", "bonjour",
    "salut", "bonsoir",
    // es
    "me llamo", "mi nombre es", "soy", "estimado", "estimada", "querido", "querida", "hola",
    "buenos días", "buenos dias", "buenas tardes", "buenas noches",
    // it
    "mi chiamo", "il mio nome è", "sono", "caro", "cara", "gentile", "gentilissimo",
    "gentilissima", "ciao", "buongiorno", "buonasera", "buon pomeriggio",
    // nl
    "mijn naam is", "ik ben", "ik heet", "beste", "geachte", "hoi", "goedemorgen",
    "goedemiddag", "goedenavond",
    // pt
    "meu nome é", "o meu nome é", "chamo-me", "me chamo", "sou", "prezado", "prezada", "olá",
    "ola", "bom dia", "boa tarde", "boa noite",
];

/// Form labels and roles before a name ("full name:", "patient", "Kunde",
/// "intestatario"): weaker than [`INTRODUCTIONS`], they count with a listed name or
/// with contact details after the run.
#[rustfmt::skip]
pub(super) const LABELS: &[&str] = &[
    // en
    "full name", "name", "first name", "last name", "surname", "account holder", "cardholder",
    "card holder", "holder", "patient", "customer", "client", "contact", "employee", "tenant",
    "applicant", "candidate", "attn", "attention", "signed", "contact person", "signed by",
    "author", "manager", "recipient", "beneficiary", "passenger", "guest", "user", "doctor",
    "nurse", "colleague", "mentioned", "from", "cc", "sender", "attendees", "participants",
    "uczestnicy", "teilnehmer", "participantes", "partecipanti", "deelnemers",
    // pl
    "imię i nazwisko", "imię", "nazwisko", "klient", "klienta", "klientka", "klientki",
    "pacjent", "pacjenta", "pacjentka", "pracownik", "pracownika", "właściciel", "odbiorca",
    "nadawca", "kontakt", "osoba kontaktowa", "od", "kontakt awaryjny", "notfallkontakt",
    "contact d'urgence", "contacto de emergencia", "contatto di emergenza", "noodcontact",
    "contato de emergência", "contacto de emergência",
    // de
    "vor- und nachname", "vollständiger name", "nachname", "vorname", "kunde", "kundin",
    "patientin", "mitarbeiter", "mitarbeiterin", "inhaber", "kontoinhaber", "ansprechpartner",
    "ansprechpartnerin", "empfänger", "von", "absender",
    // fr
    "nom complet", "nom", "prénom", "nom et prénom", "titulaire", "employé", "employée",
    "destinataire", "personne à contacter",
    // es
    "nombre completo", "nombre", "apellido", "apellidos", "titular", "paciente", "empleado",
    "empleada", "contacto", "persona de contacto", "destinatario",
    // it
    "nome e cognome", "nome completo", "nome", "cognome", "intestatario", "intestataria",
    "paziente", "dipendente", "cliente", "contatto", "referente", "destinatario",
    // nl
    "volledige naam", "naam", "achternaam", "voornaam", "klant", "patiënt", "werknemer",
    "rekeninghouder", "contactpersoon", "van", "afzender",
    // pt
    "nome completo", "titular", "funcionário", "funcionária", "contato",
];

/// Closing phrases of a letter: a name alone on the next line is its signature.
#[rustfmt::skip]
pub(super) const CLOSINGS: &[&str] = &[
    "regards", "best regards", "kind regards", "warm regards", "best", "best wishes", "thanks",
    "thank you", "many thanks", "cheers", "sincerely", "yours sincerely", "yours faithfully",
    "yours truly", "yours", "respectfully", "pozdrawiam", "z poważaniem",
    "serdecznie pozdrawiam", "pozdrowienia", "mit freundlichen grüßen",
    "mit freundlichen grüssen", "freundliche grüße", "viele grüße", "beste grüße",
    "liebe grüße", "gruß", "grüße", "mfg", "lg", "cordialement", "bien cordialement",
    "bien à vous", "amitiés", "salutations", "sincères salutations", "saludos", "un saludo",
    "atentamente", "saludos cordiales", "un abrazo", "cordiali saluti", "distinti saluti",
    "saluti", "un saluto", "a presto", "met vriendelijke groet", "met vriendelijke groeten",
    "vriendelijke groet", "groeten", "groet", "mvg", "atenciosamente", "cumprimentos",
    "com os melhores cumprimentos", "abraços", "obrigado", "obrigada", "gracias", "merci",
    "danke", "dziękuję", "grazie", "bedankt",
];

/// Lower-case particles inside a name ("Jan van der Berg", "Ana da Silva", "Luis de la
/// Fuente"), kept in the span when capitalised words stand on both sides.
#[rustfmt::skip]
pub(super) const PARTICLES: &[&str] = &[
    "van", "der", "den", "de", "von", "zu", "da", "das", "do", "dos", "di", "del", "della",
    "la", "le", "du", "ter", "ten", "op", "het", "dei", "degli",
];

/// Capitalised words that never belong to a name: sentence-start function words,
/// days, months, and words that make a capitalised run an organisation or a place.
/// A run stops before them.
#[rustfmt::skip]
pub(super) const STOP: &[&str] = &[
    // en function words and sentence starters
    "The", "A", "An", "And", "Or", "But", "If", "In", "On", "At", "To", "For", "From", "With",
    "By", "Of", "As", "Is", "It", "Its", "This", "That", "These", "Those", "There", "Here",
    "We", "You", "He", "She", "They", "I", "My", "Your", "Our", "Their", "His", "Her", "Please",
    "Thanks", "Thank", "Hi", "Hello", "Hey", "Dear", "Yes", "No", "Not", "What", "Who", "How",
    "Why", "When", "Where", "Which", "Can", "Could", "Would", "Should", "Do", "Does", "Did",
    "Write", "Create", "Make", "Tell", "Give", "Explain", "Translate", "Summarize", "List",
    "Also", "Then", "So", "All", "Team", "Everyone", "Sir", "Madam", "Customer", "Support",
    "Service", "Services", "Department", "Dept", "Office", "University", "College", "School",
    "Hospital", "Clinic", "Bank", "Street", "St", "Road", "Rd", "Avenue", "Ave", "Lane",
    "Square", "Station", "Airport", "Hotel", "Company", "Inc", "Ltd", "LLC", "GmbH", "AG", "SA",
    "Corp", "Group", "Foundation", "Institute", "Ministry", "Council", "City", "County",
    "State", "States", "Republic", "Kingdom", "United", "National", "International", "North",
    "South", "East", "West", "New", "Old", "Great", "San", "Santa", "Saint", "Lake", "Mount",
    "River", "Valley", "Island", "Islands", "Beach", "Center", "Centre", "Museum", "Cathedral",
    "Palace", "House", "Club", "Farms", "Farm", "Foods", "Motors", "Industries", "Airlines",
    "Systems", "Labs", "Holdings", "Brothers", "Bros", "Studios", "Records", "Pictures",
    "Games", "Networks", "Solutions", "Technologies", "Pharmaceuticals", "Media", "Bakery",
    "Insurance", "Capital", "Ventures", "Energy", "Electric", "Telecom", "Software",
    "Enterprises", "Cup", "League", "Award", "Prize", "Act", "War", "Times", "News",
    "Journal", "Review", "Press", "Bible", "God", "Lord", "Jesus", "Christ", "Allah", "Monday",
    "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February",
    "March", "September", "October", "November", "December", "English", "French", "German",
    "Spanish", "Italian", "Dutch", "Polish", "Portuguese", "Chinese", "Japanese", "Russian",
    "American", "British", "European", "Christmas", "Easter", "Google", "Microsoft", "Apple",
    "Amazon", "Facebook", "Meta", "OpenAI", "Windows", "Linux", "Excel", "Word", "Python",
    "Java", "JavaScript", "Chrome", "Firefox", "Android", "iPhone", "Docker", "Kubernetes",
    "Nginx", "Redis", "Postgres", "GitHub", "Slack", "Zoom", "Teams", "Outlook", "Gmail",
    "Netflix", "Spotify", "Tesla", "Visa", "Mastercard", "PayPal", "Benz", "Manager", "Hiring",
    "Committee", "Members", "Colleagues", "Friends", "Partners", "Board", "Valued", "Residents",
    "Parents", "Students", "Staff", "Admin", "Administrator", "Add", "Send", "Ask", "Call",
    "Email", "Invite", "Remind", "Update", "Check", "Find", "Draft", "Prepare", "Schedule",
    "Book", "Cancel", "Forward", "Reply", "Help", "Let", "Get", "Set", "Use", "Show",
    "Generate", "Convert", "Fix", "Review", "Read", "Notify", "Inform", "Meeting", "Notes",
    "Subject", "Re", "Fwd", "Yesterday", "Today", "Tomorrow", "I'm", "Soy", "Sono", "Sou",
    "Jestem", "Dodaj", "Zapytaj", "Wyślij", "Umów", "Lade", "Sende", "Frag",
    "Ajoute", "Envoie", "Demande", "Añade", "Envía", "Pregunta", "Aggiungi", "Invia", "Chiedi",
    "Voeg", "Stuur", "Vraag", "Adicione", "Envie", "Pergunte", "Good", "Morning", "Hoi",
    "Witaj", "Cześć", "Buongiorno", "Buonasera", "Goedemorgen", "Goedemiddag", "Goedenavond",
    "Bonsoir", "Buenos", "Buenas", "Bom", "Boa", "Cc", "Bcc", "Attendees",
    // pl
    "Proszę", "Prosimy", "Napisz", "Przetłumacz", "Dodaj", "Wystaw", "Czy", "Jak", "Co",
    "Gdzie", "Kiedy", "Dlaczego", "Który", "Która", "To", "Ten", "Ta", "Mój", "Moja", "Mam",
    "Nie", "Tak", "Dzień", "Dobry", "Szanowny", "Szanowna", "Szanowni", "Państwo",
    "Poniedziałek", "Wtorek", "Środa", "Czwartek", "Piątek", "Sobota", "Niedziela", "Styczeń",
    "Luty", "Marzec", "Kwiecień", "Maj", "Czerwiec", "Lipiec", "Sierpień", "Wrzesień",
    "Październik", "Listopad", "Grudzień", "Ulica", "Ul", "Urząd", "Sąd", "Polska", "Warszawa",
    "Kraków",
    // de
    "Der", "Die", "Das", "Ein", "Eine", "Und", "Oder", "Ich", "Sie", "Wir", "Er", "Es", "Ihr",
    "Bitte", "Danke", "Hallo", "Liebe", "Lieber", "Sehr", "Geehrte", "Geehrter", "Guten", "Tag",
    "Schreib", "Schreibe", "Erstelle", "Übersetze", "Wie", "Was", "Wer", "Wo", "Warum", "Kann",
    "Können", "Ist", "Sind", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag",
    "Samstag", "Sonntag", "Januar", "Februar", "März", "Mai", "Juni", "Juli", "Oktober",
    "Dezember", "Straße", "Strasse", "Platz", "Weg", "Firma", "Rechnung", "Termin", "Mail",
    "Tel", "Telefon", "Nummer", "Deutschland", "Österreich", "Schweiz",
    // fr
    "Les", "Un", "Une", "Des", "Et", "Ou", "Je", "Tu", "Il", "Elle", "Nous", "Vous", "Ils",
    "Elles", "Ce", "Cette", "Merci", "Bonjour", "Salut", "Cher", "Chère", "Prépare", "Écris",
    "Traduis", "Vérifie", "Peux", "Pouvez", "Est", "Lundi", "Mardi", "Mercredi", "Jeudi",
    "Vendredi", "Samedi", "Dimanche", "Janvier", "Février", "Mars", "Avril", "Juin", "Juillet",
    "Août", "Septembre", "Octobre", "Novembre", "Décembre", "Rue", "Boulevard", "Place",
    "Société",
    // es
    "El", "Los", "Las", "Una", "Y", "O", "Yo", "Usted", "Nosotros", "Ellos", "Hola", "Gracias",
    "Estimado", "Estimada", "Querido", "Querida", "Crea", "Escribe", "Traduce", "Esta", "Este",
    "Es", "Lunes", "Martes", "Miércoles", "Jueves", "Viernes", "Sábado", "Domingo", "Enero",
    "Febrero", "Marzo", "Abril", "Mayo", "Junio", "Julio", "Agosto", "Septiembre", "Octubre",
    "Noviembre", "Diciembre", "Calle", "Señor", "Señora",
    // it
    "Il", "Lo", "Gli", "Uno", "Io", "Lei", "Noi", "Voi", "Loro", "Ciao", "Grazie", "Caro",
    "Cara", "Gentile", "Scrivi", "Traduci", "Questo", "Questa", "Lunedì", "Martedì",
    "Mercoledì", "Giovedì", "Venerdì", "Sabato", "Domenica", "Gennaio", "Febbraio", "Aprile",
    "Maggio", "Giugno", "Luglio", "Settembre", "Ottobre", "Dicembre", "Via", "Piazza",
    // nl
    "Het", "Een", "En", "Ik", "Jij", "Wij", "Zij", "Hallo", "Beste", "Geachte", "Bedankt",
    "Schrijf", "Vertaal", "Klopt", "Maandag", "Dinsdag", "Woensdag", "Donderdag", "Vrijdag",
    "Zaterdag", "Zondag", "Januari", "Februari", "Maart", "Mei", "Augustus", "Straat",
    // pt
    "Os", "As", "Um", "Uma", "Eu", "Você", "Nós", "Eles", "Olá", "Obrigado", "Obrigada",
    "Prezado", "Prezada", "Escreva", "Traduza", "Segunda", "Terça", "Quarta", "Quinta", "Sexta",
    "Janeiro", "Fevereiro", "Março", "Maio", "Junho", "Julho", "Setembro", "Outubro",
    "Novembro", "Dezembro", "Rua",
];

/// Words of [`STOP`] that, right after capitalised words, make the whole run a
/// company or an institution ("Foster Farms", "Del Monte Foods", "Beverly Hills
/// Bakery"): the run is dropped, not cut before them.
#[rustfmt::skip]
pub(super) const ORGANISATIONS: &[&str] = &[
    "Farms", "Farm", "Foods", "Motors", "Industries", "Airlines", "Systems", "Labs",
    "Holdings", "Brothers", "Bros", "Studios", "Records", "Pictures", "Games", "Networks",
    "Solutions", "Technologies", "Pharmaceuticals", "Media", "Bakery", "Insurance", "Capital",
    "Ventures", "Energy", "Electric", "Telecom", "Software", "Enterprises", "Inc", "Ltd", "LLC",
    "GmbH", "AG", "Corp", "Group", "Foundation", "Institute", "Company", "Bank", "Hotel",
];

/// [`STOP`] as a set.
pub(super) static STOP_SET: LazyLock<NameSet> = LazyLock::new(|| STOP.iter().copied().collect());

/// Surname endings common in the eight languages' countries (and their neighbours):
/// a capitalised word after a listed first name that ends so is taken as a surname
/// even when no list has it.
#[rustfmt::skip]
pub(super) const SURNAME_ENDINGS: &[&str] = &[
    "ski", "ska", "cki", "cka", "dzki", "dzka", "wicz", "owicz", "ewicz", "czyk", "czak", "iak",
    "ak", "ek", "uk", "son", "sen", "sson", "mann", "man", "berg", "stein", "bauer", "meyer",
    "meier", "ez", "es", "az", "ini", "elli", "etti", "otti", "ucci", "one", "ano", "ov", "ova",
    "ev", "eva", "enko", "ić", "ic", "escu", "oglu", "ian", "yan", "idis", "opoulos", "aki",
    "ton", "ley", "ford", "ham", "well", "worth", "wood", "field", "ing", "ink", "inck", "huis",
    "stra", "ema", "sma", "inga", "eira", "eiro", "ão", "ães", "ois", "ová", "ský", "ská", "ič",
    "ović", "ević", "nen", "lä", "oğlu", "eau", "aud", "ault", "ier", "ière", "ot", "et",
];

/// Lower-case phrases that, right before a capitalised run, make it the person a
/// message, a meeting or a task is for: "forward this thread to", "interview with",
/// "assigned to", "im Auftrag von", "de la part de". Weaker than an introduction for
/// one word (a listed first name that is not a common word is needed), as strong for
/// two words or more: organisations are written after them too ("email to Deutsche
/// Telekom"), but far less often than people.
#[rustfmt::skip]
pub(super) const GOVERNING: &[&str] = &[
    // en
    "thread to", "email to", "e-mail to", "mail to", "message to", "letter to", "note to",
    "conversation to", "discussion to", "chain to",
    "reply to", "forward to", "forward it to", "forward this to", "send it to", "send this to",
    "assigned to", "assign to", "assign it to", "assignee", "reassign to", "hand over to",
    "handed over to", "interview with", "meeting with", "call with", "chat with", "spoke with",
    "spoke to", "talked to", "talk to", "speak to", "speak with", "met with", "on behalf of",
    "introduce", "introduced", "invite", "invited", "thank", "congratulate", "remind",
    "hired", "married", "married to", "cc", "bcc", "ask", "tell", "my colleague", "my boss", "my manager", "my friend",
    "my wife", "my husband", "my partner", "my son", "my daughter", "my mother", "my father",
    "my brother", "my sister", "my neighbour", "my neighbor", "my landlord", "my lawyer",
    "my doctor", "my tenant", "my client",
    // pl
    "wątek do", "wiadomość do", "dyskusję do", "rozmowę do", "korespondencję do", "wiadomości do", "mail do", "maila do", "e-mail do",
    "list do", "pismo do", "zgłoszenie do", "napisz do", "napisać do", "przypisz do",
    "przypisane do", "wywiad z", "spotkanie z", "rozmowa z", "rozmowę z", "rozmawiałem z",
    "rozmawiałam z", "w imieniu", "podziękuj", "mój kolega", "moja koleżanka", "mój szef",
    "moja szefowa", "zapytaj", "mój mąż", "moja żona", "mój syn", "moja córka", "mój brat", "moja siostra",
    // de
    "thread an", "nachricht an", "diskussion an", "unterhaltung an", "konversation an", "e-mail an", "mail an", "brief an", "schreiben an",
    "weiterleiten an", "zugewiesen an", "zuweisen an", "gespräch mit", "interview mit",
    "treffen mit", "termin mit", "meeting mit", "telefoniert mit", "sprich mit",
    "sprechen mit", "gesprochen mit", "frag", "frage", "im auftrag von", "mein kollege", "meine kollegin",
    "mein chef", "meine chefin", "mein mann", "meine frau", "mein sohn", "meine tochter",
    "mein bruder", "meine schwester", "mein vermieter", "meine vermieterin",
    // fr
    "fil à", "message à", "discussion à", "conversation à", "échange à", "mail à", "e-mail à", "email à", "courriel à", "lettre à",
    "transfère à", "transférer à", "assigné à", "assigner à", "entretien avec",
    "réunion avec", "rendez-vous avec", "rdv avec", "parlé à", "parler à", "parlé avec",
    "parler avec", "de la part de", "demande à", "demander à", "écris à", "écrire à",
    "mon collègue", "ma collègue", "mon chef", "ma cheffe", "mon mari", "ma femme", "mon fils",
    "ma fille", "mon frère", "ma sœur", "mon voisin", "ma voisine", "mon propriétaire",
    // es
    "hilo a", "mensaje a", "conversación a", "discusión a", "correo electrónico a", "correo a", "carta a", "reenvía a", "reenviar a", "asignado a",
    "asignada a", "asignar a", "entrevista con", "reunión con", "cita con", "hablé con",
    "habla con", "hablar con", "de parte de", "en nombre de", "pregunta a", "escribe a",
    "escribir a", "mi colega", "mi jefe", "mi jefa", "mi marido", "mi esposo", "mi esposa",
    "mi hijo", "mi hija", "mi hermano", "mi hermana", "mi vecino", "mi vecina",
    // it
    "thread a", "messaggio a", "discussione a", "conversazione a", "mail a", "email a",
    "e-mail a", "lettera a", "inoltra a", "inoltrare a", "assegnato a",
    "assegnata a", "assegna a", "intervista con", "riunione con", "appuntamento con",
    "parlato con", "parla con", "parlare con", "da parte di", "per conto di", "chiedi a",
    "scrivi a", "scrivere a", "il mio collega", "la mia collega", "il mio capo", "mio marito",
    "mia moglie", "mio figlio", "mia figlia", "mio fratello", "mia sorella",
    // nl
    "thread naar", "bericht naar", "discussie naar", "conversatie naar", "gesprek naar", "bericht aan", "mail naar", "mail aan", "e-mail naar",
    "e-mail aan", "brief aan", "door naar", "toegewezen aan", "toewijzen aan", "gesprek met",
    "interview met", "vergadering met", "afspraak met", "gesproken met", "praat met",
    "namens", "vraag aan", "schrijf aan", "mijn collega", "mijn baas", "mijn man",
    "mijn vrouw", "mijn zoon", "mijn dochter", "mijn broer", "mijn zus", "mijn buurman",
    "mijn buurvrouw",
    // pt
    "conversa para", "mensagem para", "discussão para", "thread para", "e-mail para", "email para", "carta para",
    "encaminhe para", "encaminhar para", "atribuído a", "atribuída a", "atribuir a",
    "entrevista com", "reunião com", "consulta com", "falei com", "fale com", "falar com",
    "em nome de", "pergunte a", "escreva para", "meu colega", "minha colega", "meu chefe",
    "minha chefe", "meu marido", "minha esposa", "meu filho", "minha filha", "meu irmão",
    "minha irmã", "meu vizinho", "minha vizinha",
];

/// Lower-case phrases right after a capitalised run that make it someone who spoke,
/// wrote or called the writer, or is related to them: "Devansh Vohra told me", "hat
/// mir", "m'a dit", "mi ha detto", "is my", "and I". A bare "said" is left out:
/// organisations say things too ("Goldman Sachs said").
#[rustfmt::skip]
pub(super) const ACTS: &[&str] = &[
    // en
    "told me", "told us", "told him", "told her", "asked me", "asked us", "wrote to me",
    "wrote me", "emailed me", "texted me", "phoned me", "called me", "called us",
    "replied to me", "is my", "is our", "was my", "and i", "and me", "in cc", "on cc",
    "in copy", "en copie", "en copia", "in copia", "em cópia", "do kopii", "in kopie",
    "in de cc",
    // pl
    "powiedział mi", "powiedziała mi", "napisał mi", "napisała mi", "napisał do mnie",
    "napisała do mnie", "zapytał mnie", "zapytała mnie", "dzwonił do mnie",
    "dzwoniła do mnie", "jest moim", "jest moją", "i ja",
    // de
    "hat mir", "hat uns", "hat mich", "sagte mir", "schrieb mir", "fragte mich",
    "ist mein", "ist meine", "und ich",
    // fr
    "m'a dit", "m’a dit", "nous a dit", "m'a écrit", "m’a écrit", "m'a demandé",
    "m’a demandé", "m'a appelé", "m’a appelé", "est mon", "est ma", "et moi",
    // es
    "me dijo", "nos dijo", "me escribió", "me preguntó", "me llamó", "es mi", "y yo",
    // it
    "mi ha detto", "ci ha detto", "mi ha scritto", "mi ha chiesto", "mi ha chiamato",
    "è il mio", "è la mia", "ed io",
    // nl
    "zei tegen mij", "zei me", "vertelde me", "vertelde mij", "vroeg me", "belde me",
    "heeft me", "heeft mij", "is mijn", "en ik",
    // pt
    "me disse", "nos disse", "me escreveu", "me perguntou", "me ligou", "é meu", "é minha",
    "e eu",
];

/// Mail and message header words: at a line start and followed by `:`, they make the
/// run after them a sender or recipient ("De: Mindaugas Gintalas <…>", "Da:", "Von:").
#[rustfmt::skip]
pub(super) const HEADERS: &[&str] = &[
    "from", "to", "cc", "bcc", "reply-to", "sender", "de", "para", "a", "à", "da", "von", "an",
    "od", "do", "van", "aan", "kopia", "kopie", "À",
];
