"""Banned and blocked words in marketing copy, and the synonyms to swap in (RULES.md §10.1).

§10.1 (AliExpress SMS marketing) says to avoid two kinds of words: banned words (违禁词), which we refuse, and
advertising words that carriers frequently block (高频屏蔽的广告词), which we flag; and to rework the wording by
swapping in synonyms (近义词切换). The source names the two kinds but lists no word, so the lists here are ours.

Readings where §10.1 is silent (decision lines, Analytics and CRM):
- banned words (refuse): absolute claims (极限用语, as PRC Advertising Law art. 9(3) forbids "national-level",
  "highest", "best"), cure and guarantee claims, and counterfeit or illegal offers;
- blocked words (flag, the text may still go out): prize and giveaway bait, pressure wording, and wording that
  sends the reader off the channel (add me on WeChat, click here); SMS gateways filter these;
- a store passes its own `WordLists`; `DEFAULT_LISTS` is a starting point in Chinese and English, not a legal list;
- matching is on a skeleton of the text: each character NFKC-normalised (full-width letters and digits become
  ASCII) and case-folded, with white space, zero-width characters and punctuation dropped, so "Ｆ Ｒ-Ｅ.Ｅ" is "free";
- a Latin word matches whole words only ("free" is not found in "carefree"), where a dropped character counts as a
  word break; Chinese words match anywhere;
- when hits overlap, one inside a longer one is not reported on its own; positions are in the original text;
- every suggested synonym is itself free of banned and blocked words (the tests check the default lists).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from shopkeeper.errors import InvalidInput

Severity = Literal["banned", "blocked"]


@dataclass(frozen=True)
class Term:
    """One listed word, its category and the synonyms to use instead (none: rewrite or remove)."""

    word: str
    category: str
    severity: Severity
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class WordLists:
    terms: tuple[Term, ...]

    def __post_init__(self) -> None:
        for term in self.terms:
            if not skeleton(term.word)[0]:
                raise InvalidInput("a listed word needs at least one letter or digit", field="word")


@dataclass(frozen=True)
class Hit:
    """Where a listed word was found: `start`/`end` index the original text, `found` is what it said there."""

    word: str
    category: str
    severity: Severity
    start: int
    end: int
    found: str
    suggestions: tuple[str, ...]


@dataclass(frozen=True)
class TextCheck:
    hits: tuple[Hit, ...] = field(default_factory=tuple)

    @property
    def refused(self) -> bool:
        """A banned word anywhere refuses the text (§10.1: avoid 违禁词)."""
        return any(hit.severity == "banned" for hit in self.hits)

    @property
    def flagged(self) -> bool:
        """Only blocked words: the text may go out, but carriers are likely to filter it."""
        return not self.refused and bool(self.hits)


def _term(word: str, category: str, severity: Severity, *synonyms: str) -> Term:
    return Term(word, category, severity, synonyms)


# RULES.md §10.1: 违禁词 (refuse). Categories and words are our reading; see the module docstring.
_BANNED = (
    _term("最佳", "absolute-claim", "banned", "优选", "出色"),
    _term("最好", "absolute-claim", "banned", "优质", "出色"),
    _term("最低价", "absolute-claim", "banned", "实惠价", "优惠价"),
    _term("销量第一", "absolute-claim", "banned", "热销", "广受欢迎"),
    _term("全网第一", "absolute-claim", "banned", "广受欢迎", "口碑好"),
    _term("国家级", "absolute-claim", "banned", "高品质"),
    _term("顶级", "absolute-claim", "banned", "高端", "精选"),
    _term("best ever", "absolute-claim", "banned", "excellent", "well loved"),
    _term("number one", "absolute-claim", "banned", "popular", "well loved"),
    _term("lowest price", "absolute-claim", "banned", "great price", "good value"),
    _term("根治", "cure-claim", "banned", "帮助改善"),
    _term("包治", "cure-claim", "banned", "帮助改善"),
    _term("cure", "cure-claim", "banned", "help with", "ease"),
    _term("guaranteed results", "cure-claim", "banned", "made to last", "quality checked"),
    _term("高仿", "counterfeit", "banned"),
    _term("代开发票", "counterfeit", "banned"),
    _term("replica", "counterfeit", "banned"),
    _term("counterfeit", "counterfeit", "banned"),
)

# RULES.md §10.1: 高频屏蔽的广告词 (flag) and the synonyms to swap in (近义词切换).
_BLOCKED = (
    _term("免费", "giveaway-bait", "blocked", "赠送", "0元体验"),
    _term("中奖", "giveaway-bait", "blocked", "获赠", "幸运礼"),
    _term("红包", "giveaway-bait", "blocked", "优惠券", "礼券"),
    _term("free", "giveaway-bait", "blocked", "complimentary", "on us"),
    _term("winner", "giveaway-bait", "blocked", "selected", "lucky customer"),
    _term("prize", "giveaway-bait", "blocked", "gift", "reward"),
    _term("cash", "giveaway-bait", "blocked", "store credit", "voucher"),
    _term("马上抢", "pressure", "blocked", "欢迎选购", "敬请选购"),
    _term("速抢", "pressure", "blocked", "欢迎选购"),
    _term("act now", "pressure", "blocked", "take a look", "see what is new"),
    _term("urgent", "pressure", "blocked", "timely", "for a short time"),
    _term("加微信", "off-channel", "blocked", "联系客服", "在线咨询"),
    _term("点击链接", "off-channel", "blocked", "查看详情", "详见店铺"),
    _term("click here", "off-channel", "blocked", "see details", "visit our store"),
)

def _dropped(char: str) -> bool:
    """Characters an evader slips between letters: white space, zero-width and format characters, punctuation."""
    kind = unicodedata.category(char)
    return char.isspace() or kind[0] in ("Z", "P", "C") or kind in ("Sk", "Sm")


def skeleton(text: str) -> tuple[str, list[int], list[bool]]:
    """The text as matched: NFKC + case-folded, dropped characters removed.

    Returns the skeleton, the original index of each skeleton character, and whether a dropped character (a word
    break) came before it."""
    chars: list[str] = []
    origin: list[int] = []
    broken: list[bool] = []
    gap = True
    for index, char in enumerate(text):
        for part in unicodedata.normalize("NFKC", char).casefold():
            if _dropped(part):
                gap = True
                continue
            chars.append(part)
            origin.append(index)
            broken.append(gap)
            gap = False
    return "".join(chars), origin, broken


def _latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def check_text(text: str, lists: WordLists | None = None) -> TextCheck:
    """Every banned or blocked word in `text`, with its position and the synonyms to swap in (RULES.md §10.1)."""
    flat, origin, broken = skeleton(text)
    lists = DEFAULT_LISTS if lists is None else lists
    found: list[Hit] = []
    for term in lists.terms:
        needle = skeleton(term.word)[0]
        start = flat.find(needle)
        while start >= 0:
            end = start + len(needle)
            # A Latin word must stand alone: no letter glued on either side ("free" is not in "carefree").
            left_ok = not _latin(needle[0]) or start == 0 or broken[start] or not _latin(flat[start - 1])
            right_ok = (not _latin(needle[-1]) or end == len(flat) or broken[end] or not _latin(flat[end]))
            if left_ok and right_ok:
                first, last = origin[start], origin[end - 1] + 1
                found.append(Hit(term.word, term.category, term.severity, first, last, text[first:last],
                                 term.synonyms))
            start = flat.find(needle, start + 1)
    return TextCheck(tuple(sorted(_outermost(found), key=lambda hit: (hit.start, -hit.end, hit.word))))


def _outermost(hits: Iterable[Hit]) -> list[Hit]:
    """Drop a hit lying strictly inside a longer one; the longer word says more (e.g. 最低价 over a shorter one)."""
    pool = list(hits)
    return [hit for hit in pool if not any(
        other.start <= hit.start and hit.end <= other.end and (other.end - other.start) > (hit.end - hit.start)
        for other in pool)]


DEFAULT_LISTS = WordLists(_BANNED + _BLOCKED)
