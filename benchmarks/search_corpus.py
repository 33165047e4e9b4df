"""An invented multilingual digest and queries with known answers, for the search yardstick.

Eight languages, two publications each. Every article is about one or two *concepts*; a concept
appears in an article in one of its written forms (a plural, an inflected form, a compound that
holds it), and a query names a concept in another form. The relevant articles of a query are
those about all its concepts, so the answers follow from how the corpus is made, not from any
engine. Filler sentences never hold a concept's word. Standard library only; the same seed
gives the same corpus.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# language -> (publications, filler sentences)
LANGUAGES: dict[str, tuple[tuple[str, str], tuple[str, ...]]] = {
    "en": (("Courier", "Ledger"), (
        "Officials said the plan would take several years.",
        "Residents gathered on Saturday to hear the details.",
        "The council has not yet published a budget.",
        "Critics argue that the timetable is too ambitious.",
        "A spokesperson declined to comment on the figures.",
        "Work is expected to begin early next spring.",
        "Local traders welcomed the decision with caution.",
        "The proposal will be debated again in the autumn.")),
    "de": (("Rheinpost", "Tagesblick"), (
        "Die Verwaltung rechnet mit mehreren Jahren Bauzeit.",
        "Am Samstag kamen viele Anwohner zu der Versammlung.",
        "Der Gemeinderat hat noch keinen Haushalt vorgelegt.",
        "Kritiker halten den Zeitplan für zu ehrgeizig.",
        "Eine Sprecherin wollte sich zu den Zahlen nicht äußern.",
        "Die Arbeiten sollen im kommenden Frühjahr beginnen.",
        "Die Händler begrüßten die Entscheidung vorsichtig.",
        "Im Herbst wird erneut über den Vorschlag beraten.",
        "Die Stadt will die Kosten bis zum Sommer prüfen.")),
    "fr": (("Quotidien", "Horizon"), (
        "Les responsables estiment que le projet prendra plusieurs années.",
        "Des habitants se sont réunis samedi pour entendre les détails.",
        "Le conseil n'a pas encore publié de budget.",
        "Les critiques jugent le calendrier trop ambitieux.",
        "Une porte-parole n'a pas souhaité commenter les chiffres.",
        "Les travaux devraient commencer au début du printemps.",
        "Les commerçants ont accueilli la décision avec prudence.",
        "La proposition sera de nouveau débattue à l'automne.")),
    "es": (("Faro", "Mirador"), (
        "Los responsables calculan que el plan llevará varios años.",
        "Los vecinos se reunieron el sábado para conocer los detalles.",
        "El consejo todavía no ha publicado un presupuesto.",
        "Los críticos consideran que el calendario es demasiado ambicioso.",
        "Una portavoz no quiso comentar las cifras.",
        "Se espera que las obras empiecen a principios de la primavera.",
        "Los comerciantes recibieron la decisión con cautela.",
        "La propuesta volverá a debatirse en otoño.")),
    "it": (("Gazzettino", "Corriere"), (
        "I responsabili stimano che il progetto richiederà diversi anni.",
        "Sabato molti residenti si sono riuniti per ascoltare i dettagli.",
        "Il consiglio non ha ancora pubblicato un bilancio.",
        "I critici ritengono il calendario troppo ambizioso.",
        "Una portavoce non ha voluto commentare i numeri.",
        "I lavori dovrebbero iniziare all'inizio della primavera.",
        "I commercianti hanno accolto la decisione con prudenza.",
        "La proposta sarà discussa di nuovo in autunno.")),
    "nl": (("Dagblik", "Havenkrant"), (
        "De gemeente verwacht dat het plan enkele jaren duurt.",
        "Zaterdag kwamen veel bewoners naar de bijeenkomst.",
        "De raad heeft nog geen begroting gepubliceerd.",
        "Critici vinden het tijdschema te ambitieus.",
        "Een woordvoerder wilde niet reageren op de cijfers.",
        "De werkzaamheden beginnen naar verwachting in het voorjaar.",
        "Winkeliers reageerden voorzichtig op het besluit.",
        "De zorg voor de zieken blijft een punt van debat.")),
    "sv": (("Nordbladet", "Kvällsposten"), (
        "Kommunen räknar med att planen tar flera år.",
        "Många invånare samlades på lördagen för att höra detaljerna.",
        "Fullmäktige har ännu inte lagt fram någon budget.",
        "Kritiker menar att tidsplanen är för ambitiös.",
        "En talesperson ville inte kommentera siffrorna.",
        "Arbetet väntas börja tidigt i vår.",
        "Handlarna tog emot beslutet med försiktighet.",
        "Förslaget ska diskuteras igen i höst.",
        "Frågan om järnväg och buss väcker debatt.")),
    "ja": (("朝陽新聞", "港町日報"), (
        "市の担当者は計画に数年かかると話した。",
        "土曜日には多くの住民が説明会に集まった。",
        "議会はまだ予算を公表していない。",
        "批判的な声は日程が野心的すぎると指摘する。",
        "広報担当者は数字についてコメントを控えた。",
        "工事は来年の春に始まる見込みだ。",
        "商店主たちは決定を慎重に受け止めた。")),
}


@dataclass(frozen=True)
class Concept:
    """Something an article is about: the sentences that name it in articles (each holds one
    written form), and the queries that ask for it, by class."""

    key: str
    lang: str
    titles: tuple[str, ...]
    sentences: tuple[str, ...]
    queries: tuple[tuple[str, str], ...]  # (class, query)


def _c(key: str, lang: str, titles: tuple[str, ...], sentences: tuple[str, ...],
       *queries: tuple[str, str]) -> Concept:
    return Concept(key, lang, titles, sentences, queries)


CONCEPTS = (
    _c("museum-en", "en", ("A museum reopens", "The museum and its visitors"),
       ("The museum extended its opening hours.", "Visitors queued outside the museum."),
       ("inflection", "museums"), ("exact", "museum")),
    _c("library-en", "en", ("The library at the corner", "A library for the district"),
       ("The library lends tools as well as books.", "A new library opened downtown."),
       ("inflection", "libraries")),
    _c("ferry-en", "en", ("Ferries in winter", "The ferries keep running"),
       ("Two ferries were cancelled because of the storm.", "The ferries carry cars too."),
       ("inflection", "ferry"), ("exact", "ferries")),
    _c("bridge-de", "de", ("Die alte Brücke", "Eine Brücke für Radfahrer"),
       ("Die Brücke über den Fluss wird saniert.", "Die Brücke bleibt bis Mai gesperrt."),
       ("inflection", "Brücken"), ("accents", "brucke"), ("exact", "Brücke")),
    _c("station-de", "de", ("Neue Bahnhöfe im Umland", "Bahnhöfe werden barrierefrei"),
       ("Die Bahnhöfe der Region bekommen neue Aufzüge.", "Zwei Bahnhöfe schließen nachts."),
       ("inflection", "Bahnhof")),
    _c("library-de", "de", ("Die Stadtbibliothek öffnet wieder", "Eine Bibliothek zieht um"),
       ("Die Stadtbibliothek zeigt wieder ihre Sammlung.", "Die Bibliothek sucht neue Räume."),
       ("compounds", "Bibliothek")),
    _c("hospital-de", "de", ("Das Krankenhaus wächst", "Ein Haus für Familien"),
       ("Das Krankenhaus baut einen neuen Flügel.", "Das Haus am Markt wird renoviert.",
        "Viele Kranke warten auf Termine."),
       ("compounds", "Haus")),
    _c("hospital-fr", "fr", ("La crise des hôpitaux", "Les hôpitaux manquent de bras"),
       ("Les hôpitaux de la région manquent de personnel.", "Deux hôpitaux vont fusionner."),
       ("inflection", "hôpital"), ("accents", "hopitaux")),
    _c("castle-fr", "fr", ("Le château rouvre ses portes", "Un château à vendre"),
       ("Le château accueille des visiteurs tout l'été.", "Le château date du XIIe siècle."),
       ("accents", "chateau"), ("inflection", "châteaux")),
    _c("newspaper-fr", "fr", ("Les journaux locaux résistent", "Journaux et lecteurs"),
       ("Les journaux locaux gagnent des abonnés.", "Trois journaux ont changé de format."),
       ("inflection", "journal")),
    _c("song-es", "es", ("Canciones del verano", "Las canciones de la fiesta"),
       ("Las canciones populares llenaron la plaza.", "Se grabaron nuevas canciones."),
       ("inflection", "canción"), ("accents", "cancion")),
    _c("city-es", "es", ("Una ciudad sin coches", "La ciudad y el río"),
       ("La ciudad prohíbe los coches en el centro.", "La ciudad plantará mil árboles."),
       ("inflection", "ciudades")),
    _c("city-it", "it", ("La città e il mare", "Una città più verde"),
       ("La città investe nel trasporto pubblico.", "La città apre nuovi giardini."),
       ("accents", "citta"), ("exact", "città")),
    _c("hospital-it", "it", ("Gli ospedali del nord", "Ospedali e liste d'attesa"),
       ("Gli ospedali cercano nuovi infermieri.", "Due ospedali hanno ridotto le attese."),
       ("inflection", "ospedale")),
    _c("hospital-nl", "nl", ("Het ziekenhuis breidt uit", "Een huis voor ouderen"),
       ("Het ziekenhuis opent een nieuwe afdeling.", "Het huis aan de gracht wordt verbouwd."),
       ("compounds", "huis")),
    _c("bike-nl", "nl", ("Fietsen in de stad", "Meer fietsen op straat"),
       ("Steeds meer fietsen staan bij het station.", "De fietsen worden gratis gerepareerd."),
       ("inflection", "fiets")),
    _c("station-sv", "sv", ("Järnvägsstationen rustas upp", "En station för pendlare"),
       ("Järnvägsstationen får nya perronger.", "Stationen öppnar tidigare på morgonen."),
       ("compounds", "station")),
    _c("malmo-sv", "sv", ("Malmö bygger nytt", "Malmö och bron"),
       ("Malmö planerar nya bostäder vid hamnen.", "I Malmö ökar antalet cyklister."),
       ("accents", "Malmo"), ("exact", "Malmö")),
    _c("car-sv", "sv", ("Bilarna i centrum", "Färre bilar i stan"),
       ("Bilarna får inte längre parkera på torget.", "Antalet bilar minskar för varje år."),
       ("inflection", "bil")),
    _c("population-ja", "ja", ("東京の人口", "人口の変化"),
       ("東京都の人口が増えた。", "地方の人口は減り続けている。"),
       ("cjk", "人口")),
    _c("library-ja", "ja", ("市立図書館の改装", "図書館の新しい試み"),
       ("市立図書館で本の貸し出しが始まった。", "図書館は夜九時まで開いている。"),
       ("cjk", "図書館")),
    _c("port-ja", "ja", ("港の再開発", "再開発と港町"),
       ("横浜港の再開発計画が発表された。", "港の再開発で大型船が入れなくなった。"),
       ("cjk", "開発")),
)

# Two concepts in one article: asked for with both words.
PAIRS = (("museum-en", "ferry-en", "museum ferries"),
         ("bridge-de", "station-de", "Brücke Bahnhof"),
         ("hospital-fr", "castle-fr", "hôpital château"),
         ("song-es", "city-es", "canciones ciudad"),
         ("city-it", "hospital-it", "città ospedali"),
         ("bike-nl", "hospital-nl", "fiets huis"))

# Words no article holds, nor starts with (checked when the corpus is made).
NO_RESULT = ("zeppelin", "Quokkas", "Saxophon", "pingouin", "murciélago", "ornitottero",
             "schildpadden", "flodhäst", "象牙", "xylophones")


@dataclass(frozen=True)
class Article:
    rel: str  # path under content/articles
    text: str  # the file
    concepts: frozenset[str]
    publication: str


@dataclass(frozen=True)
class Query:
    kind: str
    text: str
    lang: str  # the language whose search page Pagefind is asked from
    relevant: frozenset[str]  # article paths


def build(seed: int = 7, per_concept: int = 4) -> tuple[list[Article], list[Query]]:
    """The articles and the queries (with their relevant articles)."""
    rng = random.Random(seed)
    by_key = {c.key: c for c in CONCEPTS}
    plans: list[tuple[str, tuple[Concept, ...]]] = []
    for concept in CONCEPTS:
        plans += [(concept.lang, (concept,))] * per_concept
    for first, second, _ in PAIRS:
        plans += [(by_key[first].lang, (by_key[first], by_key[second]))] * 2
    articles = []
    for number, (lang, concepts) in enumerate(plans):
        pubs, filler = LANGUAGES[lang]
        pub = pubs[number % 2]
        sentences = rng.sample(filler, 3)
        for concept in concepts:
            sentences.insert(rng.randrange(len(sentences) + 1), rng.choice(concept.sentences))
        title = rng.choice(concepts[0].titles)
        day = f"2025-{1 + number % 12:02d}-{1 + number % 27:02d}"
        rel = f"{lang}/{day}-{number:03d}.md"
        joiner = "" if lang == "ja" else " "
        text = (f"---\ntitle: \"{title}\"\npublication: {pub}\ndate: {day}\nlang: {lang}\n"
                f"---\n\n{joiner.join(sentences)}\n")
        articles.append(Article(rel, text, frozenset(c.key for c in concepts), pub))
    queries = []
    for concept in CONCEPTS:
        relevant = frozenset(a.rel for a in articles if concept.key in a.concepts)
        queries += [Query(kind, text, concept.lang, relevant) for kind, text in concept.queries]
    for first, second, text in PAIRS:
        relevant = frozenset(a.rel for a in articles if {first, second} <= a.concepts)
        queries.append(Query("two words", text, by_key[first].lang, relevant))
    for lang, (pubs, _) in LANGUAGES.items():
        for pub in pubs:
            relevant = frozenset(a.rel for a in articles if a.publication == pub)
            queries.append(Query("publication", pub, lang, relevant))
    for number, word in enumerate(NO_RESULT):
        lang = list(LANGUAGES)[number % len(LANGUAGES)]
        queries.append(Query("no result", word, lang, frozenset()))
    return articles, queries
