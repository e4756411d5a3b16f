#!/usr/bin/env python3
"""Generates a seventh held-out PII set, written before the ninth PHONE pass changed any rule.

`holdout.py` to `holdout4.py` are spent; `holdout6.py`'s `test` half is spent by the ninth
pass (its misses and look-alike findings are read); `holdout5.py`'s `test` half stays out
of sample. This set was written, and committed, before the ninth pass changed any rule,
and differs from every earlier set:

* its own sentence frames in en, pl, de, fr, es, it, nl and pt, in phrasing families the
  earlier sets do not use: delivery-driver notes left at the door, landlord and tenant
  messages, conference badges, medical intake forms, WhatsApp group-chat exports
  (`[date, time] Name: …`), bug reports quoting the number a user typed, spreadsheets
  pasted as text (space-aligned columns), voicemail transcripts ("… this is X, call me
  back at …"), school newsletters, job-board posts, insurance claims, customer-service
  escalations ("customer X, callback …, case escalated"), a number after a colon at
  the end of a sentence, and "my number is … not …" corrections;
* phone numbers from Faker locales no earlier set drew phones from (en_PH, fil_PH,
  tl_PH and ar_PS outside the default regions; the Philippine providers' mobile and
  landline numbers, as they have no `phone_number`) beside home and nearby locales in
  combinations no earlier set used (no_NO and fi_FI for English, lv_LV and bg_BG for
  Polish, sv_SE for German, fr_CH and nl_BE for French, es_CL and pt_BR for Spanish,
  el_GR for Italian, de_DE for Dutch, es_ES for Portuguese); a third rewritten with the
  calling code in styles no earlier set used (`+ CC` with a space after the plus,
  `+CC area/rest` with a slash, `+CC-area rest`, or plain `+CC`), a fifth restyled in
  new ways (the digits in threes, the area and the rest as two runs, or the area and
  the rest joined by a dot);
* SSN frames of its own (tax-preparer chats, HR onboarding rows, tenant screening,
  `SS#` and `Soc Sec #` spellings, benefits enrolment, a W-4 question, translated
  requests in the eight languages);
* 59 look-alike templates of its own, in the eight languages: parcel tracking numbers
  (UPS `1Z…`, USPS 22-digit, 12-digit ones), order ids, git SHAs and CI build numbers,
  GPS coordinates, bank sort codes with account numbers, product and part codes,
  package dimensions, log lines with timestamps, HTTP status lines with byte counts,
  phone-shaped serials and licence keys after words that are not phone words, sports
  scores and league tables, chemical formulas and CAS-like ids, PO numbers, seat and
  gate numbers, bus and tram timetables, hospital bed and ward numbers, meter ids,
  lottery tickets, container numbers, VINs, shipment weights, many beside a phone
  word in another sense ("phone case", "call volume", "mobile app"); SSN-shaped values
  that fail the SSA rules;
* seed 8383.

Each set is split by frame (or look-alike template): even ones go to `tune/`, odd ones
to `test/`. `test/` is measured once before the pass changes a rule and once at its end;
its misses are not read; `tune/` may be read. Records follow the corpus schema with `id`
and `label`, so `promptgate eval` reads them:

    /tmp/fk/bin/python src/detect/pii/testdata/holdout7.py --out /tmp/pii-holdout7
    promptgate --config l2-off.toml eval /tmp/pii-holdout7/test/*.jsonl

(`l2-off.toml` holding `[policy.l2]` `enabled = false`.) Nothing here is checked in as
data or asserted by a test: once a `test/` miss is used to change a rule, the set is
no longer held out (change the seed and write new frames).
"""

from gen_common import held_out_sets, ssn_format

# Person providers by language (PERSON is not this set's subject; in-list locales).
NAME_LOCALES = {
    "en": ["en_US", "en_GB", "en_NZ", "en_IE"], "pl": ["pl_PL"], "de": ["de_DE", "de_AT"],
    "fr": ["fr_FR", "fr_BE"], "es": ["es_ES", "es_MX"], "it": ["it_IT", "it_CH"],
    "nl": ["nl_NL", "nl_BE"], "pt": ["pt_PT", "pt_BR"],
}
# Phone providers by language: home and nearby locales (two in three numbers), then
# locales outside the default regions.
PHONE_LOCALES = {
    "en": (["en_US", "en_GB", "en_GB", "no_NO", "fi_FI"], ["en_PH", "ar_PS"]),
    "pl": (["pl_PL", "pl_PL", "lv_LV", "bg_BG"], ["fil_PH", "ar_PS"]),
    "de": (["de_DE", "de_DE", "de_AT", "de_CH", "sv_SE"], ["ar_PS", "tl_PH"]),
    "fr": (["fr_FR", "fr_FR", "fr_CH", "nl_BE"], ["ar_PS", "en_PH"]),
    "es": (["es_ES", "es_ES", "es_MX", "es_CL", "pt_BR"], ["fil_PH", "ar_PS"]),
    "it": (["it_IT", "it_IT", "it_CH", "el_GR"], ["ar_PS", "tl_PH"]),
    "nl": (["nl_NL", "nl_NL", "nl_BE", "de_DE"], ["tl_PH", "en_PH"]),
    "pt": (["pt_PT", "pt_PT", "pt_BR", "es_ES"], ["tl_PH", "ar_PS"]),
}
CALLING_CODE = {
    "en_US": "1", "en_GB": "44", "no_NO": "47", "fi_FI": "358",
    "en_PH": "63", "fil_PH": "63", "tl_PH": "63", "ar_PS": "970",
    "pl_PL": "48", "lv_LV": "371", "bg_BG": "359", "de_DE": "49", "de_AT": "43",
    "de_CH": "41", "sv_SE": "46", "fr_FR": "33", "fr_CH": "41", "nl_BE": "32",
    "es_ES": "34", "es_MX": "52", "es_CL": "56", "pt_BR": "55", "it_IT": "39",
    "it_CH": "41", "el_GR": "30", "nl_NL": "31", "pt_PT": "351",
}
# Countries whose national numbers keep no trunk prefix (the calling code goes in front).
NO_TRUNK = {"pl_PL", "es_ES", "pt_PT", "it_IT", "en_US", "es_MX", "no_NO", "lv_LV", "el_GR",
            "es_CL"}

# {N} name, {P} phone (a new one each time), {E} e-mail. Braces not around a single
# letter are literal.
PHONE_FRAMES = {
    "en": [
        "Driver note: left the parcel behind the bins, customer asked to text {P} on arrival.",
        "Hi, it's your landlord {N}. The boiler engineer comes Thursday; if you're out, ring me on {P}.",
        "BADGE\n{N}\nSenior Buyer, Northwind Ltd\n{P}",
        "Patient intake — Name: {N}; DOB: 14/03/1988; Emergency contact phone: {P}; Allergies: none",
        "[12/03/24, 18:42] {N}: my new number is {P}, please save it",
        "Bug #4412: signup fails when the user enters {P} in the phone field (validation error).",
        "Name            Role        Phone\n{N}      Treasurer   {P}",
        "Voicemail (0:41): \"Hi, this is {N} from the clinic, please call me back at {P} when you can.\"",
        "School newsletter: questions about the trip go to Ms {N}, reachable on {P} during school hours.",
        "Job post: Warehouse operative, nights. Apply by calling the site manager on {P}.",
        "Insurance claim 7731: insured {N}, contact number {P}, incident date 02/05/2024.",
        "ESCALATION — customer {N} wants a callback on {P} before 5pm, case priority high.",
        "Sorry, typo in my last mail — my number is {P}, not the one in the signature.",
        "If the gate is locked, the concierge has a key. You can reach him at {P}.",
    ],
    "pl": [
        "Notatka kuriera: paczka u sąsiada spod 4, klient prosił o SMS na {P}.",
        "Dzień dobry, tu właściciel mieszkania, {N}. Hydraulik będzie w czwartek, w razie czego proszę dzwonić: {P}.",
        "IDENTYFIKATOR\n{N}\nKierownik zakupów\n{P}",
        "Karta pacjenta — {N}; data ur. 14.03.1988; telefon do osoby bliskiej: {P}",
        "[12.03.24, 18:42] {N}: mój nowy numer to {P}, zapiszcie",
        "Błąd #4412: rejestracja nie działa, gdy użytkownik wpisze {P} w polu telefonu.",
        "Poczta głosowa: „Dzień dobry, mówi {N} z przychodni, proszę oddzwonić pod {P}.”",
        "Ogłoszenie: magazynier na noce. Zainteresowanych prosimy o kontakt z kierownikiem: {P}.",
        "Zgłoszenie szkody 7731: poszkodowany {N}, numer kontaktowy {P}.",
        "ESKALACJA — klient {N} prosi o oddzwonienie na {P} przed 17:00.",
    ],
    "de": [
        "Fahrernotiz: Paket beim Nachbarn abgegeben, Kunde bittet um SMS an {P}.",
        "Hallo, hier ist Ihr Vermieter {N}. Der Heizungsmonteur kommt Donnerstag, melden Sie sich ggf. unter {P}.",
        "NAMENSSCHILD\n{N}\nEinkaufsleitung\n{P}",
        "Anamnesebogen — {N}; geb. 14.03.1988; Notfallkontakt Telefon: {P}",
        "[12.03.24, 18:42] {N}: meine neue Nummer ist {P}, bitte speichern",
        "Bug #4412: Registrierung schlägt fehl, wenn der Nutzer {P} ins Telefonfeld eingibt.",
        "Mailbox: „Hallo, hier ist {N} von der Praxis, rufen Sie mich bitte unter {P} zurück.“",
        "Stellenanzeige: Lagerhelfer (m/w/d), Nachtschicht. Bewerbung telefonisch beim Schichtleiter: {P}.",
        "Schadenmeldung 7731: Versicherungsnehmer {N}, Rückrufnummer {P}.",
        "ESKALATION — Kunde {N} wünscht Rückruf unter {P} vor 17 Uhr.",
        "Elternbrief: Fragen zur Klassenfahrt bitte an Frau {N}, erreichbar unter {P}.",
    ],
    "fr": [
        "Note du livreur : colis déposé chez le voisin, le client demande un SMS au {P}.",
        "Bonjour, c'est votre propriétaire, {N}. Le chauffagiste passe jeudi ; en cas d'absence, appelez-moi au {P}.",
        "BADGE\n{N}\nResponsable achats\n{P}",
        "Fiche d'admission — {N} ; né le 14/03/1988 ; personne à prévenir, tél. : {P}",
        "[12/03/24 18:42] {N} : mon nouveau numéro c'est le {P}, enregistrez-le",
        "Bug #4412 : l'inscription échoue quand l'utilisateur saisit {P} dans le champ téléphone.",
        "Messagerie : « Bonjour, c'est {N} du cabinet, merci de me rappeler au {P}. »",
        "Offre d'emploi : préparateur de commandes de nuit. Candidatures par téléphone au {P}.",
        "Déclaration de sinistre 7731 : assuré {N}, numéro de rappel {P}.",
        "ESCALADE — le client {N} souhaite être rappelé au {P} avant 17 h.",
    ],
    "es": [
        "Nota del repartidor: paquete entregado al vecino, el cliente pidió un SMS al {P}.",
        "Hola, soy tu casero, {N}. El técnico de la caldera viene el jueves; si no estás, llámame al {P}.",
        "ACREDITACIÓN\n{N}\nJefa de compras\n{P}",
        "Ficha de ingreso — {N}; nacido el 14/03/1988; teléfono de contacto de emergencia: {P}",
        "[12/3/24 18:42] {N}: mi número nuevo es {P}, guardadlo",
        "Bug #4412: el registro falla cuando el usuario escribe {P} en el campo de teléfono.",
        "Buzón de voz: «Hola, soy {N} del centro de salud, devuélvame la llamada al {P}».",
        "Oferta de empleo: mozo de almacén, turno de noche. Interesados llamar al encargado: {P}.",
        "Parte de siniestro 7731: asegurado {N}, teléfono de contacto {P}.",
        "ESCALADO — el cliente {N} pide que le llamen al {P} antes de las 17:00.",
    ],
    "it": [
        "Nota del corriere: pacco lasciato al vicino, il cliente chiede un SMS al {P}.",
        "Ciao, sono il padrone di casa, {N}. Il tecnico della caldaia passa giovedì; se non ci sei chiamami al {P}.",
        "BADGE\n{N}\nResponsabile acquisti\n{P}",
        "Scheda di accettazione — {N}; nato il 14/03/1988; recapito telefonico di emergenza: {P}",
        "[12/03/24, 18:42] {N}: il mio nuovo numero è {P}, salvatelo",
        "Bug #4412: la registrazione fallisce se l'utente inserisce {P} nel campo telefono.",
        "Segreteria: «Buongiorno, sono {N} dello studio, mi richiami al {P}».",
        "Annuncio di lavoro: magazziniere turno notte. Candidature telefoniche al responsabile: {P}.",
        "Denuncia di sinistro 7731: assicurato {N}, numero per essere richiamato {P}.",
        "ESCALATION — il cliente {N} chiede di essere richiamato al {P} entro le 17.",
    ],
    "nl": [
        "Notitie bezorger: pakket bij de buren, klant vraagt om een sms naar {P}.",
        "Hoi, met je verhuurder {N}. De cv-monteur komt donderdag; ben je er niet, bel me dan op {P}.",
        "BADGE\n{N}\nHoofd inkoop\n{P}",
        "Intakeformulier — {N}; geb. 14-03-1988; telefoon contactpersoon bij nood: {P}",
        "[12-03-24 18:42] {N}: mijn nieuwe nummer is {P}, even opslaan",
        "Bug #4412: registratie mislukt als de gebruiker {P} in het telefoonveld invult.",
        "Voicemail: 'Hallo, met {N} van de praktijk, wilt u mij terugbellen op {P}?'",
        "Vacature: magazijnmedewerker nachtdienst. Solliciteren kan telefonisch bij de teamleider: {P}.",
        "Schademelding 7731: verzekerde {N}, terugbelnummer {P}.",
        "ESCALATIE — klant {N} wil vóór 17.00 uur teruggebeld worden op {P}.",
    ],
    "pt": [
        "Nota do estafeta: encomenda deixada com o vizinho, o cliente pediu SMS para o {P}.",
        "Olá, é o senhorio, {N}. O técnico da caldeira vem na quinta; se não estiver, ligue-me para o {P}.",
        "CREDENCIAL\n{N}\nDiretora de compras\n{P}",
        "Ficha de admissão — {N}; nascido a 14/03/1988; telefone de contacto de emergência: {P}",
        "[12/03/24, 18:42] {N}: o meu número novo é {P}, guardem",
        "Bug #4412: o registo falha quando o utilizador escreve {P} no campo do telefone.",
        "Correio de voz: «Olá, fala {N} da clínica, por favor ligue de volta para o {P}.»",
        "Anúncio de emprego: operador de armazém, turno da noite. Candidaturas por telefone ao encarregado: {P}.",
        "Participação de sinistro 7731: segurado {N}, contacto telefónico {P}.",
        "ESCALAMENTO — o cliente {N} pede para ser contactado no {P} antes das 17h.",
    ],
}

# {N} name, {S} an SSN.
SSN_FRAMES = {
    "en": [
        "Tax preparer chat: ok, and the SSN for your dependent {N}? — it's {S}",
        "Onboarding row: {N} | SS# {S} | direct deposit: yes",
        "Tenant screening for {N}: Soc Sec # {S}, current rent 1,450.",
        "Benefits enrolment — spouse {N}, social security number {S}, plan B.",
        "On the W-4 do I put my SSN {S} on line 1(b)? It's my first job.",
        "Please run a background check on {N} (SSN {S}) before Friday.",
    ],
    "pl": [
        "Formularz podatkowy w USA: {N}, SSN {S} — gdzie to wpisać?",
        "Pracodawca w Chicago prosi o mój Social Security Number: {S}. Czy to bezpieczne?",
    ],
    "de": [
        "US-Steuerformular für {N}: SSN {S}, wo trage ich das ein?",
        "Der Vermieter in Boston will meine Social Security Number {S} für die Bonitätsprüfung.",
    ],
    "fr": [
        "Formulaire fiscal américain pour {N} : SSN {S}, quelle case ?",
        "Le propriétaire à Boston demande mon Social Security Number {S} pour l'enquête de solvabilité.",
    ],
    "es": [
        "Formulario de impuestos de EE. UU. para {N}: SSN {S}, ¿en qué casilla va?",
        "El casero de Miami me pide el número de Seguro Social {S} para el alquiler.",
    ],
    "it": [
        "Modulo fiscale USA per {N}: SSN {S}, in quale riquadro va?",
        "Il proprietario a Boston chiede il mio Social Security Number {S} per la verifica.",
    ],
    "nl": [
        "Amerikaans belastingformulier voor {N}: SSN {S}, in welk vak?",
        "De verhuurder in Boston vraagt mijn social security number {S} voor de kredietcheck.",
    ],
    "pt": [
        "Formulário de impostos dos EUA para {N}: SSN {S}, em que campo?",
        "O senhorio em Boston pede o meu número de Social Security {S} para a verificação.",
    ],
}


def digits(rng, k):
    """`k` random digits."""
    return "".join(str(rng.randint(0, 9)) for _ in range(k))


def hexs(rng, k):
    """`k` random lowercase hex digits."""
    return "".join(rng.choice("0123456789abcdef") for _ in range(k))


def spaced4(s):
    """`s` in groups of four separated by spaces."""
    return " ".join(s[i:i + 4] for i in range(0, len(s), 4))


def lookalikes(rng):
    """Digit-heavy texts with no PII, each must give no finding; (lang, text)."""
    n = rng.randint
    y, mo, d, h, mi, s = n(2016, 2027), n(1, 12), n(1, 28), n(0, 23), n(0, 59), n(0, 59)
    usps = "9400" + digits(rng, 18)
    tracking12 = digits(rng, 12)
    sha = hexs(rng, 40)
    lat, lon = f"{n(35, 59)}.{digits(rng, 6)}", f"{n(1, 29)}.{digits(rng, 6)}"
    sort = f"{n(10, 99)}-{n(10, 99)}-{n(10, 99)}"
    acct = digits(rng, 8)
    serial = f"{digits(rng, 3)}-{digits(rng, 3)}-{digits(rng, 4)}"
    key = "-".join(digits(rng, 5) for _ in range(4))
    return [
        ("en", f"UPS tracking 1Z{digits(rng, 3)}E{n(1, 9)}{digits(rng, 10)}, the phone case arrives Friday."),
        ("en", f"USPS tracking number: {spaced4(usps)} — out for delivery."),
        ("en", f"FedEx {tracking12} was delivered at {h:02d}:{mi:02d}; signed by reception."),
        ("en", f"Order #{n(100, 999)}-{digits(rng, 7)}-{digits(rng, 7)} includes a phone stand and two cables."),
        ("en", f"git checkout {sha[:12]} && make build-{n(1000, 9999)}"),
        ("en", f"CI build {n(10000, 99999)} of commit {sha[:7]} failed after {n(100, 999)} s on the mobile app job."),
        ("en", f"Coordinates {lat}, -{lon}: the old phone box on the corner."),
        ("en", f"Sort code {sort}, account {acct} — for the phone bill direct debit."),
        ("en", f"Part no. {digits(rng, 3)}-{digits(rng, 4)}-{digits(rng, 3)}, qty {n(1, 50)}, bin {n(1, 40)}{chr(n(65, 72))}."),
        ("en", f"Box dimensions {n(200, 600)} x {n(100, 400)} x {n(50, 300)} mm, weight {n(1, 30)}.{n(0, 9)} kg."),
        ("en", f"{y}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}:{s:02d}.{digits(rng, 3)} INFO worker-{n(1, 9)} processed {n(1000, 99999)} call records"),
        ("en", f'10.0.{n(0, 255)}.{n(1, 254)} - - [{d:02d}/Mar/{y}:{h:02d}:{mi:02d}:{s:02d} +0000] "GET /api/v2/phones HTTP/1.1" 200 {n(1000, 99999)}'),
        ("en", f"Licence key {key} — activate it on up to 3 devices."),
        ("en", f"Device serial {serial} (router, not a phone) is on the sticker."),
        ("en", f"Final score {n(60, 120)}-{n(60, 120)}; season record {n(10, 60)}-{n(10, 60)}; attendance {n(10000, 20999)}."),
        ("en", f"C{n(6, 20)}H{n(6, 30)}O{n(1, 9)}, CAS {n(100, 9999)}-{n(10, 99)}-{n(0, 9)}, molar mass {n(100, 500)}.{digits(rng, 2)} g/mol."),
        ("en", f"PO {y}{digits(rng, 6)} approved; call-off quantity {n(100, 9999)} units."),
        ("en", f"Container MSCU{digits(rng, 7)}, seal {digits(rng, 8)}, gross {n(10000, 28000)} kg."),
        ("pl", f"Numer przesyłki {digits(rng, 24)} — etui na telefon w drodze."),
        ("pl", f"Zamówienie nr {y}/{digits(rng, 6)}/{n(10, 99)}, faktura do pobrania w aplikacji mobilnej."),
        ("pl", f"Współrzędne {lat} N, {lon} E — dawna budka telefoniczna."),
        ("pl", f"Wynik meczu {n(0, 5)}:{n(0, 5)}, widzów {n(1000, 40000)}, sezon {y}/{(y + 1) % 100:02d}."),
        ("pl", f"[{y}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}:{s:02d}] ERROR kolejka {n(100000, 999999)} zadań, połączenie zerwane"),
        ("pl", f"Kod produktu {digits(rng, 3)} {digits(rng, 3)} {digits(rng, 3)}, cena {n(10, 999)},{n(10, 99)} zł."),
        ("pl", f"Nr VIN WVWZZZ{digits(rng, 2)}Z{digits(rng, 9)}, przebieg bez zmian."),
        ("de", f"Sendungsnummer {digits(rng, 20)} – die Handyhülle kommt morgen."),
        ("de", f"Bestellung {n(100, 999)}-{digits(rng, 7)}-{digits(rng, 7)}, Rechnung im Kundenkonto."),
        ("de", f"Build {y}.{mo}.{n(100, 9999)} ({sha[:8]}) auf dem Testhandy installiert."),
        ("de", f"Koordinaten {lat}, {lon} – dort stand früher eine Telefonzelle."),
        ("de", f"Abmessungen {n(200, 600)} × {n(100, 400)} × {n(50, 300)} mm, Gewicht {n(1, 30)} kg, Artikel {digits(rng, 3)} {digits(rng, 3)} {digits(rng, 3)}."),
        ("de", f"Endstand {n(0, 5)}:{n(0, 5)} vor {spaced4(str(n(10000, 81000)))} Zuschauern; Tabellenplatz {n(1, 18)}."),
        ("de", f"Zählernummer {n(1, 9)}EBZ{digits(rng, 10)}, Stand {n(1000, 99999)} kWh."),
        ("fr", f"Numéro de suivi {spaced4(digits(rng, 16))} — la coque de téléphone arrive vendredi."),
        ("fr", f"Commande n° {n(100, 999)}-{digits(rng, 7)}-{digits(rng, 7)}, facture dans l'appli mobile."),
        ("fr", f"Coordonnées GPS : {lat}, {lon} — l'ancienne cabine téléphonique."),
        ("fr", f"Dimensions {n(20, 60)} x {n(10, 40)} x {n(5, 30)} cm, réf. produit {digits(rng, 3)}.{digits(rng, 3)}.{digits(rng, 2)}."),
        ("fr", f"{d:02d}/{mo:02d}/{y} {h:02d}:{mi:02d}:{s:02d} WARN file d'appels : {n(1000, 99999)} en attente"),
        ("fr", f"Score final {n(60, 120)}-{n(60, 120)}, affluence {spaced4(str(n(10000, 20999)))} spectateurs."),
        ("fr", f"Vol AF{n(1000, 9999)}, porte {chr(n(65, 75))}{n(10, 60)}, siège {n(1, 40)}{chr(n(65, 70))}, billet {digits(rng, 3)}-{digits(rng, 10)}."),
        ("es", f"Número de seguimiento {digits(rng, 22)}: la funda del móvil llega el viernes."),
        ("es", f"Pedido {n(100, 999)}-{digits(rng, 7)}-{digits(rng, 7)} con soporte para el teléfono."),
        ("es", f"Coordenadas {lat}, -{lon}: la antigua cabina telefónica."),
        ("es", f"HTTP/1.1 200 OK — {n(1000, 999999)} bytes enviados en {n(10, 999)} ms a la app móvil."),
        ("es", f"Código de producto {digits(rng, 3)}-{digits(rng, 3)}-{digits(rng, 3)}, lote {y}{digits(rng, 4)}."),
        ("es", f"Resultado {n(0, 5)}-{n(0, 5)}, asistencia {spaced4(str(n(10000, 80000)))}, jornada {n(1, 38)}."),
        ("it", f"Numero di spedizione {digits(rng, 13)}, la cover del telefono arriva venerdì."),
        ("it", f"Ordine n. {y}-{digits(rng, 8)}, fattura nell'app mobile."),
        ("it", f"Coordinate {lat}, {lon}: la vecchia cabina telefonica."),
        ("it", f"Matricola contatore {digits(rng, 3)} {digits(rng, 3)} {digits(rng, 4)}, lettura {n(1000, 99999)} kWh."),
        ("it", f"Reparto {n(1, 9)}, letto {n(1, 40)}, cartella clinica {y}/{digits(rng, 6)}."),
        ("it", f"Formula C{n(6, 20)}H{n(6, 30)}N{n(1, 5)}O{n(1, 9)}, numero CAS {n(100, 9999)}-{n(10, 99)}-{n(0, 9)}."),
        ("nl", f"Track & trace 3S{chr(n(65, 90))}{chr(n(65, 90))}{digits(rng, 9)}, telefoonhoesje onderweg."),
        ("nl", f"Bestelling {n(100, 999)}-{digits(rng, 7)}-{digits(rng, 7)}, factuur in de app."),
        ("nl", f"Coördinaten {lat}, {lon}: vroeger stond daar een telefooncel."),
        ("nl", f"{y}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}Z ERROR wachtrij {n(100000, 999999)} gesprekken, verbinding verbroken"),
        ("pt", f"Código de rastreio {chr(n(65, 90))}{chr(n(65, 90))}{digits(rng, 9)}PT, capa do telemóvel a caminho."),
        ("pt", f"Encomenda n.º {n(100, 999)}-{digits(rng, 7)}-{digits(rng, 7)}, fatura na app."),
        ("pt", f"Coordenadas {lat}, -{lon}: a antiga cabine telefónica."),
        ("pt", f"Resultado {n(0, 5)}-{n(0, 5)}, assistência {spaced4(str(n(10000, 60000)))}, jornada {n(1, 34)}."),
    ]


def national_groups(raw):
    """The groups of a national number with its separators and brackets removed."""
    for c in "()-./":
        raw = raw.replace(c, " ")
    return raw.split()


def international(raw, loc, rng):
    """`raw` with its calling code, the trunk 0 dropped where it is, in one of this set's
    styles: `+ CC` with a space after the plus, `+CC area/rest`, `+CC-area rest`, or
    plain `+CC`."""
    if raw.lstrip("(").startswith("+") or raw.startswith("00") or loc not in CALLING_CODE:
        return raw
    cc = CALLING_CODE[loc]
    groups = national_groups(raw)
    if not groups:
        return raw
    if groups[0].startswith("0") and loc not in NO_TRUNK:
        groups[0] = groups[0][1:]
        if not groups[0]:
            groups = groups[1:]
    if not groups:
        return raw
    if loc == "en_US" and groups[0].startswith("1"):
        return raw
    flat = "".join(groups)
    if flat.startswith(cc) and len(flat) > 10:
        return raw
    r = rng.random()
    if r < 0.2:
        return f"+ {cc} " + " ".join(groups)
    if r < 0.4 and len(groups) > 1:
        return f"+{cc} {groups[0]}/" + "".join(groups[1:])
    if r < 0.6 and len(groups) > 1:
        return f"+{cc}-{groups[0]} " + " ".join(groups[1:])
    return f"+{cc} " + " ".join(groups)


def restyle(raw, rng):
    """A national number in threes, as the area and the rest run together, or the area and
    the rest joined by a dot."""
    groups = national_groups(raw)
    if len(groups) < 2 or raw.startswith("+") or raw.startswith("00"):
        return raw
    area, rest = groups[0], "".join(groups[1:])
    flat = area + rest
    threes = " ".join(flat[i:i + 3] for i in range(0, len(flat), 3))
    if len(threes) > 1 and len(threes.split()[-1]) == 1:
        threes = threes[:-2] + threes[-1]
    return rng.choice([threes, f"{area} {rest}", f"{area}.{rest}"])


def draw(faker, rng):
    """One of `faker`'s numbers: `phone_number`, or a mobile or landline number for the
    Philippine providers, which have no `phone_number`; an extension cut off."""
    if hasattr(faker, "mobile_number") and hasattr(faker, "landline_number"):
        raw = faker.mobile_number() if rng.random() < 0.6 else faker.landline_number()
    else:
        raw = faker.phone_number()
    return raw.split("x")[0].strip()


def phone(rng, fk, lang):
    """A number of `lang`'s in-region (2/3) or outside (1/3) locales, 1/3 given a calling
    code by `international`, 1/5 restyled by `restyle`."""
    inside, outside = PHONE_LOCALES[lang]
    loc = rng.choice(inside) if rng.random() < 2 / 3 else rng.choice(outside)
    raw = draw(fk(loc), rng)
    while raw.startswith("00") or len("".join(c for c in raw if c.isdigit())) < 7:
        raw = draw(fk(loc), rng)
    r = rng.random()
    if r < 1 / 3:
        raw = international(raw, loc, rng)
    elif r < 1 / 3 + 1 / 5:
        raw = restyle(raw, rng)
    return raw


if __name__ == "__main__":
    held_out_sets("holdout7", 8383, PHONE_FRAMES, SSN_FRAMES, NAME_LOCALES, phone, ssn_format,
                  lookalikes)
