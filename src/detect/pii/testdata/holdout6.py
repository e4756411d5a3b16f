#!/usr/bin/env python3
"""Generates a sixth held-out PII set, written before the eighth PHONE pass changed any rule.

`holdout.py` to `holdout4.py` are spent; `holdout5.py`'s `test` half was measured twice by
the seventh pass (its misses never read) and is measured once more, before and after the
eighth. This set was written, and committed, before the eighth pass changed any rule, and
differs from every earlier set:

* its own sentence frames in en, pl, de, fr, es, it, nl and pt, in phrasing families the
  earlier sets do not use: appointment reminders with a "to reschedule, ring …" line, CV
  headers, out-of-office auto-replies naming a stand-in, tradesman recommendations
  ("great plumber, his number: …"), source-code constants, SQL `INSERT` rows, `curl`
  calls to an SMS API, accident reports ("the other driver gave me her number"), RSVP
  lines, "convert … to E.164" requests, a number with an extension after it, babysitter
  notes with two parents' numbers, reference-letter closings, ride-share driver notices,
  dictated numbers ("write this down: …"), bold Markdown labels;
* phone numbers from Faker locales no earlier set drew phones from (hi_IN, ta_IN, mr_IN
  in the default regions; ar_JO and tw_GH outside them) beside home and nearby locales in
  new combinations (cs, sk, uk for Polish; de_LU for German and French; sl, hr for
  Italian; da, sv for Dutch; ro for Portuguese; he_IL, uz_UZ, ko_KR, th_TH, tr_TR,
  ka_GE outside); a third rewritten with the calling code in styles the earlier sets do
  not use (`+CC.` with dots, `+CC (area) rest`, `00 CC` with a space, national digits in
  pairs, or plain `+CC`), a fifth restyled in new ways (a slash after the area code, the
  area in brackets, the rest in pairs);
* SSN frames of its own (1099 contractor onboarding, credit and mortgage applications,
  FAFSA help, identity-theft reports, JSON rows, `Social Sec. No.` and `SSN:` spellings,
  and translated requests in the eight languages);
* its own look-alikes, in the eight languages: video-meeting IDs with passcodes, device
  serial numbers grouped with a leading 0, postal codes with street numbers, court file
  signatures, spaced date-times in exports, bank-transfer references, physical constants
  grouped by spaces, DUNS numbers, museum inventory numbers, lab sample ids, odometer and
  stock-volume figures, recipe quantities, opening hours, parcel-locker pickup codes,
  tyre and dimension strings, and quarter/fiscal references; SSN-shaped values that fail
  the SSA rules;
* seed 6161.

Each set is split by frame (or look-alike template): even ones go to `tune/`, odd ones
to `test/`. `test/` is measured once before the pass changes a rule and once at its end;
its misses are not read; `tune/` may be read. Records follow the corpus schema with `id`
and `label`, so `promptgate eval` reads them:

    /tmp/fk/bin/python src/detect/pii/testdata/holdout6.py --out /tmp/pii-holdout6
    promptgate --config l2-off.toml eval /tmp/pii-holdout6/test/*.jsonl

(`l2-off.toml` holding `[policy.l2]` `enabled = false`.) Nothing here is checked in as
data or asserted by a test: once a `test/` miss is used to change a rule, the set is
no longer held out (change the seed and write new frames).
"""

from gen_common import held_out_sets, ssn_format

# Person providers by language (PERSON is not this set's subject; in-list locales).
NAME_LOCALES = {
    "en": ["en_US", "en_GB", "en_AU"], "pl": ["pl_PL"], "de": ["de_DE", "de_AT"],
    "fr": ["fr_FR", "fr_CH"], "es": ["es_ES", "es_MX"], "it": ["it_IT", "it_CH"],
    "nl": ["nl_NL", "nl_BE"], "pt": ["pt_PT", "pt_BR"],
}
# Phone providers by language: home and nearby locales (two in three numbers), then
# locales outside the default regions.
PHONE_LOCALES = {
    "en": (["en_US", "en_GB", "en_AU", "hi_IN", "ta_IN"], ["tw_GH", "ar_JO"]),
    "pl": (["pl_PL", "pl_PL", "cs_CZ", "sk_SK", "uk_UA"], ["ka_GE", "tr_TR"]),
    "de": (["de_DE", "de_DE", "de_AT", "de_CH", "de_LU"], ["he_IL", "uz_UZ"]),
    "fr": (["fr_FR", "fr_FR", "fr_CH", "de_LU"], ["ar_JO", "tw_GH"]),
    "es": (["es_ES", "es_ES", "es_MX", "es_AR", "mr_IN"], ["tw_GH", "he_IL"]),
    "it": (["it_IT", "it_IT", "it_CH", "sl_SI", "hr_HR"], ["ar_JO", "tr_TR"]),
    "nl": (["nl_NL", "nl_NL", "nl_BE", "da_DK", "sv_SE"], ["ko_KR", "tw_GH"]),
    "pt": (["pt_PT", "pt_PT", "pt_BR", "ro_RO"], ["ar_JO", "th_TH"]),
}
CALLING_CODE = {
    "en_US": "1", "en_GB": "44", "en_AU": "61", "hi_IN": "91", "ta_IN": "91", "mr_IN": "91",
    "tw_GH": "233", "ar_JO": "962", "pl_PL": "48", "cs_CZ": "420", "sk_SK": "421",
    "uk_UA": "380", "ka_GE": "995", "tr_TR": "90", "de_DE": "49", "de_AT": "43",
    "de_CH": "41", "de_LU": "352", "he_IL": "972", "uz_UZ": "998", "fr_FR": "33",
    "fr_CH": "41", "es_ES": "34", "es_MX": "52", "es_AR": "54", "it_IT": "39",
    "it_CH": "41", "sl_SI": "386", "hr_HR": "385", "nl_NL": "31", "nl_BE": "32",
    "da_DK": "45", "sv_SE": "46", "ko_KR": "82", "pt_PT": "351", "pt_BR": "55",
    "ro_RO": "40", "th_TH": "66",
}
# Countries whose national numbers keep no trunk prefix (the calling code goes in front).
NO_TRUNK = {"pl_PL", "es_ES", "pt_PT", "it_IT", "en_US", "es_MX", "da_DK", "de_LU", "cs_CZ",
            "sk_SK"}

# {N} name, {P} phone (a new one each time), {E} e-mail. Braces not around a single
# letter are literal.
PHONE_FRAMES = {
    "en": [
        "Reminder: your dental check-up is on Tuesday at 9:40. To reschedule, ring {P}.",
        "CURRICULUM VITAE\n{N}\nTel. {P} | {E}\nProfile: logistics coordinator, 8 years.",
        "I am out of the office until 12 May. For anything urgent please contact {N} on {P}.",
        "Great plumber — {N}, fixed our leak in an hour. His number: {P}",
        'SUPPORT_HOTLINE = "{P}"  # shown in the app footer',
        "INSERT INTO contacts (name, phone) VALUES ('{N}', '{P}');",
        "curl -X POST https://api.example.com/v1/sms -d to='{P}' -d body='Your parcel is ready'",
        "The other driver, {N}, gave me her number ({P}) and her insurer's name.",
        "Please RSVP by June 1st to {N} — {P}.",
        "Convert {P} to E.164 format, please.",
        "Reception: {P} ext. 214, ask for {N}.",
        "Babysitter notes: bedtime 8pm, no sweets. Mum's mobile {P}, Dad's {P}.",
        "Should you need further information, I can be reached at {P}. Kind regards, {N}",
        "Your driver {N} is 3 minutes away (grey Skoda). Contact: {P}",
        "Write this down: {P}. That's my sister's, call her if I don't answer.",
        "- **Mobile:** {P}\n- **Email:** {E}",
    ],
    "pl": [
        "Przypomnienie: wizyta u dentysty we wtorek o 9:40. Aby ją przełożyć, prosimy dzwonić pod {P}.",
        "ŻYCIORYS\n{N}\nTel. {P} · {E}",
        "Jestem na urlopie do 12 maja. W pilnych sprawach proszę kontaktować się z {N}, tel. {P}.",
        "Polecam hydraulika — {N}, naprawił przeciek w godzinę. Jego numer: {P}",
        "INSERT INTO kontakty (imie, telefon) VALUES ('{N}', '{P}');",
        "Drugi kierowca, {N}, podał mi swój numer ({P}) i nazwę ubezpieczyciela.",
        "Potwierdzenie obecności na weselu do 1 czerwca: {N}, {P}.",
        "Przekonwertuj {P} na format E.164.",
        "Recepcja: {P} wew. 214, proszę pytać o {N}.",
        "Dla niani: mama {P}, tata {P}, sąsiadka z dołu w razie czego.",
        "Twój kierowca {N} będzie za 3 minuty. Kontakt: {P}",
        "Zapisz sobie: {P}. To numer mojej siostry.",
    ],
    "de": [
        "Erinnerung: Ihr Zahnarzttermin ist am Dienstag um 9:40. Zum Verschieben rufen Sie bitte {P} an.",
        "LEBENSLAUF\n{N}\nTel.: {P} · {E}",
        "Ich bin bis 12. Mai nicht im Büro. In dringenden Fällen wenden Sie sich bitte an {N} unter {P}.",
        "Super Klempner — {N}, hat das Leck in einer Stunde repariert. Seine Nummer: {P}",
        'HOTLINE_NUMMER = "{P}"  # erscheint im Impressum',
        "Der Unfallgegner, {N}, hat mir seine Nummer ({P}) und seine Versicherung gegeben.",
        "Zusagen zur Hochzeit bitte bis 1. Juni an {N} – {P}.",
        "Wandle {P} bitte ins E.164-Format um.",
        "Zentrale {P} Durchwahl -214, bitte nach {N} fragen.",
        "Für den Babysitter: Mama mobil {P}, Papa {P}.",
        "Für Rückfragen stehe ich Ihnen unter {P} gern zur Verfügung. Mit freundlichen Grüßen, {N}",
        "Ihr Fahrer {N} ist in 3 Minuten da. Kontakt: {P}",
        "Schreib mal mit: {P}, das ist die Nummer meiner Schwester.",
    ],
    "fr": [
        "Rappel : votre rendez-vous chez le dentiste est mardi à 9 h 40. Pour le déplacer, appelez le {P}.",
        "CURRICULUM VITAE\n{N}\nTél. {P} · {E}",
        "Je suis absent jusqu'au 12 mai. En cas d'urgence, contactez {N} au {P}.",
        "Super plombier — {N}, fuite réparée en une heure. Son numéro : {P}",
        "INSERT INTO contacts (nom, tel) VALUES ('{N}', '{P}');",
        "L'autre conducteur, {N}, m'a donné son numéro ({P}) et son assureur.",
        "Merci de confirmer votre présence avant le 1er juin auprès de {N} — {P}.",
        "Convertis {P} au format E.164, s'il te plaît.",
        "Accueil : {P} poste 214, demandez {N}.",
        "Pour la baby-sitter : maman {P}, papa {P}.",
        "Votre chauffeur {N} arrive dans 3 minutes. Contact : {P}",
        "Note bien : {P}, c'est le numéro de ma sœur.",
    ],
    "es": [
        "Recordatorio: su cita con el dentista es el martes a las 9:40. Para cambiarla, llame al {P}.",
        "CURRÍCULUM\n{N}\nTel. {P} · {E}",
        "Estoy fuera de la oficina hasta el 12 de mayo. Para urgencias, contacte con {N} en el {P}.",
        "Buen fontanero — {N}, arregló la fuga en una hora. Su número: {P}",
        "INSERT INTO contactos (nombre, telefono) VALUES ('{N}', '{P}');",
        "El otro conductor, {N}, me dio su número ({P}) y el de su aseguradora.",
        "Confirmad asistencia a la boda antes del 1 de junio: {N}, {P}.",
        "Convierte {P} al formato E.164, por favor.",
        "Recepción: {P} ext. 214, pregunte por {N}.",
        "Para la niñera: mamá {P}, papá {P}.",
        "Tu conductor {N} llega en 3 minutos. Contacto: {P}",
        "Apunta: {P}, es el número de mi hermana.",
    ],
    "it": [
        "Promemoria: la visita dal dentista è martedì alle 9:40. Per spostarla chiamare il {P}.",
        "CURRICULUM VITAE\n{N}\nTel. {P} · {E}",
        "Sono fuori ufficio fino al 12 maggio. Per urgenze contattare {N} al {P}.",
        "Ottimo idraulico — {N}, ha riparato la perdita in un'ora. Il suo numero: {P}",
        "INSERT INTO contatti (nome, telefono) VALUES ('{N}', '{P}');",
        "L'altro conducente, {N}, mi ha dato il suo numero ({P}) e l'assicurazione.",
        "Conferma la presenza al matrimonio entro il 1° giugno: {N}, {P}.",
        "Converti {P} nel formato E.164, per favore.",
        "Centralino {P} interno 214, chiedere di {N}.",
        "Per la babysitter: mamma {P}, papà {P}.",
        "Il tuo autista {N} arriva tra 3 minuti. Contatto: {P}",
        "Segnati: {P}, è il numero di mia sorella.",
    ],
    "nl": [
        "Herinnering: uw tandartsafspraak is dinsdag om 9:40. Om te verzetten belt u {P}.",
        "CURRICULUM VITAE\n{N}\nTel. {P} · {E}",
        "Ik ben afwezig tot 12 mei. Voor dringende zaken kunt u terecht bij {N} op {P}.",
        "Top loodgieter — {N}, lek in een uur verholpen. Zijn nummer: {P}",
        "INSERT INTO contacten (naam, telefoon) VALUES ('{N}', '{P}');",
        "De andere bestuurder, {N}, gaf me haar nummer ({P}) en haar verzekeraar.",
        "Graag vóór 1 juni laten weten of je komt: {N}, {P}.",
        "Zet {P} om naar E.164-formaat, alsjeblieft.",
        "Receptie {P} toestel 214, vraag naar {N}.",
        "Voor de oppas: mama {P}, papa {P}.",
        "Je chauffeur {N} is er over 3 minuten. Contact: {P}",
        "Schrijf op: {P}, dat is het nummer van mijn zus.",
    ],
    "pt": [
        "Lembrete: a sua consulta no dentista é na terça às 9h40. Para remarcar, ligue para o {P}.",
        "CURRICULUM VITAE\n{N}\nTel. {P} · {E}",
        "Estou fora do escritório até 12 de maio. Para assuntos urgentes, contacte {N} pelo {P}.",
        "Ótimo canalizador — {N}, arranjou a fuga numa hora. O número dele: {P}",
        "INSERT INTO contatos (nome, telefone) VALUES ('{N}', '{P}');",
        "O outro condutor, {N}, deu-me o número dele ({P}) e a seguradora.",
        "Confirme presença no casamento até 1 de junho: {N}, {P}.",
        "Converta {P} para o formato E.164, por favor.",
        "Receção: {P} extensão 214, pergunte por {N}.",
        "Para a babysitter: mãe {P}, pai {P}.",
        "O seu motorista {N} chega em 3 minutos. Contacto: {P}",
        "Anota aí: {P}, é o número da minha irmã.",
    ],
}

# {N} name, {S} an SSN.
SSN_FRAMES = {
    "en": [
        "1099 contractor onboarding: {N}, SSN: {S}, start date next Monday.",
        "Credit application — applicant {N}, Social Sec. No. {S}, annual income 64,000.",
        '{"employee": "{N}", "ssn": "{S}", "state": "NJ"}',
        "Someone opened a credit card using my social security number {S}. How do I report it?",
        "FAFSA asks for the parent's SSN; my mom's is {S}, is that the right box?",
        "Mortgage pre-approval for {N}: social security # {S}, two pay stubs attached.",
    ],
    "pl": [
        "Wniosek kredytowy w USA: {N}, numer Social Security {S}.",
        "Ktoś użył mojego numeru SSN {S} do otwarcia karty. Co robić?",
    ],
    "de": [
        "Kreditantrag in den USA: {N}, Social-Security-Nummer {S}.",
        "Jemand hat mit meiner US-Sozialversicherungsnummer {S} eine Karte eröffnet.",
    ],
    "fr": [
        "Demande de crédit aux États-Unis : {N}, numéro SSN {S}.",
        "Quelqu'un a ouvert une carte avec mon numéro de Social Security {S}. Que faire ?",
    ],
    "es": [
        "Solicitud de crédito: {N}, número de Seguro Social {S}.",
        "Alguien abrió una tarjeta con mi SSN {S}, ¿cómo lo denuncio?",
    ],
    "it": [
        "Richiesta di mutuo negli USA: {N}, Social Security Number {S}.",
        "Qualcuno ha aperto una carta con il mio SSN {S}. Cosa faccio?",
    ],
    "nl": [
        "Kredietaanvraag in de VS: {N}, social security number {S}.",
        "Iemand heeft met mijn SSN {S} een creditcard geopend. Wat nu?",
    ],
    "pt": [
        "Pedido de crédito nos EUA: {N}, número de Social Security {S}.",
        "Alguém abriu um cartão com o meu SSN {S}. O que faço?",
    ],
}


def digits(rng, k):
    """`k` random digits."""
    return "".join(str(rng.randint(0, 9)) for _ in range(k))


def spaced(n):
    """`n` grouped by thousands with spaces (299 792 458)."""
    return f"{n:,}".replace(",", " ")


def lookalikes(rng):
    """Digit-heavy texts with no PII, each must give no finding; (lang, text)."""
    n = rng.randint
    y, mo, d, h, mi = n(2016, 2027), n(1, 12), n(1, 28), n(0, 23), n(0, 59)
    meeting = f"{n(100, 999)} {digits(rng, 4)} {digits(rng, 4)}"
    serial = f"0{digits(rng, 3)} {digits(rng, 4)} {digits(rng, 4)}"
    ref = f"{y} {digits(rng, 4)} {digits(rng, 4)}"
    return [
        ("en", f"Meeting ID: {meeting}  Passcode: {digits(rng, 6)} — join from the phone app."),
        ("en", f"S/N {serial} is printed under the battery of the cordless phone."),
        ("en", f"DUNS {n(10, 99)}-{digits(rng, 3)}-{digits(rng, 4)} is on the supplier form, next to the phone field."),
        ("en", f"Speed of light: {spaced(299792458)} m/s; a phone signal covers {spaced(n(100000, 999999))} km in a second or so."),
        ("en", f"Odometer {spaced(n(10000, 299999))} km, registered {mo:02d}/{y}, phone holder included."),
        ("en", f"Volume {spaced(n(1000000, 99999999))} shares, market cap {spaced(n(100000000, 999999999))} USD (telecoms)."),
        ("en", f"Recipe: {n(200, 600)} g flour, {n(100, 400)} ml milk, bake at {n(160, 220)} °C for {n(20, 50)} min."),
        ("en", f"Parcel locker {n(1, 9)}{chr(n(65, 90))}{n(10, 99)}, pickup code {digits(rng, 6)}; we'll text the phone on file."),
        ("en", f"Tyres {n(195, 255)}/{n(40, 65)} R{n(15, 19)} {n(88, 99)}V, DOT {digits(rng, 4)}."),
        ("en", f"Q{n(1, 4)} FY{y} call volume: {spaced(n(10000, 999999))} inbound, {spaced(n(1000, 99999))} outbound."),
        ("en", f"Lab sample {y}-{digits(rng, 4)}-{digits(rng, 3)} arrived at {h:02d}:{mi:02d}."),
        ("en", f"Open Mon–Fri {n(7, 9):02d}:00–{n(17, 20)}:00, Sat {n(8, 10):02d}:00–{n(12, 14)}:00; phone orders until {n(15, 17)}:30."),
        ("pl", f"ID spotkania: {meeting}, kod dostępu {digits(rng, 6)}."),
        ("pl", f"ul. Długa {n(1, 120)}/{n(1, 60)}, {n(10, 99)}-{digits(rng, 3)} Warszawa — tam jest salon z telefonami."),
        ("pl", f"Sygn. akt I C {n(100, 9999)}/{y % 100:02d}, rozprawa {d:02d}.{mo:02d}.{y}."),
        ("pl", f"Eksport: {d:02d} {mo:02d} {y} {h:02d} {mi:02d} {n(10, 99)} — połączenie odrzucone."),
        ("pl", f"Numer seryjny {serial}, telefon stacjonarny Gigaset."),
        ("pl", f"Przebieg {spaced(n(10000, 299999))} km, rocznik {y - 10}, uchwyt na telefon w zestawie."),
        ("de", f"Meeting-ID: {meeting}, Kenncode {digits(rng, 6)}."),
        ("de", f"Verwendungszweck: RE {ref}, bitte bei Rückfragen angeben."),
        ("de", f"Inv.-Nr. {y - 40}/{digits(rng, 4)}/{n(10, 99)} im Museum für Kommunikation (Telefonsammlung)."),
        ("de", f"Abholcode {digits(rng, 6)} für Packstation {n(100, 299)}, Handy-Benachrichtigung folgt."),
        ("de", f"Reifen {n(195, 255)}/{n(40, 65)} R{n(15, 19)}, Maße {n(100, 999)} × 0{n(10, 99)} × 0{n(10, 99)} mm."),
        ("de", f"Export {d:02d} {mo:02d} {y} {h:02d} {mi:02d}: Anruf abgelehnt."),
        ("fr", f"ID de réunion : {meeting}, code secret {digits(rng, 6)}."),
        ("fr", f"{n(10, 95)} {digits(rng, 3)} Paris, {n(1, 120)} rue de la Paix — boutique de téléphones."),
        ("fr", f"Référence du virement : {ref}, à rappeler dans votre courrier."),
        ("fr", f"Dossier RG {y % 100:02d}/{digits(rng, 5)}, audience du {d:02d}/{mo:02d}/{y}."),
        ("fr", f"Kilométrage {spaced(n(10000, 299999))} km, support téléphone inclus."),
        ("fr", f"Numéro de série {serial} sous la batterie du téléphone fixe."),
        ("es", f"ID de reunión: {meeting}, código de acceso {digits(rng, 6)}."),
        ("es", f"C/ Mayor {n(1, 120)}, {n(10, 52):02d}{digits(rng, 3)} Madrid — tienda de móviles."),
        ("es", f"Expediente {n(100, 9999)}/{y}, juzgado n.º {n(1, 30)}."),
        ("es", f"Referencia de la transferencia: {ref}."),
        ("es", f"Volumen negociado: {spaced(n(1000000, 99999999))} acciones de la operadora."),
        ("es", f"Número de serie {serial} en la base del teléfono."),
        ("it", f"ID riunione: {meeting}, passcode {digits(rng, 6)}."),
        ("it", f"Via Roma {n(1, 120)}, {n(10, 98)}{digits(rng, 3)} Milano — negozio di telefonia."),
        ("it", f"Causale del bonifico: {ref}."),
        ("it", f"R.G. n. {n(100, 9999)}/{y}, udienza del {d:02d}/{mo:02d}/{y}."),
        ("it", f"Chilometraggio {spaced(n(10000, 299999))} km, supporto telefono incluso."),
        ("it", f"Numero di serie {serial} sotto la batteria del cordless."),
        ("nl", f"Vergader-ID: {meeting}, toegangscode {digits(rng, 6)}."),
        ("nl", f"Kalverstraat {n(1, 120)}, {n(1000, 9999)} {chr(n(65, 90))}{chr(n(65, 90))} Amsterdam — telefoonwinkel."),
        ("nl", f"Betalingskenmerk {ref}, vermeld dit bij vragen."),
        ("nl", f"Kilometerstand {spaced(n(10000, 299999))} km, telefoonhouder inbegrepen."),
        ("pt", f"ID da reunião: {meeting}, senha {digits(rng, 6)}."),
        ("pt", f"Rua Augusta {n(1, 120)}, {n(1000, 9999)}-{digits(rng, 3)} Lisboa — loja de telemóveis."),
        ("pt", f"Processo n.º {n(100, 9999)}/{y % 100:02d}.{n(1, 9)}T8LSB, audiência a {d:02d}/{mo:02d}/{y}."),
        ("pt", f"Número de série {serial} por baixo da bateria do telefone."),
    ]


def national_groups(raw):
    """The groups of a national number with its separators and brackets removed."""
    for c in "()-./":
        raw = raw.replace(c, " ")
    return raw.split()


def pairs(digs):
    """`digs` in groups of two (a trailing single digit joins the last group)."""
    out = [digs[i:i + 2] for i in range(0, len(digs), 2)]
    if len(out) > 1 and len(out[-1]) == 1:
        out[-2] += out.pop()
    return " ".join(out)


def international(raw, loc, rng):
    """`raw` with its calling code, the trunk 0 dropped where it is, in one of this set's
    styles: `+CC.` with dots, `+CC (area) rest`, `00 CC` with a space, the national
    digits in pairs, or plain `+CC`."""
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
    if loc in ("en_US", "es_MX") and groups[0].startswith("1"):
        return raw
    flat = "".join(groups)
    if flat.startswith(cc) and len(flat) > 10:
        return raw
    r = rng.random()
    if r < 0.18:
        return f"+{cc}." + ".".join(groups)
    if r < 0.36 and len(groups) > 1:
        return f"+{cc} ({groups[0]}) " + " ".join(groups[1:])
    if r < 0.52:
        return f"00 {cc} " + " ".join(groups)
    if r < 0.7:
        return f"+{cc} " + pairs(flat)
    return f"+{cc} " + " ".join(groups)


def restyle(raw, rng):
    """A national number with a slash after its area code, its area code in brackets, or
    the rest after the area code in pairs."""
    groups = national_groups(raw)
    if len(groups) < 2 or raw.startswith("+") or raw.startswith("00"):
        return raw
    area, rest = groups[0], "".join(groups[1:])
    return rng.choice([f"{area}/{rest}", f"({area}) {' '.join(groups[1:])}",
                       f"{area} {pairs(rest)}"])


def phone(rng, fk, lang):
    """A number of `lang`'s in-region (2/3) or outside (1/3) locales, 1/3 given a calling
    code by `international`, 1/5 restyled by `restyle`."""
    inside, outside = PHONE_LOCALES[lang]
    loc = rng.choice(inside) if rng.random() < 2 / 3 else rng.choice(outside)
    raw = fk(loc).phone_number().split("x")[0].strip()
    while raw.startswith("00") or len("".join(c for c in raw if c.isdigit())) < 7:
        raw = fk(loc).phone_number().split("x")[0].strip()
    r = rng.random()
    if r < 1 / 3:
        raw = international(raw, loc, rng)
    elif r < 1 / 3 + 1 / 5:
        raw = restyle(raw, rng)
    return raw


if __name__ == "__main__":
    held_out_sets("holdout6", 6161, PHONE_FRAMES, SSN_FRAMES, NAME_LOCALES, phone, ssn_format,
                  lookalikes)
