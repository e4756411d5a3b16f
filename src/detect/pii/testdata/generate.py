#!/usr/bin/env python3
"""Generates L1.5's own evaluation sets: names, US SSNs and phone numbers in sentences
of en, pl, de, fr, es, it, nl and pt, and hard negatives (capitalised words that are
not names; invoice numbers, versions, timestamps, SKUs, UUIDs, arithmetic and
checksum-failing look-alikes that are not PII).

Written independently of the shared development corpus (other frames, other seeds),
so that measuring on it is not measuring in-sample. Records follow the corpus schema
(`text`, `pii` spans in code points, `category`, `lang`, `source`).

    python3 -m venv /tmp/fk && /tmp/fk/bin/pip install 'faker==40.63.0'
    /tmp/fk/bin/python src/detect/pii/testdata/generate.py            # the checked-in sets
    /tmp/fk/bin/python src/detect/pii/testdata/generate.py --seed 7 --scale 10 --out /tmp/pii-eval

Sets: person.jsonl (names of the list locales), person_oov.jsonl (names from locales
whose lists are not shipped: Czech, Swedish, Hungarian, Finnish, Romanian, Turkish,
Danish, Croatian, written in the eight languages' frames; measures the non-list
evidence), ssn_phone.jsonl (US SSNs in three formats and every locale's Faker phone
formats) and negatives.jsonl (no PII at all).
"""

import argparse
import json
import pathlib
import random
import uuid

from faker import Faker

LIST_LOCALES = {
    "en": ["en_US", "en_GB"], "pl": ["pl_PL"], "de": ["de_DE", "de_AT"], "fr": ["fr_FR"],
    "es": ["es_ES"], "it": ["it_IT"], "nl": ["nl_NL"], "pt": ["pt_PT", "pt_BR"],
}
OOV_LOCALES = ["cs_CZ", "sv_SE", "hu_HU", "fi_FI", "ro_RO", "tr_TR", "da_DK", "hr_HR"]
PHONE_LOCALES = {
    "en": ["en_US", "en_GB"], "pl": ["pl_PL"], "de": ["de_DE"], "fr": ["fr_FR"],
    "es": ["es_ES"], "it": ["it_IT"], "nl": ["nl_NL"], "pt": ["pt_PT", "pt_BR"],
}

# {N} a name; {P} a phone; {S} an SSN; {E} an e-mail. Frames differ from the corpus's.
NAME_FRAMES = {
    "en": [
        "Please draft a thank-you note to {N} for hosting the workshop.",
        "Can you summarise the complaint that {N} sent us yesterday?",
        "Meeting notes: {N} will own the migration plan.",
        "My name is {N} and I would like to cancel my subscription.",
        "Dear {N},\nyour parcel is ready for pickup.",
        "Patient {N} reports chest pain since Monday; write a referral.",
        "Hi {N}, could you resend the invoice?",
        "Add {N} ({E}) to the guest list.",
        "Thanks again for the quick reply.\n\nKind regards,\n{N}",
        "Our new hire {N} starts on the 3rd; prepare an onboarding checklist.",
        "Contact person: {N}, {P}.",
        "Write a reference letter for {N}, who worked with us for four years.",
    ],
    "pl": [
        "Przygotuj podziękowanie dla {N} za prowadzenie szkolenia.",
        "Nazywam się {N} i chcę anulować subskrypcję.",
        "Szanowna Pani {N}, uprzejmie przypominamy o terminie.",
        "Umów wizytę dla pacjenta {N} na przyszły tydzień.",
        "Osoba kontaktowa: {N}, tel. {P}.",
        "Dzień dobry, przesyłam dokumenty.\n\nPozdrawiam,\n{N}",
        "Zapytaj {N} ({E}) o status zamówienia.",
        "Notatka ze spotkania: {N} odpowiada za budżet.",
        "Napisz list polecający dla {N}.",
    ],
    "de": [
        "Bitte bedanke dich bei {N} für die Organisation des Workshops.",
        "Mein Name ist {N} und ich möchte mein Abo kündigen.",
        "Sehr geehrte Frau {N}, anbei die Unterlagen.",
        "Protokoll: {N} übernimmt die Budgetplanung.",
        "Ansprechpartner: {N}, Telefon {P}.",
        "Vielen Dank für die schnelle Antwort.\n\nMit freundlichen Grüßen\n{N}",
        "Lade {N} ({E}) zum Kick-off ein.",
        "Schreibe ein Arbeitszeugnis für {N}.",
        "Hallo {N}, kannst du die Rechnung nochmal schicken?",
    ],
    "fr": [
        "Rédige un mot de remerciement pour {N} après l'atelier.",
        "Je m'appelle {N} et je souhaite résilier mon abonnement.",
        "Chère {N}, votre colis est disponible.",
        "Compte rendu : {N} s'occupe du budget.",
        "Personne à contacter : {N}, tél. {P}.",
        "Merci pour votre retour rapide.\n\nCordialement,\n{N}",
        "Ajoute {N} ({E}) à la liste des invités.",
        "Écris une lettre de recommandation pour {N}.",
        "Bonjour {N}, pouvez-vous renvoyer la facture ?",
    ],
    "es": [
        "Redacta una nota de agradecimiento para {N} por el taller.",
        "Me llamo {N} y quiero cancelar mi suscripción.",
        "Estimada {N}, le recordamos su cita del jueves.",
        "Acta: {N} se encarga del presupuesto.",
        "Persona de contacto: {N}, tel. {P}.",
        "Gracias por la respuesta.\n\nSaludos cordiales,\n{N}",
        "Añade a {N} ({E}) a la lista de invitados.",
        "Escribe una carta de recomendación para {N}.",
        "Hola {N}, ¿puedes reenviar la factura?",
    ],
    "it": [
        "Scrivi un biglietto di ringraziamento per {N} dopo il seminario.",
        "Mi chiamo {N} e vorrei disdire l'abbonamento.",
        "Gentile {N}, le ricordiamo l'appuntamento di giovedì.",
        "Verbale: {N} si occupa del budget.",
        "Referente: {N}, tel. {P}.",
        "Grazie per la risposta.\n\nCordiali saluti,\n{N}",
        "Aggiungi {N} ({E}) alla lista degli invitati.",
        "Scrivi una lettera di referenze per {N}.",
    ],
    "nl": [
        "Schrijf een bedankje voor {N} na de workshop.",
        "Mijn naam is {N} en ik wil mijn abonnement opzeggen.",
        "Beste {N}, uw pakket ligt klaar.",
        "Notulen: {N} is verantwoordelijk voor het budget.",
        "Contactpersoon: {N}, tel. {P}.",
        "Bedankt voor het snelle antwoord.\n\nMet vriendelijke groet,\n{N}",
        "Voeg {N} ({E}) toe aan de gastenlijst.",
        "Schrijf een aanbevelingsbrief voor {N}.",
    ],
    "pt": [
        "Escreva uma nota de agradecimento para {N} pelo workshop.",
        "Meu nome é {N} e quero cancelar a assinatura.",
        "Prezada {N}, a sua encomenda está pronta.",
        "Ata: {N} é responsável pelo orçamento.",
        "Contato: {N}, tel. {P}.",
        "Obrigado pela resposta rápida.\n\nAtenciosamente,\n{N}",
        "Adicione {N} ({E}) à lista de convidados.",
        "Escreva uma carta de recomendação para {N}.",
    ],
}

PHONE_FRAMES = {
    "en": ["Call me back at {P} after 5pm.", "Her mobile is {P}, text before calling.",
           "Update the CRM: phone {P}.", "Is {P} a landline or a cell number?",
           "Reach the front desk on {P}.", "Tel: {P}", "I got a text from {P} claiming to be my bank.",
           "{P} keeps calling me at night, who is it?", "Vendor card: Acme Ltd, {P}, {E}."],
    "pl": ["Proszę oddzwonić pod numer {P}.", "Mój telefon to {P}.", "Kontakt: tel. {P}",
           "Zadzwoń na {P} po 17.", "Numer komórki klienta: {P}.", "Dane: {P}, {E}."],
    "de": ["Rufen Sie mich unter {P} zurück.", "Meine Handynummer ist {P}.",
           "Tel.: {P}", "Die Hotline ist unter {P} erreichbar.", "Telefon {P} bitte im CRM eintragen.",
           "Kontaktdaten: {P}, {E}."],
    "fr": ["Rappelez-moi au {P}.", "Mon portable : {P}.", "Tél. {P}",
           "Le standard est joignable au {P}.", "Numéro de téléphone du client : {P}."],
    "es": ["Llámame al {P} por la tarde.", "Mi móvil es {P}.", "Tel. {P}",
           "El teléfono de la oficina es {P}.", "Contacto: {P}."],
    "it": ["Richiamami al {P}.", "Il mio cellulare è {P}.", "Tel. {P}",
           "Il numero di telefono dell'ufficio è {P}.", "Chiama il {P} domani."],
    "nl": ["Bel me terug op {P}.", "Mijn mobiele nummer is {P}.", "Tel. {P}",
           "De helpdesk is bereikbaar op {P}.", "Telefoonnummer klant: {P}."],
    "pt": ["Ligue-me para o {P}.", "O meu telemóvel é {P}.", "Tel. {P}",
           "O telefone do escritório é {P}.", "Contato: {P}."],
}

SSN_FRAMES = {
    "en": ["My SSN is {S}, is it safe to share?", "Social security number: {S}",
           "Employee record: SSN {S}, start date next week.", "The applicant's social security no. is {S}."],
    "pl": ["Mój numer SSN to {S}.", "Numer ubezpieczenia społecznego (USA): {S}"],
    "de": ["Meine US-Sozialversicherungsnummer (SSN) lautet {S}.", "SSN: {S} – bitte prüfen."],
    "fr": ["Mon numéro de sécurité sociale américain (SSN) est {S}.", "SSN : {S}"],
    "es": ["Mi número de seguro social es {S}.", "SSN: {S}, ¿es válido?"],
    "it": ["Il mio SSN è {S}.", "Numero di previdenza sociale USA: {S}"],
    "nl": ["Mijn SSN is {S}.", "Amerikaans social security number: {S}"],
    "pt": ["O meu número de segurança social (SSN) é {S}.", "SSN: {S}"],
}

NEGATIVES = {
    "en": [
        "Will the Rose Garden be open in May?", "Grace Hopper Celebration tickets sold out fast.",
        "Compare Python and Rust for a CLI tool.", "The Golden Gate Bridge was finished in 1937.",
        "Summarise the Treaty of Versailles in three bullet points.", "Is Santa Clara far from San Jose?",
        "Our Q3 Roadmap Review is on Thursday.", "Explain the Monte Carlo method.",
        "How do I migrate from Amazon Web Services to Google Cloud?", "The Black Forest is in Germany.",
        "Write a haiku about the North Sea.", "Mercedes Benz and Porsche are German car makers.",
        "Hope Street Clinic opens at nine.", "Is Victoria Station near Westminster Abbey?",
        "Project Phoenix Kickoff Agenda", "Customer Success Team Weekly Update",
    ],
    "pl": ["Czy Pałac Kultury jest otwarty w Wielkanoc?", "Porównaj Wisłę i Odrę pod względem długości.",
           "Bank Pekao podniósł oprocentowanie.", "Napisz wiersz o Tatrach i Morskim Oku."],
    "de": ["Der Schwarzwald liegt in Baden-Württemberg.", "Die Deutsche Bahn hat heute Verspätung.",
           "Schreib ein Gedicht über den Bodensee im Winter.", "Wann öffnet das Rathaus am Montag?",
           "Der Vogel sang, und der Koch lachte."],
    "fr": ["La Tour Eiffel est-elle ouverte le Lundi de Pâques ?", "Compare la Loire et la Seine.",
           "Le Crédit Agricole a changé ses tarifs.", "Écris un poème sur le Mont Blanc."],
    "es": ["¿La Sagrada Familia abre en Semana Santa?", "Compara el Real Madrid y el Atlético.",
           "El Banco Santander cambió sus comisiones.", "Escribe un poema sobre Sierra Nevada."],
    "it": ["Il Colosseo è aperto a Ferragosto?", "Confronta la Juventus e il Milan.",
           "La Banca d'Italia ha alzato i tassi.", "Scrivi una poesia sul Lago di Como."],
    "nl": ["Is het Rijksmuseum open op Koningsdag?", "Vergelijk Ajax en Feyenoord.",
           "De Nederlandsche Bank verhoogt de rente.", "Schrijf een gedicht over de Waddenzee."],
    "pt": ["O Mosteiro dos Jerónimos abre no Natal?", "Compare o Benfica e o Porto.",
           "O Banco de Portugal subiu as taxas.", "Escreva um poema sobre a Serra da Estrela."],
}

def lookalikes(rng):
    """Digit-heavy texts with no PII: each must give no finding at all."""
    n = rng.randint
    return [
        f"Invoice INV-{n(2019, 2026)}-{n(10000, 99999)} is overdue; draft a reminder.",
        f"Rechnung Nr. {n(100000000, 999999999)} vom {n(1, 28)}.{n(1, 12)}.{n(2019, 2026)} ist offen.",
        f"Faktura nr {n(1, 999)}/{n(1, 12)}/{n(2019, 2026)} – termin płatności minął.",
        f"Upgrade from version {n(1, 9)}.{n(0, 20)}.{n(0, 99)} to {n(1, 9)}.{n(0, 20)}.{n(0, 99)} broke the build.",
        f"The log shows {n(2019, 2026)}-{n(1, 12):02d}-{n(1, 28):02d}T{n(0, 23):02d}:{n(0, 59):02d}:{n(0, 59):02d}Z for the crash.",
        f"Unix timestamp {n(1500000000, 1800000000)} – what date is that?",
        f"SKU {rng.choice(['AB', 'XK', 'PN'])}-{n(100000, 999999)}-{n(10, 99)} is out of stock.",
        f"Request id {uuid.UUID(int=rng.getrandbits(128))} failed with 502.",
        f"What is {n(100000000, 999999999)} * {n(1000, 99999)}?",
        f"Compute {n(1000000000, 9999999999)} - {n(100000000, 999999999)} step by step.",
        f"Order #{n(1000000000, 9999999999)} has not arrived.",
        f"Tracking number {n(100000000000, 999999999999)} shows no movement.",
        f"Population grew from {n(1000000, 9999999)} to {n(1000000, 9999999)} between 1990 and 2020.",
        f"Ticket {n(100, 999)}-{n(100, 999)}-{n(1000, 9999)}-{n(10, 99)} was escalated.",
        f"Kod produktu {n(100, 999)} {n(100, 999)} {n(100, 999)} {n(100, 999)} nie działa.",
        f"Artikelnummer {n(10000, 99999)}-{n(100, 999)}-{n(10, 99)} ist ausverkauft.",
        f"Build {n(1000, 9999)}.{n(100, 999)}.{n(10000, 99999)} passed all tests.",
        f"Le dossier n° {n(10, 99)} {n(100, 999)} {n(100, 999)} {n(100, 999)} est clos.",
        f"Referencia del pedido: {n(100, 999)}-{n(10, 99)}-{n(1000, 9999)}-{n(10, 99)}.",
        f"The account balance is {n(1000000, 99999999):,} EUR.",
        f"Serial number SN{n(100000000, 999999999)} is not under warranty.",
        f"The answer is {n(10000000000, 99999999999)}.",
        f"Our GDP estimate: {n(100, 999)} {n(100, 999)} {n(100, 999)} {n(100, 999)} USD.",
        f"Set the timeout to {n(100000, 9999999)} ms and retry {n(2, 9)} times.",
        # Phone-ish words beside numbers that are not phones.
        f"Tell me whether {n(1000000000, 9999999999)} is a prime number.",
        f"The function call returned {n(100000000, 999999999)} instead of 0.",
        f"Each cell in column B holds {n(10000000, 99999999)}.",
        f"Our mobile app reached {n(10000000, 99999999)} downloads.",
        f"Phone model SM-G{n(100, 999)}B, IMEI {n(100000000000000, 999999999999999)}, is not recognised.",
        f"Contact form submissions this year: {n(10000000, 99999999)}.",
        f"Numerical check: {n(100000000, 999999999)} / {n(3, 97)} = ?",
        f"Divide {n(1000000000, 9999999999)} by {n(3, 97)} and round the result.",
        f"Telefonrechnung Nr. {n(100000000, 999999999)} – bitte prüfen.",
        f"Numer zamówienia {n(100000000, 999999999)} nie dotarł.",
        f"Le numéro de commande {n(100000000, 999999999)} est en retard.",
        f"The standard deviation is {n(10000000, 99999999)} units.",
        f"{n(100000000, 999999999)} + {n(100000000, 999999999)} = ?",
        f"Is {n(10000000000, 99999999999)} divisible by 7?",
        f"Convert {n(1000000000, 1900000000)} (Unix time) to a date.",
        f"Commit {uuid.UUID(int=rng.getrandbits(128)).hex[:12]} and build {n(10000000, 99999999)} failed.",
    ]

def failing_ssn(rng):
    """SSN-shaped numbers that fail the SSA rules (area 000, 666 or 9xx; group 00; serial 0000)."""
    kind = rng.randrange(4)
    a, g, s = rng.randint(1, 665), rng.randint(1, 99), rng.randint(1, 9999)
    if kind == 0: a = 0
    elif kind == 1: a = 666
    elif kind == 2: g = 0
    else: s = 0
    return f"{a:03d}-{g:02d}-{s:04d}"

def ssn_format(ssn, rng):
    d = ssn.replace("-", "")
    return rng.choice([ssn, f"{d[:3]} {d[3:5]} {d[5:]}", d])

def fill(frame, fake, rng, name=None, phone=None, ssn=None):
    """Fills a frame; returns text and spans (code points)."""
    out, spans, i = "", [], 0
    while i < len(frame):
        if frame[i] == "{" and frame[i + 2] == "}":
            key = frame[i + 1]
            value, ty = {
                "N": (name, "PERSON"), "P": (phone, "PHONE"), "S": (ssn, "US_SSN"),
                "E": (fake.email() if fake else "a@example.com", "EMAIL"),
            }[key]
            spans.append({"type": ty, "start": len(out), "end": len(out) + len(value)})
            out += value
            i += 3
        else:
            out += frame[i]
            i += 1
    return out, spans

def rec(text, spans, lang, category, source):
    return {"text": text, "pii": spans, "lang": lang, "category": category, "source": f"generated:{source}"}

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--scale", type=int, default=1)
    ap.add_argument("--out", default=str(pathlib.Path(__file__).resolve().parent))
    args = ap.parse_args()
    rng = random.Random(args.seed)
    Faker.seed(args.seed)
    fakers = {loc: Faker(loc) for locs in list(LIST_LOCALES.values()) + list(PHONE_LOCALES.values()) for loc in locs}
    for loc in OOV_LOCALES:
        fakers[loc] = Faker(loc)
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    sets = {"person.jsonl": [], "person_oov.jsonl": [], "ssn_phone.jsonl": [], "negatives.jsonl": []}
    for lang, frames in NAME_FRAMES.items():
        for _ in range(30 * args.scale):
            fake = fakers[rng.choice(LIST_LOCALES[lang])]
            frame = rng.choice(frames)
            name = fake.name() if rng.random() < 0.5 else f"{fake.first_name()} {fake.last_name()}"
            phone = fakers[rng.choice(PHONE_LOCALES[lang])].phone_number()
            text, spans = fill(frame, fake, rng, name=name, phone=phone)
            sets["person.jsonl"].append(rec(text, spans, lang, "pii", "person"))
        for _ in range(10 * args.scale):
            oov = fakers[rng.choice(OOV_LOCALES)]
            frame = rng.choice(frames)
            name = f"{oov.first_name()} {oov.last_name()}"
            phone = fakers[rng.choice(PHONE_LOCALES[lang])].phone_number()
            text, spans = fill(frame, fakers[LIST_LOCALES[lang][0]], rng, name=name, phone=phone)
            sets["person_oov.jsonl"].append(rec(text, spans, lang, "pii", "person-oov"))
    for lang, frames in PHONE_FRAMES.items():
        for _ in range(40 * args.scale):
            fake = fakers[rng.choice(PHONE_LOCALES[lang])]
            text, spans = fill(rng.choice(frames), fake, rng, phone=fake.phone_number())
            sets["ssn_phone.jsonl"].append(rec(text, spans, lang, "pii", "phone"))
    us = fakers["en_US"]
    for lang, frames in SSN_FRAMES.items():
        for _ in range(12 * args.scale):
            text, spans = fill(rng.choice(frames), None, rng, ssn=ssn_format(us.ssn(), rng))
            sets["ssn_phone.jsonl"].append(rec(text, spans, lang, "pii", "ssn"))
    for lang, texts in NEGATIVES.items():
        for t in texts:
            sets["negatives.jsonl"].append(rec(t, [], lang, "pii_hard_negative", "capitalised"))
    for _ in range(4 * args.scale):
        for t in lookalikes(rng):
            sets["negatives.jsonl"].append(rec(t, [], "en", "pii_hard_negative", "lookalike"))
        for lang, frames in SSN_FRAMES.items():
            t, _ = fill(rng.choice(frames), None, rng, ssn=failing_ssn(rng))
            sets["negatives.jsonl"].append(rec(t, [], lang, "pii_hard_negative", "ssn-lookalike"))
    for name, records in sets.items():
        with open(out / name, "w", encoding="utf-8") as f:
            for r in records:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(f"{name}: {len(records)} records")

if __name__ == "__main__":
    main()
