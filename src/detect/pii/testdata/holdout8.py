#!/usr/bin/env python3
"""Generates an eighth held-out PII set, written before the tenth PHONE pass changed any rule.

`holdout.py` to `holdout4.py` and `holdout6.py`'s `test` half are spent; `holdout7.py`'s
`test` half is spent by the tenth pass (its misses and look-alike findings are read);
`holdout5.py`'s `test` half stays out of sample. This set was written, and committed,
before the tenth pass changed any rule, and differs from every earlier set:

* its own sentence frames in en, pl, de, fr, es, it, nl and pt, in phrasing families the
  earlier sets (holdout to holdout7) do not use: hotel registration cards, meeting-minute
  action items, notes left on a windscreen after a parking scrape, requests to translate
  a sentence holding a number, radio-advert scripts ("call now on …"), CRM call notes,
  form-encoded request bodies (`recipient=…&template=…`), quoted e-mail replies (`> …`),
  tutoring flyers with tear-off strips (three numbers in a row), property letting
  adverts ("viewings by appointment …"), funeral notices, calendar entries, staff
  directory corrections ("the direct line is now …"), sports-club cancellations and
  code-review comments on a hard-coded number;
* phone numbers from Faker's bn_BD (a locale no earlier set drew phones from) and ru_RU,
  ja_JP, zh_CN, tr_TR outside the default regions, beside home and nearby locales in
  combinations no earlier set used (da_DK and en_AU for English, lt_LT and uk_UA for
  Polish, cs_CZ and de_LU for German, nl_BE and de_CH for French, es_AR, es_CO and pt_PT
  for Spanish, sl_SI and hr_HR with it_CH for Italian, da_DK and fr_FR for Dutch, it_IT
  and fr_FR for Portuguese); a third rewritten with the calling code in styles no
  earlier set used (`(+CC)` in brackets, `+CC` run together with the national digits,
  `+CC` with every group joined by hyphens, or plain `+CC`), a fifth restyled in new
  ways (groups joined by " - ", the rest after the area in fours, the area in brackets
  with no space after it);
* SSN frames of its own (payroll audits, student-loan servicers, IRS notices, Medicaid
  applications, a landlord copying the card, translated requests in the eight
  languages);
* 59 look-alike templates of its own, in the eight languages: tracking numbers in new
  carriers' shapes, order and return ids, git SHAs, Docker digests and build numbers,
  semantic and Windows build versions, KB numbers, coordinates in degrees and minutes,
  sort codes and SWIFT/BIC codes with account numbers, ISIN and WKN securities ids,
  product and EAN-like codes with letters, dimensions and screen resolutions, log
  timestamps with PIDs, HTTP status lines with byte counts and latencies, MAC
  addresses, phone-shaped serials and IMSI-like ids after words that are not phone
  words, handset model numbers ("SM-G991B"), scores and lap times, chemical formulas,
  pH and lab values, invoice and credit-note numbers, parcel-locker and flight
  references, train numbers, kWh and odometer readings, many beside a phone word in
  another sense ("call stack", "ring buffer", "mobile data", "phone mount");
  SSN-shaped values that fail the SSA rules;
* seed 9494.

Each set is split by frame (or look-alike template): even ones go to `tune/`, odd ones
to `test/`. `test/` is measured once before the pass changes a rule and once at its end;
its misses are not read; `tune/` may be read. Records follow the corpus schema with `id`
and `label`, so `promptgate eval` reads them:

    /tmp/fk/bin/python src/detect/pii/testdata/holdout8.py --out /tmp/pii-holdout8
    promptgate --config l2-off.toml eval /tmp/pii-holdout8/test/*.jsonl

(`l2-off.toml` holding `[policy.l2]` `enabled = false`.) Nothing here is checked in as
data or asserted by a test: once a `test/` miss is used to change a rule, the set is
no longer held out (change the seed and write new frames).
"""

from gen_common import held_out_sets, ssn_format

# Person providers by language (PERSON is not this set's subject; in-list locales).
NAME_LOCALES = {
    "en": ["en_US", "en_GB", "en_CA"], "pl": ["pl_PL"], "de": ["de_DE", "de_CH"],
    "fr": ["fr_FR", "fr_CA"], "es": ["es_ES", "es_MX"], "it": ["it_IT"],
    "nl": ["nl_NL", "nl_BE"], "pt": ["pt_PT", "pt_BR"],
}
# Phone providers by language: home and nearby locales (two in three numbers), then
# locales outside the default regions.
PHONE_LOCALES = {
    "en": (["en_US", "en_GB", "en_GB", "en_AU", "da_DK"], ["bn_BD", "ja_JP"]),
    "pl": (["pl_PL", "pl_PL", "lt_LT", "uk_UA"], ["ru_RU", "bn_BD"]),
    "de": (["de_DE", "de_DE", "de_AT", "cs_CZ", "de_LU"], ["tr_TR", "zh_CN"]),
    "fr": (["fr_FR", "fr_FR", "nl_BE", "de_CH"], ["bn_BD", "ru_RU"]),
    "es": (["es_ES", "es_ES", "es_AR", "es_CO", "pt_PT"], ["ja_JP", "bn_BD"]),
    "it": (["it_IT", "it_IT", "it_CH", "sl_SI", "hr_HR"], ["zh_CN", "ru_RU"]),
    "nl": (["nl_NL", "nl_NL", "nl_BE", "da_DK", "fr_FR"], ["tr_TR", "bn_BD"]),
    "pt": (["pt_PT", "pt_PT", "pt_BR", "it_IT", "fr_FR"], ["ru_RU", "zh_CN"]),
}
CALLING_CODE = {
    "en_US": "1", "en_GB": "44", "en_AU": "61", "da_DK": "45", "bn_BD": "880", "ja_JP": "81",
    "pl_PL": "48", "lt_LT": "370", "uk_UA": "380", "ru_RU": "7", "de_DE": "49",
    "de_AT": "43", "cs_CZ": "420", "de_LU": "352", "tr_TR": "90", "zh_CN": "86",
    "fr_FR": "33", "nl_BE": "32", "de_CH": "41", "es_ES": "34", "es_AR": "54",
    "es_CO": "57", "pt_PT": "351", "it_IT": "39", "it_CH": "41", "sl_SI": "386",
    "hr_HR": "385", "nl_NL": "31", "pt_BR": "55",
}
# Countries whose national numbers keep no trunk prefix (the calling code goes in front).
NO_TRUNK = {"pl_PL", "es_ES", "pt_PT", "it_IT", "en_US", "da_DK", "de_LU", "cs_CZ"}

# {N} name, {P} phone (a new one each time), {E} e-mail. Braces not around a single
# letter are literal.
PHONE_FRAMES = {
    "en": [
        "Guest registration card — Room 412 — Guest: {N} — Mobile (late arrival): {P}",
        "Minutes, item 4: {N} to phone the caterer back on {P} about the dietary list.",
        "Sorry, I scraped your wing mirror while parking. Ring or text {P} and I'll pay for it. — {N}",
        "Translate into Spanish: \"For urgent repairs outside office hours, phone our night line {P}.\"",
        "RADIO SPOT 30s: Tired of damp walls? Call now on {P} — lines open till midnight!",
        "CRM note: spoke to {N}, prefers calls after 6pm on {P}; follow up next week.",
        "POST /sms/send body: recipient={P}&template=reminder&lang=en — returns 422, why?",
        "> On Tue, {N} wrote:\n> best to ring me on {P} after lunch\n\nThanks, will do.",
        "MATHS TUTOR, GCSE and A-level, first lesson free. Tear off: {P} | {P} | {P}",
        "Two-bed flat, 850 pcm, available June. Viewings by appointment with the agent on {P}.",
        "The family of the late {N} can be contacted through the funeral director on {P}.",
        "Tue 14:00 — phone the electrician about the quote, {P}, ask for {N}",
        "Please update the staff directory: {N} moved desks, the direct line is now {P}.",
        "Training cancelled tonight (pitch frozen). Any questions, coach {N}: {P}.",
        "Code review: the test fixture hard-codes the customer's mobile {P}; please mask it.",
    ],
    "pl": [
        "Karta meldunkowa — pokój 412 — gość: {N} — komórka (późny przyjazd): {P}",
        "Protokół, punkt 4: {N} oddzwoni do firmy cateringowej pod {P} w sprawie diet.",
        "Przepraszam, zarysowałem lusterko przy parkowaniu. Proszę zadzwonić lub napisać: {P}.",
        "Przetłumacz na angielski: „W sprawie pilnych napraw prosimy dzwonić na nocną linię {P}.”",
        "SPOT RADIOWY: Wilgoć na ścianach? Zadzwoń już teraz: {P}, czekamy do północy!",
        "Notatka CRM: rozmowa z {N}, woli telefony po 18:00 na {P}.",
        "> We wtorek {N} napisał(a):\n> najlepiej dzwonić do mnie po obiedzie, {P}\n\nDzięki, zadzwonię.",
        "Mieszkanie 2-pokojowe do wynajęcia od czerwca. Oglądanie po umówieniu z agentem: {P}.",
        "Rodzina śp. {N} jest dostępna przez zakład pogrzebowy, tel. {P}.",
        "Trening odwołany (boisko zamarznięte). Pytania do trenera {N}: {P}.",
    ],
    "de": [
        "Meldeschein — Zimmer 412 — Gast: {N} — Handy (späte Anreise): {P}",
        "Protokoll, TOP 4: {N} ruft den Caterer unter {P} wegen der Allergieliste zurück.",
        "Sorry, ich habe beim Einparken Ihren Spiegel gestreift. Bitte melden Sie sich unter {P}.",
        "Übersetze ins Englische: „Bei dringenden Reparaturen außerhalb der Bürozeiten rufen Sie unsere Nachtlinie {P} an.“",
        "RADIOSPOT: Feuchte Wände? Rufen Sie jetzt an: {P} – wir sind bis Mitternacht da!",
        "CRM-Notiz: mit {N} gesprochen, am liebsten nach 18 Uhr unter {P} anrufen.",
        "> Am Dienstag schrieb {N}:\n> am besten nach dem Mittag unter {P} anrufen\n\nDanke, mache ich.",
        "2-Zimmer-Wohnung, 850 € warm, ab Juni frei. Besichtigung nach Vereinbarung mit dem Makler: {P}.",
        "Die Familie von {N} ist über das Bestattungsinstitut erreichbar, Telefon {P}.",
        "Training fällt heute aus (Platz gefroren). Fragen an Trainer {N}: {P}.",
    ],
    "fr": [
        "Fiche de police — chambre 412 — client : {N} — portable (arrivée tardive) : {P}",
        "Compte rendu, point 4 : {N} rappelle le traiteur au {P} pour la liste des régimes.",
        "Désolé, j'ai rayé votre rétroviseur en me garant. Appelez-moi ou écrivez au {P}.",
        "Traduis en anglais : « Pour les dépannages urgents, appelez notre ligne de nuit au {P}. »",
        "SPOT RADIO : Murs humides ? Appelez maintenant le {P}, on répond jusqu'à minuit !",
        "Note CRM : échange avec {N}, préfère être appelé après 18 h au {P}.",
        "> Le mardi, {N} a écrit :\n> le mieux c'est de m'appeler au {P} après le déjeuner\n\nMerci, je le fais.",
        "T2 à louer, 850 € CC, libre en juin. Visites sur rendez-vous avec l'agence : {P}.",
        "La famille de {N} peut être jointe par les pompes funèbres au {P}.",
        "Entraînement annulé ce soir (terrain gelé). Questions à l'entraîneur {N} : {P}.",
    ],
    "es": [
        "Ficha de registro — habitación 412 — huésped: {N} — móvil (llegada tarde): {P}",
        "Acta, punto 4: {N} devolverá la llamada al catering al {P} por la lista de dietas.",
        "Perdona, te rayé el retrovisor al aparcar. Llámame o escríbeme al {P} y lo pago.",
        "Traduce al inglés: «Para reparaciones urgentes fuera de horario, llame a nuestra línea nocturna {P}».",
        "CUÑA DE RADIO: ¿Humedades? ¡Llama ya al {P}, atendemos hasta medianoche!",
        "Nota CRM: hablé con {N}, prefiere llamadas después de las 18:00 al {P}.",
        "> El martes, {N} escribió:\n> mejor llámame al {P} después de comer\n\nGracias, lo haré.",
        "Piso de dos dormitorios, 850 €/mes, libre en junio. Visitas con cita previa con la agencia: {P}.",
        "La familia de {N} puede ser contactada a través de la funeraria en el {P}.",
        "Entrenamiento cancelado esta noche (campo helado). Dudas al entrenador {N}: {P}.",
    ],
    "it": [
        "Scheda di registrazione — camera 412 — ospite: {N} — cellulare (arrivo tardi): {P}",
        "Verbale, punto 4: {N} richiama il catering al {P} per l'elenco delle diete.",
        "Scusi, ho graffiato lo specchietto parcheggiando. Mi chiami o scriva al {P}, pago io.",
        "Traduci in inglese: «Per riparazioni urgenti fuori orario, chiamate la nostra linea notturna {P}».",
        "SPOT RADIO: Muri umidi? Chiama subito il {P}, rispondiamo fino a mezzanotte!",
        "Nota CRM: sentito {N}, preferisce essere chiamato dopo le 18 al {P}.",
        "> Martedì {N} ha scritto:\n> meglio chiamarmi al {P} dopo pranzo\n\nGrazie, lo faccio.",
        "Bilocale in affitto, 850 € al mese, libero da giugno. Visite su appuntamento con l'agenzia: {P}.",
        "I familiari di {N} possono essere contattati tramite l'agenzia funebre al {P}.",
        "Allenamento annullato stasera (campo ghiacciato). Domande all'allenatore {N}: {P}.",
    ],
    "nl": [
        "Gastenregistratie — kamer 412 — gast: {N} — mobiel (late aankomst): {P}",
        "Notulen, punt 4: {N} belt de cateraar terug op {P} over de dieetlijst.",
        "Sorry, ik heb bij het parkeren je spiegel geraakt. Bel of app me op {P}, ik betaal het.",
        "Vertaal naar het Engels: 'Voor spoedreparaties buiten kantoortijd belt u onze nachtlijn {P}.'",
        "RADIOSPOT: Vochtige muren? Bel nu {P}, we zijn er tot middernacht!",
        "CRM-notitie: gesproken met {N}, liefst na 18.00 uur bellen op {P}.",
        "> Op dinsdag schreef {N}:\n> bel me het liefst na de lunch op {P}\n\nDank, doe ik.",
        "Tweekamerappartement, 850 euro per maand, vrij in juni. Bezichtiging op afspraak met de makelaar: {P}.",
        "De familie van {N} is bereikbaar via de uitvaartondernemer op {P}.",
        "Training vanavond afgelast (veld bevroren). Vragen aan trainer {N}: {P}.",
    ],
    "pt": [
        "Ficha de registo — quarto 412 — hóspede: {N} — telemóvel (chegada tardia): {P}",
        "Ata, ponto 4: {N} liga de volta ao catering para o {P} sobre a lista de dietas.",
        "Desculpe, risquei o seu espelho ao estacionar. Ligue ou mande mensagem para o {P}, eu pago.",
        "Traduz para inglês: «Para reparações urgentes fora de horas, ligue para a nossa linha noturna {P}».",
        "SPOT DE RÁDIO: Paredes húmidas? Ligue já para o {P}, atendemos até à meia-noite!",
        "Nota CRM: falei com {N}, prefere chamadas depois das 18h para o {P}.",
        "> Na terça, {N} escreveu:\n> o melhor é ligares-me para o {P} depois do almoço\n\nObrigado, ligo.",
        "T2 para arrendar, 850 €/mês, livre em junho. Visitas por marcação com a agência: {P}.",
        "A família de {N} pode ser contactada através da agência funerária pelo {P}.",
        "Treino cancelado hoje (campo gelado). Dúvidas ao treinador {N}: {P}.",
    ],
}

# {N} name, {S} an SSN.
SSN_FRAMES = {
    "en": [
        "Payroll audit: employee {N}, SSN on file {S}, doesn't match the W-2.",
        "My student-loan servicer asked for my SSN ({S}) on a cold call. Legit?",
        "The IRS notice CP2000 lists SSN {S} for {N}; what does it want from me?",
        "Medicaid application for {N} — Social Security no. {S} — household of 3.",
        "Can a landlord photocopy my Social Security card? The number on it is {S}.",
        "Employee census row: {N}; social {S}; hire date 03/04/2021.",
    ],
    "pl": [
        "Bank w Nowym Jorku chce mój numer Social Security ({S}) do otwarcia konta. Wysłać mailem?",
        "Wniosek Medicaid dla {N}: SSN {S}, czy coś jeszcze trzeba dołączyć?",
    ],
    "de": [
        "Die Kreditkartenfirma in den USA fragt nach der SSN von {N}: {S}. Normal?",
        "Für den Medicaid-Antrag brauche ich die Social Security Number {S}, stimmt das Format?",
    ],
    "fr": [
        "La banque à New York veut le SSN de {N} ({S}) pour ouvrir un compte, c'est normal ?",
        "Demande Medicaid : numéro de Social Security {S}, il manque quoi d'autre ?",
    ],
    "es": [
        "El banco de Nueva York quiere el SSN de {N} ({S}) para abrir la cuenta, ¿es normal?",
        "Solicitud de Medicaid: número de Seguro Social {S}, ¿qué más piden?",
    ],
    "it": [
        "La banca di New York vuole l'SSN di {N} ({S}) per aprire il conto, è normale?",
        "Domanda Medicaid: numero di Social Security {S}, cos'altro serve?",
    ],
    "nl": [
        "De bank in New York wil het SSN van {N} ({S}) om een rekening te openen, normaal?",
        "Medicaid-aanvraag: Social Security-nummer {S}, wat moet er nog bij?",
    ],
    "pt": [
        "O banco em Nova Iorque quer o SSN de {N} ({S}) para abrir conta, é normal?",
        "Pedido de Medicaid: número de Social Security {S}, o que falta?",
    ],
}


def digits(rng, k):
    """`k` random digits."""
    return "".join(str(rng.randint(0, 9)) for _ in range(k))


def hexs(rng, k):
    """`k` random lowercase hex digits."""
    return "".join(rng.choice("0123456789abcdef") for _ in range(k))


def upper(rng, k):
    """`k` random capital letters."""
    return "".join(chr(rng.randint(65, 90)) for _ in range(k))


def lookalikes(rng):
    """Digit-heavy texts with no PII, each must give no finding; (lang, text)."""
    n = rng.randint
    y, mo, d, h, mi, s = n(2016, 2027), n(1, 12), n(1, 28), n(0, 23), n(0, 59), n(0, 59)
    sha = hexs(rng, 40)
    mac = ":".join(hexs(rng, 2) for _ in range(6))
    deg = f"{n(35, 59)}°{n(0, 59):02d}'{n(0, 59):02d}\"N {n(1, 29)}°{n(0, 59):02d}'{n(0, 59):02d}\"E"
    return [
        ("en", f"DHL waybill {digits(rng, 10)} shows 'clearance event'; the phone mount is stuck in customs."),
        ("en", f"Return authorisation RMA-{y}-{digits(rng, 6)} for the cracked phone screen, refund {n(20, 300)}.{n(10, 99)} GBP."),
        ("en", f"docker pull registry.example.com/api@sha256:{hexs(rng, 64)}"),
        ("en", f"Windows build 10.0.{n(19041, 26100)}.{n(1000, 4999)} with KB{n(5000000, 5099999)} fixed the call stack overflow."),
        ("en", f"Release v{n(1, 19)}.{n(0, 40)}.{n(0, 300)}+build.{digits(rng, 8)} ships the new ring buffer."),
        ("en", f"Meet at {deg} — the old telephone exchange building."),
        ("en", f"BIC {upper(rng, 4)}GB{n(2, 9)}L, sort code {n(10, 99)} {n(10, 99)} {n(10, 99)}, account no. {digits(rng, 8)}."),
        ("en", f"ISIN US{digits(rng, 10)}, {n(1000, 99999)} shares at {n(10, 999)}.{n(10, 99)} USD, order id {digits(rng, 9)}."),
        ("en", f"Screen {n(1280, 3840)} x {n(720, 2160)} px, {n(60, 240)} Hz, panel code {upper(rng, 2)}{digits(rng, 3)}-{digits(rng, 4)}-{digits(rng, 3)}."),
        ("en", f"{y}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}.{digits(rng, 6)}Z pid={n(1000, 65535)} tid={n(100000, 999999)} dialer: retry {n(1, 9)}"),
        ("en", f'"POST /v1/calls HTTP/2" 201 {n(100, 9999)} bytes in {n(10, 999)} ms, upstream {n(1000000, 9999999)} ns'),
        ("en", f"Wi-Fi MAC {mac}, firmware {n(1, 9)}.{n(0, 9)}.{digits(rng, 4)}, on the office phone VLAN {n(10, 4000)}."),
        ("en", f"Samsung SM-G{n(900, 999)}B, IMEI slot blank, phone model code {n(100, 999)}-{n(100, 999)}-{digits(rng, 4)} on the box."),
        ("en", f"Lap time 1:{n(10, 59)}.{digits(rng, 3)}, sector times {n(20, 40)}.{digits(rng, 3)} / {n(20, 40)}.{digits(rng, 3)}; pit call at lap {n(10, 60)}."),
        ("en", f"Credit note CN-{digits(rng, 3)}-{digits(rng, 3)}-{digits(rng, 4)} offsets the mobile plan charge."),
        ("en", f"Parcel locker {n(100, 999)}, collection code {digits(rng, 3)} {digits(rng, 3)} {digits(rng, 4)}, valid 72 hours."),
        ("en", f"Odometer {n(10000, 199999)} km, service interval {n(10000, 30000)} km, VIN check digit {n(0, 9)}."),
        ("en", f"pH {n(6, 8)}.{n(0, 9)}, LDL {n(70, 190)} mg/dL, sample {y}{digits(rng, 7)} (lab ring trial)."),
        ("pl", f"List przewozowy {digits(rng, 3)} {digits(rng, 3)} {digits(rng, 4)} {digits(rng, 3)} — uchwyt na telefon w sortowni."),
        ("pl", f"Faktura korygująca FK/{y}/{mo:02d}/{digits(rng, 5)} do abonamentu komórkowego."),
        ("pl", f"Wersja aplikacji {n(1, 9)}.{n(0, 30)}.{n(0, 99)} (build {digits(rng, 9)}), zużycie danych mobilnych {n(100, 9999)} MB."),
        ("pl", f"Pociąg IC {n(1000, 9999)}, wagon {n(1, 16)}, miejsce {n(1, 90)}, bilet nr {digits(rng, 3)}-{digits(rng, 3)}-{digits(rng, 4)}."),
        ("pl", f"Odczyt licznika {n(10000, 99999)},{n(0, 9)} kWh, taryfa G{n(11, 12)}, punkt poboru {digits(rng, 3)} {digits(rng, 3)} {digits(rng, 3)}."),
        ("pl", f"{d:02d}.{mo:02d}.{y} {h:02d}:{mi:02d}:{s:02d},{digits(rng, 3)} [pid {n(1000, 65535)}] centrala: {n(100000, 999999)} połączeń w kolejce"),
        ("pl", f"Kod EAN {digits(rng, 12)}X nieczytelny; symbol produktu {upper(rng, 3)}-{digits(rng, 3)}-{digits(rng, 3)}-{digits(rng, 2)}."),
        ("de", f"Hermes-Sendung H{digits(rng, 19)} – die Handyhalterung ist im Paketshop."),
        ("de", f"Gutschrift GS-{y}-{digits(rng, 7)} für den Mobilfunkvertrag, Betrag {n(10, 99)},{n(10, 99)} €."),
        ("de", f"WKN {upper(rng, 1)}{digits(rng, 5)}, ISIN DE000{upper(rng, 1)}{digits(rng, 6)}, Stückzahl {spaced3(n(1000, 999999))}."),
        ("de", f"Zug ICE {n(100, 1999)}, Wagen {n(1, 14)}, Platz {n(11, 99)}, Auftragsnummer {upper(rng, 2)}{digits(rng, 4)}{upper(rng, 1)}."),
        ("de", f"Abmessungen {n(1000, 2500)} × {n(500, 1200)} × {n(300, 900)} mm, Artikel-Nr. {digits(rng, 2)} {digits(rng, 3)} {digits(rng, 3)} {digits(rng, 2)}."),
        ("de", f"[{d:02d}.{mo:02d}.{y} {h:02d}:{mi:02d}:{s:02d}] pid {n(1000, 65535)} Telefonanlage: Warteschlange {n(100000, 999999)}"),
        ("de", f"Zählerstand {n(10000, 99999)} kWh, Messlokation DE{digits(rng, 11)}, Ablesung am {d:02d}.{mo:02d}."),
        ("fr", f"Colissimo {n(6, 9)}{upper(rng, 1)}{digits(rng, 11)} — le support de téléphone est en instance."),
        ("fr", f"Avoir n° AV-{y}-{digits(rng, 6)} sur le forfait mobile, montant {n(10, 99)},{n(10, 99)} €."),
        ("fr", f"Version {n(1, 20)}.{n(0, 9)}.{n(0, 9)}.{digits(rng, 5)} : la pile d'appels déborde à {n(1000, 99999)} frames."),
        ("fr", f"TGV {n(6000, 9999)}, voiture {n(1, 20)}, place {n(1, 99)}, dossier {upper(rng, 6)}, billet {digits(rng, 4)} {digits(rng, 4)} {digits(rng, 2)}."),
        ("fr", f"Relevé compteur {n(10000, 99999)} kWh, PDL {digits(rng, 14)}, index heures creuses {n(1000, 9999)}."),
        ("fr", f"Score {n(0, 4)}-{n(0, 4)} ({n(0, 3)}-{n(0, 3)} à la pause), {spaced3(n(10000, 80000))} spectateurs, {n(1, 38)}e journée."),
        ("fr", f"Réf. produit {digits(rng, 2)}.{digits(rng, 3)}.{digits(rng, 3)}.{digits(rng, 2)}, lot {digits(rng, 6)}, DLC {d:02d}/{mo:02d}/{y}."),
        ("es", f"Envío SEUR {digits(rng, 3)} {digits(rng, 3)} {digits(rng, 4)} {digits(rng, 3)}: el soporte para el móvil está en reparto."),
        ("es", f"Factura rectificativa R-{y}-{digits(rng, 6)} de la tarifa móvil, importe {n(10, 99)},{n(10, 99)} €."),
        ("es", f"Build {y}.{mo:02d}.{d:02d}.{digits(rng, 4)} ({sha[:10]}): la pila de llamadas crece {n(1000, 9999)} marcos."),
        ("es", f"AVE {n(1000, 9999)}, coche {n(1, 12)}, plaza {n(1, 20)}{upper(rng, 1)}, localizador {upper(rng, 2)}{digits(rng, 4)}."),
        ("es", f"Lectura del contador {n(10000, 99999)} kWh, CUPS ES{digits(rng, 16)}{upper(rng, 2)}."),
        ("es", f"Fórmula C{n(2, 20)}H{n(2, 30)}O{n(1, 9)}, pureza {n(90, 99)},{n(0, 9)} %, lote {y}-{digits(rng, 5)}."),
        ("it", f"Spedizione BRT {digits(rng, 3)} {digits(rng, 3)} {digits(rng, 3)} {digits(rng, 3)}, supporto per il telefono in consegna."),
        ("it", f"Nota di credito NC/{y}/{digits(rng, 6)} sull'offerta mobile, importo {n(10, 99)},{n(10, 99)} €."),
        ("it", f"Frecciarossa {n(9500, 9699)}, carrozza {n(1, 10)}, posto {n(1, 20)}{upper(rng, 1)}, PNR {upper(rng, 6)}, biglietto {digits(rng, 10)}."),
        ("it", f"Lettura contatore {n(10000, 99999)} kWh, POD IT{digits(rng, 3)}E{digits(rng, 8)}, fascia F{n(1, 3)}."),
        ("it", f"{d:02d}/{mo:02d}/{y} {h:02d}:{mi:02d}:{s:02d} [pid {n(1000, 65535)}] centralino: {n(100000, 999999)} chiamate in coda"),
        ("it", f"Risultato {n(0, 4)}-{n(0, 4)}, spettatori {spaced3(n(10000, 70000))}, giornata {n(1, 38)}, classifica {n(1, 20)}° posto."),
        ("nl", f"PostNL 3S{upper(rng, 4)}{digits(rng, 7)}, de telefoonhouder ligt bij het afhaalpunt."),
        ("nl", f"Creditnota CN{y}{digits(rng, 6)} voor het mobiele abonnement, bedrag € {n(10, 99)},{n(10, 99)}."),
        ("nl", f"Versie {n(1, 9)}.{n(0, 30)}.{n(0, 99)}-rc{n(1, 5)} (commit {sha[:9]}), mobiele data {n(100, 9999)} MB."),
        ("nl", f"Meterstand {n(10000, 99999)} kWh, EAN-code meter {n(87, 87)}{digits(rng, 16)}, opname {d:02d}-{mo:02d}-{y}."),
        ("pt", f"CTT {upper(rng, 2)}{digits(rng, 9)}PT, o suporte do telemóvel está na estação."),
        ("pt", f"Nota de crédito NC {y}/{digits(rng, 6)} do tarifário móvel, valor {n(10, 99)},{n(10, 99)} €."),
        ("pt", f"Alfa Pendular {n(100, 199)}, carruagem {n(1, 6)}, lugar {n(1, 80)}, bilhete {digits(rng, 3)} {digits(rng, 3)} {digits(rng, 3)} {digits(rng, 3)}."),
        ("pt", f"Leitura do contador {n(10000, 99999)} kWh, CPE PT{digits(rng, 16)}{upper(rng, 2)}, ciclo {n(1, 3)}."),
    ]


def spaced3(x):
    """`x` with thin thousands groups (a space every three digits from the right)."""
    s = str(x)
    out = []
    while s:
        out.insert(0, s[-3:])
        s = s[:-3]
    return " ".join(out)


def national_groups(raw):
    """The groups of a national number with its separators and brackets removed."""
    for c in "()-./":
        raw = raw.replace(c, " ")
    return raw.split()


def international(raw, loc, rng):
    """`raw` with its calling code, the trunk 0 dropped where it is, in one of this set's
    styles: `(+CC)` in brackets, `+CC` run together with the digits, `+CC` with every group
    joined by hyphens, or plain `+CC`."""
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
    if loc == "ru_RU" and groups[0].startswith("8"):
        return raw
    flat = "".join(groups)
    if flat.startswith(cc) and len(flat) > 10:
        return raw
    r = rng.random()
    if r < 0.25:
        return f"(+{cc}) " + " ".join(groups)
    if r < 0.45:
        return f"+{cc}{flat}"
    if r < 0.65:
        return f"+{cc}-" + "-".join(groups)
    return f"+{cc} " + " ".join(groups)


def restyle(raw, rng):
    """A national number with its groups joined by " - ", the rest after the area in fours,
    or the area in brackets with no space after it."""
    groups = national_groups(raw)
    if len(groups) < 2 or raw.startswith("+") or raw.startswith("00"):
        return raw
    area, rest = groups[0], "".join(groups[1:])
    fours = " ".join(rest[i:i + 4] for i in range(0, len(rest), 4))
    if len(fours.split()[-1]) == 1:
        fours = fours[:-2] + fours[-1]
    return rng.choice([" - ".join(groups), f"{area} {fours}", f"({area}){' '.join(groups[1:])}"])


# Bengali digits (Faker's bn_BD writes its numbers in them) as ASCII ones, as people write
# a Bangladeshi number in a prompt in these eight languages.
BENGALI_DIGITS = str.maketrans("০১২৩৪৫৬৭৮৯", "0123456789")


def draw(faker):
    """One of `faker`'s numbers in ASCII digits, an extension cut off."""
    return faker.phone_number().translate(BENGALI_DIGITS).split("x")[0].strip()


def phone(rng, fk, lang):
    """A number of `lang`'s in-region (2/3) or outside (1/3) locales, 1/3 given a calling
    code by `international`, 1/5 restyled by `restyle`."""
    inside, outside = PHONE_LOCALES[lang]
    loc = rng.choice(inside) if rng.random() < 2 / 3 else rng.choice(outside)
    raw = draw(fk(loc))
    while raw.startswith("00") or len("".join(c for c in raw if c.isdigit())) < 7:
        raw = draw(fk(loc))
    r = rng.random()
    if r < 1 / 3:
        raw = international(raw, loc, rng)
    elif r < 1 / 3 + 1 / 5:
        raw = restyle(raw, rng)
    return raw


if __name__ == "__main__":
    held_out_sets("holdout8", 9494, PHONE_FRAMES, SSN_FRAMES, NAME_LOCALES, phone, ssn_format,
                  lookalikes)
