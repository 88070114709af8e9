"""Title keyword optimization (标题关键词优化): which words a product title keeps, drops and gains, and why.

RULES.md §1.3 gives the AliExpress steps, as written: (1) small changes only, never a rewrite; (2) word order matters,
the title stays fluent, no word repeated, capitalized first letters or singular/plural tell words apart; (3) from
the single product's keyword data take the top 20 words by exposure (30 to 40 when the title needs more), split them
into words and de-duplicate, do the same with the title, compare the two word sets, remove the title words with no
conversion and add the words with exposure the title lacks. Pure: the caller passes the keyword data, the title, the
product's attribute words and the banned words.

Readings where RULES.md is silent (our choices):
- Keyword data is the product's "keyword dimension" (关键词维度): per search keyword its exposure (曝光量), clicks and
  orders. Conversion means orders: a keyword converts when it brought at least one order.
- "Top 20 by exposure" counts keyword PHRASES (the rows of the data), ranked by exposure, then clicks, then orders,
  then the phrase; phrases with no exposure are never taken. `top` runs from 1 to 40 (§1.3's ceiling).
- A word is a run of letters/digits, joined by inner hyphens, apostrophes or dots ("T-shirt", "men's", "3.5mm").
  Words compare case-insensitively, so capitalization never makes a repeat acceptable; singular and plural are
  different words ("Dress", "Dresses"), which is how §1.3 lets a title answer both searches.
- A word's figures sum those of every phrase in the WHOLE data containing it (more evidence for removal); only the
  words of the top phrases are candidates to add.
- Removal: a title word is removed for no conversion only when the data shows it had exposure and none of its
  phrases brought an order. A title word the data never mentions stays (no evidence, and step 1 says small
  changes). A word that names one of the product's attributes stays even without conversion (§1.3: attributes
  must be 100% optimized, and hot-search attribute words belong in the listing).
- Banned words (the store's list: brands it may not use, words the platform forbids — §1.3 names infringement
  and search-rule violations as sanctions) are removed from the title and never added. A banned entry of several
  words bans each of them.
- Roles: a core word appears in the phrase with the most exposure (the product's main search); an attribute word
  is one of the product's attribute words; every other word is long-tail. Core wins over attribute.
- Order (step 2, small changes): kept words keep their place and spelling; words added go after them, core words
  first in the order the main search has them (fluent), then attribute, then long-tail words, each by exposure,
  orders, clicks, then alphabetically; an added word is written with a capital first letter. A word that would
  not fit is left and the next, shorter one is tried.
- Length: the title is its words joined by single spaces, counted in characters (Unicode code points, spaces
  included), at most `max_chars`. RULES.md gives no limit; the default 128 is AliExpress's product title limit
  (outside the sources). When the kept words alone are too long, words are removed from the end of the title, the
  part a search result cuts off first, until it fits.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from shopkeeper.errors import InvalidInput

# RULES.md §1.3 step 3: the top 20 words by exposure, "30 to 40 is fine" when the title needs more.
DEFAULT_TOP = 20
MAX_TOP = 40
# Not in RULES.md: AliExpress's product title limit, counted in characters.
DEFAULT_MAX_CHARS = 128

_WORD = re.compile(r"\w+(?:[-'’.]\w+)*")

Role = Literal["core", "attribute", "long_tail"]
Reason = Literal[
    "kept_converting",  # in the title, and its phrases brought orders
    "kept_attribute",  # in the title, no orders, but it names the product's attribute
    "kept_no_data",  # in the title, the keyword data never showed it
    "removed_no_conversion",  # §1.3: 没有转化的去掉
    "removed_banned",
    "removed_too_long",  # kept words alone were over the limit; cut from the end
    "added",  # §1.3: 有曝光量的词但标题中没有的加进来
    "left_banned",
    "left_too_long",  # had exposure, missing from the title, but no room
]


@dataclass(frozen=True)
class KeywordStat:
    """One row of the product's keyword data: a search keyword and what it brought."""

    keyword: str
    exposure: int
    clicks: int
    orders: int


@dataclass(frozen=True)
class PhraseDecision:
    keyword: str
    rank: int  # 1 = most exposure
    taken: bool  # among the top phrases whose words may be added
    words: tuple[str, ...]


@dataclass(frozen=True)
class WordDecision:
    word: str  # as written in the new title, or in the source when left out
    role: Role
    exposure: int
    clicks: int
    orders: int
    in_old_title: bool
    in_new_title: bool
    reason: Reason
    repeats_removed: int  # extra occurrences of the word the old title had


@dataclass(frozen=True)
class TitlePlan:
    title: str
    length: int
    max_chars: int
    words: tuple[WordDecision, ...]  # title words in the old title's order, then the rest by priority
    phrases: tuple[PhraseDecision, ...]  # by rank


@dataclass
class _Figures:
    exposure: int = 0
    clicks: int = 0
    orders: int = 0


def split_words(text: str) -> list[str]:
    """The words of a title or keyword, in order, spelling kept (§1.3: 拆分)."""
    return _WORD.findall(text)


def _count(stat: KeywordStat, name: str) -> int:
    value = getattr(stat, name)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput(f"{name} must be a whole number of at least 0", field=name)
    return value


def _check(data: Sequence[KeywordStat], top: int, max_chars: int) -> None:
    if isinstance(top, bool) or not isinstance(top, int) or not 1 <= top <= MAX_TOP:
        raise InvalidInput(f"take between 1 and {MAX_TOP} keywords by exposure", field="top")
    if isinstance(max_chars, bool) or not isinstance(max_chars, int) or max_chars < 1:
        raise InvalidInput("the title length limit must be at least 1 character", field="max_chars")
    seen: set[str] = set()
    for stat in data:
        words = split_words(stat.keyword)
        if not words:
            raise InvalidInput("a keyword needs at least one word", field="keyword")
        key = " ".join(w.casefold() for w in words)
        if key in seen:
            raise InvalidInput(f"keyword {stat.keyword!r} appears more than once", field="keyword")
        seen.add(key)
        exposure, clicks = _count(stat, "exposure"), _count(stat, "clicks")
        _count(stat, "orders")
        if clicks > exposure:
            raise InvalidInput("clicks cannot exceed exposure", field="clicks")


def _capitalized(word: str) -> str:
    return word[:1].upper() + word[1:]


def plan_title(
    current_title: str,
    data: Sequence[KeywordStat],
    *,
    attributes: Collection[str] = (),
    banned: Collection[str] = (),
    top: int = DEFAULT_TOP,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> TitlePlan:
    """The title §1.3's steps lead to from `current_title` and the product's keyword data, with every word's reason."""
    _check(data, top, max_chars)
    ranked = sorted(data, key=lambda s: (-s.exposure, -s.clicks, -s.orders, s.keyword.casefold()))
    phrases = tuple(
        PhraseDecision(s.keyword, rank, rank <= top and s.exposure > 0, tuple(split_words(s.keyword)))
        for rank, s in enumerate(ranked, start=1)
    )
    figures: dict[str, _Figures] = {}
    spelling: dict[str, str] = {}  # a data word's spelling, from the phrase with most exposure
    for stat, phrase in zip(ranked, phrases):
        for key in {w.casefold() for w in phrase.words}:
            f = figures.setdefault(key, _Figures())
            f.exposure, f.clicks, f.orders = f.exposure + stat.exposure, f.clicks + stat.clicks, f.orders + stat.orders
        for word in phrase.words:
            spelling.setdefault(word.casefold(), word)
    attribute_words = {w.casefold() for a in attributes for w in split_words(a)}
    banned_words = {w.casefold() for b in banned for w in split_words(b)}
    core_order = [w.casefold() for w in phrases[0].words] if phrases and phrases[0].taken else []
    core = set(core_order)

    def role(key: str) -> Role:
        return "core" if key in core else "attribute" if key in attribute_words else "long_tail"

    # Step 3, the title's side: split and de-duplicate, then keep or remove each word.
    old: dict[str, str] = {}
    repeats: dict[str, int] = {}
    for word in split_words(current_title):
        key = word.casefold()
        if key in old:
            repeats[key] = repeats.get(key, 0) + 1  # §1.3 step 2: no repeated words
        else:
            old[key] = word
    reasons: dict[str, Reason] = {}
    for key in old:
        seen = figures.get(key)
        if key in banned_words:
            reasons[key] = "removed_banned"
        elif seen is not None and seen.orders > 0:
            reasons[key] = "kept_converting"
        elif key in attribute_words:
            reasons[key] = "kept_attribute"
        elif seen is None or seen.exposure == 0:
            reasons[key] = "kept_no_data"
        else:
            reasons[key] = "removed_no_conversion"  # §1.3: 没有转化的去掉
    kept = [key for key in old if reasons[key].startswith("kept")]
    while kept and _length(old[k] for k in kept) > max_chars:
        reasons[kept.pop()] = "removed_too_long"  # the end of a title is cut off first
    length = _length(old[k] for k in kept)

    # Step 3, the data's side: words of the top phrases with exposure that the title lacks are added, by priority.
    def priority(key: str) -> tuple[int, int, int, int, int, str]:
        f = figures[key]
        place = core_order.index(key) if key in core else 0  # the main search reads fluently as searched
        return (("core", "attribute", "long_tail").index(role(key)), place, -f.exposure, -f.orders, -f.clicks, key)

    candidates = sorted({w.casefold() for p in phrases if p.taken for w in p.words if w.casefold() not in old}, key=priority)
    added: list[str] = []
    for key in candidates:
        if key in banned_words:
            reasons[key] = "left_banned"
            continue
        cost = len(spelling[key]) + (1 if kept or added else 0)
        if length + cost > max_chars:
            reasons[key] = "left_too_long"
            continue
        reasons[key], length = "added", length + cost
        added.append(key)

    written = {**{k: old[k] for k in old}, **{k: _capitalized(spelling[k]) for k in candidates}}
    title = " ".join([old[k] for k in kept] + [written[k] for k in added])
    in_new = set(kept) | set(added)
    rows = tuple(
        WordDecision(
            word=written[key],
            role=role(key),
            exposure=figures.get(key, _Figures()).exposure,
            clicks=figures.get(key, _Figures()).clicks,
            orders=figures.get(key, _Figures()).orders,
            in_old_title=key in old,
            in_new_title=key in in_new,
            reason=reasons[key],
            repeats_removed=repeats.get(key, 0),
        )
        for key in [*old, *candidates]
    )
    return TitlePlan(title, len(title), max_chars, rows, phrases)


def _length(words: Iterable[str]) -> int:
    parts = list(words)
    return sum(len(w) for w in parts) + max(len(parts) - 1, 0)
