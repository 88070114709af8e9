"""Channels (RULES.md §17.3, GA4's default channel group): each rule catches a touch no earlier rule catches, the
first of two matching rules wins, our own marked channels come before GA4's, and landing URLs read into touches."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopkeeper.analytics.channels import Channel, Touch, category_of, channel_of, touch_from_url
from support import examples

C = Channel

# RULES.md §17.3, one rule a row, in its order: touches the rule catches and no earlier rule does
EACH_RULE = [
    (C.CROSS_NETWORK, Touch("google", "cpc", "Summer-Cross-Network")),
    (C.PAID_SHOPPING, Touch("amazon", "cpc")),
    (C.PAID_SHOPPING, Touch("newsletter-partner", "paid_social", "eshop-week")),
    (C.PAID_SHOPPING, Touch("Google Shopping", "PPC")),
    (C.PAID_SEARCH, Touch("google", "cpc")),
    (C.PAID_SEARCH, Touch("BING", "PPC", "brand")),
    (C.PAID_SOCIAL, Touch("facebook", "paid")),
    (C.PAID_SOCIAL, Touch("www.instagram.com", "cpc")),
    (C.PAID_VIDEO, Touch("youtube", "retargeting")),
    (C.DISPLAY, Touch("example.net", "banner")),
    (C.DISPLAY, Touch("example.net", "cpm")),
    (C.DISPLAY, Touch("example.net", "Interstitial")),
    (C.PAID_OTHER, Touch("example.net", "paid-promo")),
    (C.PAID_OTHER, Touch("(not set)", "cpv")),
    (C.ORGANIC_SHOPPING, Touch("etsy.com", "referral")),
    (C.ORGANIC_SHOPPING, Touch("example.net", "(none)", "shop-week")),
    (C.ORGANIC_SHOPPING, Touch("example.net", "link", "christmas shopping")),
    (C.ORGANIC_SOCIAL, Touch("reddit.com", "referral")),
    (C.ORGANIC_SOCIAL, Touch("example.net", "social-network")),
    (C.ORGANIC_SOCIAL, Touch("example.net", "Social Media")),
    (C.ORGANIC_VIDEO, Touch("vimeo.com", "referral")),
    (C.ORGANIC_VIDEO, Touch("example.net", "video_post")),
    (C.ORGANIC_SEARCH, Touch("duckduckgo", "referral")),
    (C.ORGANIC_SEARCH, Touch("example.net", "organic")),
    (C.EMAIL, Touch("newsletter", "email")),
    (C.EMAIL, Touch("E-Mail", "(none)")),
    (C.EMAIL, Touch("crm", "e_mail")),
    (C.AFFILIATES, Touch("partner", "affiliate")),
    (C.AUDIO, Touch("spotify", "audio")),
    (C.SMS, Touch("sms", "(none)")),
    (C.SMS, Touch("twilio", "SMS")),
    (C.MOBILE_PUSH, Touch("app", "web-push")),
    (C.MOBILE_PUSH, Touch("app", "mobile_alert")),
    (C.MOBILE_PUSH, Touch("app", "notification_daily")),
    (C.REFERRAL, Touch("example.net", "referral")),
    (C.REFERRAL, Touch("example.net", "app")),
    (C.REFERRAL, Touch("example.net", "link")),
    (C.DIRECT, Touch("(direct)", "(none)")),
    (C.DIRECT, Touch("(DIRECT)", "(not set)")),
    (C.UNASSIGNED, Touch("example.net", "print")),
    (C.UNASSIGNED, Touch("(direct)", "qr")),
    (C.UNASSIGNED, Touch("example.net", "(none)", "workshop")),  # "workshop" is not the shop regex: k before shop
]


@pytest.mark.parametrize(("expected", "touch"), EACH_RULE, ids=[f"{c.value}-{i}" for i, (c, _) in enumerate(EACH_RULE)])
def test_each_rule_catches_what_no_earlier_rule_does(expected: Channel, touch: Touch) -> None:
    assert channel_of(touch) is expected


def test_every_ga4_channel_has_a_rule_test() -> None:
    ours = {C.LIVE, C.KOL, C.GROUP_BUY_SHARE}
    assert {channel for channel, _ in EACH_RULE} == set(Channel) - ours


# a touch two rules match goes to the earlier one (RULES.md §17.3: first match wins)
BOTH_MATCH = [
    (C.CROSS_NETWORK, Touch("google", "cpc", "cross-network")),        # not Paid Search
    (C.PAID_SHOPPING, Touch("google", "cpc", "shopping-days")),         # not Paid Search
    (C.PAID_SEARCH, Touch("google", "cpm")),                            # not Display
    (C.PAID_SOCIAL, Touch("facebook", "cpc", "")),                      # not Paid Other
    (C.DISPLAY, Touch("example.net", "cpm")),                           # not Paid Other (cpm is a paid medium too)
    (C.PAID_OTHER, Touch("example.net", "cpc_video")),                  # not Organic Video
    (C.ORGANIC_SHOPPING, Touch("facebook", "(none)", "shop")),          # not Organic Social
    (C.ORGANIC_SOCIAL, Touch("youtube", "social")),                     # not Organic Video
    (C.ORGANIC_VIDEO, Touch("google", "video")),                        # not Organic Search
    (C.ORGANIC_SEARCH, Touch("google", "email")),                       # not Email
    (C.EMAIL, Touch("email", "affiliate")),                             # not Affiliates
    (C.EMAIL, Touch("email", "sms")),                                   # not SMS
    (C.AUDIO, Touch("sms", "audio")),                                   # not SMS
    (C.SMS, Touch("sms", "push")),                                      # not Mobile Push
    (C.REFERRAL, Touch("(direct)", "referral")),                        # not Direct
]


@pytest.mark.parametrize(("expected", "touch"), BOTH_MATCH)
def test_a_touch_two_rules_match_goes_to_the_earlier(expected: Channel, touch: Touch) -> None:
    assert channel_of(touch) is expected


# our own channels, where their marker is on the touch, come before GA4's, in their own order
OURS_FIRST = [
    (C.LIVE, Touch("google", "cpc", "cross-network", live="L7", kol="K3", group_buy="G1", message="sms")),
    (C.KOL, Touch("facebook", "paid", kol="K3", group_buy="G1", message="email")),
    (C.GROUP_BUY_SHARE, Touch("wechat", "social", group_buy="G1", message="sms")),
    (C.SMS, Touch("google", "cpc", "cross-network", message="sms")),
    (C.EMAIL, Touch("amazon", "cpc", message="email")),
]


@pytest.mark.parametrize(("expected", "touch"), OURS_FIRST)
def test_our_marked_channels_come_first(expected: Channel, touch: Touch) -> None:
    assert channel_of(touch) is expected


def test_an_empty_marker_is_no_marker() -> None:
    assert channel_of(Touch("google", "cpc", live="", kol="")) is C.PAID_SEARCH


WORDS = st.sampled_from(["google", "Facebook", "youtube", "amazon", "cpc", "ppc", "paid", "banner", "social", "video",
                         "organic", "email", "affiliate", "audio", "sms", "push", "referral", "(direct)", "(none)",
                         "(not set)", "shop", "cross-network", "example.net", "link", ""])
TOUCHES = st.builds(Touch, WORDS, WORDS, WORDS)


@settings(max_examples=examples(200))
@given(TOUCHES)
def test_case_does_not_change_the_channel(touch: Touch) -> None:
    shouted = Touch(touch.source.upper(), touch.medium.upper(), touch.campaign.swapcase())
    assert channel_of(shouted) is channel_of(touch)


@settings(max_examples=examples(100))
@given(st.sampled_from(["google", "facebook.com", "youtube.com", "amazon.com", "etsy.com"]), WORDS, WORDS)
def test_a_leading_www_on_a_listed_source_does_not_change_the_channel(source: str, medium: str, campaign: str) -> None:
    assert channel_of(Touch("www." + source, medium, campaign)) is channel_of(Touch(source, medium, campaign))


@settings(max_examples=examples(100))
@given(TOUCHES, st.text(min_size=1, max_size=8).filter(str.strip))
def test_a_live_marker_wins_whatever_the_utm_says(touch: Touch, code: str) -> None:
    assert channel_of(Touch(touch.source, touch.medium, touch.campaign, live=code)) is C.LIVE


def test_source_categories_hold_real_entries_of_each_kind() -> None:
    assert [category_of(s) for s in ("google", "www.facebook.com", "ebay.de", "m.youtube.com", "example.net")] == [
        "search", "social", "shopping", "video", None]


# --- touch_from_url ---------------------------------------------------------------------------------------------

SHOP = "https://shop.example.com/p/42"


def test_utm_parameters_make_the_touch() -> None:
    touch = touch_from_url(f"{SHOP}?utm_source=facebook&utm_medium=cpc&utm_campaign=spring%20sale",
                           referrer="https://www.google.com/")
    assert touch == Touch("facebook", "cpc", "spring sale")
    assert channel_of(touch) is C.PAID_SOCIAL


@pytest.mark.parametrize(("query", "expected"), [
    ("UTM_Source=Google&Utm_Medium=CPC", Touch("Google", "CPC")),                     # names read case-insensitively
    ("utm_source=a&utm_source=b&utm_medium=email", Touch("a", "email")),               # the first value wins
    ("utm_source=news&utm_campaign=black+friday", Touch("news", "(not set)", "black friday")),
    ("utm_medium=sms", Touch("(not set)", "sms")),
    ("utm_source=%20facebook%20&utm_medium=+social", Touch("facebook", "social")),     # padding dropped
])
def test_utm_edge_cases(query: str, expected: Touch) -> None:
    assert touch_from_url(f"{SHOP}?{query}") == expected


def test_empty_utm_values_count_as_absent_and_the_referrer_speaks() -> None:
    touch = touch_from_url(f"{SHOP}?utm_source=&utm_medium=", referrer="https://www.reddit.com/r/deals")
    assert touch == Touch("reddit.com", "referral", "(referral)")
    assert channel_of(touch) is C.ORGANIC_SOCIAL


def test_utm_in_the_fragment_is_not_read() -> None:
    assert touch_from_url(f"{SHOP}#utm_source=facebook&utm_medium=cpc") == Touch("(direct)", "(none)", "(direct)")


def test_a_campaign_alone_keeps_the_referrer() -> None:
    touch = touch_from_url(f"{SHOP}?utm_campaign=summer", referrer="https://blog.example.org/post")
    assert touch == Touch("blog.example.org", "referral", "summer")
    assert channel_of(touch) is C.REFERRAL


def test_gclid_reads_as_google_cpc() -> None:
    touch = touch_from_url(f"{SHOP}?gclid=abc123")
    assert (touch.source, touch.medium) == ("google", "cpc")
    assert channel_of(touch) is C.PAID_SEARCH


@pytest.mark.parametrize(("referrer", "source", "medium", "channel"), [
    ("https://www.google.co.uk/search?q=tea", "google", "organic", C.ORGANIC_SEARCH),
    ("https://duckduckgo.com/", "duckduckgo", "organic", C.ORGANIC_SEARCH),
    ("https://m.facebook.com/", "m.facebook.com", "referral", C.ORGANIC_SOCIAL),
    ("https://www.youtube.com/watch?v=1", "youtube.com", "referral", C.ORGANIC_VIDEO),
    ("http://mail.google.com/mail/u/0", "mail.google.com", "referral", C.REFERRAL),
])
def test_a_referrer_names_the_source(referrer: str, source: str, medium: str, channel: Channel) -> None:
    touch = touch_from_url(SHOP, referrer=referrer)
    assert (touch.source, touch.medium) == (source, medium)
    assert channel_of(touch) is channel


@pytest.mark.parametrize("referrer", [None, "", "https://shop.example.com/cart", "https://www.shop.example.com/",
                                      "android-app://com.google.android.gm", "not a url", "http://[::1"])
def test_no_outside_web_referrer_is_direct(referrer: str | None) -> None:
    touch = touch_from_url(SHOP, referrer=referrer)
    assert touch == Touch("(direct)", "(none)", "(direct)")
    assert channel_of(touch) is C.DIRECT


def test_our_markers_ride_on_the_sk_parameter() -> None:
    touch = touch_from_url(f"{SHOP}?sk=live:L7&sk=KOL:K3&sk=group:G1&utm_source=google&utm_medium=cpc")
    assert (touch.live, touch.kol, touch.group_buy, touch.message) == ("L7", "K3", "G1", None)
    assert channel_of(touch) is C.LIVE


@pytest.mark.parametrize(("query", "message", "send", "channel"), [
    ("sk=sms:S9", "sms", "S9", C.SMS),
    ("sk=email:E4&utm_source=amazon&utm_medium=cpc", "email", "E4", C.EMAIL),
    ("sk=email:E4&sk=sms:S9", "sms", "S9", C.SMS),
])
def test_our_own_sends_are_marked(query: str, message: str, send: str, channel: Channel) -> None:
    touch = touch_from_url(f"{SHOP}?{query}")
    assert (touch.message, touch.send) == (message, send)
    assert channel_of(touch) is channel


@pytest.mark.parametrize("query", ["sk=live:", "sk=bogus:1", "sk=live", "sk=:L7"])
def test_an_unreadable_marker_is_ignored(query: str) -> None:
    touch = touch_from_url(f"{SHOP}?{query}")
    assert touch == Touch("(direct)", "(none)", "(direct)")


def test_the_first_marker_of_a_kind_wins() -> None:
    assert touch_from_url(f"{SHOP}?sk=kol:K1&sk=kol:K2").kol == "K1"


@settings(max_examples=examples(200))
@given(st.text(max_size=60), st.one_of(st.none(), st.text(max_size=40)))
def test_any_text_reads_into_a_touch_with_a_channel(url: str, referrer: str | None) -> None:
    assert isinstance(channel_of(touch_from_url(url, referrer)), Channel)
