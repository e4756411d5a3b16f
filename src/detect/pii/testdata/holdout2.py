#!/usr/bin/env python3
"""Generates a second held-out PII set, written before the fourth PHONE pass changed any rule.

`holdout.py` (seed 4242) was the out-of-sample set of the earlier passes; its `test` half
was read for the fourth pass, so it is spent. This set was written, and committed,
before that pass read any miss, and differs from every set the rules were tuned on:

* its own sentence frames in en, pl, de, fr, es, it, nl and pt: contact blocks,
  signatures, inline mentions with a phone word and without one, two numbers in a
  frame; SSNs in new frames;
* phone numbers from Faker locales in the default regions (`phone_regions` of the
  sample config), near them and outside them (en_NZ, cs_CZ, sk_SK, de_LU, fr_DZ,
  es_AR, es_CL, sl_SI, hr_HR, da_DK, el_GR), a third of them rewritten with the
  calling code (`+CC` or `00CC`, trunk 0 dropped where the country drops it);
* its own look-alikes: order, invoice, ticket and customer numbers, versions and
  builds, timestamps, SKUs and EANs, coordinates, amounts, UUIDs, IMEIs, arithmetic,
  many beside a phone word used in another sense, in the eight languages;
* seed 8686.

Each set is split by frame (or look-alike template): even ones go to `tune/`, odd
ones to `test/`. `test/` is measured once before and once after a change and its
misses are not read; `tune/` may be read. Records follow the corpus schema with `id`
and `label`, so `promptgate eval` reads them:

    /tmp/fk/bin/python src/detect/pii/testdata/holdout2.py --out /tmp/pii-holdout2
    promptgate --config l2-off.toml eval /tmp/pii-holdout2/test/*.jsonl

(`l2-off.toml` holding `[policy.l2]` `enabled = false`.) Nothing here is checked in as
data or asserted by a test: once a `test/` miss is used to change a rule, the set is
no longer held out (change the seed and write new frames).
"""

import uuid

from gen_common import held_out_sets

# Person providers by language (PERSON is not this set's subject; in-list locales).
NAME_LOCALES = {
    "en": ["en_US", "en_GB"], "pl": ["pl_PL"], "de": ["de_DE", "de_AT"], "fr": ["fr_FR"],
    "es": ["es_ES"], "it": ["it_IT"], "nl": ["nl_NL"], "pt": ["pt_PT", "pt_BR"],
}
# Phone providers by language: in the default regions (listed twice, so two in
# three numbers), then near or outside them.
PHONE_LOCALES = {
    "en": (["en_US", "en_GB", "en_AU", "en_CA"], ["en_NZ"]),
    "pl": (["pl_PL", "uk_UA"], ["cs_CZ", "sk_SK"]),
    "de": (["de_DE", "de_AT", "de_CH"], ["de_LU"]),
    "fr": (["fr_FR", "fr_CH", "nl_BE"], ["fr_DZ"]),
    "es": (["es_ES"], ["es_AR", "es_CL"]),
    "it": (["it_IT", "it_CH"], ["sl_SI", "hr_HR"]),
    "nl": (["nl_NL", "nl_BE"], ["da_DK"]),
    "pt": (["pt_PT", "pt_BR"], ["el_GR"]),
}
CALLING_CODE = {
    "en_US": "1", "en_GB": "44", "en_AU": "61", "en_CA": "1", "en_NZ": "64", "pl_PL": "48",
    "uk_UA": "380", "cs_CZ": "420", "sk_SK": "421", "de_DE": "49", "de_AT": "43",
    "de_CH": "41", "de_LU": "352", "fr_FR": "33", "fr_CH": "41", "nl_BE": "32",
    "fr_DZ": "213", "es_ES": "34", "es_AR": "54", "es_CL": "56", "it_IT": "39",
    "it_CH": "41", "sl_SI": "386", "hr_HR": "385", "nl_NL": "31", "da_DK": "45",
    "pt_PT": "351", "pt_BR": "55", "el_GR": "30",
}
# Countries whose national numbers have no trunk prefix (the calling code goes in front).
NO_TRUNK = {"pl_PL", "es_ES", "da_DK", "pt_PT", "el_GR", "de_LU", "it_IT", "en_US", "en_CA"}

# {N} name, {P} phone (a new one each time), {E} e-mail.
PHONE_FRAMES = {
    "en": [
        "Thanks again for today.\n\n{N}\nFacilities Coordinator\nM {P}\n{E}",
        "{N} | Account Manager | {P} | {E}",
        "Can you call the landlord back? His number is {P}.",
        "Missed call from {P} at 14:05, no voicemail. Should I ring back?",
        "Site contact\nName: {N}\nMobile: {P}\nEmail: {E}",
        "If the parcel does not turn up, {N} can be reached on {P}.",
        "WhatsApp me at {P} once you're at the gate.",
        "Our new hotline {P} is staffed around the clock.",
        "Is {P} a landline or a mobile?",
        "Write a reply to whoever left a message from {P} on my voicemail.",
        "Dispatch: {P}\nAfter hours: {P}",
        "The plumber ({P}) comes on Thursday between 8 and 10.",
    ],
    "pl": [
        "Dziękuję i pozdrawiam\n{N}\nSpecjalista ds. zakupów\ntel. kom. {P}",
        "{N}, dział kadr, {P}, {E}",
        "Proszę oddzwonić pod numer {P} do godziny 16.",
        "Mam nieodebrane połączenie z {P}, kto to może być?",
        "Dane kontaktowe\nImię i nazwisko: {N}\nKomórka: {P}\nE-mail: {E}",
        "W razie pytań {N} jest dostępna pod {P}.",
        "Napisz na WhatsAppie: {P}.",
        "Recepcja hotelu {P}, czynna całą dobę.",
        "Czy {P} to numer stacjonarny?",
        "Ułóż odpowiedź dla osoby, która zostawiła wiadomość z {P}.",
        "Sekretariat: {P}\nFaks: {P}",
        "Hydraulik ({P}) przyjdzie w czwartek rano.",
    ],
    "de": [
        "Vielen Dank und schöne Grüße\n{N}\nEinkauf\nMobil {P}\n{E}",
        "{N} · Vertrieb · {P} · {E}",
        "Kannst du den Vermieter zurückrufen? Seine Nummer ist {P}.",
        "Verpasster Anruf von {P} um 9:40, keine Mailbox-Nachricht.",
        "Ansprechpartner\nName: {N}\nHandy: {P}\nE-Mail: {E}",
        "Bei Fragen erreichen Sie {N} unter {P}.",
        "Schreib mir per WhatsApp an {P}, wenn du da bist.",
        "Die neue Hotline {P} ist rund um die Uhr besetzt.",
        "Ist {P} eine Festnetznummer?",
        "Formuliere eine Antwort an jemanden, der von {P} auf die Mailbox gesprochen hat.",
        "Zentrale: {P}\nNotdienst: {P}",
        "Der Installateur ({P}) kommt am Donnerstag.",
    ],
    "fr": [
        "Merci encore,\n{N}\nAcheteuse\nPortable {P}\n{E}",
        "{N} – service RH – {P} – {E}",
        "Peux-tu rappeler le propriétaire ? Son numéro est le {P}.",
        "Appel manqué du {P} à 11h20, sans message.",
        "Contact sur place\nNom : {N}\nMobile : {P}\nCourriel : {E}",
        "En cas de souci, {N} est joignable au {P}.",
        "Écris-moi sur WhatsApp au {P} en arrivant.",
        "La nouvelle ligne d'assistance {P} répond 24 h sur 24.",
        "Est-ce que {P} est un fixe ?",
        "Rédige une réponse à la personne qui a laissé un message depuis le {P}.",
        "Standard : {P}\nAstreinte : {P}",
        "Le plombier ({P}) passe jeudi matin.",
    ],
    "es": [
        "Gracias de nuevo,\n{N}\nCompras\nMóvil {P}\n{E}",
        "{N} / Recursos Humanos / {P} / {E}",
        "¿Puedes devolverle la llamada al casero? Su número es el {P}.",
        "Llamada perdida del {P} a las 10:15, sin mensaje.",
        "Persona de contacto\nNombre: {N}\nCelular: {P}\nCorreo: {E}",
        "Si hay dudas, {N} está localizable en el {P}.",
        "Escríbeme por WhatsApp al {P} cuando llegues.",
        "La nueva línea de ayuda {P} atiende las 24 horas.",
        "¿El {P} es un fijo o un móvil?",
        "Redacta una respuesta para quien dejó un mensaje desde el {P}.",
        "Centralita: {P}\nUrgencias: {P}",
        "El fontanero ({P}) viene el jueves.",
    ],
    "it": [
        "Grazie ancora,\n{N}\nUfficio acquisti\nCell. {P}\n{E}",
        "{N} - Risorse umane - {P} - {E}",
        "Puoi richiamare il padrone di casa? Il suo numero è {P}.",
        "Chiamata persa dal {P} alle 15:30, nessun messaggio.",
        "Referente\nNome: {N}\nCellulare: {P}\nEmail: {E}",
        "Per domande {N} risponde al {P}.",
        "Scrivimi su WhatsApp al {P} quando arrivi.",
        "Il nuovo numero verde {P} è attivo 24 ore su 24.",
        "Il {P} è un fisso?",
        "Scrivi una risposta a chi ha lasciato un messaggio dal {P}.",
        "Centralino: {P}\nReperibilità: {P}",
        "L'idraulico ({P}) passa giovedì.",
    ],
    "nl": [
        "Nogmaals bedankt,\n{N}\nInkoop\nMobiel {P}\n{E}",
        "{N} | HR | {P} | {E}",
        "Kun je de verhuurder terugbellen? Zijn nummer is {P}.",
        "Gemiste oproep van {P} om 16:10, geen voicemail.",
        "Contactpersoon\nNaam: {N}\nGSM: {P}\nE-mail: {E}",
        "Bij vragen is {N} bereikbaar op {P}.",
        "App me op {P} als je er bent.",
        "De nieuwe hulplijn {P} is dag en nacht bereikbaar.",
        "Is {P} een vaste lijn?",
        "Schrijf een antwoord aan wie een bericht insprak vanaf {P}.",
        "Receptie: {P}\nStoringsdienst: {P}",
        "De loodgieter ({P}) komt donderdag.",
    ],
    "pt": [
        "Obrigada mais uma vez,\n{N}\nCompras\nTelemóvel {P}\n{E}",
        "{N} • RH • {P} • {E}",
        "Pode retornar a ligação do senhorio? O número dele é {P}.",
        "Chamada perdida do {P} às 12:45, sem recado.",
        "Contato no local\nNome: {N}\nCelular: {P}\nE-mail: {E}",
        "Em caso de dúvida, {N} atende pelo {P}.",
        "Me chama no WhatsApp: {P}.",
        "A nova linha de apoio {P} funciona 24 horas.",
        "O {P} é fixo ou celular?",
        "Escreva uma resposta para quem deixou recado do {P}.",
        "Receção: {P}\nPiquete: {P}",
        "O canalizador ({P}) vem na quinta.",
    ],
}

# {S} an SSN, {N} a name.
SSN_FRAMES = {
    "en": ["Employee record: {N}, SSN {S}, start date 2019.",
           "Fix the typo in the social security number field, it should read {S}.",
           "My social is {S}; does it go on the 1099?",
           "SSN/ITIN: {S}"],
    "pl": ["Numer SSN kolegi z Teksasu: {S}.", "Formularz W-4, pole SSN: {S}"],
    "de": ["Im Formular steht als SSN {S}, stimmt das Format?", "US-Sozialversicherungsnummer (SSN): {S}"],
    "fr": ["Sur le formulaire, SSN : {S}", "Mon SSN américain est {S}, où le mettre ?"],
    "es": ["En el formulario pone SSN {S}.", "Mi SSN es {S}, ¿dónde lo escribo?"],
    "it": ["Nel modulo c'è SSN {S}.", "Il mio SSN americano è {S}, dove va indicato?"],
    "nl": ["Op het formulier staat SSN {S}.", "Mijn Amerikaanse SSN is {S}, waar vul ik dat in?"],
    "pt": ["No formulário consta SSN {S}.", "Meu SSN americano é {S}, onde coloco?"],
}


def ean13(rng):
    body = [rng.randint(0, 9) for _ in range(12)]
    body[0] = rng.choice([4, 5, 8, 9])
    s = sum(d * (3 if i % 2 else 1) for i, d in enumerate(body))
    return "".join(map(str, body)) + str((10 - s % 10) % 10)


def imei(rng):
    body = [rng.randint(0, 9) for _ in range(14)]
    total = 0
    for i, d in enumerate(body):
        if i % 2:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return "".join(map(str, body)) + str((10 - total % 10) % 10)


def lookalikes(rng):
    """Digit-heavy texts with no PII, each must give no finding; (lang, text)."""
    n = rng.randint
    y, mo, d, h, mi, s = n(2019, 2026), n(1, 12), n(1, 28), n(0, 23), n(0, 59), n(0, 59)
    u = uuid.UUID(int=rng.getrandbits(128), version=4)
    return [
        ("en", f"Invoice INV-{y}-{n(10000, 99999)} is {n(3, 60)} days overdue."),
        ("de", f"Bitte bei Zahlung die Rechnungsnummer {n(1000000, 9999999)}/{y} angeben."),
        ("pl", f"Numer zamówienia: {n(1000000000, 9999999999)}, status: wysłane."),
        ("en", f"Ticket #{n(100000, 999999)}: the phone app crashes on login since {n(2, 9)}.{n(0, 20)}.{n(0, 9)}."),
        ("fr", f"Commande n° {n(100000000, 999999999)} expédiée le {d:02d}/{mo:02d}/{y}."),
        ("es", f"El pedido {n(100, 999)}-{n(1000000, 9999999)} fue devuelto el {d}/{mo}."),
        ("en", f"Upgrade Postgres from {n(12, 15)}.{n(1, 9)} to {n(16, 17)}.{n(0, 4)} before build {n(1000, 9999)}.{n(100, 999)}.{n(10, 99)}."),
        ("en", f"Android build {n(11, 15)}.{n(0, 1)}.{n(0, 9)} (TQ{n(1, 3)}A.{n(220000, 250000)}.{n(1, 20):03d}) drains the phone battery."),
        ("nl", f"Versie {n(1, 9)}.{n(10, 99)}.{n(100, 999)} van de app lost het belprobleem op."),
        ("en", f"Unix time {n(1600000000, 1799999999)} is which date?"),
        ("en", f"Job finished at {y}{mo:02d}{d:02d}T{h:02d}{mi:02d}{s:02d}Z with exit code {n(1, 255)}."),
        ("fr", f"Appel reçu le {d:02d}/{mo:02d}/{y} à {h:02d}h{mi:02d}, durée {n(1, 59)} min {n(0, 59)} s."),
        ("de", f"Anruf am {d:02d}.{mo:02d}.{y} um {h:02d}:{mi:02d} Uhr, Dauer {n(2, 59)} Minuten."),
        ("de", f"Artikelnummer {n(100, 999)} {n(100, 999)} {n(10, 99)} ist ausverkauft."),
        ("en", f"EAN-13 {ean13(rng)} won't scan at checkout."),
        ("es", f"Código de barras {ean13(rng)}, lote {n(10000, 99999)}."),
        ("en", f"SKU HX-{n(10000, 99999)}-{n(10, 99)} ships in {n(2, 14)} days."),
        ("en", f"GPS fix: {rng.uniform(35, 60):.6f}, {rng.uniform(-10, 30):.6f} (accuracy {n(3, 50)} m)."),
        ("pl", f"Współrzędne punktu: {n(49, 54)}.{n(1000000, 9999999)} {n(14, 24)}.{n(1000000, 9999999)}."),
        ("it", f"Coordinate {n(36, 46)}°{n(0, 59)}′{n(0, 59)}″N {n(7, 18)}°{n(0, 59)}′{n(0, 59)}″E, quota {n(100, 2999)} m."),
        ("fr", f"Montant total : {n(1, 99)} {n(100, 999)} {n(100, 999)},{n(10, 99)} € HT."),
        ("pt", f"Saldo devedor: R$ {n(1, 999)}.{n(100, 999)}.{n(100, 999)},{n(10, 99)}."),
        ("en", f"The phone plan costs ${n(10, 99)}.{n(10, 99)} a month and {n(100, 999)},{n(100, 999)} customers took it."),
        ("en", f"Request {u} failed with status {n(500, 504)}."),
        ("de", f"Trace-ID {u} im Log von {h:02d}:{mi:02d}:{s:02d} suchen."),
        ("en", f"What is {n(1000000, 99999999)} + {n(1000000, 99999999)} - {n(100000, 999999)}?"),
        ("pl", f"Ile to {n(100000000, 999999999)} podzielone przez {n(11, 97)}?"),
        ("it", f"Calcola {n(10000, 99999)} × {n(10000, 99999)} senza calcolatrice."),
        ("en", f"Is {n(1000000000, 99999999999)} a prime number?"),
        ("es", f"Convierte {n(1000000000, 99999999999)} segundos a años."),
        ("en", f"Customer ID {n(1000000000, 9999999999)} asked to close the account."),
        ("en", f"The phone's IMEI {imei(rng)} is blacklisted by the carrier."),
        ("de", f"Kundennummer {n(10000000, 99999999)}, Vertragskonto {n(100000000000, 999999999999)}."),
        ("nl", f"Klantnummer {n(1000000, 9999999)} belde over factuur {n(100000000, 999999999)}."),
        ("en", f"Call count hit {n(1000000, 9999999)} at {h:02d}:{mi:02d}, quota is {n(10000000, 99999999)}."),
        ("en", f"Tel Aviv had {n(400000, 499999)} residents in {y}."),
        ("es", f"Marca la casilla {n(10, 99)} y escribe el código {n(10000000, 99999999)}."),
        ("fr", f"Merci de rappeler la référence {n(1000000000, 9999999999)} dans votre virement."),
        ("it", f"Il telefono è stato spedito con il numero d'ordine {n(100000000, 999999999)}."),
        ("pt", f"Ligue o módulo na porta {n(1024, 65535)} e defina o timeout em {n(10000, 99999)} ms."),
        ("nl", f"Bel-me-niet-register: verzoek {n(10000000, 99999999)} behandeld op {d}-{mo}-{y}."),
        ("pl", f"Faktura za telefon nr {n(1000, 9999)}/{mo:02d}/{y} na kwotę {n(10, 999)},{n(10, 99)} zł."),
        ("de", f"SMS-Gateway meldet Fehler {n(10000, 99999)} für Batch {n(10000000, 99999999)}."),
        ("en", f"Dial-up era modems ran at {n(28800, 56000)} bps; our DSL does {n(100000000, 250000000)} bps."),
        ("es", f"El móvil modelo SM-A{n(100, 599)}F vendió {n(1000000, 9999999)} unidades."),
        ("pt", f"Número do pedido {n(1000000000, 9999999999)}, rastreio {n(100000000000, 999999999999)}."),
    ]


def ssn_format(ssn, rng):
    d = ssn.replace("-", "")
    return rng.choice([ssn, ssn, ssn, f"{d[:3]} {d[3:5]} {d[5:]}", d])


def international(raw, loc, rng):
    """`raw` with its calling code: `+CC` (or `00CC`), the trunk 0 dropped where it is dropped."""
    if raw.startswith("+") or raw.startswith("00") or loc not in CALLING_CODE:
        return raw
    cc = CALLING_CODE[loc]
    national = raw
    if national.startswith("(0") and ")" in national:
        national = national[2:].replace(")", "", 1)
    elif national.startswith("0") and loc not in NO_TRUNK:
        national = national[1:]
    elif national.startswith("(") and ")" in national:
        national = national[1:].replace(")", "", 1)
    if loc in ("en_US", "en_CA") and national.startswith("1"):
        return raw
    prefix = f"00{cc}" if rng.random() < 0.25 else f"+{cc}"
    return f"{prefix} {national.lstrip(' -./')}"


def phone(rng, fk, lang):
    """A phone number of `lang`'s in-region (2/3) or outside (1/3) locales; 1/3 with calling code."""
    inside, outside = PHONE_LOCALES[lang]
    loc = rng.choice(inside) if rng.random() < 2 / 3 else rng.choice(outside)
    raw = fk(loc).phone_number().split("x")[0].strip()
    if rng.random() < 1 / 3:
        raw = international(raw, loc, rng)
    return raw


if __name__ == "__main__":
    held_out_sets("holdout2", 8686, PHONE_FRAMES, SSN_FRAMES, NAME_LOCALES, phone, ssn_format,
                  lookalikes)
