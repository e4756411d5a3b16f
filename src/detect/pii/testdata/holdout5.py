#!/usr/bin/env python3
"""Generates a fifth held-out PII set, written before the seventh PHONE pass changed any rule.

`holdout.py` to `holdout3.py` are spent; `holdout4.py`'s `test` half was measured before
the seventh pass and is spent by it. This set was written, and committed, before the
seventh pass changed any rule, and differs from every earlier set:

* its own sentence frames in en, pl, de, fr, es, it, nl and pt, in phrasing families the
  earlier sets do not use: vCards, `tel:` links and HTML/XML records, support-chat
  transcripts (the agent asks for a callback number, the customer's next line holds
  it), "is this number a scam?" and "who called me from …?" questions, emoji-marked
  contact lines, SMS-gateway log lines with a timestamp before the number, school-trip
  and club emergency contacts, marketplace listings ("text … after 6pm"), fax
  instructions, a number kept for a pharmacy or a landlord in brackets after the
  organisation, messenger handles (WhatsApp, Signal, Telegram), phone trees (several
  relatives' numbers on one line), a changed number given as "from … to …", and a
  test value for a form's phone validation;
* phone numbers from Faker locales no earlier set drew phones from, or few did (en_CA,
  en_NZ, en_IN, lt_LT, de_LI, es_CO, es_AR, es_CL in the default regions; id_ID, fa_IR,
  az_AZ, hy_AM, bs_BA, fr_DZ, ar_DZ, ne_NP, mk_MK, am_ET outside them) beside each
  language's home locales; a third rewritten with the calling code (`+CC`, `00CC`,
  `(+CC)`, `+CC` with hyphens, or run together), a fifth restyled;
* SSN frames of its own (W-2 boxes, background checks, payroll rows, tax-form help in
  the eight languages, `SSN#`, `S.S.N.` and `soc. sec.` spellings);
* its own look-alikes, in the eight languages: Unix epoch seconds and milliseconds,
  ISO-8601 timestamps with offsets, log times with fractions, marketplace order numbers
  (3-7-7), EAN/GTIN barcodes, IMEI and ICCID numbers beside the word "phone", bank
  routing numbers, EINs and ITINs (SSN-shaped, area 9xx), tax and VAT numbers
  (Steuernummer, partita IVA, NIF), version and build strings of apps and phones,
  invoice numbers in national formats ("0001-00012345"), order and file numbers with a
  trunk-0 grouping after "numéro de dossier"/"numer zamówienia"/…, a library call
  number, a telephone pole's number, quantities grouped by spaces; SSN-shaped values
  that fail the SSA rules;
* seed 2727.

Each set is split by frame (or look-alike template): even ones go to `tune/`, odd ones
to `test/`. `test/` is measured once, at the end of the pass, and its misses are not
read; `tune/` may be read. Records follow the corpus schema with `id` and `label`, so
`promptgate eval` reads them:

    /tmp/fk/bin/python src/detect/pii/testdata/holdout5.py --out /tmp/pii-holdout5
    promptgate --config l2-off.toml eval /tmp/pii-holdout5/test/*.jsonl

(`l2-off.toml` holding `[policy.l2]` `enabled = false`.) Nothing here is checked in as
data or asserted by a test: once a `test/` miss is used to change a rule, the set is
no longer held out (change the seed and write new frames).
"""

from gen_common import held_out_sets, phone_drawer, ssn_format

# Person providers by language (PERSON is not this set's subject; in-list locales).
NAME_LOCALES = {
    "en": ["en_US", "en_GB", "en_CA", "en_IE"], "pl": ["pl_PL"], "de": ["de_DE", "de_CH"],
    "fr": ["fr_FR", "fr_CA"], "es": ["es_ES", "es_CO", "es_AR"], "it": ["it_IT"],
    "nl": ["nl_NL", "nl_BE"], "pt": ["pt_BR", "pt_PT"],
}
# Phone providers by language: home and nearby locales (two in three numbers), then
# locales outside the default regions.
PHONE_LOCALES = {
    "en": (["en_US", "en_GB", "en_CA", "en_NZ", "en_IN"], ["id_ID", "fa_IR"]),
    "pl": (["pl_PL", "pl_PL", "lt_LT", "de_DE"], ["az_AZ", "hy_AM"]),
    "de": (["de_DE", "de_AT", "de_CH", "de_LI"], ["fa_IR", "bs_BA"]),
    "fr": (["fr_FR", "fr_CH", "nl_BE"], ["fr_DZ", "ar_DZ"]),
    "es": (["es_ES", "es_CO", "es_AR", "es_CL"], ["ne_NP"]),
    "it": (["it_IT", "it_CH", "it_IT"], ["mk_MK", "hy_AM"]),
    "nl": (["nl_NL", "nl_BE", "de_DE"], ["id_ID", "am_ET"]),
    "pt": (["pt_PT", "pt_BR"], ["am_ET", "az_AZ"]),
}
CALLING_CODE = {
    "en_US": "1", "en_GB": "44", "en_CA": "1", "en_NZ": "64", "en_IN": "91", "id_ID": "62",
    "fa_IR": "98", "pl_PL": "48", "lt_LT": "370", "de_DE": "49", "az_AZ": "994",
    "hy_AM": "374", "de_AT": "43", "de_CH": "41", "de_LI": "423", "bs_BA": "387",
    "fr_FR": "33", "fr_CH": "41", "nl_BE": "32", "fr_DZ": "213", "ar_DZ": "213",
    "es_ES": "34", "es_CO": "57", "es_AR": "54", "es_CL": "56", "ne_NP": "977",
    "it_IT": "39", "it_CH": "41", "mk_MK": "389", "nl_NL": "31", "am_ET": "251",
    "pt_PT": "351", "pt_BR": "55",
}
# Countries whose national numbers keep no trunk prefix (the calling code goes in front).
NO_TRUNK = {"pl_PL", "es_ES", "pt_PT", "it_IT", "en_US", "en_CA", "es_CO", "de_LI", "pt_BR",
            "ne_NP"}

# {N} name, {P} phone (a new one each time), {E} e-mail. Braces not around a single
# letter are literal.
PHONE_FRAMES = {
    "en": [
        "BEGIN:VCARD\nVERSION:3.0\nFN:{N}\nTEL;TYPE=CELL:{P}\nEMAIL:{E}\nEND:VCARD",
        "Agent: Could I get a callback number in case we get cut off?\nCustomer: sure, {P}\nAgent: Thanks, {N}.",
        "Is {P} a scam? They said they were calling from my bank and wanted my PIN.",
        "📞 {P}  ✉️ {E}  — {N}, piano lessons for beginners",
        "[2025-03-04 10:12:33] sms-gw: message 4471 delivered to {P} (status=OK)",
        "Emergency contact for the school trip: {N}, reachable on {P} all weekend.",
        "Selling my 2014 Golf, 145,000 km, asking 6,500. Text {P} after 6pm, no calls please.",
        "Fax the signed lease to {P}, attention {N}.",
        "Our landlord ({P}) says the boiler will be fixed on Monday.",
        "You can find me on WhatsApp at {P} or on Signal under the same number.",
        "Phone tree for the snow day: Grandma {P}, Uncle Joe {P}, neighbour {P}.",
        "{N} changed numbers: from {P} to {P}. Please update the club list.",
        "Does my form's phone validation accept {P}? It rejects it right now.",
        "<contact><name>{N}</name><phone>{P}</phone></contact>",
    ],
    "pl": [
        "BEGIN:VCARD\nFN:{N}\nTEL;TYPE=WORK:{P}\nEND:VCARD",
        "Konsultant: Proszę podać numer do kontaktu zwrotnego.\nKlient: {P}\nKonsultant: Dziękuję.",
        "Czy {P} to oszustwo? Dzwonili rzekomo z banku.",
        "📱 {P} · {N} · korepetycje z matematyki",
        "2025-03-04 10:12:33 bramka SMS: wiadomość 88 dostarczona do {P}",
        "Kontakt awaryjny na wycieczkę klasową: {N}, dostępna pod {P}.",
        "Sprzedam rower górski, stan dobry, 900 zł. SMS na {P} po 18.",
        "Faks proszę wysłać na {P}, do rąk {N}.",
        "Administracja budynku ({P}) obiecała naprawę windy w piątek.",
        "Jestem na WhatsAppie pod {P}, na Telegramie też.",
        "Kto dzwonił do mnie z {P}? Trzy nieodebrane w nocy.",
        "Drzewko telefoniczne: babcia {P}, wujek Marek {P}, sąsiadka {P}.",
    ],
    "de": [
        "BEGIN:VCARD\nFN:{N}\nTEL;TYPE=HOME:{P}\nEND:VCARD",
        "Mitarbeiter: Unter welcher Nummer können wir Sie zurückrufen?\nKunde: {P}\nMitarbeiter: Danke, {N}.",
        "Ist {P} Betrug? Angeblich von der Sparkasse, wollten meine TAN.",
        "☎️ {P} | {N} | Nachhilfe Mathe",
        "04.03.2025 10:12:33 SMS-Gateway: Nachricht an {P} zugestellt",
        "Notfallkontakt für die Klassenfahrt: {N}, erreichbar unter {P}.",
        "Verkaufe Kinderwagen, kaum benutzt, 120 €. Bitte SMS an {P}, ab 18 Uhr.",
        "Das Formular bitte an {P} faxen, z. Hd. {N}.",
        "Die Hausverwaltung ({P}) kommt am Montag wegen der Heizung.",
        "Ich bin über WhatsApp unter {P} erreichbar, Signal geht auch.",
        "Wer ruft mich ständig von {P} an? Schon dreimal heute.",
        "Telefonkette Elternbeirat: Frau Berg {P}, Herr Ohl {P}, {N} {P}.",
        "Meine Nummer hat sich geändert: von {P} auf {P}. Bitte im Verein eintragen.",
        "<kontakt><name>{N}</name><telefon>{P}</telefon></kontakt>",
    ],
    "fr": [
        "BEGIN:VCARD\nFN:{N}\nTEL;TYPE=CELL:{P}\nEND:VCARD",
        "Conseiller : Un numéro pour vous rappeler si la ligne coupe ?\nClient : {P}\nConseiller : Merci.",
        "Est-ce que {P} est une arnaque ? Ils disaient appeler de ma banque.",
        "📞 {P} — {N}, cours de guitare",
        "2025-03-04 10:12:33 passerelle SMS : message remis à {P}",
        "Contact d'urgence pour la sortie scolaire : {N}, joignable au {P}.",
        "Vends vélo enfant, bon état, 60 €. Envoyez un SMS au {P} après 18h.",
        "Merci de faxer le contrat au {P}, à l'attention de {N}.",
        "Le syndic ({P}) passe lundi pour la chaudière.",
        "Je suis sur WhatsApp au {P}, et sur Signal aussi.",
        "Qui m'appelle depuis le {P} ? Trois appels cette nuit.",
        "Chaîne téléphonique : mamie {P}, tonton {P}, la voisine {P}.",
    ],
    "es": [
        "BEGIN:VCARD\nFN:{N}\nTEL;TYPE=CELL:{P}\nEND:VCARD",
        "Agente: ¿Me da un número para devolverle la llamada?\nCliente: {P}\nAgente: Gracias, {N}.",
        "¿{P} es una estafa? Decían que llamaban de mi banco.",
        "📲 {P} · {N} · clases de inglés",
        "2025-03-04 10:12:33 pasarela SMS: mensaje entregado a {P}",
        "Contacto de emergencia para la excursión: {N}, localizable en el {P}.",
        "Vendo bici de montaña, buen estado, 300 €. Manda un SMS al {P} después de las 18.",
        "Envíe el contrato por fax al {P}, a la atención de {N}.",
        "La administración del edificio ({P}) vendrá el lunes por el ascensor.",
        "Estoy en WhatsApp como {P}, también en Telegram.",
        "¿Quién me llama desde el {P}? Tres llamadas perdidas anoche.",
        "Cadena telefónica: abuela {P}, tío Pepe {P}, la vecina {P}.",
        "Cambié de número: del {P} al {P}. Actualízalo en el grupo, por favor.",
    ],
    "it": [
        "BEGIN:VCARD\nFN:{N}\nTEL;TYPE=CELL:{P}\nEND:VCARD",
        "Operatore: Mi lascia un numero per richiamarla?\nCliente: {P}\nOperatore: Grazie, {N}.",
        "{P} è una truffa? Dicevano di chiamare dalla mia banca.",
        "📞 {P} — {N}, ripetizioni di latino",
        "2025-03-04 10:12:33 gateway SMS: messaggio consegnato a {P}",
        "Contatto di emergenza per la gita: {N}, reperibile al {P}.",
        "Vendo passeggino, ottime condizioni, 150 €. SMS al {P} dopo le 18.",
        "Inviare il modulo via fax al {P}, alla c.a. di {N}.",
        "L'amministratore ({P}) passa lunedì per la caldaia.",
        "Mi trovi su WhatsApp al {P}, anche su Telegram.",
        "Chi mi chiama dal {P}? Tre chiamate stanotte.",
        "Catena telefonica: nonna {P}, zio Gino {P}, la vicina {P}.",
    ],
    "nl": [
        "BEGIN:VCARD\nFN:{N}\nTEL;TYPE=CELL:{P}\nEND:VCARD",
        "Medewerker: Op welk nummer kunnen we u terugbellen?\nKlant: {P}\nMedewerker: Dank u, {N}.",
        "Is {P} oplichting? Ze zeiden dat ze van de bank belden.",
        "📞 {P} · {N} · bijles wiskunde",
        "2025-03-04 10:12:33 sms-gateway: bericht afgeleverd bij {P}",
        "Noodcontact voor het schoolreisje: {N}, bereikbaar op {P}.",
        "Te koop: kinderfiets, 50 euro. Sms naar {P} na 18 uur.",
        "Het formulier graag faxen naar {P}, t.a.v. {N}.",
        "De VvE-beheerder ({P}) komt maandag voor de lift.",
        "Ik zit op WhatsApp onder {P}, Signal kan ook.",
        "Wie belt mij steeds vanaf {P}? Al drie keer vandaag.",
        "Belboom ouderraad: oma {P}, ome Kees {P}, buurvrouw {P}.",
    ],
    "pt": [
        "BEGIN:VCARD\nFN:{N}\nTEL;TYPE=CELL:{P}\nEND:VCARD",
        "Atendente: Pode me passar um número para retorno?\nCliente: {P}\nAtendente: Obrigado, {N}.",
        "{P} é golpe? Disseram que ligavam do meu banco.",
        "📱 {P} · {N} · aulas de violão",
        "2025-03-04 10:12:33 gateway SMS: mensagem entregue a {P}",
        "Contato de emergência para a excursão: {N}, disponível no {P}.",
        "Vendo bicicleta, bom estado, R$ 800. Mande SMS para {P} depois das 18h.",
        "Envie o contrato por fax para {P}, aos cuidados de {N}.",
        "A administradora do prédio ({P}) vem na segunda por causa do elevador.",
        "Estou no WhatsApp pelo {P}, no Telegram também.",
        "Quem me liga do {P}? Três chamadas perdidas esta noite.",
        "Corrente de telefone: avó {P}, tio Zé {P}, a vizinha {P}.",
        "Mudei de número: do {P} para o {P}. Atualize no grupo, por favor.",
    ],
}

# {N} name, {S} an SSN.
SSN_FRAMES = {
    "en": [
        "W-2, box a (Employee's social security number): {S}, box e: {N}",
        "Background check for {N} came back clean. SSN on file: {S}.",
        "payroll_id,name,ssn,state\n4471,{N},{S},OH",
        "SSN#{S} — please verify before the I-9 deadline.",
        "Her S.S.N. is {S}; the bank needs it for the account.",
        "soc. sec. {S} (per the applicant's letter)",
    ],
    "pl": [
        "Do amerykańskiego zeznania podatkowego potrzebny jest numer SSN: {S} ({N}).",
        "Pracownik {N}, numer ubezpieczenia społecznego USA {S}.",
    ],
    "de": [
        "Für das US-Steuerformular braucht {N} die Social Security Number {S}.",
        "Mitarbeiterin {N} (SSN {S}) wechselt nach Ohio.",
    ],
    "fr": [
        "Numéro de sécurité sociale américain (SSN) de {N} : {S}.",
        "Pour le formulaire W-9, indiquez votre SSN {S}.",
    ],
    "es": [
        "Mi número de Seguro Social es {S}, ¿lo necesitan para la nómina?",
        "Empleado {N}, SSN {S}, alta en Texas.",
    ],
    "it": [
        "Il Social Security Number americano di {N} è {S}.",
        "Per il modulo W-4 serve il numero di previdenza sociale USA: {S}.",
    ],
    "nl": [
        "Geen BSN maar zijn Amerikaanse SSN: {S} ({N}).",
        "Voor het Amerikaanse belastingformulier: social security number {S}.",
    ],
    "pt": [
        "O número do Seguro Social americano de {N} é {S}.",
        "Funcionário {N}, SSN {S}, admissão na Flórida.",
    ],
}


def luhn_complete(body):
    """`body` with its Luhn check digit appended."""
    total = 0
    for i, c in enumerate(reversed(body)):
        v = int(c) * (2 if i % 2 == 0 else 1)
        total += v - 9 if v > 9 else v
    return body + str((10 - total % 10) % 10)


def ean13(rng):
    """A GTIN-13 with its check digit."""
    d = "".join(str(rng.randint(0, 9)) for _ in range(12))
    s = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(d))
    return d + str((10 - s % 10) % 10)


def digits(rng, k):
    """`k` random digits."""
    return "".join(str(rng.randint(0, 9)) for _ in range(k))


def lookalikes(rng):
    """Digit-heavy texts with no PII, each must give no finding; (lang, text)."""
    n = rng.randint
    y, mo, d, h, mi, s = n(2016, 2027), n(1, 12), n(1, 28), n(0, 23), n(0, 59), n(0, 59)
    epoch = n(1_500_000_000, 1_800_000_000)
    imei = luhn_complete(f"35{digits(rng, 12)}")
    trunk = lambda: f"0{n(1, 9)}{digits(rng, 2)} {digits(rng, 3)} {digits(rng, 3)}"
    return [
        ("en", f"created_at={epoch} updated_at={epoch + n(1, 9999)} — why does the phone app sort these wrong?"),
        ("en", f"Request {epoch}{n(100, 999)} took 412 ms; the mobile client retried at {epoch + 3}{n(100, 999)}."),
        ("en", f"The call started {y}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}+01:00 and ended 14 minutes later."),
        ("en", f"Amazon order {n(100, 999)}-{digits(rng, 7)}-{digits(rng, 7)}: phone case arrived cracked."),
        ("en", f"EAN {ean13(rng)} is the barcode on the phone charger box."),
        ("en", f"My phone's IMEI is {imei}, can you check if it's blacklisted?"),
        ("en", f"Routing number {n(1, 12):02d}{digits(rng, 7)} and account {digits(rng, 10)} for the direct deposit."),
        ("en", f"EIN {n(10, 99)}-{digits(rng, 7)} belongs to the company, not to the employee."),
        ("en", f"ITIN {n(900, 999)}-{n(70, 88)}-{digits(rng, 4)} was issued in {y}; call the IRS line if it expired."),
        ("en", f"Library call number {n(100, 999)}.{digits(rng, 3)} {chr(n(65, 90))}{n(10, 99)} {y}, second floor."),
        ("en", f"Telephone pole no. {n(10, 99)}-{digits(rng, 4)}-{digits(rng, 3)} is leaning over the road."),
        ("en", f"Build {y}{mo:02d}{d:02d}.{n(1, 9)} of the Android app, version code {digits(rng, 8)}."),
        ("pl", f"Numer zamówienia {trunk()} — telefon przyszedł bez ładowarki."),
        ("pl", f"Faktura nr {n(1, 999)}/{mo:02d}/{y}, NIP sprzedawcy w stopce, kwota {n(100, 9999)},00 zł."),
        ("pl", f"Log z {d:02d}.{mo:02d}.{y} {h:02d}:{mi:02d}:{s:02d}.{digits(rng, 6)} — aplikacja mobilna padła."),
        ("pl", f"IMEI telefonu: {imei}, numer seryjny {chr(n(65, 90))}{digits(rng, 9)}."),
        ("pl", f"Frekwencja: {n(10, 99)} {digits(rng, 3)} osób, dzwoniących na infolinię {n(1, 9)} {digits(rng, 3)}."),
        ("pl", f"Wersja {n(1, 30)}.{n(0, 20)}.{digits(rng, 4)} aplikacji na telefon, kompilacja {digits(rng, 7)}."),
        ("de", f"Steuernummer {n(10, 99)}/{digits(rng, 3)}/{digits(rng, 5)} steht auf dem Bescheid, nicht die Telefonnummer."),
        ("de", f"Aktenzeichen {trunk()} — bitte bei Rückfragen angeben."),
        ("de", f"Zeitstempel {epoch}{n(100, 999)} ms, das Handy zeigt {h:02d}:{mi:02d} Uhr."),
        ("de", f"Artikel {ean13(rng)} (Handyhülle, schwarz), Menge 3."),
        ("de", f"Rechnung {y}-{digits(rng, 6)} vom {d:02d}.{mo:02d}.{y}, Betrag {n(10, 999)},{n(10, 99)} €."),
        ("de", f"SIM-Karte ICCID {8949}{digits(rng, 15)}, Handyvertrag bis {mo:02d}/{y}."),
        ("fr", f"Numéro de dossier {trunk()}, à rappeler dans tout courrier."),
        ("fr", f"Facture n° FA-{y}-{digits(rng, 5)} du {d:02d}/{mo:02d}/{y} : forfait mobile {n(10, 40)},99 €."),
        ("fr", f"Horodatage {y}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}:{s:02d},{digits(rng, 3)} — appel sortant refusé."),
        ("fr", f"SIRET {digits(rng, 14)}, TVA FR{digits(rng, 11)}."),
        ("fr", f"Le téléphone est en version {n(10, 17)}.{n(0, 6)}.{n(0, 9)} (build {n(18, 23)}{chr(n(65, 90))}{digits(rng, 3)})."),
        ("fr", f"Population : {n(1, 9)} {digits(rng, 3)} {digits(rng, 3)} habitants, {n(100, 999)} {digits(rng, 3)} abonnés mobiles."),
        ("es", f"Factura 0001-{digits(rng, 8)} del {d:02d}/{mo:02d}/{y}, plan de telefonía móvil."),
        ("es", f"Número de pedido {trunk()}: el móvil llegó sin cargador."),
        ("es", f"NIF {digits(rng, 8)}{chr(n(65, 90))}, CUIT {n(20, 27)}-{digits(rng, 8)}-{n(0, 9)}."),
        ("es", f"La llamada quedó registrada a las {h:02d}:{mi:02d}:{s:02d}.{digits(rng, 4)} del {d:02d}-{mo:02d}-{y}."),
        ("es", f"Código de barras {ean13(rng)}, funda para teléfono, lote {digits(rng, 6)}."),
        ("es", f"Versión {n(1, 9)}.{n(0, 40)}.{digits(rng, 5)} de la app, compilación {epoch}."),
        ("it", f"Partita IVA 0{digits(rng, 10)} — non è un numero di telefono."),
        ("it", f"Numero d'ordine {trunk()}: il cellulare è arrivato rotto."),
        ("it", f"Fattura n. {n(1, 999)}/{y} del {d:02d}/{mo:02d}/{y}, abbonamento telefonico {n(10, 40)},90 €."),
        ("it", f"IMEI del telefono {imei}, seriale {chr(n(65, 90))}{chr(n(65, 90))}{digits(rng, 8)}."),
        ("it", f"Timestamp {epoch}, cioè il {d:02d}/{mo:02d}/{y} alle {h:02d}:{mi:02d}."),
        ("it", f"Codice a barre {ean13(rng)} sulla confezione del caricabatterie."),
        ("nl", f"Bestelnummer {trunk()} — de telefoon is nooit bezorgd."),
        ("nl", f"KvK {digits(rng, 8)}, btw NL{digits(rng, 9)}B01."),
        ("nl", f"Factuur {y}{digits(rng, 5)} van {d:02d}-{mo:02d}-{y}, mobiel abonnement."),
        ("nl", f"Tijdstempel {y}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}.{digits(rng, 3)}Z van het gesprek."),
        ("pt", f"Número da encomenda {trunk()}: o telemóvel veio sem carregador."),
        ("pt", f"Nota fiscal {digits(rng, 3)}.{digits(rng, 3)}.{digits(rng, 3)}, série 1, plano de celular."),
        ("pt", f"CNPJ {n(10, 99)}.{digits(rng, 3)}.{digits(rng, 3)}/0001-{n(10, 99)} da operadora."),
        ("pt", f"Registro de chamada {epoch}{n(100, 999)}, duração {n(1, 59)} min."),
    ]


def international(raw, loc, rng):
    """`raw` with its calling code (`+CC`, `00CC`, `(+CC)`, `+CC` and hyphens, or run
    together), the trunk 0 dropped where it is."""
    if raw.lstrip("(").startswith("+") or raw.startswith("00") or loc not in CALLING_CODE:
        return raw
    cc = CALLING_CODE[loc]
    national = raw
    if national.startswith("(0") and ")" in national:
        national = national[2:].replace(")", " ", 1)
    elif national.startswith("0") and loc not in NO_TRUNK:
        national = national[1:]
    elif national.startswith("(") and ")" in national:
        national = national[1:].replace(")", " ", 1)
    national = " ".join(national.replace("/", " ").replace(".", " ").lstrip(" -").split())
    if loc in ("en_US", "en_CA") and national.startswith("1"):
        return raw
    if national.replace(" ", "").startswith(cc) and len(national.replace(" ", "")) > 10:
        return raw
    r = rng.random()
    if r < 0.15:
        return f"00{cc} {national}"
    if r < 0.3:
        return f"(+{cc}) {national}"
    if r < 0.42:
        return f"+{cc}-" + "-".join(national.replace("-", " ").split())
    if r < 0.55:
        return f"+{cc}" + national.replace(" ", "").replace("-", "")
    return f"+{cc} {national}"


if __name__ == "__main__":
    held_out_sets("holdout5", 2727, PHONE_FRAMES, SSN_FRAMES, NAME_LOCALES,
                  phone_drawer(PHONE_LOCALES, international), ssn_format, lookalikes)
