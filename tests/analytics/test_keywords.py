"""Title keyword optimization (RULES.md §1.3): a worked example step by step, the top-20 (up to 40) cut, removal
of unconverted words, adding words with exposure, the length limit, repeats, banned words and bad input; and, for
any data, a title that never exceeds its limit, never repeats a word and never carries a banned word."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopkeeper.analytics.keywords import (
    DEFAULT_MAX_CHARS,
    DEFAULT_TOP,
    MAX_TOP,
    KeywordStat,
    TitlePlan,
    WordDecision,
    plan_title,
    split_words,
)
from shopkeeper.errors import InvalidInput
from support import examples

# A floral chiffon summer dress: its keyword dimension (关键词维度) for one month.
DATA = [
    KeywordStat("summer dress women", exposure=5000, clicks=200, orders=12),
    KeywordStat("floral dress", exposure=3000, clicks=90, orders=4),
    KeywordStat("beach dress", exposure=2000, clicks=40, orders=0),
    KeywordStat("boho maxi dress", exposure=800, clicks=30, orders=2),
    KeywordStat("vintage dress", exposure=600, clicks=10, orders=0),
    KeywordStat("party dress", exposure=100, clicks=5, orders=0),
]
OLD_TITLE = "Women Dress Vintage Chiffon Dress Sexy"


def row(plan: TitlePlan, word: str) -> WordDecision:
    (found,) = [w for w in plan.words if w.word.casefold() == word.casefold()]
    return found


def test_a_worked_example_follows_the_three_steps_of_section_1_3() -> None:
    plan = plan_title(OLD_TITLE, DATA, attributes=["Chiffon", "Floral"], banned=["sexy"], top=4, max_chars=60)

    # Step 3: the top 4 phrases by exposure are taken; "vintage dress" and "party dress" are not.
    assert [(p.keyword, p.rank, p.taken) for p in plan.phrases] == [
        ("summer dress women", 1, True),
        ("floral dress", 2, True),
        ("beach dress", 3, True),
        ("boho maxi dress", 4, True),
        ("vintage dress", 5, False),
        ("party dress", 6, False),
    ]
    # The title split and de-duplicated: the second "Dress" is a repeat (step 2).
    assert row(plan, "Dress").repeats_removed == 1
    # Title words: converting words stay, "Vintage" had exposure and no order and goes, "Chiffon" names the
    # product's attribute and stays, "Sexy" is banned.
    assert [(w.word, w.reason) for w in plan.words if w.in_old_title] == [
        ("Women", "kept_converting"),
        ("Dress", "kept_converting"),
        ("Vintage", "removed_no_conversion"),
        ("Chiffon", "kept_attribute"),
        ("Sexy", "removed_banned"),
    ]
    # Words with exposure the title lacked are added: core (from the top phrase) first, then attribute, then
    # long-tail by exposure, orders, clicks, then alphabetically; written with a capital first letter.
    assert [(w.word, w.role, w.reason) for w in plan.words if not w.in_old_title] == [
        ("Summer", "core", "added"),
        ("Floral", "attribute", "added"),
        ("Beach", "long_tail", "added"),
        ("Boho", "long_tail", "added"),
        ("Maxi", "long_tail", "added"),
    ]
    # Step 1 and 2: the kept words keep their place and spelling; the new words come after them.
    assert plan.title == "Women Dress Chiffon Summer Floral Beach Boho Maxi"
    assert plan.length == len(plan.title) == 49
    # A word's figures sum every phrase containing it.
    assert (row(plan, "Dress").exposure, row(plan, "Dress").clicks, row(plan, "Dress").orders) == (11500, 375, 18)


def test_the_default_takes_the_top_20_phrases_and_at_most_40_may_be_asked() -> None:
    data = [KeywordStat(f"w{i}", exposure=1000 - i, clicks=0, orders=0) for i in range(45)]
    plan = plan_title("", data, max_chars=1000)
    assert DEFAULT_TOP == 20 and MAX_TOP == 40
    assert [p.keyword for p in plan.phrases if p.taken] == [f"w{i}" for i in range(20)]
    assert plan.title == " ".join(f"W{i}" for i in range(20))
    assert len([p for p in plan_title("", data, top=40, max_chars=1000).phrases if p.taken]) == 40
    with pytest.raises(InvalidInput, match="take between 1 and 40 keywords by exposure"):
        plan_title("", data, top=41)
    with pytest.raises(InvalidInput, match="take between 1 and 40"):
        plan_title("", data, top=0)


def test_phrases_without_exposure_are_never_taken_and_ties_rank_by_clicks_then_orders() -> None:
    data = [
        KeywordStat("silk scarf", exposure=0, clicks=0, orders=0),
        KeywordStat("wool scarf", exposure=50, clicks=2, orders=0),
        KeywordStat("cashmere scarf", exposure=50, clicks=3, orders=0),
    ]
    plan = plan_title("", data)
    assert [(p.keyword, p.taken) for p in plan.phrases] == [
        ("cashmere scarf", True),
        ("wool scarf", True),
        ("silk scarf", False),
    ]
    assert plan.title == "Cashmere Scarf Wool"
    assert all(w.word != "Silk" for w in plan.words)


def test_a_title_word_the_data_never_shows_stays_because_changes_are_small() -> None:
    plan = plan_title("Handmade Leather Wallet", [KeywordStat("leather wallet", 900, 40, 3)])
    assert plan.title == "Handmade Leather Wallet"
    assert row(plan, "Handmade").reason == "kept_no_data"


def test_the_title_never_passes_the_limit_and_a_shorter_word_may_fill_the_room_left() -> None:
    data = [
        KeywordStat("phone case", exposure=900, clicks=50, orders=5),
        KeywordStat("shockproof", exposure=500, clicks=20, orders=1),
        KeywordStat("cover", exposure=400, clicks=15, orders=1),
        KeywordStat("slim", exposure=300, clicks=9, orders=1),
    ]
    # "Phone Case" is 10 characters; " Shockproof" (11) would pass 16, " Cover" (6) fits, " Slim" (5) does not.
    plan = plan_title("", data, max_chars=16)
    assert plan.title == "Phone Case Cover"
    assert plan.length == 16
    assert row(plan, "Shockproof").reason == "left_too_long"
    assert row(plan, "Slim").reason == "left_too_long"
    assert not row(plan, "Slim").in_new_title


def test_a_title_too_long_on_its_own_loses_words_from_its_end() -> None:
    plan = plan_title("Blue Cotton Shirt Long Sleeve", [], max_chars=17)
    assert plan.title == "Blue Cotton Shirt"
    assert [w.reason for w in plan.words] == [
        "kept_no_data",
        "kept_no_data",
        "kept_no_data",
        "removed_too_long",
        "removed_too_long",
    ]


def test_the_default_limit_is_128_characters() -> None:
    data = [KeywordStat(f"keyword{i:02d}", exposure=100 - i, clicks=0, orders=0) for i in range(20)]
    plan = plan_title("", data)
    assert DEFAULT_MAX_CHARS == 128
    # Each word is 9 characters, so 12 words and 11 spaces: 119; a 13th would make 129.
    assert plan.length == 119
    assert [w.reason for w in plan.words].count("added") == 12


def test_repeats_are_found_whatever_the_case_but_singular_and_plural_are_two_words() -> None:
    plan = plan_title("LED lamp Led Lamps lamp", [KeywordStat("led lamps", 400, 10, 1)])
    assert plan.title == "LED lamp Lamps"
    assert row(plan, "LED").repeats_removed == 1
    assert row(plan, "lamp").repeats_removed == 1
    assert row(plan, "Lamps").repeats_removed == 0


def test_a_word_already_in_the_title_is_not_added_again_in_another_case() -> None:
    plan = plan_title("red mug", [KeywordStat("Red Mug gift", 100, 5, 1)])
    assert plan.title == "red mug Gift"


def test_banned_words_are_removed_and_never_added_and_a_banned_phrase_bans_each_word() -> None:
    data = [KeywordStat("nike style sneakers", 700, 20, 2), KeywordStat("free shipping sneakers", 300, 10, 0)]
    plan = plan_title("Nike Running Sneakers", data, banned=["NIKE", "free shipping"])
    assert plan.title == "Running Sneakers Style"
    assert row(plan, "Nike").reason == "removed_banned"
    assert row(plan, "Free").reason == "left_banned"
    assert row(plan, "Shipping").reason == "left_banned"


def test_an_attribute_word_without_orders_stays_but_other_unconverted_words_go() -> None:
    data = [
        KeywordStat("cotton towel", 300, 6, 0),
        KeywordStat("cheap towel", 200, 3, 0),
        KeywordStat("bath towel", 900, 30, 4),
    ]
    plan = plan_title("Cotton Cheap Towel", data, attributes=["100% Cotton"])
    assert plan.title == "Cotton Towel Bath"
    assert row(plan, "Cotton").reason == "kept_attribute"
    assert row(plan, "Cheap").reason == "removed_no_conversion"
    assert row(plan, "Towel").reason == "kept_converting"  # "bath towel" converted


def test_words_keep_inner_hyphens_apostrophes_and_dots() -> None:
    assert split_words("Men's T-shirt, 3.5mm jack / USB-C!") == ["Men's", "T-shirt", "3.5mm", "jack", "USB-C"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"exposure": -1}, "exposure must be a whole number of at least 0"),
        ({"clicks": 1.5}, "clicks must be a whole number of at least 0"),
        ({"orders": True}, "orders must be a whole number of at least 0"),
        ({"clicks": 11}, "clicks cannot exceed exposure"),
        ({"keyword": " , "}, "a keyword needs at least one word"),
    ],
)
def test_bad_keyword_rows_are_refused(changes: dict[str, Any], message: str) -> None:
    fields: dict[str, Any] = {"keyword": "glass vase", "exposure": 10, "clicks": 1, "orders": 0, **changes}
    with pytest.raises(InvalidInput, match=message):
        plan_title("Vase", [KeywordStat(**fields)])


def test_the_same_keyword_twice_is_refused_whatever_its_case_or_spacing() -> None:
    data = [KeywordStat("glass vase", 10, 1, 0), KeywordStat("Glass  VASE", 5, 0, 0)]
    with pytest.raises(InvalidInput, match="keyword 'Glass  VASE' appears more than once"):
        plan_title("Vase", data)


def test_the_length_limit_must_be_at_least_one_character() -> None:
    with pytest.raises(InvalidInput, match="the title length limit must be at least 1 character"):
        plan_title("Vase", [], max_chars=0)


WORDS = st.sampled_from(["dress", "Dress", "dresses", "red", "RED", "silk", "maxi", "t-shirt", "men's", "summer"])
PHRASES = st.lists(WORDS, min_size=1, max_size=4).map(" ".join)


@st.composite
def keyword_rows(draw: st.DrawFn) -> list[KeywordStat]:
    rows: dict[str, KeywordStat] = {}
    for phrase in draw(st.lists(PHRASES, max_size=12)):
        exposure = draw(st.integers(0, 10_000))
        clicks = draw(st.integers(0, exposure))
        rows.setdefault(phrase.casefold(), KeywordStat(phrase, exposure, clicks, draw(st.integers(0, 50))))
    return list(rows.values())


@settings(max_examples=examples(60), deadline=None)
@given(
    title=st.lists(WORDS, max_size=10).map(" ".join),
    data=keyword_rows(),
    banned=st.lists(WORDS, max_size=2),
    attributes=st.lists(WORDS, max_size=2),
    top=st.integers(1, MAX_TOP),
    max_chars=st.integers(1, 60),
)
def test_the_title_never_passes_its_limit_repeats_a_word_or_carries_a_banned_one(
    title: str, data: list[KeywordStat], banned: list[str], attributes: list[str], top: int, max_chars: int
) -> None:
    plan = plan_title(title, data, attributes=attributes, banned=banned, top=top, max_chars=max_chars)
    words = [w.casefold() for w in split_words(plan.title)]
    assert plan.length == len(plan.title) <= max_chars
    assert len(words) == len(set(words))
    assert not set(words) & {b.casefold() for b in banned}
    # The table agrees with the title: exactly its words are marked in the new title.
    assert sorted(w.word.casefold() for w in plan.words if w.in_new_title) == sorted(words)
