"""Which channel brought a visit: GA4's default channel group (RULES.md §17.3), with our own channels in front.

A visit's first touch is reduced to a `Touch` (source, medium, campaign, plus our own markers) and `channel_of` walks
the rules in order; the first that matches names the channel. Our own channels come first, and only where our own
marker is on the touch, in this order (the most specific first: a live session is usually hosted by a KOL, whose
code may ride on the same link; a group-buy share is a buyer's; SMS and email are the store's own sends):

1. Live: a `live:<session code>` marker (the link shown in a live session, RULES.md §4.3).
2. KOL: a `kol:<promoter code>` marker (an influencer's share link or code, §4.3).
3. Group-buy share: a `group:<share code>` marker (a buyer sharing their group, 拼团 §4.1).
4. SMS: an `sms:<send>` marker our own SMS sender puts on its links (§10).
5. Email: an `email:<send>` marker our own email sender puts on its links (§10).

The markers reach a landing URL as the `sk` query parameter (repeatable: `?sk=live:L7&sk=kol:K3`). A touch without
markers goes through the GA4 rules exactly as §17.3 lists them, first match wins: Cross-network, Paid Shopping, Paid
Search, Paid Social, Paid Video, Display, Paid Other, Organic Shopping, Organic Social, Organic Video, Organic Search,
Email, Affiliates, Audio, SMS, Mobile Push Notifications, Referral, Direct, else Unassigned. Every comparison is
case-insensitive. Where a marker is there, the GA4 SMS and Email channels name the same channels: our SMS is SMS.

Readings where RULES.md is silent (decision lines in the report):
- Source categories are Google's published lists (§17.3), a subset of its real entries held as data below; a source
  is looked up as given and without a leading `www.`.
- The Mobile Push rule is as §17.3 states it (medium ends with push, or contains mobile or notification); Google's
  extra "source = firebase" is not in RULES.md and is left out. The Email rule is the exact words §17.3 lists.
- `touch_from_url`: UTM parameter names are read case-insensitively, the first value of a repeated one wins, empty
  values count as absent, the fragment is not read. utm_source or utm_medium present: the UTM values win and a
  missing one is `(not set)`. Else a Google Ads `gclid` reads as google / cpc (GA auto-tagging). Else an http(s)
  referrer on another host than the landing page gives the source: the host without `www.` when Google's list has
  it, else the host's first label when the list has that (www.google.co.uk is `google`, as GA names search
  engines), else the host; the medium is `organic` for a search site, `referral` otherwise. Else (no referrer, or a
  link within the shop) the visit is `(direct)` / `(none)`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import Literal
from urllib.parse import parse_qsl, urlsplit


class Channel(str, Enum):
    """A default channel group's channel, ours first; GA4's carry GA4's own names as values."""

    LIVE = "Live"
    KOL = "KOL"
    GROUP_BUY_SHARE = "Group-buy share"
    CROSS_NETWORK = "Cross-network"
    PAID_SHOPPING = "Paid Shopping"
    PAID_SEARCH = "Paid Search"
    PAID_SOCIAL = "Paid Social"
    PAID_VIDEO = "Paid Video"
    DISPLAY = "Display"
    PAID_OTHER = "Paid Other"
    ORGANIC_SHOPPING = "Organic Shopping"
    ORGANIC_SOCIAL = "Organic Social"
    ORGANIC_VIDEO = "Organic Video"
    ORGANIC_SEARCH = "Organic Search"
    EMAIL = "Email"
    AFFILIATES = "Affiliates"
    AUDIO = "Audio"
    SMS = "SMS"
    MOBILE_PUSH = "Mobile Push Notifications"
    REFERRAL = "Referral"
    DIRECT = "Direct"
    UNASSIGNED = "Unassigned"


Message = Literal["sms", "email"]
NOT_SET = "(not set)"


@dataclass(frozen=True)
class Touch:
    """What brought a visit: GA's source / medium / campaign, and our own markers (codes, or None)."""

    source: str = "(direct)"
    medium: str = "(none)"
    campaign: str = NOT_SET
    live: str | None = None
    kol: str | None = None
    group_buy: str | None = None
    message: Message | None = None
    send: str | None = None  # our own SMS or email send the link came in


Category = Literal["search", "social", "shopping", "video"]

# RULES.md §17.3: GA4's source categories, a subset of Google's published list (every entry is Google's own, as
# plausible/analytics mirrors it in priv/ga4-source-categories.csv), lower-case. Email sites are left out: §17.3's
# Email rule names words, not sites.
SEARCH_SOURCES = frozenset({
    "360.cn", "alice", "aol", "ask", "baidu", "m.baidu.com", "bing", "cn.bing.com", "daum", "daum.net", "dogpile",
    "duckduckgo", "ecosia.org", "go.mail.ru", "google", "google-play", "lens.google.com", "news.google.com",
    "play.google.com", "search.google.com", "msn", "msn.com", "naver", "naver.com", "m.naver.com",
    "m.search.naver.com", "qwant", "qwant.com", "rambler", "search.aol.com", "seznam", "seznam.cz", "so.com",
    "sogou", "sogou.com", "m.sogou.com", "wap.sogou.com", "yahoo", "yahoo.com", "yahoo.co.jp",
    "us.search.yahoo.com", "uk.search.yahoo.com", "yandex", "yandex.by", "yandex.com", "yandex.com.tr", "yandex.kz",
    "yandex.ru", "yandex.ua", "zen.yandex.ru",
})
SOCIAL_SOURCES = frozenset({
    "facebook", "facebook.com", "m.facebook.com", "l.facebook.com", "lm.facebook.com", "web.facebook.com", "fb",
    "fb.me", "instagram", "instagram.com", "l.instagram.com", "ig", "twitter", "twitter.com", "t.co", "t.me",
    "linkedin", "linkedin.com", "lnkd.in", "pinterest", "pinterest.com", "reddit", "reddit.com", "old.reddit.com",
    "vk.com", "m.vk.com", "away.vk.com", "odnoklassniki.ru", "weibo", "weibo.com", "douban", "douban.com", "line",
    "line.me", "whatsapp", "whatsapp.com", "messenger", "messenger.com", "l.messenger.com", "tiktok", "tiktok.com",
    "quora", "quora.com", "tumblr", "tumblr.com", "medium.com", "kakao", "kakao.com", "snapchat", "snapchat.com",
    "wechat", "wechat.com", "qzone.qq.com", "tencent", "tencent.com", "social", "zalo", "yelp", "yelp.com",
})
SHOPPING_SOURCES = frozenset({
    "google shopping", "igshopping", "amazon", "amazon.com", "amazon.co.uk", "ebay", "ebay.com", "ebay.co.uk",
    "ebay.de", "etsy", "etsy.com", "alibaba", "alibaba.com", "m.alibaba.com", "shopify", "shopify.com",
    "apps.shopify.com", "checkout.shopify.com", "walmart", "walmart.com", "shopping.naver.com",
    "m.shopping.naver.com", "stripe", "stripe.com", "checkout.stripe.com", "shopzilla", "shopzilla.com",
    "mercadolibre", "mercadolibre.com", "shop.app", "shopping.yahoo.com",
})
VIDEO_SOURCES = frozenset({
    "youtube", "youtube.com", "m.youtube.com", "music.youtube.com", "twitch", "twitch.tv", "m.twitch.tv", "vimeo",
    "vimeo.com", "player.vimeo.com", "dailymotion", "dailymotion.com", "netflix", "netflix.com", "hulu", "hulu.com",
    "iqiyi", "iqiyi.com", "youku", "youku.com", "crackle", "crackle.com", "disneyplus", "disneyplus.com", "wistia",
    "wistia.com", "fast.wistia.net", "ted", "ted.com",
})
SOURCE_CATEGORIES: dict[Category, frozenset[str]] = {
    "search": SEARCH_SOURCES, "social": SOCIAL_SOURCES, "shopping": SHOPPING_SOURCES, "video": VIDEO_SOURCES}

# RULES.md §17.3, verbatim
PAID_MEDIUM = re.compile(r"^(.*cp.*|ppc|retargeting|paid.*)$")
SHOP_CAMPAIGN = re.compile(r"^(.*(([^a-df-z]|^)shop|shopping).*)$")
DISPLAY_MEDIUMS = frozenset({"display", "banner", "expandable", "interstitial", "cpm"})
SOCIAL_MEDIUMS = frozenset({"social", "social-network", "social-media", "sm", "social network", "social media"})
VIDEO_MEDIUM = re.compile(r"^(.*video.*)$")
EMAIL_WORDS = frozenset({"email", "e-mail", "e_mail", "e mail"})
REFERRAL_MEDIUMS = frozenset({"referral", "app", "link"})
DIRECT_MEDIUMS = frozenset({"(not set)", "(none)"})


def category_of(source: str) -> Category | None:
    """The source's category in Google's list, looked up as given and without a leading `www.`."""
    name = source.strip().lower()
    names = {name, name.removeprefix("www.")}
    for category, sources in SOURCE_CATEGORIES.items():
        if names & sources:
            return category
    return None


def channel_of(touch: Touch) -> Channel:
    """The channel of a touch: our marked channels first, then GA4's default channel group in §17.3's order."""
    ours = _our_channel(touch)
    if ours is not None:
        return ours
    source, medium, campaign = (value.strip().lower() for value in (touch.source, touch.medium, touch.campaign))
    category = category_of(source)
    paid = PAID_MEDIUM.match(medium) is not None
    shop_campaign = SHOP_CAMPAIGN.match(campaign) is not None
    # RULES.md §17.3, in its order: the first rule that matches wins
    if "cross-network" in campaign:
        return Channel.CROSS_NETWORK
    if (category == "shopping" or shop_campaign) and paid:
        return Channel.PAID_SHOPPING
    if paid and category in _PAID_BY_CATEGORY:
        return _PAID_BY_CATEGORY[category]
    if medium in DISPLAY_MEDIUMS:
        return Channel.DISPLAY
    if paid:
        return Channel.PAID_OTHER
    if category == "shopping" or shop_campaign:
        return Channel.ORGANIC_SHOPPING
    if category == "social" or medium in SOCIAL_MEDIUMS:
        return Channel.ORGANIC_SOCIAL
    if category == "video" or VIDEO_MEDIUM.match(medium):
        return Channel.ORGANIC_VIDEO
    if category == "search" or medium == "organic":
        return Channel.ORGANIC_SEARCH
    if source in EMAIL_WORDS or medium in EMAIL_WORDS:
        return Channel.EMAIL
    if medium == "affiliate":
        return Channel.AFFILIATES
    if medium == "audio":
        return Channel.AUDIO
    if source == "sms" or medium == "sms":
        return Channel.SMS
    if medium.endswith("push") or "mobile" in medium or "notification" in medium:
        return Channel.MOBILE_PUSH
    if medium in REFERRAL_MEDIUMS:
        return Channel.REFERRAL
    if source == "(direct)" and medium in DIRECT_MEDIUMS:
        return Channel.DIRECT
    return Channel.UNASSIGNED


_PAID_BY_CATEGORY: dict[Category | None, Channel] = {
    "search": Channel.PAID_SEARCH, "social": Channel.PAID_SOCIAL, "video": Channel.PAID_VIDEO}


def _our_channel(touch: Touch) -> Channel | None:
    if touch.live:
        return Channel.LIVE
    if touch.kol:
        return Channel.KOL
    if touch.group_buy:
        return Channel.GROUP_BUY_SHARE
    if touch.message == "sms":
        return Channel.SMS
    if touch.message == "email":
        return Channel.EMAIL
    return None


# --- reading a landing URL ------------------------------------------------------------------------------------------

MARKER_PARAMETER = "sk"
_MARKERS = ("live", "kol", "group", "sms", "email")


def touch_from_url(url: str, referrer: str | None = None) -> Touch:
    """The touch a landing URL and its referrer describe (the readings are in the module docstring)."""
    try:
        landing = urlsplit(url.strip())
    except ValueError:  # an unreadable landing URL (a broken IPv6 host): no parameters to read
        landing = urlsplit("")
    first: dict[str, str] = {}
    markers: dict[str, str] = {}
    for name, value in parse_qsl(landing.query, keep_blank_values=True):
        key, value = name.strip().lower(), value.strip()
        if key == MARKER_PARAMETER:
            kind, _, code = value.partition(":")
            kind, code = kind.strip().lower(), code.strip()
            if kind in _MARKERS and code and kind not in markers:
                markers[kind] = code
        elif value and key not in first:
            first[key] = value
    source, medium, campaign = _source_medium_campaign(first, landing.hostname, referrer)
    return Touch(source, medium, campaign, live=markers.get("live"), kol=markers.get("kol"),
                 group_buy=markers.get("group"), message=_message(markers),
                 send=markers.get("sms") or markers.get("email"))


def _source_medium_campaign(first: dict[str, str], landing_host: str | None,
                            referrer: str | None) -> tuple[str, str, str]:
    campaign = first.get("utm_campaign")
    if "utm_source" in first or "utm_medium" in first:
        return first.get("utm_source", NOT_SET), first.get("utm_medium", NOT_SET), campaign or NOT_SET
    if "gclid" in first:
        return "google", "cpc", campaign or NOT_SET
    host = _referring_host(referrer, landing_host)
    if host is not None:
        source = _source_named(host)
        medium = "organic" if category_of(source) == "search" else "referral"
        return source, medium, campaign or f"({medium})"
    return "(direct)", "(none)", campaign or "(direct)"


def _message(markers: dict[str, str]) -> Message | None:
    """The kind of our own send a link came in; SMS first, as in the channel order, should a link carry both."""
    if "sms" in markers:
        return "sms"
    if "email" in markers:
        return "email"
    return None


def _source_named(host: str) -> str:
    """A referring host as GA names the source: itself if listed, else its first label if that is listed."""
    if category_of(host) is not None:
        return host
    label = host.split(".", 1)[0]
    return label if category_of(label) is not None else host


def _referring_host(referrer: str | None, landing_host: str | None) -> str | None:
    """The referrer's host without `www.`; None for no referrer, a non-web one, or a link within the shop."""
    if not referrer:
        return None
    try:
        parts = urlsplit(referrer.strip())
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    host = host.removeprefix("www.")
    if landing_host is not None and host == landing_host.lower().removeprefix("www."):
        return None
    return host
