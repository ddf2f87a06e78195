"""Names, places, products and comment phrases the generator draws from.

Small lists, indexed by numpy arrays: never looked up one row at a time.
"""

from __future__ import annotations

import unicodedata

COUNTRIES = ("PL", "CZ", "SK", "DE")
COUNTRY_WEIGHTS = (0.72, 0.20, 0.04, 0.04)
CURRENCIES = ("PLN", "CZK", "EUR")
# Approximate PLN per unit, used only to price goods in local currency; the
# warehouse converts with its own daily rates from seeds/fx_rates.csv.
PLN_PER_UNIT = {"PLN": 1.0, "CZK": 0.175, "EUR": 4.3}

# (male first names, female first names, (male, female) surnames) per country.
FIRST_NAMES_MALE = {
    "PL": [
        "Jan",
        "Piotr",
        "Krzysztof",
        "Andrzej",
        "Tomasz",
        "Paweł",
        "Michał",
        "Marcin",
        "Jakub",
        "Adam",
        "Łukasz",
        "Mateusz",
        "Wojciech",
        "Kamil",
        "Marek",
        "Grzegorz",
        "Rafał",
        "Dariusz",
        "Maciej",
        "Szymon",
    ],
    "CZ": [
        "Jiří",
        "Jan",
        "Petr",
        "Josef",
        "Pavel",
        "Martin",
        "Tomáš",
        "Jaroslav",
        "Miroslav",
        "Zdeněk",
        "Václav",
        "Michal",
        "František",
        "Jakub",
        "Lukáš",
    ],
    "SK": ["Peter", "Ján", "Martin", "Michal", "Tomáš", "Marek", "Lukáš", "Juraj", "Milan"],
    "DE": ["Lukas", "Jonas", "Leon", "Felix", "Paul", "Maximilian", "Thomas", "Stefan"],
}
FIRST_NAMES_FEMALE = {
    "PL": [
        "Anna",
        "Maria",
        "Katarzyna",
        "Małgorzata",
        "Agnieszka",
        "Barbara",
        "Ewa",
        "Krystyna",
        "Magdalena",
        "Joanna",
        "Aleksandra",
        "Zofia",
        "Monika",
        "Natalia",
        "Julia",
        "Karolina",
        "Marta",
        "Beata",
        "Dorota",
        "Alicja",
    ],
    "CZ": [
        "Jana",
        "Marie",
        "Eva",
        "Hana",
        "Anna",
        "Lenka",
        "Kateřina",
        "Lucie",
        "Věra",
        "Alena",
        "Petra",
        "Veronika",
        "Tereza",
        "Michaela",
        "Zuzana",
    ],
    "SK": ["Mária", "Zuzana", "Katarína", "Jana", "Lucia", "Martina", "Veronika", "Ivana"],
    "DE": ["Anna", "Lea", "Laura", "Marie", "Sophie", "Julia", "Sabine", "Claudia"],
}
SURNAMES = {
    "PL": [
        ("Nowak", "Nowak"),
        ("Kowalski", "Kowalska"),
        ("Wiśniewski", "Wiśniewska"),
        ("Wójcik", "Wójcik"),
        ("Kowalczyk", "Kowalczyk"),
        ("Kamiński", "Kamińska"),
        ("Lewandowski", "Lewandowska"),
        ("Zieliński", "Zielińska"),
        ("Szymański", "Szymańska"),
        ("Woźniak", "Woźniak"),
        ("Dąbrowski", "Dąbrowska"),
        ("Kozłowski", "Kozłowska"),
        ("Jankowski", "Jankowska"),
        ("Mazur", "Mazur"),
        ("Krawczyk", "Krawczyk"),
        ("Piotrowski", "Piotrowska"),
        ("Grabowski", "Grabowska"),
        ("Pawłowski", "Pawłowska"),
        ("Michalski", "Michalska"),
        ("Król", "Król"),
    ],
    "CZ": [
        ("Novák", "Nováková"),
        ("Svoboda", "Svobodová"),
        ("Novotný", "Novotná"),
        ("Dvořák", "Dvořáková"),
        ("Černý", "Černá"),
        ("Procházka", "Procházková"),
        ("Kučera", "Kučerová"),
        ("Veselý", "Veselá"),
        ("Horák", "Horáková"),
        ("Němec", "Němcová"),
        ("Marek", "Marková"),
        ("Pospíšil", "Pospíšilová"),
        ("Hájek", "Hájková"),
        ("Jelínek", "Jelínková"),
        ("Král", "Králová"),
    ],
    "SK": [
        ("Horváth", "Horváthová"),
        ("Kováč", "Kováčová"),
        ("Varga", "Vargová"),
        ("Tóth", "Tóthová"),
        ("Nagy", "Nagyová"),
        ("Baláž", "Balážová"),
    ],
    "DE": [
        ("Müller", "Müller"),
        ("Schmidt", "Schmidt"),
        ("Schneider", "Schneider"),
        ("Fischer", "Fischer"),
        ("Weber", "Weber"),
        ("Meyer", "Meyer"),
        ("Wagner", "Wagner"),
        ("Becker", "Becker"),
    ],
}
CITIES = {
    "PL": [
        ("Warszawa", 0.25),
        ("Kraków", 0.12),
        ("Łódź", 0.08),
        ("Wrocław", 0.10),
        ("Poznań", 0.08),
        ("Gdańsk", 0.07),
        ("Szczecin", 0.05),
        ("Lublin", 0.05),
        ("Katowice", 0.07),
        ("Białystok", 0.04),
        ("Bydgoszcz", 0.04),
        ("Gdynia", 0.05),
    ],
    "CZ": [
        ("Praha", 0.40),
        ("Brno", 0.20),
        ("Ostrava", 0.12),
        ("Plzeň", 0.10),
        ("Olomouc", 0.10),
        ("Liberec", 0.08),
    ],
    "SK": [("Bratislava", 0.5), ("Košice", 0.3), ("Žilina", 0.2)],
    "DE": [("Berlin", 0.4), ("Dresden", 0.25), ("Leipzig", 0.2), ("München", 0.15)],
}
REGIONS = {
    "Warszawa": "mazowieckie",
    "Kraków": "małopolskie",
    "Łódź": "łódzkie",
    "Wrocław": "dolnośląskie",
    "Poznań": "wielkopolskie",
    "Gdańsk": "pomorskie",
    "Gdynia": "pomorskie",
    "Szczecin": "zachodniopomorskie",
    "Lublin": "lubelskie",
    "Katowice": "śląskie",
    "Białystok": "podlaskie",
    "Bydgoszcz": "kujawsko-pomorskie",
    "Praha": "Hlavní město Praha",
    "Brno": "Jihomoravský kraj",
    "Ostrava": "Moravskoslezský kraj",
    "Plzeň": "Plzeňský kraj",
    "Olomouc": "Olomoucký kraj",
    "Liberec": "Liberecký kraj",
}
STORE_FORMATS = ("mall", "high_street", "outlet")
STORE_FORMAT_WEIGHTS = (0.5, 0.35, 0.15)
MALLS = ("Arkadia", "Galeria", "Centrum", "Plaza", "Forum", "Atrium")

EMAIL_DOMAINS = {
    "PL": ["gmail.com", "wp.pl", "o2.pl", "onet.pl", "interia.pl"],
    "CZ": ["seznam.cz", "gmail.com", "email.cz", "centrum.cz"],
    "SK": ["gmail.com", "azet.sk", "centrum.sk"],
    "DE": ["gmail.com", "web.de", "gmx.de"],
}
WORK_DOMAINS = ["firma.pl", "biuro.com.pl", "spolecnost.cz", "corp.eu"]

CATEGORIES = ("kitchen", "garden", "electronics", "home", "kids", "sport", "beauty", "books")
UTM_PAID = (("google", "cpc"), ("facebook", "paid_social"), ("instagram", "paid_social"))
CAMPAIGN_TYPES = ("newsletter", "promo", "winback", "post_purchase")
QUEUES = ("orders", "returns", "complaints", "product_info")
OUTCOMES = ("resolved", "unresolved", "transferred", "abandoned", "callback")
WRAP_CODES = {
    "orders": ("WISMO", "ADDRESS_CHANGE", "CANCEL_REQUEST"),
    "returns": ("RETURN_LABEL", "REFUND_STATUS", "EXCHANGE"),
    "complaints": ("DAMAGED", "LATE_DELIVERY", "WRONG_ITEM"),
    "product_info": ("AVAILABILITY", "SPECIFICATION", "PRICE"),
}
TEAMS = ("Orders Team", "Returns Team", "Care Team", "Product Team")
SHIPPING_METHODS = ("courier", "parcel_locker", "pickup_store")
PAYMENT_METHODS = ("card", "cash", "blik", "voucher")

LANGUAGES = ("pl", "cs", "en")
SENTIMENTS = ("negative", "neutral", "positive")
TOPICS = ("delivery", "price", "staff", "waiting", "product_quality", "returns")

# One phrase per (language, sentiment, topic), in that nesting order.
PHRASES: dict[str, dict[str, tuple[str, ...]]] = {
    "pl": {
        "negative": (
            "Przesyłka przyszła dużo za późno.",
            "Ceny są za wysokie, drożej niż gdzie indziej.",
            "Obsługa była niemiła i nie pomogła.",
            "Czekałem bardzo długo na połączenie.",
            "Produkt się zepsuł po tygodniu, słaba jakość.",
            "Zwrot pieniędzy trwa wieki, zwrot to koszmar.",
        ),
        "neutral": (
            "Dostawa była w porządku.",
            "Cena w miarę uczciwa.",
            "Obsługa poprawna.",
            "Czas oczekiwania do przyjęcia.",
            "Jakość produktu przeciętna.",
            "Zwrot przebiegł bez problemów, ale powoli.",
        ),
        "positive": (
            "Szybka dostawa, wszystko dotarło na czas!",
            "Świetne ceny i promocje.",
            "Bardzo miła i pomocna obsługa.",
            "Połączenie odebrane od razu, bez czekania.",
            "Produkt świetnej jakości, polecam.",
            "Zwrot szybki i bezproblemowy.",
        ),
    },
    "cs": {
        "negative": (
            "Zásilka přišla příliš pozdě.",
            "Ceny jsou moc vysoké, jinde je to levnější.",
            "Obsluha byla nepříjemná a nepomohla.",
            "Na spojení jsem čekal strašně dlouho.",
            "Výrobek se po týdnu rozbil, špatná kvalita.",
            "Vrácení peněz trvá věčnost, reklamace je hrůza.",
        ),
        "neutral": (
            "Doručení bylo v pořádku.",
            "Cena celkem férová.",
            "Obsluha v pořádku.",
            "Čekání se dalo vydržet.",
            "Kvalita výrobku průměrná.",
            "Vrácení proběhlo, ale pomalu.",
        ),
        "positive": (
            "Rychlé doručení, vše dorazilo včas!",
            "Skvělé ceny a akce.",
            "Velmi milá a ochotná obsluha.",
            "Hovor přijat hned, bez čekání.",
            "Výrobek skvělé kvality, doporučuji.",
            "Vrácení rychlé a bez problémů.",
        ),
    },
    "en": {
        "negative": (
            "The parcel arrived far too late.",
            "Prices are too high, cheaper elsewhere.",
            "The staff were rude and unhelpful.",
            "I waited ages on hold.",
            "The product broke after a week, poor quality.",
            "The refund takes forever, returns are a nightmare.",
        ),
        "neutral": (
            "Delivery was fine.",
            "The price is fair enough.",
            "The staff were OK.",
            "The wait was acceptable.",
            "Average product quality.",
            "The return went through, slowly.",
        ),
        "positive": (
            "Fast delivery, everything arrived on time!",
            "Great prices and offers.",
            "Very friendly and helpful staff.",
            "My call was answered at once, no waiting.",
            "Great quality product, recommended.",
            "Quick and easy return.",
        ),
    },
}


def ascii_fold(text: str) -> str:
    """Strip diacritics the way people do in email addresses: Łukasz -> lukasz."""
    text = text.replace("ł", "l").replace("Ł", "L")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def phrase_table() -> list[str]:
    """All phrases flattened; index = (language * 3 + sentiment) * len(TOPICS) + topic."""
    return [
        text
        for language in LANGUAGES
        for sentiment in SENTIMENTS
        for text in PHRASES[language][sentiment]
    ]
