#!/usr/bin/env python3
"""Generates a held-out PII set: the detectors were never tuned on it.

`generate.py` beside this file made the sets PERSON, PHONE and US_SSN were developed
and tuned against (their frames, seed 2026 and seed 7, the list locales). This one
differs in every part that a rule could have been fitted to:

* its own sentence frames, written after the rules were fixed, in the eight languages;
* names from Faker locales that the shipped name lists were not built from (en_AU,
  en_CA, en_IN, de_LI, de_LU, fr_BE, fr_QC, es_AR, es_CL, es_CO, it_CH; Dutch and
  Portuguese have no such locale, so nl_BE and pt_BR names are in-list) plus an
  out-of-list set (Slovak, Slovenian, Lithuanian, Latvian, Estonian, Norwegian, Irish);
* phone numbers from other locales where Faker has them (en_CA, en_AU, en_IE, de_AT,
  de_CH, fr_CH, it_CH, nl_BE, pt_BR);
* its own look-alikes (invoice, order, ticket and tracking numbers, versions and
  builds, timestamps, SKUs and EANs, CVEs, DOIs, coordinates, amounts);
* seed 4242.

Each set is split by frame (or look-alike template): even ones go to `tune/`, odd
ones to `test/`. Rules may be changed for what `tune/` misses; `test/` is only
measured, and its misses are not read, so that its numbers stay out-of-sample.

Records follow the corpus schema with `id` and `label`, so `promptgate eval` reads them:

    python3 -m venv /tmp/fk && /tmp/fk/bin/pip install 'faker==40.63.0'
    /tmp/fk/bin/python src/detect/pii/testdata/holdout.py --out /tmp/pii-holdout
    promptgate --config l2-off.toml eval /tmp/pii-holdout/test/*.jsonl

(`l2-off.toml` holding `[policy.l2]` `enabled = false`.) Nothing here is checked in as
data or asserted by a test: once a `test/` miss is used to change a rule, the set is no
longer held out (change the seed and write new frames).
"""

import hashlib
import random

from gen_common import failing_ssn, faker_cache, parse_args, write_sets

NAME_LOCALES = {
    "en": ["en_AU", "en_CA", "en_IN"], "pl": ["pl_PL"], "de": ["de_LI", "de_LU"],
    "fr": ["fr_BE", "fr_QC"], "es": ["es_AR", "es_CL", "es_CO"], "it": ["it_CH"],
    "nl": ["nl_BE"], "pt": ["pt_BR"],
}
OOV_LOCALES = ["sk_SK", "sl_SI", "lt_LT", "lv_LV", "et_EE", "no_NO", "ga_IE"]
PHONE_LOCALES = {
    "en": ["en_CA", "en_AU", "en_IE"], "pl": ["pl_PL"], "de": ["de_AT", "de_CH"],
    "fr": ["fr_CH", "fr_FR"], "es": ["es_ES"], "it": ["it_CH", "it_IT"],
    "nl": ["nl_BE"], "pt": ["pt_BR"],
}

NAME_FRAMES = {
    "en": [
        "Forward this thread to {N} and ask for a decision by Friday.",
        "The quarterly report was reviewed by {N} last week.",
        "I'm {N}, the new office manager; where do I find the key cards?",
        "Hello {N},\n\nattached is the signed contract.",
        "From: {N} <{E}>\nSubject: invoice question",
        "Assign the ticket to {N}.",
        "Summarise the interview with {N} in five bullet points.",
        "Cheers,\n{N}",
        "Emergency contact: {N}, {P}",
        "Could you translate this letter for Mrs {N}?",
        "Yesterday {N} told me the server room was unlocked.",
    ],
    "pl": [
        "Prześlij ten wątek do {N} z prośbą o decyzję.",
        "Raport przejrzał(a) {N} w zeszłym tygodniu.",
        "Jestem {N}, nowy kierownik biura.",
        "Witam {N},\nw załączeniu umowa.",
        "Przypisz zgłoszenie do: {N}.",
        "Z poważaniem\n{N}",
        "Kontakt awaryjny: {N}, {P}",
        "Przetłumacz list do pani {N}.",
    ],
    "de": [
        "Leite den Thread an {N} weiter und bitte um eine Entscheidung.",
        "Der Bericht wurde letzte Woche von {N} geprüft.",
        "Ich bin {N}, die neue Büroleitung.",
        "Guten Tag {N},\nanbei der unterschriebene Vertrag.",
        "Von: {N} <{E}>\nBetreff: Rückfrage zur Rechnung",
        "Weise das Ticket {N} zu.",
        "Beste Grüße\n{N}",
        "Notfallkontakt: {N}, {P}",
        "Übersetze den Brief an Herrn {N}.",
    ],
    "fr": [
        "Transfère ce fil à {N} et demande une décision.",
        "Le rapport a été relu par {N} la semaine dernière.",
        "Je suis {N}, la nouvelle responsable du bureau.",
        "Madame {N},\nveuillez trouver ci-joint le contrat.",
        "De : {N} <{E}>\nObjet : question sur la facture",
        "Attribue le ticket à {N}.",
        "Bien à vous,\n{N}",
        "Contact d'urgence : {N}, {P}",
    ],
    "es": [
        "Reenvía este hilo a {N} y pide una decisión.",
        "El informe lo revisó {N} la semana pasada.",
        "Soy {N}, la nueva responsable de la oficina.",
        "Buenos días {N},\nadjunto el contrato firmado.",
        "De: {N} <{E}>\nAsunto: duda sobre la factura",
        "Asigna el ticket a {N}.",
        "Un saludo,\n{N}",
        "Contacto de emergencia: {N}, {P}",
        "Traduce la carta para el señor {N}.",
    ],
    "it": [
        "Inoltra questa discussione a {N} e chiedi una decisione.",
        "Il rapporto è stato rivisto da {N} la settimana scorsa.",
        "Sono {N}, la nuova responsabile dell'ufficio.",
        "Buongiorno {N},\nin allegato il contratto firmato.",
        "Da: {N} <{E}>\nOggetto: domanda sulla fattura",
        "Assegna il ticket a {N}.",
        "Distinti saluti,\n{N}",
        "Contatto di emergenza: {N}, {P}",
    ],
    "nl": [
        "Stuur deze thread door naar {N} en vraag om een besluit.",
        "Het rapport is vorige week nagekeken door {N}.",
        "Ik ben {N}, de nieuwe officemanager.",
        "Goedemorgen {N},\nin de bijlage het getekende contract.",
        "Van: {N} <{E}>\nOnderwerp: vraag over de factuur",
        "Wijs het ticket toe aan {N}.",
        "Groeten,\n{N}",
        "Noodcontact: {N}, {P}",
    ],
    "pt": [
        "Encaminhe esta conversa para {N} e peça uma decisão.",
        "O relatório foi revisto por {N} na semana passada.",
        "Sou {N}, a nova gerente do escritório.",
        "Bom dia {N},\nsegue em anexo o contrato assinado.",
        "De: {N} <{E}>\nAssunto: dúvida sobre a fatura",
        "Atribua o chamado a {N}.",
        "Abraços,\n{N}",
        "Contato de emergência: {N}, {P}",
        "Traduza a carta para a senhora {N}.",
    ],
}

PHONE_FRAMES = {
    "en": ["You can reach our support line at {P}.", "Text me on {P} when you land.",
           "The caller ID showed {P}; is it a scam?", "Office: {P} (Mon–Fri)",
           "Please ring {P} to confirm the booking.", "Fax and phone: {P}"],
    "pl": ["Infolinia: {P}", "Proszę o SMS na numer {P}.", "Numer telefonu biura: {P}.",
           "Dzwonił ktoś z {P}, czy to oszustwo?"],
    "de": ["Unsere Servicenummer: {P}", "Schick mir eine SMS an {P}.",
           "Auf dem Display stand {P} – ist das Betrug?", "Büro: {P} (Mo–Fr)"],
    "fr": ["Notre service client : {P}", "Envoie-moi un SMS au {P}.",
           "Le numéro affiché était le {P}, arnaque ?", "Bureau : {P} (lun.–ven.)"],
    "es": ["Nuestra línea de atención: {P}", "Mándame un SMS al {P}.",
           "Me llamaron desde el {P}, ¿es una estafa?", "Oficina: {P} (lun–vie)"],
    "it": ["Il nostro servizio clienti: {P}", "Mandami un SMS al {P}.",
           "Mi ha chiamato il {P}, è una truffa?", "Ufficio: {P} (lun–ven)"],
    "nl": ["Onze klantenservice: {P}", "Stuur me een sms op {P}.",
           "Ik werd gebeld door {P}, is dat oplichting?", "Kantoor: {P} (ma–vr)"],
    "pt": ["Nossa central de atendimento: {P}", "Mande um SMS para {P}.",
           "Recebi uma ligação do {P}, é golpe?", "Escritório: {P} (seg–sex)"],
}

SSN_FRAMES = {
    "en": ["Payroll needs the SSN {S} to file the W-2.", "ssn: {S}",
           "Can you check if {S} is a valid Social Security number?",
           "Tax form draft – SSN {S}, filing status single."],
    "pl": ["SSN pracownika z USA: {S}", "Czy {S} to poprawny numer SSN?"],
    "de": ["Die SSN des Mitarbeiters ist {S}.", "Ist {S} eine gültige Social Security Number?"],
    "fr": ["Le SSN de l'employé est {S}.", "Est-ce que {S} est un numéro SSN valide ?"],
    "es": ["El SSN del empleado es {S}.", "¿Es {S} un número de Seguro Social válido?"],
    "it": ["L'SSN del dipendente è {S}.", "{S} è un Social Security Number valido?"],
    "nl": ["Het SSN van de medewerker is {S}.", "Is {S} een geldig social security number?"],
    "pt": ["O SSN do funcionário é {S}.", "{S} é um número de Social Security válido?"],
}

CAPITALISED = {
    "en": ["Book a table at Golden Dragon for Friday.", "Compare Microsoft Teams and Slack for a small office.",
           "Victoria Falls is on the Zambezi River.", "Is the Washington Post paywall worth it?",
           "The Lincoln Memorial and the Jefferson Memorial are close.", "Ford Mustang or Chevrolet Camaro?",
           "Configure Visual Studio Code for Rust.", "Who won the Nobel Prize in Physics this year?"],
    "pl": ["Czy Morskie Oko jest dostępne zimą?", "Porównaj Allegro i Amazon.",
           "Stare Miasto w Krakowie jest piękne."],
    "de": ["Der Hund und die Katze schlafen im Garten.", "Ist der Kölner Dom am Sonntag offen?",
           "Vergleiche Lidl und Aldi Süd."],
    "fr": ["Le Mont Saint-Michel est-il accessible à pied ?", "Compare Orange et Bouygues Telecom.",
           "La Gare du Nord est bondée le vendredi."],
    "es": ["¿La Puerta del Sol está cerca del Museo del Prado?", "Compara Movistar y Vodafone.",
           "Santiago de Compostela recibe muchos peregrinos."],
    "it": ["La Galleria degli Uffizi è aperta il lunedì?", "Confronta Fiat Panda e Lancia Ypsilon.",
           "Piazza San Marco era allagata."],
    "nl": ["Is de Efteling open in december?", "Vergelijk Albert Heijn en Jumbo.",
           "Het Vondelpark ligt in Amsterdam."],
    "pt": ["O Cristo Redentor abre cedo?", "Compare Vivo e Claro.", "A Praia da Rocha fica no Algarve."],
}


def lookalikes(rng):
    """Digit-heavy texts with no PII: each must give no finding at all."""
    n = rng.randint
    return [
        f"Purchase order PO-{n(2020, 2026)}-{n(100000, 999999)} needs a second approval.",
        f"Factuur {n(2020, 2026)}{n(100000, 999999)} staat nog open.",
        f"Fattura n. {n(1, 9999)}/{n(2020, 2026)} del {n(1, 28):02d}/{n(1, 12):02d}/{n(2020, 2026)}.",
        f"Nota fiscal {n(100, 999)}.{n(100, 999)}.{n(100, 999)} emitida ontem.",
        f"Amazon order {n(100, 999)}-{n(1000000, 9999999)}-{n(1000000, 9999999)} was split in two.",
        f"Bump the crate from {n(0, 3)}.{n(0, 40)}.{n(0, 20)} to {n(0, 3)}.{n(0, 40)}.{n(0, 20)}-rc.{n(1, 5)}.",
        f"Windows build 10.0.{n(10000, 26999)}.{n(1000, 9999)} fails to boot.",
        f"Kernel {n(4, 6)}.{n(0, 19)}.{n(0, 200)}-{n(100, 999)}-generic panics on resume.",
        f"At {n(2020, 2026)}-{n(1, 12):02d}-{n(1, 28):02d} {n(0, 23):02d}:{n(0, 59):02d}:{n(0, 59):02d}.{n(100, 999)} the job stopped.",
        f"Epoch millis {n(1500000000000, 1799999999999)}: convert to ISO 8601.",
        f"Log line: [{n(1, 28):02d}/{n(1, 12):02d}/{n(2020, 2026)}:{n(0, 23):02d}:{n(0, 59):02d}:{n(0, 59):02d} +0000] GET /health 200",
        f"SKU {n(100, 999)}-{n(1000, 9999)}-{n(100, 999)} is back in stock.",
        f"EAN {n(4000000000000, 4999999999999)} does not scan at the till.",
        f"Part no. {n(1000, 9999)}-{n(1000, 9999)}-{n(10, 99)} fits the older model.",
        f"Shipment tracking {n(1000000000000000, 9999999999999999)} is stuck in customs.",
        f"Ticket INC{n(1000000, 9999999)} was reopened by the customer.",
        f"Explain CVE-{n(2015, 2026)}-{n(10000, 99999)} in plain words.",
        f"Cite doi 10.{n(1000, 9999)}/{n(100000, 999999)}.{n(100, 999)} in APA style.",
        f"The coordinates {n(10, 60)}.{n(100000, 999999)}, {n(10, 60)}.{n(100000, 999999)} point to a lake.",
        f"Revenue was {n(1, 999)} {n(100, 999)} {n(100, 999)},{n(10, 99)} zł last quarter.",
        f"Multiply {n(10000000, 99999999)} by {n(10000000, 99999999)}.",
        f"What's {n(1000000000, 9999999999)} mod {n(7, 97)}?",
        f"Factorise {n(100000000, 999999999)}.",
        f"The table has {n(10000000, 99999999)} rows and {n(10, 99)} columns.",
        f"Disk usage: {n(100000000, 999999999)} bytes of {n(1000000000, 9999999999)}.",
        f"Batch {n(100000, 999999)}-{n(10, 99)} failed QC on {n(1, 28):02d}.{n(1, 12):02d}.",
        f"Room {n(100, 999)}, building {n(1, 9)}, floor {n(1, 20)}.",
        f"Lotto numbers {n(1, 49)} {n(1, 49)} {n(1, 49)} {n(1, 49)} {n(1, 49)} {n(1, 49)}, did I win?",
        f"My library card reads {n(10000000, 99999999)} {n(1000, 9999)}.",
        f"Commit hash {rng.getrandbits(160):040x} broke CI.",
        f"Pod api-{rng.getrandbits(40):010x}-{n(10000, 99999)} restarted {n(2, 30)} times.",
        f"The phone bill for {n(2020, 2026)}-{n(1, 12):02d} was {n(10, 99)}.{n(10, 99)} EUR.",
        f"Call stack depth reached {n(100000, 999999)} frames.",
        f"Our mobile release {n(1, 9)}.{n(0, 99)}.{n(1000, 9999)} ships tomorrow.",
    ]


def ssn_format(ssn, rng):
    d = ssn.replace("-", "")
    return rng.choice([ssn, ssn, f"{d[:3]} {d[3:5]} {d[5:]}", d, f"{d[:3]}.{d[3:5]}.{d[5:]}"])


def fill(frame, rng, fake=None, name=None, phone=None, ssn=None):
    """Fills a frame; returns text and spans (code points)."""
    out, spans, i = "", [], 0
    while i < len(frame):
        if frame[i] == "{" and frame[i + 2] == "}":
            value, ty = {
                "N": (name, "PERSON"), "P": (phone, "PHONE"), "S": (ssn, "US_SSN"),
                "E": (fake.email() if fake else "info@example.org", "EMAIL"),
            }[frame[i + 1]]
            spans.append({"type": ty, "start": len(out), "end": len(out) + len(value)})
            out += value
            i += 3
        else:
            out += frame[i]
            i += 1
    return out, spans


def rec(text, spans, lang, category, source, frame):
    """A record of the `tune` half (even frame or template) or the `test` half (odd)."""
    rid = "holdout-" + hashlib.sha256(f"{source}\0{text}".encode()).hexdigest()[:12]
    split = "tune" if frame % 2 == 0 else "test"
    return split, {"id": rid, "text": text, "label": "benign", "category": category, "lang": lang,
                   "source": f"generated:holdout:{source}:f{frame}", "pii": spans}


def pick(rng, frames):
    i = rng.randrange(len(frames))
    return i, frames[i]


def main():
    args = parse_args(4242)
    rng = random.Random(args.seed)
    fk = faker_cache(args.seed)

    sets = {}

    def add(name, split_record):
        split, record = split_record
        sets.setdefault(f"{split}/{name}", []).append(record)

    for lang, frames in NAME_FRAMES.items():
        for _ in range(40 * args.scale):
            fake = fk(rng.choice(NAME_LOCALES[lang]))
            name = fake.name() if rng.random() < 0.4 else f"{fake.first_name()} {fake.last_name()}"
            phone = fk(rng.choice(PHONE_LOCALES[lang])).phone_number()
            i, frame = pick(rng, frames)
            text, spans = fill(frame, rng, fake, name=name, phone=phone)
            add("person.jsonl", rec(text, spans, lang, "pii", f"person:{lang}", i))
        for _ in range(12 * args.scale):
            oov = fk(rng.choice(OOV_LOCALES))
            name = f"{oov.first_name()} {oov.last_name()}"
            phone = fk(rng.choice(PHONE_LOCALES[lang])).phone_number()
            i, frame = pick(rng, frames)
            text, spans = fill(frame, rng, fk(NAME_LOCALES[lang][0]), name=name, phone=phone)
            add("person_oov.jsonl", rec(text, spans, lang, "pii", f"person-oov:{lang}", i))
    for lang, frames in PHONE_FRAMES.items():
        for _ in range(50 * args.scale):
            fake = fk(rng.choice(PHONE_LOCALES[lang]))
            i, frame = pick(rng, frames)
            text, spans = fill(frame, rng, fake, phone=fake.phone_number())
            add("ssn_phone.jsonl", rec(text, spans, lang, "pii", f"phone:{lang}", i))
    us = fk("en_US")
    for lang, frames in SSN_FRAMES.items():
        for _ in range(20 * args.scale):
            i, frame = pick(rng, frames)
            text, spans = fill(frame, rng, ssn=ssn_format(us.ssn(), rng))
            add("ssn_phone.jsonl", rec(text, spans, lang, "pii", f"ssn:{lang}", i))
    for lang, texts in CAPITALISED.items():
        for i, t in enumerate(texts):
            add("negatives.jsonl", rec(t, [], lang, "pii_hard_negative", "capitalised", i))
    for _ in range(4 * args.scale):
        for i, t in enumerate(lookalikes(rng)):
            add("negatives.jsonl", rec(t, [], "en", "pii_hard_negative", "lookalike", i))
        for lang, frames in SSN_FRAMES.items():
            i, frame = pick(rng, frames)
            t, _ = fill(frame, rng, ssn=failing_ssn(rng))
            add("negatives.jsonl", rec(t, [], lang, "pii_hard_negative", "ssn-lookalike", i))
    write_sets(args.out, sets)


if __name__ == "__main__":
    main()
