#!/usr/bin/env python3
"""Generates a fourth held-out PII set, written before the sixth PHONE pass changed any rule.

`holdout.py` (seed 4242), `holdout2.py` (seed 8686) and `holdout3.py` (seed 9393) were
the out-of-sample sets of the earlier passes; their `test` halves are spent (read for
a pass). This set was written, and committed, before the sixth pass read any miss,
and differs from every set the rules were tuned on:

* its own sentence frames in en, pl, de, fr, es, it, nl and pt, in phrasing families
  the earlier sets do not use: e-mail signatures under a job title, YAML and INI
  records, classified ads and lost-and-found notes, restaurant and hotel bookings,
  one-time codes that never reached the number, text to translate or proofread,
  a person's number in brackets after the name ("Ana (mobile: …)"), a number given
  as "on"/"at"/"under" with a time window after it, form instructions, two numbers of
  one person (private and work), a number inside quoted speech, and a question
  whether the number is still active;
* phone numbers from Faker locales no earlier set drew phones from or few did (sv, da,
  cs, sk, ro, hr, sl, el, hu, uk, de_LU, en_AU, es_MX in or near the default regions;
  ko, vi, th, zh_TW, ar_AE, uz outside them) beside each language's home locales; a
  third rewritten with the calling code (`+CC`, `00CC` or `+CC (0)`), and a fifth
  restyled (digits run together, or groups joined by dots or hyphens);
* its own look-alikes: ISBNs, CAS and DOI numbers, bank sort codes and account
  numbers, lottery draws, populations and prices grouped by spaces, page and year
  ranges, licence and patent numbers, flight and train numbers, meter readings, GPS
  track points, phone hardware figures (model, battery, storage, IMEI-free), many
  beside a phone word used in another sense ("call option", "mobile data", "phone
  bill"), in the eight languages; SSN-shaped values that fail the SSA rules;
* seed 7171.

Each set is split by frame (or look-alike template): even ones go to `tune/`, odd
ones to `test/`. `test/` is measured once before and once after a change and its
misses are not read; `tune/` may be read. Records follow the corpus schema with `id`
and `label`, so `promptgate eval` reads them:

    /tmp/fk/bin/python src/detect/pii/testdata/holdout4.py --out /tmp/pii-holdout4
    promptgate --config l2-off.toml eval /tmp/pii-holdout4/test/*.jsonl

(`l2-off.toml` holding `[policy.l2]` `enabled = false`.) Nothing here is checked in as
data or asserted by a test: once a `test/` miss is used to change a rule, the set is
no longer held out (change the seed and write new frames).
"""


from gen_common import held_out_sets, phone_drawer, ssn_format

# Person providers by language (PERSON is not this set's subject; in-list locales).
NAME_LOCALES = {
    "en": ["en_US", "en_GB", "en_NZ"], "pl": ["pl_PL"], "de": ["de_DE", "de_AT"],
    "fr": ["fr_FR", "fr_CH"], "es": ["es_ES", "es_MX"], "it": ["it_IT"], "nl": ["nl_NL", "nl_BE"],
    "pt": ["pt_BR", "pt_PT"],
}
# Phone providers by language: home and nearby locales (two in three numbers), then
# locales outside the default regions.
PHONE_LOCALES = {
    "en": (["en_US", "en_GB", "en_AU", "sv_SE"], ["ko_KR"]),
    "pl": (["pl_PL", "cs_CZ", "sk_SK"], ["uz_UZ"]),
    "de": (["de_DE", "de_AT", "de_CH", "da_DK", "de_LU"], ["ar_AE"]),
    "fr": (["fr_FR", "fr_CH", "ro_RO"], ["vi_VN"]),
    "es": (["es_ES", "es_MX", "hr_HR"], ["th_TH"]),
    "it": (["it_IT", "it_CH", "sl_SI", "el_GR"], ["zh_TW"]),
    "nl": (["nl_NL", "nl_BE", "hu_HU"], ["ko_KR"]),
    "pt": (["pt_PT", "pt_BR", "uk_UA"], ["ar_AE", "vi_VN"]),
}
CALLING_CODE = {
    "en_US": "1", "en_GB": "44", "en_AU": "61", "sv_SE": "46", "ko_KR": "82", "pl_PL": "48",
    "cs_CZ": "420", "sk_SK": "421", "uz_UZ": "998", "de_DE": "49", "de_AT": "43",
    "de_CH": "41", "da_DK": "45", "de_LU": "352", "ar_AE": "971", "fr_FR": "33",
    "fr_CH": "41", "ro_RO": "40", "vi_VN": "84", "es_ES": "34", "es_MX": "52",
    "hr_HR": "385", "th_TH": "66", "it_IT": "39", "it_CH": "41", "sl_SI": "386",
    "el_GR": "30", "zh_TW": "886", "nl_NL": "31", "nl_BE": "32", "hu_HU": "36",
    "pt_PT": "351", "pt_BR": "55", "uk_UA": "380",
}
# Countries whose national numbers keep no trunk prefix (the calling code goes in front).
NO_TRUNK = {"pl_PL", "es_ES", "pt_PT", "it_IT", "en_US", "da_DK", "cs_CZ", "de_LU", "el_GR",
            "es_MX", "pt_BR"}

# {N} name, {P} phone (a new one each time), {E} e-mail. Braces not around a single
# letter are literal.
PHONE_FRAMES = {
    "en": [
        "Kind regards,\n{N}\nSenior Buyer | Northfield Foods Ltd\nT {P}",
        "contact:\n  name: {N}\n  phone: \"{P}\"\n  role: landlord",
        "FOUND: grey tabby near the canal. If he's yours, text {P} anytime.",
        "Table for four at 8pm under {N}, contact number {P}.",
        "The one-time code was sent to {P} but it never arrived.",
        "Proofread this: \"For room service, dial {P} from any hotel phone.\"",
        "{N} (mobile: {P}) will meet you at arrivals.",
        "You can get me on {P} between 9 and 5.",
        "Emergency contact field: enter {N}, {P}.",
        "Private {P}, work {P} — use the work one during office hours.",
        "She said \"ring me on {P} when the parcel comes\" and hung up.",
        "Is {P} still in service? It goes straight to a dead tone.",
    ],
    "pl": [
        "Pozdrawiam serdecznie\n{N}\nSpecjalista ds. zakupów | Agro-Mix sp. z o.o.\ntel. {P}",
        "[kontakt]\nimie = {N}\ntelefon = {P}",
        "Zgubiono psa, ratlerek, okolice parku. Znalazcę proszę o SMS: {P}.",
        "Rezerwacja stolika na 19:00 na nazwisko {N}, numer kontaktowy {P}.",
        "Kod SMS miał przyjść na {P}, ale nic nie dostałem.",
        "Popraw błędy: \"W sprawie rezerwacji prosimy dzwonić pod {P} w godzinach pracy.\"",
        "{N} (kom. {P}) odbierze Cię z dworca.",
        "Jestem pod numerem {P} od 8 do 16.",
        "W polu osoba kontaktowa wpisz: {N}, {P}.",
        "Prywatny {P}, służbowy {P} – w pracy dzwoń na służbowy.",
        "Powiedziała: „zadzwoń pod {P}, jak przyjdzie paczka” i się rozłączyła.",
        "Czy numer {P} jest jeszcze aktywny? Ciągle słyszę sygnał zajętości.",
    ],
    "de": [
        "Mit freundlichen Grüßen\n{N}\nLeitung Einkauf | Brandt & Söhne GmbH\nT {P}",
        "kontakt:\n  name: {N}\n  telefon: \"{P}\"\n  rolle: Vermieter",
        "Katze zugelaufen, grau getigert. Besitzer bitte per SMS an {P} melden.",
        "Tisch für vier um 20 Uhr auf den Namen {N}, Rückrufnummer {P}.",
        "Der Bestätigungscode sollte an {P} gehen, kam aber nie an.",
        "Korrigiere bitte: \"Für den Zimmerservice wählen Sie {P} von jedem Hoteltelefon.\"",
        "{N} (mobil: {P}) holt euch am Bahnhof ab.",
        "Du erreichst mich unter {P} zwischen 9 und 17 Uhr.",
        "Im Feld Notfallkontakt eintragen: {N}, {P}.",
        "Privat {P}, dienstlich {P} – tagsüber bitte dienstlich.",
        "Sie sagte: „Ruf mich unter {P} an, wenn das Paket kommt“ und legte auf.",
        "Ist die Nummer {P} noch vergeben? Es kommt nur ein Freizeichen.",
    ],
    "fr": [
        "Cordialement,\n{N}\nResponsable achats | Maison Girard SAS\nTél. {P}",
        "[contact]\nnom = {N}\ntel = {P}",
        "Trouvé un chat gris près du canal. Propriétaire, envoyez un SMS au {P}.",
        "Table pour quatre à 20 h au nom de {N}, numéro de contact {P}.",
        "Le code de vérification devait arriver sur le {P} mais rien reçu.",
        "Corrige ce texte : « Pour le service en chambre, composez le {P} depuis votre chambre. »",
        "{N} (portable : {P}) vous attendra à l'arrivée.",
        "Tu peux me joindre au {P} entre 9 h et 17 h.",
        "Dans le champ contact d'urgence, mettre : {N}, {P}.",
        "Perso {P}, pro {P} : le pro en journée, s'il te plaît.",
        "Elle a dit « appelle-moi au {P} quand le colis arrive » puis a raccroché.",
        "Le {P} est-il encore attribué ? Ça sonne dans le vide.",
    ],
    "es": [
        "Saludos cordiales,\n{N}\nJefa de compras | Conservas del Norte S.L.\nTel. {P}",
        "contacto:\n  nombre: {N}\n  telefono: \"{P}\"\n  rol: casero",
        "Perdido perro pequeño cerca del parque. Si lo ves, manda un SMS al {P}.",
        "Mesa para cuatro a las 21:00 a nombre de {N}, teléfono de contacto {P}.",
        "El código de verificación tenía que llegar al {P} y no llegó.",
        "Corrige: «Para el servicio de habitaciones marque el {P} desde su habitación.»",
        "{N} (móvil: {P}) os recogerá en la estación.",
        "Me encuentras en el {P} de 9 a 17 h.",
        "En el campo contacto de emergencia pon: {N}, {P}.",
        "Personal {P}, trabajo {P}; en horario laboral, mejor el del trabajo.",
        "Me dijo «llámame al {P} cuando llegue el paquete» y colgó.",
        "¿Sigue activo el {P}? Da siempre señal de comunicando.",
    ],
    "it": [
        "Cordiali saluti,\n{N}\nResponsabile acquisti | Fratelli Conti S.r.l.\nTel. {P}",
        "[contatto]\nnome = {N}\ntel = {P}",
        "Trovato gatto grigio vicino al canale. Il padrone mandi un SMS al {P}.",
        "Tavolo per quattro alle 20 a nome {N}, recapito {P}.",
        "Il codice di verifica doveva arrivare al {P} ma non è mai arrivato.",
        "Correggi: «Per il servizio in camera componete il {P} da qualsiasi telefono dell'hotel.»",
        "{N} (cellulare: {P}) vi aspetta agli arrivi.",
        "Mi trovi al {P} dalle 9 alle 17.",
        "Nel campo contatto di emergenza scrivi: {N}, {P}.",
        "Privato {P}, lavoro {P}: in orario d'ufficio usa quello di lavoro.",
        "Ha detto «chiamami al {P} quando arriva il pacco» e ha riattaccato.",
        "Il {P} è ancora attivo? Suona a vuoto.",
    ],
    "nl": [
        "Met vriendelijke groet,\n{N}\nInkoper | Van Dijk Voeding B.V.\nT {P}",
        "contact:\n  naam: {N}\n  telefoon: \"{P}\"\n  rol: verhuurder",
        "Grijze kat gevonden bij de gracht. Eigenaar, stuur een sms naar {P}.",
        "Tafel voor vier om 20 uur op naam van {N}, contactnummer {P}.",
        "De verificatiecode zou naar {P} gaan maar kwam nooit aan.",
        "Verbeter dit: \"Voor roomservice belt u {P} vanaf elk hoteltoestel.\"",
        "{N} (mobiel: {P}) haalt jullie op bij aankomst.",
        "Je kunt me bereiken op {P} tussen 9 en 17 uur.",
        "Vul bij noodcontact in: {N}, {P}.",
        "Privé {P}, werk {P} — overdag graag het werknummer.",
        "Ze zei \"bel me op {P} als het pakket komt\" en hing op.",
        "Is {P} nog in gebruik? Ik krijg steeds een kiestoon.",
    ],
    "pt": [
        "Atenciosamente,\n{N}\nGerente de compras | Conservas Atlântico Lda.\nTel. {P}",
        "[contato]\nnome = {N}\ntelefone = {P}",
        "Achei um gato cinza perto do canal. Dono, mande SMS para {P}.",
        "Mesa para quatro às 20h em nome de {N}, telefone de contato {P}.",
        "O código de verificação devia chegar no {P} mas nunca chegou.",
        "Revise: \"Para o serviço de quarto, disque {P} de qualquer telefone do hotel.\"",
        "{N} (celular: {P}) vai buscar vocês no desembarque.",
        "Pode me achar no {P} das 9 às 17h.",
        "No campo contato de emergência coloque: {N}, {P}.",
        "Pessoal {P}, trabalho {P}; no expediente, use o do trabalho.",
        "Ela disse \"me liga no {P} quando o pacote chegar\" e desligou.",
        "O {P} ainda está ativo? Só dá sinal de ocupado.",
    ],
}

# {S} an SSN, {N} a name. New frames (I-9 and W-4 forms, chat, record dumps).
SSN_FRAMES = {
    "en": ["Form I-9, Section 1: {N}, Social Security number {S}.",
           "my ss# is {S}, can you see why the portal rejects it?",
           "Employee record -> name: {N} | ssn: {S} | dept: 42",
           "Is {S} a valid social security number or a typo?"],
    "pl": ["Formularz W-4: {N}, numer ubezpieczenia społecznego USA {S}.", "Mój amerykański SSN to {S}, czy jest poprawny?"],
    "de": ["Formular W-4: {N}, Sozialversicherungsnummer (SSN) {S}.", "Meine US-SSN lautet {S}, stimmt das Format?"],
    "fr": ["Formulaire W-4 : {N}, numéro de sécurité sociale américain {S}.", "Mon SSN est le {S}, le format est bon ?"],
    "es": ["Formulario W-4: {N}, número de Seguro Social {S}.", "Mi SSN es {S}, ¿está bien escrito?"],
    "it": ["Modulo W-4: {N}, numero di previdenza sociale USA {S}.", "Il mio SSN è {S}, è scritto giusto?"],
    "nl": ["Formulier W-4: {N}, Amerikaans socialezekerheidsnummer {S}.", "Mijn SSN is {S}, klopt de notatie?"],
    "pt": ["Formulário W-4: {N}, número do Seguro Social {S}.", "Meu SSN é {S}, está certo?"],
}


def isbn13(rng):
    """An ISBN-13 with hyphens (valid check digit: it is not a phone either way)."""
    body = "978" + "".join(str(rng.randint(0, 9)) for _ in range(9))
    s = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(body))
    d = body + str((10 - s % 10) % 10)
    return f"{d[:3]}-{d[3]}-{d[4:7]}-{d[7:12]}-{d[12]}"


def spaced(n):
    """`n` grouped by thousands with spaces (1 234 567)."""
    return f"{n:,}".replace(",", " ")


def lookalikes(rng):
    """Digit-heavy texts with no PII, each must give no finding; (lang, text)."""
    n = rng.randint
    y, mo, d, h, mi = n(2015, 2027), n(1, 12), n(1, 28), n(0, 23), n(0, 59)
    return [
        ("en", f"ISBN {isbn13(rng)} — is this the phone repair manual you meant?"),
        ("de", f"Das Buch hat die ISBN {isbn13(rng)}, Seiten {n(100, 400)}–{n(401, 900)}."),
        ("en", f"CAS number {n(1000, 99999)}-{n(10, 99)}-{n(0, 9)} appears in the safety sheet."),
        ("fr", f"DOI 10.{n(1000, 9999)}/{n(100000, 999999)}.{n(1000, 9999)} cité dans l'article sur la téléphonie."),
        ("en", f"Sort code {n(10, 99)}-{n(10, 99)}-{n(10, 99)}, account {n(10000000, 99999999)} — call the bank to confirm."),
        ("pl", f"Numer rachunku {n(10, 99)} {n(1000, 9999)} {n(1000, 9999)} {n(1000, 9999)} {n(1000, 9999)} {n(1000, 9999)} {n(1000, 9999)} nie przechodzi walidacji."),
        ("it", f"Estrazione del lotto: {n(1, 15)} {n(16, 30)} {n(31, 45)} {n(46, 60)} {n(61, 75)} {n(76, 90)}."),
        ("es", f"Combinación ganadora: {n(1, 9):02d} {n(10, 19)} {n(20, 29)} {n(30, 39)} {n(40, 49)}, reintegro {n(0, 9)}."),
        ("fr", f"La ville compte {spaced(n(1000000, 9999999))} habitants et {spaced(n(100000, 999999))} lignes mobiles."),
        ("pl", f"Cena mieszkania: {spaced(n(300000, 2999999))} zł, czynsz {spaced(n(1000, 4999))} zł."),
        ("de", f"Kaufpreis {spaced(n(100000, 999999))} €, Provision {n(2, 7)},{n(10, 99)} %, Anruf genügt."),
        ("en", f"See pp. {n(1000, 1999)}-{n(2000, 2999)} of volume {n(10, 99)}, years {n(1950, 1990)}-{n(1991, 2020)}."),
        ("nl", f"Periode {n(1950, 1990)}–{n(1991, 2024)}, bladzijden {n(100, 499)}–{n(500, 999)} over telefonie."),
        ("en", f"Patent US {spaced(n(10000000, 11999999)).replace(' ', ',')} B2 covers the phone's hinge."),
        ("de", f"Patent EP {n(1000000, 3999999)} B1, Anmeldung {n(10, 99)} {n(100, 999)} {n(100, 999)}.{n(1, 9)}."),
        ("es", f"Licencia de obra n.º {n(1000, 9999)}/{y}/{n(100000, 999999)}, llame al ayuntamiento si hay dudas."),
        ("en", f"Flight LH {n(100, 9999)} leaves at {h:02d}:{mi:02d}; my phone is at {n(10, 99)}% battery."),
        ("it", f"Treno Frecciarossa {n(9500, 9699)} delle {h:02d}:{mi:02d}, carrozza {n(1, 12)}, posto {n(1, 99)}{rng.choice('ABCD')}."),
        ("fr", f"TGV {n(6000, 6999)} départ {h:02d}h{mi:02d}, voiture {n(1, 20)}, place {n(1, 99)}."),
        ("pt", f"Voo TP {n(100, 1999)} às {h:02d}:{mi:02d}, portão {n(1, 60)}, ligue o celular ao chegar."),
        ("de", f"Zählerstand Strom {n(10000, 99999)},{n(0, 9)} kWh, Zählernummer {n(1000000000, 9999999999)}."),
        ("nl", f"Meterstand gas {spaced(n(1000, 99999))} m³, meternummer {n(10000000, 99999999)}."),
        ("pl", f"Odczyt licznika wody: {spaced(n(100, 9999))},{n(100, 999)} m³, nr licznika {n(1000000, 9999999)}."),
        ("en", f"Track point {rng.uniform(-50, 60):.6f},{rng.uniform(-120, 150):.6f} elevation {n(10, 3000)} m."),
        ("es", f"Waypoint {n(10, 60)}.{n(100000, 999999)} N {n(1, 9)}.{n(100000, 999999)} W, tome la llamada al llegar."),
        ("en", f"The phone has a {n(3000, 5999)} mAh battery, {rng.choice([128, 256, 512])} GB storage and a {n(12, 200)} MP camera."),
        ("de", f"Das Handy hat {n(4000, 5999)} mAh, {rng.choice([128, 256, 512])} GB und wiegt {n(150, 240)} g."),
        ("nl", f"Telefoon model {n(1000, 9999)}-{n(100, 999)}, accu {n(3000, 5999)} mAh, prijs {n(199, 1299)},{n(10, 99)} euro."),
        ("pt", f"O celular custa R$ {spaced(n(1000, 9999)).replace(' ', '.')},{n(10, 99)} em {n(10, 12)}x sem juros."),
        ("en", f"Buy the call option at strike {n(1000, 9999)}, expiry {y}{mo:02d}{d:02d}, {n(10, 500)} contracts."),
        ("fr", f"Option d'achat (call) strike {n(1000, 9999)}, échéance {d:02d}/{mo:02d}/{y}, {n(10, 500)} lots."),
        ("en", f"Mobile data used this month: {spaced(n(10000, 99999))} MB of {spaced(n(100000, 200000))} MB."),
        ("it", f"Traffico dati mobile: {n(1000, 9999)} MB su {n(10000, 99999)} MB, bolletta n. {n(1000000000, 9999999999)}."),
        ("es", f"Factura del móvil: {n(10, 99)},{n(10, 99)} €, periodo {d:02d}/{mo:02d}/{y} – {d:02d}/{mo % 12 + 1:02d}/{y}."),
        ("en", f"Your phone bill #{n(100000000, 999999999)} for {n(30, 99)}.{n(10, 99)} is due on {mo}/{d}/{y}."),
        ("pt", f"Fatura do telemóvel n.º {n(100000000, 999999999)}, valor {n(10, 99)},{n(10, 99)} €."),
        ("pl", f"Rachunek za telefon nr {n(10, 99)}/{n(100000, 999999)}/{y}, kwota {n(10, 199)},{n(10, 99)} zł."),
        ("nl", f"Telefoonrekening {n(1000000000, 9999999999)}, bedrag {n(10, 99)},{n(10, 99)} euro."),
        ("de", f"Personalnummer {n(100000, 999999)}, Kostenstelle {n(1000, 9999)}, Durchwahl folgt."),
        ("fr", f"Matricule {n(1000000, 9999999)}, centre de coût {n(1000, 9999)}, poste à définir."),
        ("it", f"Matricola {n(100000, 999999)}, centro di costo {n(1000, 9999)}, interno da assegnare."),
        ("en", f"Employee ID {n(1000000, 9999999)}, cost centre {n(1000, 9999)}, extension to follow."),
        ("es", f"Número de lote {n(100000, 999999)}-{n(10, 99)}, caducidad {mo:02d}/{y}, cargador de móvil."),
        ("pt", f"Lote {n(1000000, 9999999)}, validade {mo:02d}/{y}, carregador de telefone."),
        ("pl", f"Kod pocztowy {n(10, 99)}-{n(100, 999)}, ul. Długa {n(1, 200)}/{n(1, 80)}, tel. do ustalenia."),
        ("nl", f"Postcode {n(1000, 9999)} {rng.choice(['AB', 'KL', 'XZ'])}, huisnummer {n(1, 300)}, bellen bij de buren."),
        ("en", f"Run {n(1000000, 9999999)} of {n(10000000, 99999999)} iterations; the phone farm processed {spaced(n(100000, 999999))} calls."),
        ("it", f"Partita IVA {n(10000000000, 99999999999)}? No, è il numero di pratica del telefono."),
    ]


def international(raw, loc, rng):
    """`raw` with its calling code (`+CC`, `00CC` or `+CC (0)`), the trunk 0 dropped where it is."""
    if raw.lstrip("(").startswith("+") or raw.startswith("00") or loc not in CALLING_CODE:
        return raw
    cc = CALLING_CODE[loc]
    national = raw
    if loc == "hu_HU":  # Hungarian trunk prefix 06, area code in brackets or before a slash
        national = national.replace("(06)", "").removeprefix("06-").replace("(", "").replace(")", "")
        national = national.replace("/", " ")
    elif national.startswith("(0") and ")" in national:
        national = national[2:].replace(")", " ", 1)
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
    held_out_sets("holdout4", 7171, PHONE_FRAMES, SSN_FRAMES, NAME_LOCALES,
                  phone_drawer(PHONE_LOCALES, international), ssn_format, lookalikes)
