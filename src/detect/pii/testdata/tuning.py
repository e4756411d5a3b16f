#!/usr/bin/env python3
"""Generates a tuning set for PERSON and PHONE that leaves `holdout.py`'s `test` half held out.

`holdout.py` splits its records by frame: the `tune` half (even frames) may be read,
the `test` half (odd frames) is only measured. Once its `tune` half was at 100%, what
was still thin had to be found without reading the `test` half's misses, so this file
makes fresh material of its own, everything a rule could be fitted to chosen apart
from both earlier sets:

* its own sentence frames in the eight languages (passive agents, cc lists,
  signatures with a role or company line, contact blocks with `Office:`/`Direct:`
  style labels, names at a sentence start before an act, and the like);
* names from Faker locales that no shipped list was built from and that `holdout.py`
  does not use either (Icelandic, Azerbaijani, Yoruba, Zulu, Hausa, Igbo, Indonesian,
  Thai and Swahili names written in Latin script), beside list-locale names;
* phone numbers from every Faker locale with a phone provider in or near the default
  regions, plus locales outside them (Danish, Swedish, Hungarian, Czech, Romanian,
  Azerbaijani, Vietnamese, Ghanaian, Luxembourgish, Liechtenstein), with and without
  a phone word;
* digit-heavy look-alikes that carry a phone word in another sense ("call the
  function with", "numer faktury", "Liga", "precio fijo", "SMS code", "contact ID"),
  plus UUIDs, IDs, arithmetic with large numbers, checksum-failing card and IBAN
  shapes, timestamps, versions and SKUs: each must give no finding at all;
* seed 5151 by default (any seed: `--seed`).

    /tmp/fk/bin/python src/detect/pii/testdata/tuning.py --out /tmp/pii-tuning
    promptgate --config l2-off.toml eval --show-pii-errors /tmp/pii-tuning/*.jsonl

Nothing here is checked in as data or asserted by a test: it is read, so it is
in-sample for every rule changed because of it.
"""

import hashlib
import random
import uuid

from gen_common import faker_cache, parse_args, write_sets

LIST_LOCALES = {
    "en": ["en_US", "en_GB", "en_NZ"], "pl": ["pl_PL"], "de": ["de_DE", "de_AT", "de_CH"],
    "fr": ["fr_FR", "fr_CA"], "es": ["es_ES", "es_MX"], "it": ["it_IT"], "nl": ["nl_NL"],
    "pt": ["pt_PT", "pt_BR"],
}
# Latin-script person providers that neither the lists nor holdout.py use.
OOV_LOCALES = ["is_IS", "az_AZ", "yo_NG", "zu_ZA", "ha_NG", "ig_NG", "id_ID", "en_TH", "sw"]
# Phone providers by language: default regions first, then places outside them.
PHONE_LOCALES = {
    "en": ["en_US", "en_GB", "en_IN", "en_NZ", "en_CA", "en_AU"],
    "pl": ["pl_PL", "cs_CZ", "hu_HU"], "de": ["de_DE", "de_AT", "de_LU", "de_LI", "da_DK"],
    "fr": ["fr_FR", "fr_CH", "fr_DZ"], "es": ["es_ES", "es_MX", "es_AR", "es_CO", "es_CL"],
    "it": ["it_IT", "it_CH", "ro_RO"], "nl": ["nl_NL", "nl_BE", "sv_SE"],
    "pt": ["pt_PT", "pt_BR", "az_AZ"],
}

NAME_FRAMES = {
    "en": [
        "The expense claim was approved by {N} on Tuesday.",
        "Please cc {N} on the reply to the landlord.",
        "Best,\n{N}\nHead of Procurement",
        "Good morning {N},\n\nthe delivery is late again.",
        "{N} joined the team in March and told me she loves it.",
        "Ask {N} whether the budget includes travel.",
        "Contact: {N}, {P}",
        "Minutes taken by {N}.",
        "Thanks,\n{N}",
        "The lease is signed by {N} and the agency.",
        "Please set up a call with {N} next week.",
        "Attendees: {N} (chair), finance team",
    ],
    "pl": [
        "Wniosek zatwierdził(a) {N} we wtorek.",
        "Dodaj {N} do kopii odpowiedzi.",
        "Pozdrawiam,\n{N}\nDział zakupów",
        "Dzień dobry {N},\nprzesyłka znowu się spóźnia.",
        "Zapytaj {N}, czy budżet obejmuje podróże.",
        "Kontakt: {N}, {P}",
        "Protokół sporządził(a) {N}.",
        "Umów spotkanie z {N} w przyszłym tygodniu.",
    ],
    "de": [
        "Die Spesenabrechnung wurde von {N} freigegeben.",
        "Setz {N} bei der Antwort in CC.",
        "Viele Grüße\n{N}\nLeitung Einkauf",
        "Hallo {N},\ndie Lieferung ist wieder verspätet.",
        "Frag {N}, ob das Budget Reisen enthält.",
        "Ansprechpartner: {N}, {P}",
        "Protokoll: {N}",
        "Vereinbare einen Termin mit {N} nächste Woche.",
    ],
    "fr": [
        "La note de frais a été validée par {N} mardi.",
        "Mets {N} en copie de la réponse.",
        "Cordialement,\n{N}\nResponsable achats",
        "Bonjour {N},\nla livraison est encore en retard.",
        "Demande à {N} si le budget inclut les déplacements.",
        "Contact : {N}, {P}",
        "Compte rendu rédigé par {N}.",
        "Organise une réunion avec {N} la semaine prochaine.",
    ],
    "es": [
        "La nota de gastos la aprobó {N} el martes.",
        "Pon a {N} en copia de la respuesta.",
        "Saludos,\n{N}\nJefa de compras",
        "Hola {N},\nel envío vuelve a llegar tarde.",
        "Pregunta a {N} si el presupuesto incluye viajes.",
        "Contacto: {N}, {P}",
        "Acta redactada por {N}.",
        "Organiza una reunión con {N} la semana que viene.",
    ],
    "it": [
        "La nota spese è stata approvata da {N} martedì.",
        "Metti {N} in copia nella risposta.",
        "Saluti,\n{N}\nResponsabile acquisti",
        "Ciao {N},\nla consegna è di nuovo in ritardo.",
        "Chiedi a {N} se il budget include i viaggi.",
        "Referente: {N}, {P}",
        "Verbale redatto da {N}.",
        "Fissa una riunione con {N} la prossima settimana.",
    ],
    "nl": [
        "De declaratie is dinsdag goedgekeurd door {N}.",
        "Zet {N} in de cc van het antwoord.",
        "Met vriendelijke groet,\n{N}\nHoofd inkoop",
        "Hoi {N},\nde levering is weer te laat.",
        "Vraag aan {N} of het budget reizen dekt.",
        "Contactpersoon: {N}, {P}",
        "Notulen opgesteld door {N}.",
        "Plan een afspraak met {N} volgende week.",
    ],
    "pt": [
        "O reembolso foi aprovado por {N} na terça.",
        "Coloque {N} em cópia na resposta.",
        "Atenciosamente,\n{N}\nGerente de compras",
        "Olá {N},\na entrega atrasou de novo.",
        "Pergunte a {N} se o orçamento inclui viagens.",
        "Contato: {N}, {P}",
        "Ata redigida por {N}.",
        "Marque uma reunião com {N} na próxima semana.",
    ],
}

PHONE_FRAMES = {
    "en": ["Direct: {P}", "Main line: {P} (9am-5pm)", "Work: {P}\nHome: {E}",
           "Mob. {P}", "T: {P} | E: {E}", "Our front desk is on {P}.",
           "Leave a voicemail at {P}.", "Whatsapp {P} for bookings.",
           "Who owns the number {P}?", "Reception: {P}"],
    "pl": ["Tel. kom. {P}", "Sekretariat: {P}", "Biuro obsługi klienta: {P}",
           "Kom.: {P}", "Recepcja: {P}", "Napisz na WhatsAppie: {P}"],
    "de": ["Zentrale: {P}", "Mobil: {P}", "Durchwahl {P}", "Tel.: {P} | Fax: {P2}",
           "Empfang: {P}", "Erreichbar unter {P}."],
    "fr": ["Standard : {P}", "Ligne directe : {P}", "Accueil : {P}", "Mob. : {P}",
           "Joignable au {P}.", "Laissez un message au {P}."],
    "es": ["Centralita: {P}", "Línea directa: {P}", "Recepción: {P}", "Móvil: {P}",
           "Escríbeme al WhatsApp {P}.", "Atención al cliente: {P}"],
    "it": ["Centralino: {P}", "Linea diretta: {P}", "Reception: {P}", "Cell.: {P}",
           "Scrivimi su WhatsApp al {P}.", "Segreteria: {P}"],
    "nl": ["Receptie: {P}", "Direct: {P}", "Mob.: {P}", "Bereikbaar op {P}.",
           "App me op {P}.", "Secretariaat: {P}"],
    "pt": ["Receção: {P}", "Recepção: {P}", "Linha direta: {P}", "Cel.: {P}",
           "Manda mensagem no WhatsApp {P}.", "Secretaria: {P}"],
}


def lookalikes(rng):
    """Digit-heavy texts with no PII, many with a phone word in another sense."""
    n = rng.randint
    u = lambda: str(uuid.UUID(int=rng.getrandbits(128)))
    return [
        f"Call the function with {n(10000000, 99999999)} and {n(10000000, 99999999)} as arguments.",
        f"Why does the call at offset {n(100000000, 999999999)} segfault?",
        f"Phone model {n(1000, 9999)}-{n(100000, 999999)} firmware {n(1, 9)}.{n(0, 9)}.{n(0, 99)}.",
        f"Numer faktury {n(10000000, 99999999)} z dnia {n(1, 28):02d}.{n(1, 12):02d}.{n(2020, 2026)}.",
        f"Podaj numer zamówienia {n(100000000, 999999999)}, proszę.",
        f"Liga {n(2020, 2026)}/{n(2021, 2027)}: {n(10000000, 99999999)} espectadores.",
        f"Precio fijo de {n(1000000, 9999999)} pesos, referencia {n(100000000, 999999999)}.",
        f"Your SMS code is {n(10000000, 99999999)}; it expires in 10 minutes.",
        f"Contact ID {n(100000000, 999999999)} was merged into {n(100000000, 999999999)}.",
        f"The mobile app build {n(100000000, 999999999)} crashes on start.",
        f"Telefon kosztuje {n(1000, 9999)} zł, numer seryjny {n(100000000000, 999999999999)}.",
        f"Handy-Vertrag {n(10000000, 99999999)} kündigen, Kundennummer {n(100000000, 999999999)}.",
        f"Appel d'offres n° {n(2020, 2026)}-{n(100000, 999999)} publié hier.",
        f"Chiama la funzione con {n(100000000, 999999999)} come seme.",
        f"Bel het team om {n(10, 23)}:{n(10, 59)}, ticket {n(10000000, 99999999)}.",
        f"Request {u()} timed out after {n(1000, 99999)} ms.",
        f"Tenant {u()} has {n(1000000, 99999999)} objects.",
        f"Order #{n(10000000, 99999999)}-{n(100, 999)} shipped; call center ref {n(1000000, 9999999)}.",
        f"Compute {n(1000000000, 9999999999)} + {n(1000000000, 9999999999)}.",
        f"Is {n(1000000000, 9999999999)} divisible by {n(3, 13)}?",
        f"{n(100000000, 999999999)} x {n(100000, 999999)} = ?",
        f"The population grew from {n(10000000, 99999999)} to {n(10000000, 99999999)}.",
        f"Card {luhn_failing(rng)} failed the Luhn check in my test.",
        f"IBAN test value {iban_failing(rng)} is rejected, why?",
        f"Timestamp {n(1600000000, 1799999999)} to date, please.",
        f"Released {n(2020, 2026)}-{n(1, 12):02d}-{n(1, 28):02d}T{n(0, 23):02d}:{n(0, 59):02d}:{n(0, 59):02d}Z as v{n(1, 9)}.{n(0, 30)}.{n(0, 30)}.",
        f"SKU {n(10000000, 99999999)}-{n(10, 99)} and SKU {n(10000000, 99999999)} are duplicates.",
        f"Article {n(100000000, 999999999)} out of stock; EAN {n(5000000000000, 5999999999999)}.",
        f"GTIN {n(10000000000000, 99999999999999)} and UPC {n(100000000000, 999999999999)} refer to one item.",
        f"Employee ID {n(10000000, 99999999)} and badge {n(1000000, 9999999)}.",
        f"Kundennummer {n(1000000000, 9999999999)}, Vertrag {n(10000000, 99999999)}.",
        f"Numéro de dossier {n(1000000000, 9999999999)} à rappeler dans le courrier.",
        f"Número de pedido {n(1000000000, 9999999999)} sin enviar.",
        f"Numero d'ordine {n(1000000000, 9999999999)}: spedito.",
        f"Bestelnummer {n(1000000000, 9999999999)} is nog niet verzonden.",
        f"Número da encomenda {n(1000000000, 9999999999)} em atraso.",
        f"Session {rng.getrandbits(64):016x} lasted {n(1000000, 9999999)} ms.",
        f"Between {n(100000000, 999999999)} and {n(100000000, 999999999)}, pick a prime.",
        f"{n(1, 9)}.{n(0, 99)}.{n(0, 99)}.{n(1000, 9999)} vs {n(1, 9)}.{n(0, 99)}.{n(0, 99)}.{n(1000, 9999)}: which build is newer?",
        f"Batch job {n(1000000000, 9999999999)} wrote {n(100000000, 999999999)} rows.",
    ]


def luhn_failing(rng):
    """A 16-digit Visa-shaped number whose Luhn check fails, grouped by four."""
    while True:
        d = "4" + "".join(str(rng.randint(0, 9)) for _ in range(15))
        total = sum(int(c) if i % 2 == 0 else sum(divmod(2 * int(c), 10))
                    for i, c in enumerate(reversed(d)))
        if total % 10:
            return " ".join(d[i:i + 4] for i in range(0, 16, 4))


def iban_failing(rng):
    """A German-IBAN-shaped value whose mod-97 check fails, grouped by four."""
    while True:
        bban = "".join(str(rng.randint(0, 9)) for _ in range(18))
        check = f"{rng.randint(0, 99):02d}"
        if int(bban + "1314" + check) % 97 != 1:
            v = "DE" + check + bban
            return " ".join(v[i:i + 4] for i in range(0, len(v), 4))


def fill(frame, rng, fake=None, name=None, phone=None, phone2=None):
    """Fills a frame; returns text and spans (code points)."""
    out, spans, i = "", [], 0
    while i < len(frame):
        if frame.startswith("{P2}", i):
            spans.append({"type": "PHONE", "start": len(out), "end": len(out) + len(phone2)})
            out += phone2
            i += 4
        elif frame[i] == "{" and frame[i + 2] == "}":
            value, ty = {
                "N": (name, "PERSON"), "P": (phone, "PHONE"),
                "E": (fake.email() if fake else "info@example.org", "EMAIL"),
            }[frame[i + 1]]
            spans.append({"type": ty, "start": len(out), "end": len(out) + len(value)})
            out += value
            i += 3
        else:
            out += frame[i]
            i += 1
    return out, spans


def rec(text, spans, lang, category, source):
    rid = "tuning-" + hashlib.sha256(f"{source}\0{text}".encode()).hexdigest()[:12]
    return {"id": rid, "text": text, "label": "benign", "category": category, "lang": lang,
            "source": f"generated:tuning:{source}", "pii": spans}


def phone_of(fake):
    """A phone number from `fake`, without Faker's `x123` extensions (kept elsewhere)."""
    return fake.phone_number().split("x")[0]


def main():
    args = parse_args(5151)
    rng = random.Random(args.seed)
    fk = faker_cache(args.seed)

    sets = {k: [] for k in ["person.jsonl", "person_oov.jsonl", "phone.jsonl", "negatives.jsonl"]}
    for lang, frames in NAME_FRAMES.items():
        for _ in range(30 * args.scale):
            fake = fk(rng.choice(LIST_LOCALES[lang]))
            name = f"{fake.first_name()} {fake.last_name()}"
            phone = phone_of(fk(rng.choice(PHONE_LOCALES[lang][:2])))
            text, spans = fill(rng.choice(frames), rng, fake, name=name, phone=phone)
            sets["person.jsonl"].append(rec(text, spans, lang, "pii", f"person:{lang}"))
        for _ in range(20 * args.scale):
            oov = fk(rng.choice(OOV_LOCALES))
            name = f"{oov.first_name()} {oov.last_name()}"
            phone = phone_of(fk(rng.choice(PHONE_LOCALES[lang][:2])))
            text, spans = fill(rng.choice(frames), rng, fk(LIST_LOCALES[lang][0]), name=name, phone=phone)
            sets["person_oov.jsonl"].append(rec(text, spans, lang, "pii", f"person-oov:{lang}"))
    for lang, frames in PHONE_FRAMES.items():
        for _ in range(40 * args.scale):
            fake = fk(rng.choice(PHONE_LOCALES[lang]))
            text, spans = fill(rng.choice(frames), rng, fake, phone=phone_of(fake), phone2=phone_of(fake))
            sets["phone.jsonl"].append(rec(text, spans, lang, "pii", f"phone:{lang}"))
    for _ in range(4 * args.scale):
        for t in lookalikes(rng):
            sets["negatives.jsonl"].append(rec(t, [], "en", "pii_hard_negative", "lookalike"))
    write_sets(args.out, sets)


if __name__ == "__main__":
    main()
