#!/usr/bin/env python3
"""Generates a ninth held-out PII set, written before the eleventh PHONE pass changed any rule.

The earlier held-out sets (`holdout.py` to `holdout8.py`) have been read, in part or in
full, by the passes before this one, or are measured by them. This set was written, and
committed, before the eleventh pass changed any rule, without reading the detector's
rules or its misses, and differs from every earlier set:

* its own sentence frames in en, pl, de, fr, es, it, nl and pt, in phrasing families the
  earlier sets (holdout to holdout8) do not use: lost-pet posters, invoice footers with
  the number beside invoice, VAT, company or tax numbers and office hours, a neighbour's
  note about a parcel taken in, cover-letter sign-offs, second-hand bicycle listings full
  of frame sizes and gear figures, a garage's "your car is ready" message with a total,
  a complaint to the council or the building manager pasted for polishing, requests to
  write a text message to a number, carpool sign-ups for an away match, holiday key and
  alarm keyholder notes, a page of an old address book to transcribe, a police crime
  reference with the officer's number, neighbourhood-watch alerts, visitor sign-in rows
  and a church bake sale;
* phone numbers from Faker locales in combinations no earlier set used: two in three from
  the language's home and nearby locales (en_US, en_GB, en_CA, en_NZ for English; pl_PL,
  cs_CZ, sk_SK, de_DE for Polish; de_DE, de_CH, de_AT, pl_PL, hu_HU for German; fr_FR,
  fr_CH, it_IT, es_ES for French; es_ES, es_MX, es_CL, fr_FR for Spanish; it_IT, it_CH,
  fr_FR, de_AT for Italian; nl_NL, nl_BE, de_DE, en_GB for Dutch; pt_PT, pt_BR, es_ES,
  ro_RO for Portuguese), one in three from outside them (id_ID and he_IL; hy_AM and
  vi_VN; ko_KR and ka_GE; fr_DZ and ka_GE; tw_GH and id_ID; az_AZ and ne_NP; uz_UZ and
  zh_TW; hi_IN and ar_JO); 3 in 10 rewritten with the calling code in styles no earlier
  set used (`+(CC)` with the plus outside the brackets, `00CC` with every group joined
  by hyphens, `+CC` and a space before the national digits run together, `+CC area-rest`
  with a hyphen after the area) or as E.164 or plain `+CC`; a quarter restyled in new
  ways (all the digits in pairs from the start, "area / rest" with a spaced slash, the
  groups joined by en dashes); the rest national as Faker gives them;
* SSN frames of its own (a visa form, a car dealer's finance office, transcribing an old
  card, a pharmacy insurance form, translated questions in the eight languages about a
  US employer, university, insurer, bank, landlord or tax preparer);
* 57 look-alike templates of its own, in the eight languages: stock-index and share
  quotes with volumes, insurance policy and claim numbers, e-ticket numbers, MOT test
  numbers, electricity supply numbers (MPAN), HS tariff codes, ORCID and arXiv ids,
  private IPv4 addresses, golf and cricket scorecards, marathon splits, patent numbers,
  knitting patterns, scripture references with hymn numbers, Polish KRS/REGON and land
  register numbers, account-number endings, weather figures, sudoku rows, German HRB and
  bank transfer purposes, blood-pressure readings, German court citations, appliance
  serial numbers, SIRET and APE codes, Belgian structured communications, horse-race
  finishing orders, cadastral parcels, energy-performance certificate numbers, Spanish
  cadastral references and direct-debit mandates, football-pool columns, medicine
  national codes, pagoPA notice codes, ATECO and REA numbers, Italian court rulings,
  exam-room student-number ranges, Dutch payment references and KvK numbers, election
  results, Multibanco references, Portuguese permanent-certificate access codes and
  ATCUD codes, many beside a phone word in another sense ("phone case", "mobile tariff",
  "mobile phones" as a customs class, "desk phones" on a subnet); SSN-shaped values
  that fail the SSA rules;
* seed 9696.

Each set is split by frame (or look-alike template): even ones go to `tune/`, odd ones
to `test/`. `test/` is measured once before the pass changes a rule and once at its end;
its misses are not read; `tune/` may be read. Records follow the corpus schema with `id`
and `label`, so `promptgate eval` reads them:

    /tmp/fk/bin/python src/detect/pii/testdata/holdout9.py --out /tmp/pii-holdout9
    promptgate --config l2-off.toml eval /tmp/pii-holdout9/test/*.jsonl

(`l2-off.toml` holding `[policy.l2]` `enabled = false`.) Nothing here is checked in as
data or asserted by a test: once a `test/` miss is used to change a rule, the set is
no longer held out (change the seed and write new frames).
"""

from gen_common import held_out_sets, ssn_format

# Person providers by language (PERSON is not this set's subject; in-list locales).
NAME_LOCALES = {
    "en": ["en_US", "en_GB", "en_CA"], "pl": ["pl_PL"], "de": ["de_DE", "de_AT"],
    "fr": ["fr_FR", "fr_CH"], "es": ["es_ES", "es_MX"], "it": ["it_IT"],
    "nl": ["nl_NL", "nl_BE"], "pt": ["pt_PT", "pt_BR"],
}
# Phone providers by language: home and nearby locales (two in three numbers), then
# locales outside the default regions.
PHONE_LOCALES = {
    "en": (["en_US", "en_US", "en_GB", "en_GB", "en_CA", "en_NZ"], ["id_ID", "he_IL"]),
    "pl": (["pl_PL", "pl_PL", "pl_PL", "cs_CZ", "sk_SK", "de_DE"], ["hy_AM", "vi_VN"]),
    "de": (["de_DE", "de_DE", "de_CH", "de_AT", "pl_PL", "hu_HU"], ["ko_KR", "ka_GE"]),
    "fr": (["fr_FR", "fr_FR", "fr_FR", "fr_CH", "it_IT", "es_ES"], ["fr_DZ", "ka_GE"]),
    "es": (["es_ES", "es_ES", "es_ES", "es_MX", "es_CL", "fr_FR"], ["tw_GH", "id_ID"]),
    "it": (["it_IT", "it_IT", "it_IT", "it_CH", "fr_FR", "de_AT"], ["az_AZ", "ne_NP"]),
    "nl": (["nl_NL", "nl_NL", "nl_NL", "nl_BE", "de_DE", "en_GB"], ["uz_UZ", "zh_TW"]),
    "pt": (["pt_PT", "pt_PT", "pt_PT", "pt_BR", "es_ES", "ro_RO"], ["hi_IN", "ar_JO"]),
}
CALLING_CODE = {
    "en_US": "1", "en_GB": "44", "en_CA": "1", "en_NZ": "64", "id_ID": "62", "he_IL": "972",
    "pl_PL": "48", "cs_CZ": "420", "sk_SK": "421", "de_DE": "49", "hy_AM": "374",
    "vi_VN": "84", "de_CH": "41", "de_AT": "43", "hu_HU": "36", "ko_KR": "82",
    "ka_GE": "995", "fr_FR": "33", "fr_CH": "41", "it_IT": "39", "es_ES": "34",
    "fr_DZ": "213", "es_MX": "52", "es_CL": "56", "tw_GH": "233", "it_CH": "41",
    "az_AZ": "994", "ne_NP": "977", "nl_NL": "31", "nl_BE": "32",
    "uz_UZ": "998", "zh_TW": "886", "pt_PT": "351", "pt_BR": "55", "ro_RO": "40",
    "hi_IN": "91", "ar_JO": "962",
}
# Countries whose national numbers keep no trunk prefix (the calling code goes in front).
NO_TRUNK = {"en_US", "en_CA", "pl_PL", "cs_CZ", "it_IT", "es_ES", "es_MX", "pt_PT",
            "ne_NP", "hy_AM"}

# {N} name, {P} phone (a new one each time), {E} e-mail. Braces not around a single
# letter are literal.
PHONE_FRAMES = {
    "en": [
        "LOST CAT — Miso, small grey tabby, very shy, last seen on Alder Road on Sunday night. Please check your sheds and garages! Call or text {N}: {P}. Reward offered.",
        "Invoice INV-20931 · Payment due within 30 days · VAT reg. GB 284 1937 60 · Company no. 08814227 · Billing queries: {P} (Mon–Fri 9–5)",
        "Hi, it's {N} from number 14 — the courier left your parcel with me this morning (big box, looks like a lamp?). I'm in after 6, just knock, or text {P} and I'll bring it over.",
        "Thank you for considering my application. I would welcome the opportunity to discuss how I could contribute to the team, and can be reached on {P} at any time.\n\nKind regards,\n{N}",
        "For sale: Specialized Allez road bike, 54 cm frame, Shimano Claris 2x8, new tyres 700x25c, ridden maybe 300 miles. £320 ono, collection only from Didsbury. {P}",
        "Hi {N}, your vehicle is ready for collection from Unit 7. MOT passed, two advisories (front tyres 3 mm). Total £214.60 incl. VAT. Any questions, call the workshop on {P}.",
        "Can you help me tidy up this complaint to the council? 'Since March the bins on Wellington Street have not been collected on the scheduled Tuesday. I have reported this four times. Please call me on {P} to discuss. {N}'",
        "Write a short, friendly text I can send to {P} to say I'm running 20 minutes late for the flat viewing, and apologise.",
        "Carpool for Saturday's away game: {N} driving, 3 free seats, leaving the leisure centre car park at 8:15 sharp. Text {P} to grab a seat.",
        "Alarm keyholders for 22 Orchard Close: 1) {N} — {P}  2) next door at no. 24 (has a spare key, no phone)",
        "Transcribe this page from my grandmother's address book: '{N} — 3 Mill Lane, Harrowby — tel. {P} — birthday 14 May'",
        "Crime reference 46/81127/24. The officer in charge of your case is PC {N}, who can be reached on {P} between 8am and 4pm.",
        "NEIGHBOURHOOD WATCH: white van seen trying car doors on Beech Avenue about 3 a.m. If you have doorbell footage, please contact {N} on {P} or report it on 101.",
        "Visitor sign-in, Thursday: {N} | kitchen refit quote | arrived 10:42 | left 11:30 | contact {P}",
        "Bake sale for the church roof, Saturday 10–2 in the village hall. Can you donate a cake? Let {N} know on {P} by Thursday.",
    ],
    "pl": [
        "ZAGINĄŁ KOT — Fistaszek, rudy, 4 lata, ostatnio widziany przy ul. Lipowej w niedzielę wieczorem. Prosimy sprawdzić piwnice i garaże! Kontakt: {N}, {P}. Nagroda!",
        "Faktura nr FV/118/03/2024 · termin płatności 14 dni · pytania dotyczące faktury: {P} (pn–pt 8–16)",
        "Dzień dobry, tu {N} spod czternastki — kurier zostawił u mnie Pana paczkę. Jestem w domu po 18, proszę zapukać albo napisać SMS na {P}.",
        "Dziękuję za rozpatrzenie mojej kandydatury. Chętnie opowiem więcej o swoim doświadczeniu podczas rozmowy — jestem dostępny pod numerem {P}.\n\nZ wyrazami szacunku\n{N}",
        "Sprzedam rower szosowy Kross Vento, rama 54 cm, Shimano Claris 2x8, nowe opony 700x25c. Cena 1400 zł do negocjacji, odbiór osobisty Kraków Bronowice. Tel. {P}",
        "Dzień dobry, samochód jest gotowy do odbioru. Przegląd zaliczony, wymieniono klocki hamulcowe. Do zapłaty 640,50 zł. W razie pytań proszę dzwonić do warsztatu: {P}.",
        "Popraw mi to pismo do spółdzielni: „Od marca śmieci przy ul. Kwiatowej nie są wywożone we wtorki. Zgłaszałem to już cztery razy. Proszę o kontakt pod numerem {P}. {N}”",
        "Napisz krótkiego, uprzejmego SMS-a na numer {P}, że spóźnię się 20 minut na oglądanie mieszkania, i przeproś.",
        "Wspólny dojazd na sobotni mecz wyjazdowy: jedzie {N}, 3 wolne miejsca, wyjazd 8:15 spod hali sportowej. Chętni piszą na {P}.",
        "Klucze do mieszkania nr 22 na czas urlopu ma {N}, tel. {P} (podlewa też kwiaty).",
    ],
    "de": [
        "KATZE ENTLAUFEN — Mimi, grau getigert, sehr scheu, zuletzt am Sonntagabend in der Lindenstraße gesehen. Bitte Keller und Garagen prüfen! Hinweise an {N}: {P}. Finderlohn!",
        "Rechnung Nr. RE-2024-0318 · zahlbar innerhalb von 14 Tagen · USt-IdNr. DE 281 593 740 · Rückfragen zur Rechnung: {P} (Mo–Fr 8–16 Uhr)",
        "Hallo, hier ist {N} aus Nr. 14 – der Paketbote hat Ihr Paket bei mir abgegeben. Ich bin ab 18 Uhr da, einfach klingeln oder kurz an {P} schreiben.",
        "Über die Einladung zu einem persönlichen Gespräch freue ich mich sehr. Telefonisch erreichen Sie mich jederzeit unter {P}.\n\nMit freundlichen Grüßen\n{N}",
        "Verkaufe Rennrad Cube Attain, RH 56, Shimano Claris 2x8, neue Reifen 700x25C, ca. 500 km gefahren. 380 € VB, nur Abholung in Leipzig-Gohlis. {P}",
        "Guten Tag {N}, Ihr Fahrzeug ist abholbereit. HU ohne Mängel, Bremsbeläge vorne erneuert. Gesamtbetrag 312,40 € inkl. MwSt. Bei Fragen erreichen Sie die Werkstatt unter {P}.",
        "Kannst du diese Beschwerde an die Hausverwaltung glätten? „Seit März wird die Mülltonne in der Goethestraße dienstags nicht geleert. Ich habe das viermal gemeldet. Bitte rufen Sie mich unter {P} an. {N}“",
        "Schreib mir eine kurze, freundliche SMS an {P}, dass ich mich zur Wohnungsbesichtigung 20 Minuten verspäte, mit Entschuldigung.",
        "Fahrgemeinschaft zum Auswärtsspiel am Samstag: {N} fährt, 3 Plätze frei, Abfahrt 8:15 am Sportplatz. Wer mitwill, schreibt an {P}.",
        "Schlüssel für Wohnung 22 während des Urlaubs hat {N}, Tel. {P} (gießt auch die Blumen).",
    ],
    "fr": [
        "CHAT PERDU — Caramel, roux, 4 ans, vu pour la dernière fois dimanche soir rue des Tilleuls. Merci de vérifier vos caves et garages ! Contact : {N}, {P}. Récompense.",
        "Facture n° FA-2024-0318 · payable à 30 jours · TVA intracom. FR 40 412 345 678 · Une question sur cette facture ? {P} (lun–ven 9 h–17 h)",
        "Bonjour, c'est {N} du n° 14 — le livreur a laissé votre colis chez moi. Je suis là après 18 h, sonnez ou envoyez un texto au {P}.",
        "Je me tiens à votre disposition pour un entretien et reste joignable au {P}.\n\nJe vous prie d'agréer, Madame, Monsieur, l'expression de mes salutations distinguées.\n{N}",
        "Vends vélo de route Triban RC 120, cadre 54 cm, Shimano Claris 2x8, pneus neufs 700x25, environ 800 km. 290 € à débattre, à récupérer à Lyon 7e. {P}",
        "Bonjour {N}, votre véhicule est prêt. Contrôle technique OK, plaquettes avant changées. Total 312,40 € TTC. Pour toute question, appelez l'atelier au {P}.",
        "Peux-tu améliorer ce courrier au syndic ? « Depuis mars, les poubelles de la rue Pasteur ne sont plus ramassées le mardi. Je l'ai signalé quatre fois. Merci de me rappeler au {P}. {N} »",
        "Rédige un SMS court et poli à envoyer au {P} pour dire que j'aurai 20 minutes de retard à la visite de l'appartement.",
        "Covoiturage pour le match à l'extérieur samedi : {N} conduit, 3 places libres, départ 8 h 15 du gymnase. Réservez par SMS au {P}.",
        "Les clés de l'appartement 22 pendant les vacances : chez {N}, tél. {P} (arrose aussi les plantes).",
    ],
    "es": [
        "SE BUSCA GATO — Canela, atigrado, 4 años, visto por última vez el domingo por la noche en la calle Olmos. ¡Revisad trasteros y garajes! Contacto: {N}, {P}. Se gratificará.",
        "Factura n.º F-2024/0318 · vencimiento 30 días · CIF B86412375 · Consultas sobre esta factura: {P} (L–V de 9 a 17 h)",
        "Hola, soy {N} del 14 — el repartidor me dejó tu paquete. Estoy en casa a partir de las 18:00, llama al timbre o escríbeme al {P}.",
        "Quedo a su disposición para ampliar cualquier información en una entrevista. Pueden localizarme en el {P}.\n\nAtentamente,\n{N}",
        "Vendo bici de carretera Orbea Avant, talla 53, Shimano Claris 2x8, cubiertas nuevas 700x25, unos 600 km. 350 € negociables, recogida en Valencia (Benimaclet). {P}",
        "Hola {N}, su vehículo ya está listo. ITV superada, pastillas delanteras cambiadas. Total 312,40 € IVA incluido. Para cualquier duda, llame al taller al {P}.",
        "¿Me corriges esta queja para el administrador de la finca? «Desde marzo no se recoge la basura de la calle Goya los martes. Lo he comunicado cuatro veces. Por favor, llámenme al {P}. {N}»",
        "Escríbeme un SMS breve y amable para el {P} diciendo que llego 20 minutos tarde a la visita del piso, con disculpas.",
        "Coche compartido para el partido del sábado fuera: conduce {N}, 3 plazas libres, salida a las 8:15 desde el polideportivo. Apuntaos por WhatsApp al {P}.",
        "Las llaves del piso 22 durante las vacaciones las tiene {N}, tel. {P} (también riega las plantas).",
    ],
    "it": [
        "GATTO SMARRITO — Biscotto, rosso tigrato, 4 anni, visto l'ultima volta domenica sera in via dei Tigli. Controllate cantine e garage! Contatti: {N}, {P}. Ricompensa.",
        "Fattura n. 318/2024 · scadenza 30 gg d.f. · Per informazioni su questa fattura: {P} (lun–ven 9–17)",
        "Ciao, sono {N} del civico 14 — il corriere ha lasciato il tuo pacco da me. Sono a casa dopo le 18, suona pure o scrivimi al {P}.",
        "Resto a disposizione per un colloquio conoscitivo e sono raggiungibile al {P}.\n\nDistinti saluti,\n{N}",
        "Vendo bici da corsa Bianchi Via Nirone, taglia 55, Shimano Claris 2x8, copertoni nuovi 700x25, circa 700 km. 420 € trattabili, ritiro a Bologna zona Saragozza. {P}",
        "Buongiorno {N}, la sua auto è pronta. Revisione superata, pastiglie anteriori sostituite. Totale 312,40 € IVA inclusa. Per domande chiami l'officina al {P}.",
        "Mi sistemi questa segnalazione all'amministratore? «Da marzo i bidoni di via Garibaldi non vengono svuotati il martedì. L'ho segnalato quattro volte. Vi prego di richiamarmi al {P}. {N}»",
        "Scrivimi un SMS breve e gentile da mandare al {P} per dire che arrivo con 20 minuti di ritardo alla visita dell'appartamento, scusandomi.",
        "Passaggio per la trasferta di sabato: guida {N}, 3 posti liberi, partenza alle 8:15 dal palazzetto. Scrivete al {P} per prenotare.",
        "Le chiavi dell'appartamento 22 durante le ferie le ha {N}, tel. {P} (innaffia anche le piante).",
    ],
    "nl": [
        "KAT VERMIST — Pip, grijs gestreept, 4 jaar, zondagavond voor het laatst gezien in de Lindelaan. Kijk even in schuurtjes en garages! Contact: {N}, {P}. Beloning.",
        "Factuur F2024-0318 · betaling binnen 14 dagen · btw-nr. NL819427531B01 · Vragen over deze factuur: {P} (ma–vr 9–17 uur)",
        "Hoi, met {N} van nummer 14 — de bezorger heeft je pakket bij mij afgegeven. Ik ben na 18.00 uur thuis, bel maar aan of app even naar {P}.",
        "Graag licht ik mijn motivatie toe in een persoonlijk gesprek. U kunt mij bereiken op {P}.\n\nMet vriendelijke groet,\n{N}",
        "Te koop: racefiets Gazelle, framemaat 56, Shimano Claris 2x8, nieuwe banden 700x25c, ongeveer 900 km gereden. € 375, ophalen in Utrecht-Oost. {P}",
        "Beste {N}, uw auto staat klaar. APK goedgekeurd, remblokken voor vervangen. Totaal € 312,40 incl. btw. Vragen? Bel de werkplaats op {P}.",
        "Kun je deze klacht aan de VvE wat netter maken? 'Sinds maart worden de containers in de Vondelstraat op dinsdag niet meer geleegd. Ik heb dit vier keer gemeld. Graag terugbellen op {P}. {N}'",
        "Schrijf een kort, vriendelijk sms'je naar {P} dat ik 20 minuten later ben voor de bezichtiging, met excuses.",
        "Carpoolen naar de uitwedstrijd zaterdag: {N} rijdt, 3 plekken vrij, vertrek 8.15 uur bij de sporthal. Aanmelden via {P}.",
        "De sleutel van appartement 22 ligt tijdens de vakantie bij {N}, tel. {P} (geeft ook de planten water).",
    ],
    "pt": [
        "GATO DESAPARECIDO — Tareco, malhado, 4 anos, visto pela última vez domingo à noite na Rua das Tílias. Verifiquem arrecadações e garagens! Contacto: {N}, {P}. Recompensa.",
        "Fatura n.º FT 2024/318 · vencimento a 30 dias · NIF 509 412 375 · Dúvidas sobre esta fatura: {P} (seg–sex 9h–17h)",
        "Olá, fala {N} do n.º 14 — o estafeta deixou a sua encomenda comigo. Estou em casa depois das 18h, toque à campainha ou mande mensagem para o {P}.",
        "Fico ao dispor para uma entrevista e posso ser contactado através do {P}.\n\nCom os melhores cumprimentos,\n{N}",
        "Vendo bicicleta de estrada Berg, tamanho 54, Shimano Claris 2x8, pneus novos 700x25, cerca de 600 km. 330 € negociáveis, levantamento em Braga. {P}",
        "Olá {N}, a sua viatura está pronta. Inspeção aprovada, pastilhas da frente substituídas. Total 312,40 € com IVA. Qualquer dúvida, ligue para a oficina: {P}.",
        "Podes melhorar esta reclamação para o condomínio? «Desde março o lixo da Rua do Carmo não é recolhido às terças. Já comuniquei quatro vezes. Agradeço que me liguem para o {P}. {N}»",
        "Escreve uma SMS curta e simpática para o {P} a dizer que vou chegar 20 minutos atrasado à visita do apartamento, a pedir desculpa.",
        "Boleia para o jogo fora de sábado: conduz {N}, 3 lugares livres, saída às 8h15 do pavilhão. Marquem lugar pelo {P}.",
        "As chaves do apartamento 22 durante as férias ficam com {N}, tel. {P} (também rega as plantas).",
    ],
}

# {N} name, {S} an SSN.
SSN_FRAMES = {
    "en": [
        "Filling in the DS-160 for my husband {N}: it asks for his U.S. Social Security Number, which is {S}. Which box does it go in?",
        "The dealership's finance office wants my SSN ({S}) before they'll even let me test drive. Is that normal?",
        "Transcribe this photo of my dad's old Social Security card: name {N}, number {S}, signed 1987.",
        "Pharmacy insurance form — member: {N} — subscriber SSN: {S} — relationship: self",
    ],
    "pl": [
        "Pracodawca w Teksasie wpisał mi SSN {S} z błędem na pasku wypłaty — jak to poprawić?",
        "Mój syn {N} studiuje w USA; uczelnia prosi o jego numer Social Security ({S}) do pracy w kampusie.",
    ],
    "de": [
        "Mein Arbeitgeber in Texas hat meine SSN als {S} in die Gehaltsabrechnung eingetragen, da ist ein Zahlendreher drin – wie lasse ich das korrigieren?",
        "Die Universität in Ohio will für den Campus-Job von {N} die Social Security Number {S} per E-Mail. Ist das sicher?",
    ],
    "fr": [
        "Mon fils {N} étudie aux États-Unis ; l'université demande son SSN {S} pour le job sur le campus. Je l'envoie comment ?",
        "L'assureur santé américain me demande mon numéro de Social Security ({S}) par téléphone, c'est fiable ?",
    ],
    "es": [
        "Para darme de alta en la aseguradora médica me piden el número de Seguro Social: {S}. ¿Lo mando por WhatsApp?",
        "Mi preparador de impuestos en Miami escribió mal el SSN de {N}: puso {S}. ¿Cómo se corrige la declaración?",
    ],
    "it": [
        "Il padrone di casa in Florida vuole il numero di Social Security di {N} ({S}) per il controllo del credito. È normale?",
        "Il mio datore di lavoro americano ha scritto il mio SSN come {S} sul modulo W-2 ma è sbagliato, come faccio?",
    ],
    "nl": [
        "Mijn werkgever in Texas heeft mijn SSN verkeerd op de loonstrook gezet ({S}). Hoe laat ik dat aanpassen?",
        "De verhuurder in Boston vraagt het Social Security-nummer van {N}: {S}. Moet ik dat geven?",
    ],
    "pt": [
        "O meu filho {N} estuda nos EUA e a universidade pede o SSN dele ({S}) para o trabalho no campus. Mando por e-mail?",
        "O banco americano pediu o meu número de Social Security, {S}, por SMS. Será burla?",
    ],
}


def digits(rng, k):
    """`k` random digits."""
    return "".join(str(rng.randint(0, 9)) for _ in range(k))


def upper(rng, k):
    """`k` random capital letters."""
    return "".join(chr(rng.randint(65, 90)) for _ in range(k))


def spaced3(x, sep=" "):
    """`x` with its thousands grouped by `sep`."""
    s = str(x)
    out = []
    while s:
        out.insert(0, s[-3:])
        s = s[:-3]
    return sep.join(out)


def lookalikes(rng):
    """Digit-heavy texts with no phone number and no SSN, each must give no finding;
    (lang, text)."""
    n = rng.randint
    y, mo, d, h, mi, s = n(2016, 2027), n(1, 12), n(1, 28), n(5, 22), n(0, 59), n(0, 59)
    roman = rng.choice(["I", "II", "III", "IV", "V", "VI", "VIII", "IX", "XI", "XII"])
    front = [n(3, 6) for _ in range(9)]
    back = [n(3, 6) for _ in range(9)]
    sudoku = " ".join(str(x) for x in rng.sample(range(1, 10), 9))
    race = "-".join(str(x) for x in rng.sample(range(1, 19), 5))
    pools = " ".join(rng.choice(["1", "X", "2"]) for _ in range(14))
    sign = rng.choice(["+", "-"])
    return [
        ("en", f"AAPL {n(150, 230)}.{n(10, 99)} {sign}{n(0, 5)}.{n(10, 99)} ({sign}{n(0, 2)}.{n(10, 99)}%), volume {n(20, 90)},{n(100, 999)},{n(100, 999)}, mkt cap {n(2, 3)}.{n(10, 99)}T"),
        ("en", f"Home insurance policy no. {digits(rng, 4)} {digits(rng, 4)} {digits(rng, 4)} renews on {d:02d}/{mo:02d}/{y}; the premium went up to £{n(200, 900)}.{n(10, 99)}."),
        ("en", f"Claim reference CLM/{y}/{digits(rng, 7)} — the loss adjuster will call you within {n(2, 5)} working days to arrange a visit."),
        ("en", f"Booking ref {upper(rng, 6)}, e-ticket {n(100, 999)} {digits(rng, 10)}, seat {n(10, 40)}{rng.choice('ABCDEF')}, boarding closes {h:02d}:{mi:02d}."),
        ("en", f"MOT test number {digits(rng, 4)} {digits(rng, 4)} {digits(rng, 4)}, recorded mileage {n(20000, 140000)}, expires {d} March {y}."),
        ("en", f"Supply number on the bill: S {n(1, 8):02d} {n(800, 899)} {n(100, 999)} / {n(10, 23)} {digits(rng, 4)} {digits(rng, 4)} {digits(rng, 3)}, tariff Economy 7."),
        ("en", f"Which HS code do mobile phones go under, 8517.13.00.00? The shipment is {n(2, 40)} cartons, {n(100, 900)} kg, invoice value USD {n(10000, 99999)}."),
        ("en", f"Author ORCID 0000-000{n(1, 3)}-{digits(rng, 4)}-{digits(rng, 3)}{rng.choice('0123456789X')}, preprint arXiv:{y % 100:02d}{mo:02d}.{digits(rng, 5)}v{n(1, 3)}."),
        ("en", f"Router 10.{n(0, 255)}.{n(0, 255)}.1, mask 255.255.255.0; the desk phones get leases from .{n(100, 150)} to .{n(200, 250)}, lease time {n(3600, 86400)} s."),
        ("en", f"Front nine: {' '.join(map(str, front))} = {sum(front)}; back nine: {' '.join(map(str, back))} = {sum(back)}; total {sum(front) + sum(back)}, handicap {n(2, 28)}."),
        ("en", f"Splits: 5K {n(20, 29)}:{s:02d}, 10K {n(40, 59)}:{mi:02d}, half 1:{n(30, 59)}:{n(10, 59)}, finish 3:{n(10, 59)}:{n(10, 59)}; bib {n(1000, 39999)}."),
        ("en", f"Patent US {n(9, 11)},{n(100, 999)},{n(100, 999)} B2 (priority {y - 3}-{mo:02d}-{d:02d}) covers a phone case hinge, claims 1–{n(12, 30)}."),
        ("en", f"Cast on {n(80, 160)} stitches, k{n(1, 3)} p{n(1, 3)} rib for {n(10, 30)} rows, then rows {n(1, 5)}–{n(30, 60)} in stocking stitch, decrease every {n(4, 8)}th row."),
        ("en", f"Scorecard: {n(120, 220)}/{n(2, 9)} ({n(15, 19)}.{n(0, 5)} ov), top score {n(40, 99)} off {n(25, 60)} balls, extras {n(3, 20)}, run rate {n(6, 11)}.{n(10, 99)}."),
        ("en", f"Readings: Isaiah {n(1, 66)}:{n(1, 20)}-{n(21, 30)}; Psalm {n(1, 150)}; John {n(1, 21)}:{n(1, 25)}. Hymns {n(100, 700)}, {n(100, 700)}, {n(100, 700)}."),
        ("pl", f"Spółka wpisana do KRS pod numerem 0000{digits(rng, 6)}, REGON {digits(rng, 9)}, kapitał zakładowy {n(5, 500)} 000 zł."),
        ("pl", f"Przelew z konta kończącego się na …{digits(rng, 4)} {digits(rng, 4)}, tytuł: czynsz {mo:02d}/{y}, kwota {n(1000, 3500)},{n(10, 99)} zł."),
        ("pl", f"Księga wieczysta KR1P/{digits(rng, 8)}/{n(0, 9)}, działka nr {n(100, 999)}/{n(1, 30)}, obręb {digits(rng, 4)}, powierzchnia {n(400, 2500)} m²."),
        ("pl", f"Ciśnienie {n(990, 1035)} hPa, wiatr {n(5, 40)} km/h, w porywach {n(41, 90)}, opady {n(0, 30)},{n(0, 9)} mm, temperatura odczuwalna -{n(1, 15)} °C."),
        ("pl", f"Etui na telefon, wymiary {n(140, 170)},{n(0, 9)} × {n(65, 80)},{n(0, 9)} mm, kod produktu {digits(rng, 5)}-{digits(rng, 5)}, cena {n(29, 99)},99 zł."),
        ("pl", f"Sudoku, wiersz {n(1, 9)}: {sudoku} — czy to się zgadza z kolumną {n(1, 9)}?"),
        ("de", f"Amtsgericht München HRB {n(100000, 299999)}, Stammkapital {n(25, 500)}.000 €, Sitz der Gesellschaft: München."),
        ("de", f"Verwendungszweck: Kd.-Nr. {digits(rng, 4)} {digits(rng, 4)}, Rechnung {y}-{digits(rng, 4)}, Betrag {n(10, 999)},{n(10, 99)} €"),
        ("de", f"DAX {spaced3(n(15000, 19999), '.')},{n(10, 99)} Punkte ({sign}{n(0, 2)},{n(10, 99)} %), Umsatz {n(2, 9)},{n(0, 9)} Mrd. €, SAP {n(120, 220)},{n(10, 99)} €."),
        ("de", f"Handytarif mit {n(5, 40)} GB für {n(5, 30)},{n(10, 99)} € im Monat, Mindestlaufzeit {n(12, 24)} Monate, Anschlusspreis {n(0, 40)},{n(10, 99)} €."),
        ("de", f"Blutdruck {n(110, 150)}/{n(60, 95)} mmHg, Puls {n(55, 95)}, Blutzucker {n(80, 140)} mg/dl, Gewicht {n(55, 110)},{n(0, 9)} kg."),
        ("de", f"BGH, Urteil vom {d}.{mo}.{y} – {roman} ZR {n(1, 300)}/{y % 100:02d}, NJW {y + 1}, {n(100, 3999)}."),
        ("de", f"Waschmaschine WM{n(14, 16)}N{n(100, 299)}, FD-Nummer {n(9500, 9912)}, Seriennummer {digits(rng, 3)} {digits(rng, 3)} {digits(rng, 4)}, Fehlercode F{n(10, 43)}."),
        ("fr", f"SIRET {digits(rng, 3)} {digits(rng, 3)} {digits(rng, 3)} {digits(rng, 5)}, code APE {n(10, 96)}.{n(10, 99)}{upper(rng, 1)}, capital social {n(1, 500)} 000 €."),
        ("fr", f"Communication structurée : +++{digits(rng, 3)}/{digits(rng, 4)}/{digits(rng, 5)}+++, montant {n(10, 999)},{n(10, 99)} €, échéance {d:02d}/{mo:02d}/{y}."),
        ("fr", f"CAC 40 : {spaced3(n(6800, 8200))},{n(10, 99)} points ({sign}{n(0, 2)},{n(10, 99)} %), LVMH {n(550, 900)},{n(10, 99)} €, volume {spaced3(n(100000, 9999999))} titres."),
        ("fr", f"Quinté+ de dimanche : arrivée {race}, rapport {n(100, 9999)},{n(10, 99)} € dans l'ordre."),
        ("fr", f"Forfait mobile {n(20, 200)} Go à {n(5, 20)},99 €/mois, engagement {n(12, 24)} mois, carte SIM {n(5, 10)} €."),
        ("fr", f"Parcelle cadastrale section {upper(rng, 2)} n° {n(1, 999)}, contenance {n(200, 5000)} m², lotissement « Les Érables », lot {n(1, 40)}."),
        ("fr", f"DPE : {n(70, 400)} kWh/m²/an, classe {rng.choice('ABCDEFG')}, {n(5, 80)} kg CO2/m²/an, n° ADEME {y % 100:02d}{n(10, 99)}E{digits(rng, 7)}{upper(rng, 1)}."),
        ("es", f"Referencia catastral {digits(rng, 7)}{upper(rng, 2)}{digits(rng, 4)}{upper(rng, 1)}{digits(rng, 4)}{upper(rng, 2)}, superficie construida {n(50, 200)} m²."),
        ("es", f"Recibo domiciliado en la cuenta terminada en {digits(rng, 4)}, referencia del mandato {digits(rng, 12)}, importe {n(10, 99)},{n(10, 99)} €."),
        ("es", f"Quiniela, jornada {n(1, 42)}: {pools} — pleno al 15: {n(0, 2)}-{n(0, 2)}."),
        ("es", f"El IBEX 35 cierra en {spaced3(n(9000, 12000), '.')},{n(10, 99)} puntos ({sign}{n(0, 2)},{n(10, 99)} %), con un volumen de {spaced3(n(1000, 3500), '.')} millones de euros."),
        ("es", f"Funda para móvil compatible con los modelos {n(12, 16)} y {n(12, 16)} Pro, ref. {digits(rng, 3)}.{digits(rng, 3)}.{digits(rng, 3)}, {n(9, 25)},99 €."),
        ("es", f"Posología: 1 comprimido cada {n(6, 12)} h durante {n(5, 10)} días; lote {upper(rng, 1)}{digits(rng, 5)}, cad. {mo:02d}/{y}, C.N. {digits(rng, 6)}.{n(0, 9)}."),
        ("it", f"Codice avviso pagoPA {digits(rng, 4)} {digits(rng, 4)} {digits(rng, 4)} {digits(rng, 4)} {digits(rng, 2)}, importo {n(10, 999)},{n(10, 99)} €, scadenza {d:02d}/{mo:02d}/{y}."),
        ("it", f"FTSE MIB a {spaced3(n(28000, 35000), '.')} punti ({sign}{n(0, 2)},{n(10, 99)}%), controvalore {n(1, 4)},{n(0, 9)} miliardi, Enel {n(5, 8)},{digits(rng, 3)} €."),
        ("it", f"Codice ATECO {n(10, 96)}.{n(10, 99)}.{n(10, 99)}, REA MI-{n(1000000, 2999999)}, capitale sociale {spaced3(n(10000, 500000), '.')} € i.v."),
        ("it", f"Cover per cellulare, codice articolo {digits(rng, 4)}-{digits(rng, 3)}-{digits(rng, 3)}, peso {n(20, 60)} g, colore nero opaco."),
        ("it", f"Cass. civ., sez. {roman}, sent. n. {n(1000, 35000)}/{y}, R.G. n. {n(1000, 99999)}/{y - 2}."),
        ("it", f"Appello del {d:02d}/{mo:02d}, aula {n(1, 30)}: matricole da {digits(rng, 6)} a {digits(rng, 6)}, ore {h}:{mi:02d}."),
        ("nl", f"Betalingskenmerk {digits(rng, 4)} {digits(rng, 4)} {digits(rng, 4)} {digits(rng, 4)}, bedrag € {n(10, 999)},{n(10, 99)}, uiterlijk {d:02d}-{mo:02d}-{y}."),
        ("nl", f"KvK-nummer {digits(rng, 8)}, vestigingsnummer 0000{digits(rng, 8)}, SBI-code {digits(rng, 5)}."),
        ("nl", f"De AEX sloot op {n(780, 950)},{n(10, 99)} punten ({sign}{n(0, 2)},{n(10, 99)}%), ASML noteerde {n(600, 999)},{n(10, 99)} euro."),
        ("nl", f"Telefoonhoesje voor model {n(12, 16)}, artikelnummer {digits(rng, 3)}.{digits(rng, 3)}.{digits(rng, 2)}, € {n(9, 25)},99, levertijd {n(1, 3)}–{n(4, 7)} werkdagen."),
        ("nl", f"Uitslag: {spaced3(n(1000, 60000), '.')} stemmen, opkomst {n(40, 80)},{n(0, 9)}%, {n(1, 12)} zetels, kiesdeler {spaced3(n(1000, 9999), '.')}."),
        ("pt", f"Pagamento por Multibanco: Entidade {n(10000, 29999)}, Referência {digits(rng, 3)} {digits(rng, 3)} {digits(rng, 3)}, Valor {n(10, 999)},{n(10, 99)} €."),
        ("pt", f"PSI a {spaced3(n(5500, 7500), '.')},{n(10, 99)} pontos ({sign}{n(0, 2)},{n(10, 99)}%), Galp {n(10, 20)},{digits(rng, 3)} €, volume {spaced3(n(1000000, 9999999), '.')} ações."),
        ("pt", f"Capa para telemóvel, código do artigo {digits(rng, 6)}-{digits(rng, 2)}, {n(9, 25)},99 €, portes grátis acima de {n(30, 50)} €."),
        ("pt", f"Código de acesso à certidão permanente: {digits(rng, 4)}-{digits(rng, 4)}-{digits(rng, 4)}, válido até {d:02d}/{mo:02d}/{y}."),
        ("pt", f"ATCUD: {upper(rng, 8)}-{n(1, 9999)}, Fatura FR {y}/{n(1, 9999)}, consumidor final, total {n(10, 999)},{n(10, 99)} €."),
    ]


def national_groups(raw):
    """The groups of a national number with its separators and brackets removed."""
    for c in "()-./":
        raw = raw.replace(c, " ")
    return raw.split()


def international(raw, loc, rng):
    """`raw` with its calling code, the trunk 0 dropped where it is, in one of this set's
    styles: `+(CC)` with the plus outside the brackets, `00CC` with every group joined by
    hyphens, `+CC` and a space before the national digits run together, `+CC area-rest`,
    E.164, or plain `+CC` with the groups."""
    if "+" in raw or raw.startswith("00") or loc not in CALLING_CODE:
        return raw
    cc = CALLING_CODE[loc]
    groups = national_groups(raw)
    if not groups:
        return raw
    if loc in ("en_US", "en_CA", "es_MX") and groups[0] == "1":
        groups = groups[1:]
    if groups and groups[0].startswith("0") and loc not in NO_TRUNK:
        groups[0] = groups[0][1:]
        if not groups[0]:
            groups = groups[1:]
    if len(groups) < 1:
        return raw
    if loc in ("en_US", "en_CA") and groups[0].startswith("1"):
        return raw
    flat = "".join(groups)
    if flat.startswith(cc) and len(flat) > 10:
        return raw
    r = rng.random()
    if r < 0.18:
        return f"+({cc}) " + " ".join(groups)
    if r < 0.34:
        return f"00{cc}-" + "-".join(groups)
    if r < 0.50:
        return f"+{cc} {flat}"
    if r < 0.64 and len(groups) >= 2:
        return f"+{cc} {groups[0]}-{''.join(groups[1:])}"
    if r < 0.80:
        return f"+{cc}{flat}"
    return f"+{cc} " + " ".join(groups)


def restyle(raw, rng):
    """A national number with all its digits in pairs from the start (a leading odd digit
    kept with the first pair), as "area / rest" with a spaced slash, or with its groups
    joined by en dashes."""
    groups = national_groups(raw)
    if len(groups) < 2 or "+" in raw or raw.startswith("00") or raw.startswith("(351)"):
        return raw
    flat = "".join(groups)
    k = rng.randrange(3)
    if k == 0:
        head = 3 if len(flat) % 2 else 2
        return " ".join([flat[:head]] + [flat[i:i + 2] for i in range(head, len(flat), 2)])
    if k == 1:
        return f"{groups[0]} / {' '.join(groups[1:])}"
    return "–".join(groups)


def draw(faker):
    """One of `faker`'s numbers, an extension cut off."""
    return faker.phone_number().split("x")[0].strip()


def phone(rng, fk, lang):
    """A number of `lang`'s in-region (2/3) or outside (1/3) locales, 3/10 given a calling
    code by `international`, 1/4 restyled by `restyle`, the rest as Faker gives it."""
    inside, outside = PHONE_LOCALES[lang]
    loc = rng.choice(inside) if rng.random() < 2 / 3 else rng.choice(outside)
    raw = draw(fk(loc))
    while raw.startswith("00") or len("".join(c for c in raw if c.isdigit())) < 7:
        raw = draw(fk(loc))
    r = rng.random()
    if r < 0.3:
        raw = international(raw, loc, rng)
    elif r < 0.3 + 0.25:
        raw = restyle(raw, rng)
    return raw


if __name__ == "__main__":
    held_out_sets("holdout9", 9696, PHONE_FRAMES, SSN_FRAMES, NAME_LOCALES, phone, ssn_format,
                  lookalikes)
