"""Seeded demo data: the same seed gives the same values, other seeds other ones; shapes as documented."""

from __future__ import annotations

import re

import pytest

from mockservers.core.demo import DemoData


def _sample(demo: DemoData) -> list[object]:
    return [
        demo.name(), demo.email(), demo.company(), demo.catch_phrase(), demo.city(), demo.word(), demo.words(4),
        demo.sentence(nb_words=5), demo.paragraph(nb_sentences=2), demo.slug(), demo.numerify("+47 ### ## ###"),
        demo.bothify("??##"), demo.file_name(category="audio", extension="wav"), demo.random_int(1, 5),
        demo.boolean(40), demo.random_element(("a", "b", "c")), demo.random.random(),
    ]


def test_the_same_seed_gives_the_same_values() -> None:
    assert _sample(DemoData(7)) == _sample(DemoData(7))
    reseeded = DemoData(1)
    _sample(reseeded)
    reseeded.seed_instance(7)
    assert _sample(reseeded) == _sample(DemoData(7))


def test_other_seeds_give_other_values() -> None:
    assert len({repr(_sample(DemoData(seed))) for seed in range(20)}) == 20


def test_shapes() -> None:
    demo = DemoData(3)
    for _ in range(200):
        assert re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+", demo.name())
        assert re.fullmatch(r"[a-z]+\.[a-z]+@example\.(com|org|net)", demo.email())
        assert re.fullmatch(r"\+47 \d{3} \d{2} \d{3}", demo.numerify("+47 ### ## ###"))
        assert re.fullmatch(r"[a-z]{2}\d{2}", demo.bothify("??##"))
        sentence = demo.sentence(nb_words=4)
        assert sentence[0].isupper() and sentence.endswith(".") and len(sentence.split()) == 4
        assert re.fullmatch(r"[a-z]+-[a-z]+-[a-z]+", demo.slug())
        assert demo.file_name(category="audio", extension="wav").endswith(".wav")
        assert demo.file_name(category="video").endswith(".mp4")
    assert {demo.random_int(1, 3) for _ in range(200)} == {1, 2, 3}  # both ends included
    assert not any(demo.boolean(0) for _ in range(100)) and all(demo.boolean(100) for _ in range(100))


def test_swedish_names_and_cities_with_ascii_emails() -> None:
    demo = DemoData(5, locale="sv")
    names = {demo.name() for _ in range(300)}
    assert any(set(n) & set("åäöÅÄÖ") for n in names)
    assert all(re.fullmatch(r"[a-z]+\.[a-z]+@example\.(com|org|net)", demo.email()) for _ in range(300))
    assert "Göteborg" in {demo.city() for _ in range(500)}


def test_an_unknown_locale_is_refused() -> None:
    with pytest.raises(ValueError, match="locale"):
        DemoData(0, locale="xx")
