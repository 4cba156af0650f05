"""Seeded demo data for world builders: names, companies, words, sentences, cities.

The emulators' worlds need plausible text, not realism: a few short word lists
(written for this project) and one ``random.Random`` seeded with the world's
seed give the same world for the same seed on every machine, with no
dependency. (Faker, used before, registers a pytest plugin that cost every
pytest run of every project with mockservers installed most of a second.)

    demo = DemoData(seed, locale="sv")
    demo.name(), demo.company(), demo.sentence(nb_words=4), demo.random.random()
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

_FIRST = {
    "en": (
        "Alice", "Benjamin", "Chloe", "Daniel", "Eleanor", "Felix", "Grace", "Henry", "Isla", "Jack",
        "Katherine", "Liam", "Maya", "Nathan", "Olivia", "Peter", "Quinn", "Rachel", "Samuel", "Tessa",
        "Umar", "Victoria", "William", "Xavier", "Yasmin", "Zachary", "Amelia", "Caleb", "Diana", "Ethan",
        "Fiona", "George", "Hannah", "Isaac", "Julia", "Kevin", "Laura", "Marcus", "Nora", "Oscar",
        "Priya", "Robert", "Sofia", "Thomas", "Ursula", "Vincent", "Wendy", "Leo", "Ruby", "Adrian",
    ),
    "sv": (
        "Anna", "Björn", "Cecilia", "David", "Elin", "Fredrik", "Greta", "Hugo", "Ingrid", "Johan",
        "Karin", "Lars", "Maja", "Nils", "Olle", "Petra", "Ronja", "Sven", "Tove", "Ulf",
        "Vera", "Wilma", "Axel", "Ebba", "Gustav", "Hanna", "Isak", "Linnea", "Magnus", "Sara",
        "Erik", "Frida", "Göran", "Helena", "Jonas", "Klara", "Lena", "Mattias", "Nora", "Oskar",
    ),
}
_LAST = {
    "en": (
        "Adams", "Baker", "Carter", "Dawson", "Ellis", "Fletcher", "Garcia", "Hughes", "Irving", "Jensen",
        "Kim", "Lawson", "Morgan", "Nguyen", "Owens", "Patel", "Quincy", "Reyes", "Shaw", "Turner",
        "Underwood", "Vaughn", "Walsh", "Young", "Zimmerman", "Bennett", "Collins", "Dixon", "Foster", "Grant",
        "Harper", "Jordan", "Keller", "Lopez", "Mitchell", "Nash", "Parker", "Russell", "Stone", "Wright",
    ),
    "sv": (
        "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson",
        "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson", "Bengtsson", "Lindberg", "Lindqvist",
        "Lundgren", "Berglund", "Sandberg", "Holm", "Ek", "Forsberg", "Sjöberg", "Wallin", "Engström",
        "Dahl", "Björk", "Nyström", "Hedlund",
    ),
}
_COMPANY_SUFFIX = {
    "en": ("Ltd", "Inc", "Group", "and Sons", "Partners", "Studios", "Media", "Labs", "LLC", "Works"),
    "sv": ("AB", "& Söner", "Media AB", "Kommun", "Produktion AB", "Gruppen", "HB", "Förlag"),
}
_COMPANY_STEM = (
    "North Pier", "Blue Harbor", "Lantern", "Silver Birch", "Red Kite", "Granite", "Meadowlark",
    "Bright Orbit", "Copper Hill", "Westfield", "Open Sky", "Stillwater", "Juniper", "Summit", "Riverside",
)
_ADJECTIVES = (
    "adaptive", "balanced", "centralized", "distributed", "efficient", "flexible", "global", "horizontal",
    "integrated", "lightweight", "modular", "open", "proactive", "quality", "reliable", "secure",
    "streamlined", "unified", "versatile", "visionary",
)
_NOUNS = (
    "archive", "bandwidth", "catalog", "channel", "content", "dashboard", "encoder", "framework", "gallery",
    "interface", "library", "network", "pipeline", "platform", "playlist", "portal", "solution", "storage",
    "strategy", "toolkit", "workflow",
)
_WORDS = (
    "able", "across", "after", "again", "air", "almost", "along", "already", "animal", "answer", "area",
    "autumn", "back", "battle", "beach", "before", "behind", "better", "bird", "blue", "boat", "body",
    "book", "bridge", "bright", "build", "busy", "call", "camera", "capital", "career", "center", "chance",
    "change", "city", "clear", "close", "cloud", "coast", "cold", "color", "common", "country", "course",
    "cover", "craft", "crowd", "dance", "dark", "day", "deep", "design", "detail", "direction", "distance",
    "door", "draw", "dream", "early", "earth", "east", "edge", "energy", "evening", "event", "family", "far",
    "field", "film", "final", "fire", "first", "floor", "flower", "follow", "forest", "form", "forward",
    "free", "fresh", "friend", "front", "full", "future", "garden", "gentle", "glass", "gold", "green",
    "ground", "group", "growth", "harbor", "heart", "heavy", "high", "hill", "history", "home", "hope",
    "hour", "house", "idea", "island", "journey", "kitchen", "lake", "land", "language", "large", "late",
    "light", "line", "little", "local", "long", "machine", "market", "matter", "meeting", "memory", "middle",
    "minute", "moment", "morning", "mountain", "music", "nature", "near", "night", "north", "ocean", "open",
    "paper", "past", "people", "picture", "place", "plain", "planet", "point", "power", "quiet", "rain",
    "reason", "record", "river", "road", "rock", "room", "round", "season", "second", "shadow", "shore",
    "signal", "silver", "simple", "sky", "slow", "small", "snow", "sound", "south", "space", "spring",
    "square", "stage", "star", "station", "stone", "story", "street", "strong", "summer", "sun", "table",
    "team", "thought", "time", "today", "tower", "town", "travel", "tree", "valley", "view", "village",
    "voice", "wall", "water", "wave", "west", "wide", "wind", "window", "winter", "wood", "world", "year",
)
_CITIES = {
    "en": (
        "Ashford", "Brookfield", "Clearwater", "Dover", "Fairview", "Glenwood", "Hampton", "Kingsport",
        "Lakeside", "Millbrook", "Newport", "Oakridge", "Portland", "Riverton", "Springfield", "Westbury",
    ),
    "sv": (
        "Stockholm", "Göteborg", "Malmö", "Uppsala", "Västerås", "Örebro", "Linköping", "Helsingborg",
        "Jönköping", "Norrköping", "Lund", "Umeå", "Gävle", "Borås", "Södertälje", "Eskilstuna", "Halmstad",
        "Växjö", "Karlstad", "Sundsvall", "Östersund", "Trollhättan", "Luleå", "Kalmar", "Falun", "Skövde",
        "Karlskrona", "Kristianstad", "Visby", "Ystad", "Mora", "Kiruna", "Nyköping", "Varberg",
    ),
}
_EMAIL_DOMAINS = ("example.com", "example.org", "example.net")
_ASCII = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u", "Å": "A", "Ä": "A", "Ö": "O"})
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


class DemoData:
    """Seeded demo values; ``random`` is the underlying ``random.Random`` for anything else."""

    def __init__(self, seed: int | None = 0, locale: str = "en") -> None:
        if locale not in _FIRST:
            raise ValueError(f"locale must be one of {', '.join(_FIRST)}, not {locale!r}")
        self.locale = locale
        self.random = random.Random(seed)

    def seed_instance(self, seed: int | None) -> None:
        """Start over from ``seed``."""
        self.random.seed(seed)

    # -- numbers and choices -------------------------------------------------------
    def random_int(self, min: int = 0, max: int = 9999) -> int:  # noqa: A002 - the familiar names
        """An integer in [min, max], both included."""
        return self.random.randint(min, max)

    def boolean(self, chance_of_getting_true: int = 50) -> bool:
        """True with the given chance in percent."""
        return self.random.randrange(100) < chance_of_getting_true

    def random_element(self, elements: Sequence[T]) -> T:
        """One of ``elements``."""
        return elements[self.random.randrange(len(elements))]

    def numerify(self, text: str) -> str:
        """Each ``#`` replaced by a digit."""
        return "".join(str(self.random.randrange(10)) if c == "#" else c for c in text)

    def bothify(self, text: str) -> str:
        """Each ``#`` replaced by a digit and each ``?`` by a letter."""
        out = []
        for c in text:
            if c == "#":
                out.append(str(self.random.randrange(10)))
            elif c == "?":
                out.append(self.random_element(_LETTERS))
            else:
                out.append(c)
        return "".join(out)

    # -- people and organisations ----------------------------------------------------
    def first_name(self) -> str:
        return self.random_element(_FIRST[self.locale])

    def last_name(self) -> str:
        return self.random_element(_LAST[self.locale])

    def name(self) -> str:
        """A first and a last name."""
        return f"{self.first_name()} {self.last_name()}"

    def email(self) -> str:
        """first.last@example.(com|org|net), ASCII."""
        local = f"{self.first_name()}.{self.last_name()}".lower().translate(_ASCII)
        return f"{local}@{self.random_element(_EMAIL_DOMAINS)}"

    def company(self) -> str:
        """A company name."""
        stem = self.last_name() if self.boolean(40) else self.random_element(_COMPANY_STEM)
        return f"{stem} {self.random_element(_COMPANY_SUFFIX[self.locale])}"

    def catch_phrase(self) -> str:
        """Two adjectives and a noun, e.g. "Modular open pipeline"."""
        first, second = self.random.sample(_ADJECTIVES, 2)
        return f"{first} {second} {self.random_element(_NOUNS)}".capitalize()

    def city(self) -> str:
        return self.random_element(_CITIES[self.locale])

    # -- words and text ----------------------------------------------------------------
    def word(self) -> str:
        return self.random_element(_WORDS)

    def words(self, nb: int = 3) -> list[str]:
        """``nb`` words (repeats possible)."""
        return [self.word() for _ in range(nb)]

    def sentence(self, nb_words: int = 6) -> str:
        """``nb_words`` words, capitalized, ending in a full stop."""
        return " ".join(self.words(max(1, nb_words))).capitalize() + "."

    def paragraph(self, nb_sentences: int = 3) -> str:
        """``nb_sentences`` sentences of 4 to 12 words."""
        return " ".join(self.sentence(self.random.randint(4, 12)) for _ in range(max(1, nb_sentences)))

    def slug(self) -> str:
        """Three words joined by hyphens."""
        return "-".join(self.words(3))

    def file_name(self, category: str | None = None, extension: str | None = None) -> str:
        """``word.extension`` (a typical extension of ``category`` when none is given)."""
        if not extension:
            extension = {"audio": "mp3", "video": "mp4", "image": "jpg", "text": "txt"}.get(category or "", "bin")
        return f"{self.word()}.{extension}"
