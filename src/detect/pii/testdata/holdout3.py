#!/usr/bin/env python3
"""Generates a third held-out PII set, written before the fifth PHONE pass changed any rule.

`holdout.py` (seed 4242) and `holdout2.py` (seed 8686) were the out-of-sample sets of
the earlier passes; both `test` halves are spent (read for a pass). This set was
written, and committed, before the fifth pass read any miss, and differs from every
set the rules were tuned on:

* its own sentence frames in en, pl, de, fr, es, it, nl and pt, in phrasing families
  the earlier sets do not use: chat and SMS requests, data rows (CSV, JSON, key=value,
  Markdown tables), calendar dial-ins, delivery notes, forwarded voicemail and
  call-log lines, questions about the number itself with the phone word after it,
  the number in the sentence after the one naming it, lists of several people's
  numbers, and blocks whose label names a duty or a shift, not a phone;
* phone numbers from Faker locales no earlier set drew phones from (fi_FI, no_NO,
  bg_BG, lv_LV, lt_LT, ru_RU, ja_JP, zh_CN in the default regions; he_IL, tr_TR,
  mk_MK, bs_BA, ka_GE outside them) beside each language's home locales; a third
  rewritten with the calling code (`+CC`, `00CC` or `+CC (0)`), and a fifth
  restyled (digits run together, or groups joined by dots or hyphens);
* its own look-alikes: invoice numbers, versions, timestamps, SKUs, order ids,
  tracking numbers, IBAN-shaped values that fail mod 97, coordinates, plus
  durations, ports, account and reference numbers, many beside a phone word used in
  another sense, in the eight languages; SSN-shaped values that fail the SSA rules;
* seed 9393.

Each set is split by frame (or look-alike template): even ones go to `tune/`, odd
ones to `test/`. `test/` is measured once before and once after a change and its
misses are not read; `tune/` may be read. Records follow the corpus schema with `id`
and `label`, so `promptgate eval` reads them:

    /tmp/fk/bin/python src/detect/pii/testdata/holdout3.py --out /tmp/pii-holdout3
    promptgate --config l2-off.toml eval /tmp/pii-holdout3/test/*.jsonl

(`l2-off.toml` holding `[policy.l2]` `enabled = false`.) Nothing here is checked in as
data or asserted by a test: once a `test/` miss is used to change a rule, the set is
no longer held out (change the seed and write new frames).
"""


from gen_common import held_out_sets, phone_drawer, ssn_format

# Person providers by language (PERSON is not this set's subject; in-list locales).
NAME_LOCALES = {
    "en": ["en_US", "en_GB", "en_AU"], "pl": ["pl_PL"], "de": ["de_DE", "de_CH"],
    "fr": ["fr_FR", "fr_CH"], "es": ["es_ES", "es_MX"], "it": ["it_IT"], "nl": ["nl_NL", "nl_BE"],
    "pt": ["pt_BR", "pt_PT"],
}
# Phone providers by language: the home locales and locales of the default regions
# that no earlier set drew phones from (two in three numbers), then outside them.
PHONE_LOCALES = {
    "en": (["en_US", "en_GB", "en_CA", "fi_FI"], ["he_IL"]),
    "pl": (["pl_PL", "lt_LT", "lv_LV"], ["bs_BA"]),
    "de": (["de_DE", "de_AT", "de_CH", "no_NO"], ["tr_TR"]),
    "fr": (["fr_FR", "fr_CH", "bg_BG"], ["mk_MK"]),
    "es": (["es_ES", "es_CO", "zh_CN"], ["ka_GE"]),
    "it": (["it_IT", "it_CH", "ru_RU"], ["tr_TR"]),
    "nl": (["nl_NL", "nl_BE", "ja_JP"], ["he_IL"]),
    "pt": (["pt_PT", "pt_BR", "fi_FI"], ["bs_BA", "mk_MK"]),
}
CALLING_CODE = {
    "en_US": "1", "en_GB": "44", "en_CA": "1", "fi_FI": "358", "he_IL": "972", "pl_PL": "48",
    "lt_LT": "370", "lv_LV": "371", "bs_BA": "387", "de_DE": "49", "de_AT": "43",
    "de_CH": "41", "no_NO": "47", "tr_TR": "90", "fr_FR": "33", "fr_CH": "41",
    "bg_BG": "359", "mk_MK": "389", "es_ES": "34", "es_CO": "57", "zh_CN": "86",
    "ka_GE": "995", "it_IT": "39", "it_CH": "41", "ru_RU": "7", "nl_NL": "31",
    "nl_BE": "32", "ja_JP": "81", "pt_PT": "351", "pt_BR": "55",
}
# Countries whose national numbers keep no trunk prefix (the calling code goes in front).
NO_TRUNK = {"pl_PL", "es_ES", "pt_PT", "it_IT", "en_US", "en_CA", "no_NO", "lv_LV", "zh_CN",
            "es_CO", "pt_BR"}

# {N} name, {P} phone (a new one each time), {E} e-mail. Braces not around a single
# letter are literal (JSON rows).
PHONE_FRAMES = {
    "en": [
        "hey, it's me, new number: {P} — save it pls",
        "Voicemail transcript (caller {P}): \"Hi, it's about the boiler, call me back.\"",
        "name,phone,city\n{N},{P},Leeds",
        "{P} rang me three times last night. Should I block it?",
        "Join by phone\nDial-in: {P}\nMeeting ID: 812 5531 0967 #",
        "Delivery note: leave with neighbour at no. 14, or phone {P} first.",
        "Please change the mobile on my account to {P}.",
        "Weekend cover:\n{N}\n{P}",
        "Our babysitter's number changed. It is now {P}.",
        "{\"contact\": \"{N}\", \"tel\": \"{P}\", \"vip\": true}",
        "Family numbers for the school form: mum {P}, dad {P}.",
        "Could you format {P} the way it should appear on a business card?",
    ],
    "pl": [
        "cześć, to mój nowy numer {P}, zapisz sobie",
        "Nagranie z poczty głosowej, dzwoniący {P}: \"Proszę o kontakt w sprawie umowy.\"",
        "imię;telefon;miasto\n{N};{P};Kraków",
        "Ktoś z {P} dzwoni do mnie codziennie o 7 rano. Zablokować?",
        "Dołącz telefonicznie\nNumer dostępowy: {P}\nPIN: 4471",
        "Kurier: w razie nieobecności proszę dzwonić {P}.",
        "Proszę zmienić numer komórki w moim koncie na {P}.",
        "Dyżur weekendowy:\n{N}\n{P}",
        "Opiekunka zmieniła numer. Teraz to {P}.",
        "kontakt={N} telefon={P} vip=tak",
        "Telefony do rodziców: mama {P}, tata {P}.",
        "{P} – to komórka czy stacjonarny?",
    ],
    "de": [
        "hi, hab ne neue nummer: {P}, speicher sie dir",
        "Mailbox-Abschrift, Anrufer {P}: \"Es geht um die Heizung, bitte zurückrufen.\"",
        "Name;Telefon;Ort\n{N};{P};Kassel",
        "{P} hat mich heute dreimal angerufen. Soll ich die Nummer sperren?",
        "Telefonische Einwahl\nEinwahlnummer: {P}\nKonferenz-ID: 4471 0968",
        "Lieferhinweis: bei Nachbarn abgeben oder vorher {P} anrufen.",
        "Bitte ändern Sie die Mobilnummer in meinem Konto auf {P}.",
        "Wochenenddienst:\n{N}\n{P}",
        "Die Babysitterin hat eine neue Nummer. Sie lautet {P}.",
        "| Name | Telefon |\n|---|---|\n| {N} | {P} |",
        "Nummern für das Schulformular: Mutter {P}, Vater {P}.",
        "Ist {P} eine Handynummer oder Festnetz?",
    ],
    "fr": [
        "coucou c'est moi, nouveau numéro : {P}, enregistre-le",
        "Transcription de messagerie, appelant {P} : « C'est pour la chaudière, rappelez-moi. »",
        "nom;téléphone;ville\n{N};{P};Nantes",
        "Le {P} m'a appelé trois fois cette nuit. Je le bloque ?",
        "Rejoindre par téléphone\nNuméro d'accès : {P}\nCode : 4471 0968 #",
        "Avis de passage : laisser chez le voisin ou appeler le {P} avant.",
        "Merci de remplacer le portable de mon compte par le {P}.",
        "Permanence du week-end :\n{N}\n{P}",
        "La nounou a changé de numéro. C'est désormais le {P}.",
        "{\"contact\": \"{N}\", \"téléphone\": \"{P}\"}",
        "Numéros pour la fiche de l'école : maman {P}, papa {P}.",
        "Le {P}, c'est un portable ou une ligne fixe ?",
    ],
    "es": [
        "hola, soy yo, número nuevo: {P}, guárdalo",
        "Transcripción del buzón de voz, llamante {P}: «Es por la caldera, devuélvame la llamada.»",
        "nombre;teléfono;ciudad\n{N};{P};Zaragoza",
        "El {P} me llamó tres veces anoche. ¿Lo bloqueo?",
        "Unirse por teléfono\nNúmero de acceso: {P}\nPIN: 4471 #",
        "Aviso del repartidor: dejar en el vecino o llamar antes al {P}.",
        "Cambien el móvil de mi cuenta al {P}, por favor.",
        "Guardia de fin de semana:\n{N}\n{P}",
        "La canguro cambió de número. Ahora es el {P}.",
        "| Nombre | Teléfono |\n|---|---|\n| {N} | {P} |",
        "Teléfonos para la ficha del colegio: mamá {P}, papá {P}.",
        "¿{P} es un móvil o un fijo?",
    ],
    "it": [
        "ciao sono io, nuovo numero: {P}, salvalo",
        "Trascrizione segreteria, chiamante {P}: «È per la caldaia, mi richiami.»",
        "nome;telefono;città\n{N};{P};Bergamo",
        "Il {P} mi ha chiamato tre volte stanotte. Lo blocco?",
        "Partecipa per telefono\nNumero di accesso: {P}\nPIN: 4471 #",
        "Avviso del corriere: lasciare al vicino o chiamare prima il {P}.",
        "Per favore aggiornate il cellulare del mio account con il {P}.",
        "Turno del fine settimana:\n{N}\n{P}",
        "La babysitter ha cambiato numero. Adesso è il {P}.",
        "{\"referente\": \"{N}\", \"telefono\": \"{P}\"}",
        "Numeri per il modulo della scuola: mamma {P}, papà {P}.",
        "Il {P} è un cellulare o un fisso?",
    ],
    "nl": [
        "hoi, ik ben het, nieuw nummer: {P}, sla maar op",
        "Voicemail-uitschrift, beller {P}: \"Het gaat over de ketel, bel me terug.\"",
        "naam;telefoon;plaats\n{N};{P};Zwolle",
        "{P} belde me vannacht drie keer. Moet ik het blokkeren?",
        "Inbellen\nInbelnummer: {P}\nVergader-ID: 4471 0968",
        "Bezorgnotitie: afgeven bij de buren of eerst {P} bellen.",
        "Wijzig het mobiele nummer van mijn account naar {P}, graag.",
        "Weekenddienst:\n{N}\n{P}",
        "De oppas heeft een nieuw nummer. Het is nu {P}.",
        "| Naam | Telefoon |\n|---|---|\n| {N} | {P} |",
        "Nummers voor het schoolformulier: mama {P}, papa {P}.",
        "Is {P} een mobiel nummer of vast?",
    ],
    "pt": [
        "oi, sou eu, número novo: {P}, salva aí",
        "Transcrição do correio de voz, chamador {P}: \"É sobre a caldeira, me ligue de volta.\"",
        "nome;telefone;cidade\n{N};{P};Braga",
        "O {P} me ligou três vezes ontem à noite. Bloqueio?",
        "Participar por telefone\nNúmero de acesso: {P}\nPIN: 4471 #",
        "Aviso da entrega: deixar com o vizinho ou ligar antes para {P}.",
        "Por favor, troquem o celular da minha conta para {P}.",
        "Plantão de fim de semana:\n{N}\n{P}",
        "A babá mudou de número. Agora é {P}.",
        "{\"contato\": \"{N}\", \"telefone\": \"{P}\"}",
        "Telefones para a ficha da escola: mãe {P}, pai {P}.",
        "{P} é celular ou fixo?",
    ],
}

# {S} an SSN, {N} a name. New frames (payroll exports, form fields, chat).
SSN_FRAMES = {
    "en": ["payroll_export.csv: {N},{S},2024-01-15",
           "Can you check whether SSN {S} is formatted right for the W-2?",
           "The tax preparer needs my social security number ({S}) by Monday.",
           "ssn={S}&state=TX"],
    "pl": ["Eksport listy płac: {N}, SSN {S}.", "Amerykański numer SSN ({S}) wpisuję w pole 3?"],
    "de": ["Lohnexport: {N}, SSN {S}", "Die US-Steuerberaterin braucht meine SSN ({S}) bis Montag."],
    "fr": ["Export de paie : {N}, SSN {S}", "Le comptable américain veut mon SSN ({S}) avant lundi."],
    "es": ["Exportación de nómina: {N}, SSN {S}", "El gestor de EE. UU. necesita mi SSN ({S}) el lunes."],
    "it": ["Export buste paga: {N}, SSN {S}", "Il commercialista americano vuole il mio SSN ({S}) entro lunedì."],
    "nl": ["Salarisexport: {N}, SSN {S}", "De Amerikaanse boekhouder wil mijn SSN ({S}) voor maandag."],
    "pt": ["Exportação da folha: {N}, SSN {S}", "O contador americano precisa do meu SSN ({S}) até segunda."],
}


def iban_failing(rng):
    """An IBAN-shaped value (NL, FR or ES) whose mod-97 check fails, grouped by four."""
    cc, n = rng.choice([("NL", 14), ("FR", 23), ("ES", 20)])
    while True:
        body = "".join(str(rng.randint(0, 9)) for _ in range(n))
        if cc == "NL":
            body = rng.choice(["ABNA", "INGB", "RABO"]) + body[4:]
        check = f"{rng.randint(2, 98):02d}"
        digits = "".join(str(int(c, 36)) for c in body + cc) + check
        if int(digits) % 97 != 1:
            v = cc + check + body
            return " ".join(v[i:i + 4] for i in range(0, len(v), 4))


def lookalikes(rng):
    """Digit-heavy texts with no PII, each must give no finding; (lang, text)."""
    n = rng.randint
    y, mo, d, h, mi, s = n(2018, 2027), n(1, 12), n(1, 28), n(0, 23), n(0, 59), n(0, 59)
    return [
        ("en", f"Invoice {n(2018, 2027)}/{n(100000, 999999)} was paid twice, refund the second one."),
        ("pl", f"Faktura VAT nr FV/{n(1000, 9999)}/{mo:02d}/{y} za abonament telefoniczny."),
        ("de", f"Rechnung Nr. {n(10000000, 99999999)} vom {d:02d}.{mo:02d}.{y}, Mobilfunk, fällig in {n(7, 30)} Tagen."),
        ("fr", f"Facture n° {n(100, 999)} {n(100, 999)} {n(100, 999)} pour la ligne fixe, à régler avant le {d}/{mo}."),
        ("es", f"Factura {n(100000, 999999)}-{n(1000, 9999)} del servicio de telefonía, importe {n(10, 99)},{n(10, 99)} €."),
        ("it", f"Fattura n. {n(1000000, 9999999)} del {d:02d}/{mo:02d}/{y}: canone telefono fisso."),
        ("en", f"Bump the SDK from {n(1, 9)}.{n(0, 40)}.{n(0, 20)} to {n(1, 9)}.{n(0, 40)}.{n(0, 20)}-rc.{n(1, 9)} in the call service."),
        ("nl", f"Versie {n(10, 30)}.{n(1, 12)}.{n(1000, 9999)}.{n(100, 999)} van de belapp crasht bij opstarten."),
        ("pt", f"A versão {n(1, 9)}.{n(0, 9)}.{n(0, 9)} (build {n(10000000, 99999999)}) do app de chamadas trava."),
        ("en", f"Log line: {y}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}:{s:02d}.{n(100, 999)} call_id={n(100000000, 999999999)} status=ok"),
        ("de", f"Zeitstempel {n(1600000000000, 1799999999999)} in ein Datum umrechnen."),
        ("es", f"Llamada registrada el {d:02d}-{mo:02d}-{y} a las {h:02d}:{mi:02d}:{s:02d}, duración {n(100, 9999)} s."),
        ("fr", f"Horodatage {y}{mo:02d}{d:02d}{h:02d}{mi:02d}{s:02d} dans le journal d'appels."),
        ("en", f"SKU {n(100, 999)}-{n(100, 999)}-{n(1000, 9999)} (phone case, black) is back in stock."),
        ("it", f"Codice articolo {n(10000, 99999)}.{n(100, 999)}.{n(10, 99)}: cover per telefono."),
        ("pl", f"Indeks produktu {n(100000, 999999)}-{n(100, 999)}, ładowarka do telefonu."),
        ("en", f"Order #{n(100, 999)}-{n(1000000, 9999999)}-{n(1000000, 9999999)} was cancelled, the phone never shipped."),
        ("nl", f"Ordernummer {n(1000000000, 9999999999)}: telefoonhoesje retour."),
        ("es", f"Pedido n.º {n(10000000, 99999999)}, llame a atención al cliente si no llega."),
        ("de", f"Bestellnummer {n(100, 999)}-{n(1000000, 9999999)}-{n(1000000, 9999999)}, Rückruf erbeten."),
        ("en", f"Tracking number 1Z{n(100, 999)}E{n(10, 99)}{n(10000000, 99999999)} shows the phone as delivered."),
        ("fr", f"Numéro de suivi {n(1000000000, 9999999999)}{n(100, 999)}, colis en cours."),
        ("pt", f"Código de rastreio {n(100000000000, 999999999999)}{n(10, 99)}, ligue se atrasar."),
        ("pl", f"Numer przesyłki {n(100000000000, 999999999999)}{n(100, 999)} – kurier zadzwoni przed dostawą."),
        ("en", f"IBAN {iban_failing(rng)} fails validation in our test suite."),
        ("nl", f"Rekening {iban_failing(rng)} wordt geweigerd, klopt het controlegetal?"),
        ("es", f"El IBAN de prueba {iban_failing(rng)} da error."),
        ("en", f"Coordinates {rng.uniform(-60, 60):.5f}, {rng.uniform(-120, 120):.5f} — where is that?"),
        ("de", f"Standort {rng.uniform(47, 55):.6f} N, {rng.uniform(6, 15):.6f} O, Funkmast {n(1000, 9999)}."),
        ("fr", f"Point GPS : {n(42, 50)},{n(100000, 999999)} / {n(1, 7)},{n(100000, 999999)}."),
        ("pt", f"Latitude -{n(5, 30)}.{n(1000000, 9999999)}, longitude -{n(35, 60)}.{n(1000000, 9999999)}."),
        ("it", f"Chiama il metodo con timeout {n(10000, 99999)} e retry {n(3, 9)}, porta {n(1024, 65535)}."),
        ("en", f"Call volume last quarter: {n(1000000, 9999999)} inbound, {n(100000, 999999)} outbound."),
        ("pl", f"Numer klienta {n(1000000000, 9999999999)}, numer umowy {n(10000000, 99999999)}."),
        ("de", f"Aktenzeichen {n(100, 999)} {n(1000, 9999)}/{y % 100:02d}, bitte bei Rückfragen angeben."),
        ("nl", f"Referentie {n(100000000000, 999999999999)} vermelden bij de betaling, bellen hoeft niet."),
        ("es", f"Expediente {n(1000, 9999)}/{y}-{n(100000, 999999)} del contrato de telefonía."),
        ("it", f"Pratica n. {n(10000000000, 99999999999)}, contratto telefonico chiuso."),
        ("fr", f"Contrat mobile n° {n(10000000, 99999999)}, RIO {n(10, 99)}P{n(100000, 999999)}ABC."),
        ("pt", f"Protocolo de atendimento {n(100000000000, 999999999999)}{n(100, 999)}."),
        ("en", f"What's {n(10000000, 99999999)} divided by {n(1000, 9999)}, rounded?"),
        ("nl", f"Hoeveel is {n(100000, 999999)} keer {n(10000, 99999)}?"),
        ("en", f"Serial no. {n(10, 99)}{n(100000000, 999999999)} on the phone's box doesn't match."),
        ("de", f"Seriennummer {n(1000, 9999)}-{n(1000, 9999)}-{n(1000, 9999)} des Telefons."),
        ("en", f"The fax machine prints {n(100, 999)} pages per job, batch {n(1000000, 9999999)}."),
        ("fr", f"Appel API : {n(100000, 999999)} requêtes en {n(1000, 9999)} ms, lot {n(10000000, 99999999)}."),
        ("it", f"Durata chiamata {n(1, 9)}h {n(10, 59)}m {n(10, 59)}s, ID sessione {n(1000000000, 9999999999)}."),
        ("pt", f"Conta número {n(10000, 99999)}-{n(1, 9)}, agência {n(1000, 9999)}, sem telefone cadastrado."),
    ]


def international(raw, loc, rng):
    """`raw` with its calling code (`+CC`, `00CC` or `+CC (0)`), the trunk 0 dropped where it is."""
    if raw.lstrip("(").startswith("+") or raw.startswith("00") or loc not in CALLING_CODE:
        return raw
    cc = CALLING_CODE[loc]
    national = raw
    if national.startswith("(0") and ")" in national:
        national = national[2:].replace(")", " ", 1)
    elif national.startswith("8") and loc == "ru_RU":
        national = national[1:]
    elif national.startswith("0") and loc not in NO_TRUNK:
        national = national[1:]
    elif national.startswith("(") and ")" in national:
        national = national[1:].replace(")", " ", 1)
    national = " ".join(national.lstrip(" -./").split())
    if loc in ("en_US", "en_CA") and national.startswith("1"):
        return raw
    if national.replace(" ", "").startswith(cc) and len(national.replace(" ", "")) > 10:
        return raw
    r = rng.random()
    if r < 0.2:
        return f"00{cc} {national}"
    if r < 0.35 and raw.startswith("0") and loc not in NO_TRUNK:
        return f"+{cc} (0){national}"
    return f"+{cc} {national}"


if __name__ == "__main__":
    held_out_sets("holdout3", 9393, PHONE_FRAMES, SSN_FRAMES, NAME_LOCALES,
                  phone_drawer(PHONE_LOCALES, international), ssn_format, lookalikes)
