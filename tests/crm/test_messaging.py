"""Messaging rules (RULES.md §10): send caps, quiet hours on the buyer's clock, opt-out; banned and blocked words
with their positions and synonyms; the official page's posting plan."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopkeeper.crm.banned_words import DEFAULT_LISTS, Term, WordLists, check_text
from shopkeeper.crm.messaging import (
    Caps,
    PersonState,
    PostDraft,
    PostingWindow,
    SendPolicy,
    Sent,
    may_send,
    plan_posts,
)
from shopkeeper.errors import InvalidInput
from support import examples

UTC = timezone.utc
SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
NOON = datetime(2026, 11, 2, 12, 0, tzinfo=SHANGHAI)  # 04:00 UTC
UNCAPPED = SendPolicy(overall=Caps(), per_channel={})


def person(zone: str = "Asia/Shanghai", *sent: Sent, **kw: object) -> PersonState:
    return PersonState(zone, tuple(sent), **kw)  # type: ignore[arg-type]


# --- may_send: caps ---------------------------------------------------------------------------------------------


def test_a_fresh_person_may_get_a_message_at_noon() -> None:
    decision = may_send(person(), "sms", NOON)
    assert decision.allowed and decision.reason is None and decision.next_allowed_at is None


def test_channel_daily_cap_counts_the_last_24_hours_and_says_when_it_frees() -> None:
    earlier = NOON - timedelta(hours=20)
    decision = may_send(person("Asia/Shanghai", Sent("sms", earlier)), "sms", NOON)
    assert (decision.allowed, decision.reason) == (False, "channel-daily-cap")
    # Freed 24 h after the send: 12:00 + 4 h = 16:00 Shanghai, outside quiet hours.
    assert decision.next_allowed_at == earlier + timedelta(days=1)
    # Another channel is still open: the overall cap is 2 a day.
    assert may_send(person("Asia/Shanghai", Sent("sms", earlier)), "email", NOON).allowed


def test_overall_daily_cap_spans_channels() -> None:
    state = person("Asia/Shanghai", Sent("sms", NOON - timedelta(hours=3)), Sent("email", NOON - timedelta(hours=2)))
    decision = may_send(state, "push", NOON)
    assert decision.reason == "daily-cap"
    assert decision.next_allowed_at == NOON - timedelta(hours=3) + timedelta(days=1)


def test_weekly_cap_counts_the_last_seven_days() -> None:
    policy = SendPolicy(overall=Caps(), per_channel={"sms": Caps(per_week=2)})
    sends = [Sent("sms", NOON - timedelta(days=6)), Sent("sms", NOON - timedelta(days=2))]
    decision = may_send(person("Asia/Shanghai", *sends), "sms", NOON, policy)
    assert decision.reason == "channel-weekly-cap"
    assert decision.next_allowed_at == NOON + timedelta(days=1)
    # A send 7 days ago or more no longer counts.
    old = [Sent("sms", NOON - timedelta(days=7)), Sent("sms", NOON - timedelta(days=2))]
    assert may_send(person("Asia/Shanghai", *old), "sms", NOON, policy).allowed


def test_a_freed_cap_landing_in_quiet_hours_waits_for_morning() -> None:
    sent = datetime(2026, 11, 1, 22, 30, tzinfo=SHANGHAI).replace(hour=20)  # 20:00, before quiet hours
    decision = may_send(person("Asia/Shanghai", Sent("sms", sent)), "sms", NOON - timedelta(hours=1))
    # Cap frees at 20:00 on Nov 2; allowed then (quiet starts 21:00).
    assert decision.next_allowed_at == sent + timedelta(days=1)
    late = datetime(2026, 11, 1, 22, 0, tzinfo=SHANGHAI)
    sent_late = datetime(2026, 11, 1, 8, 59, tzinfo=SHANGHAI) + timedelta(hours=13)  # 21:59, as if sent in quiet
    decision = may_send(person("Asia/Shanghai", Sent("sms", sent_late)), "sms", late + timedelta(hours=12))
    assert decision.reason == "channel-daily-cap"
    assert decision.next_allowed_at == datetime(2026, 11, 3, 9, 0, tzinfo=SHANGHAI)


def test_a_day_is_24_real_hours_across_a_dst_change() -> None:
    # Sent 15:00 EDT on 31 Oct (19:00 UTC); New York falls back that night, so the cap frees at 14:00 EST, not 15:00.
    sent = datetime(2026, 10, 31, 15, 0, tzinfo=NEW_YORK)
    state = person("America/New_York", Sent("sms", sent))
    decision = may_send(state, "sms", datetime(2026, 11, 1, 12, 0, tzinfo=NEW_YORK))
    assert decision.reason == "channel-daily-cap"
    assert decision.next_allowed_at == datetime(2026, 11, 1, 19, 0, tzinfo=UTC)


@settings(max_examples=examples(40), deadline=None)
@given(st.lists(st.tuples(st.integers(1, 12 * 60), st.sampled_from(["sms", "email", "push"])), min_size=1,
                max_size=60),
       st.sampled_from(["Asia/Shanghai", "America/New_York", "Europe/London", "UTC"]))
def test_caps_are_never_breached_and_next_allowed_is_allowed(
        attempts: list[tuple[int, str]], zone_name: str) -> None:
    policy = SendPolicy()
    # Times on the buyer's clock, from before both autumn DST changes (London 25 Oct, New York 1 Nov).
    clock = datetime(2026, 10, 22, 0, 0, tzinfo=UTC)
    sent: list[Sent] = []
    for gap, channel in attempts:
        clock = (clock.astimezone(UTC) + timedelta(minutes=gap)).astimezone(ZoneInfo(zone_name))
        state = PersonState(zone_name, tuple(sent))
        decision = may_send(state, channel, clock, policy)
        if decision.allowed:
            sent.append(Sent(channel, clock))
        else:
            assert decision.next_allowed_at is not None and decision.next_allowed_at > clock
            assert may_send(state, channel, decision.next_allowed_at, policy).allowed
    # Every rolling window, ending at every send, holds no more than the caps.
    for last in (s.at.astimezone(UTC) for s in sent):
        for window, overall, per in ((timedelta(days=1), 2, "per_day"), (timedelta(days=7), 5, "per_week")):
            inside = [s for s in sent if last - window < s.at.astimezone(UTC) <= last]
            assert len(inside) <= overall
            for channel, caps in policy.per_channel.items():
                assert len([s for s in inside if s.channel == channel]) <= getattr(caps, per)
        local = last.astimezone(ZoneInfo(zone_name)).time()
        assert time(9, 0) <= local < time(21, 0)


# --- may_send: quiet hours and opt-out --------------------------------------------------------------------------


@pytest.mark.parametrize(("zone_name", "utc_hour", "allowed"), [
    ("Asia/Shanghai", 4, True),  # 12:00 in Shanghai
    ("Asia/Shanghai", 13, False),  # 21:00 in Shanghai: quiet starts, start included
    ("Asia/Shanghai", 1, True),  # 09:00 in Shanghai: quiet ends, end excluded
    ("Asia/Shanghai", 0, False),  # 08:00
    ("America/New_York", 4, False),  # 23:00 the evening before in New York
    ("America/New_York", 16, True),  # 11:00 in New York
])
def test_quiet_hours_are_read_on_the_buyers_clock(zone_name: str, utc_hour: int, allowed: bool) -> None:
    now = datetime(2026, 11, 12, utc_hour, 0, tzinfo=UTC)
    assert may_send(person(zone_name), "sms", now, UNCAPPED).allowed is allowed


def test_quiet_hours_answer_the_next_local_nine_oclock() -> None:
    now = datetime(2026, 11, 2, 22, 15, tzinfo=SHANGHAI)
    decision = may_send(person(), "sms", now)
    assert decision.reason == "quiet-hours"
    assert decision.next_allowed_at == datetime(2026, 11, 3, 9, 0, tzinfo=SHANGHAI)
    early = datetime(2026, 11, 2, 3, 0, tzinfo=SHANGHAI)
    assert may_send(person(), "sms", early).next_allowed_at == datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize(("now_utc", "expected_utc"), [
    # New York falls back on 1 Nov 2026 at 02:00 EDT: the night is 13 hours, 09:00 EST is 14:00 UTC.
    (datetime(2026, 11, 1, 2, 0, tzinfo=UTC), datetime(2026, 11, 1, 14, 0, tzinfo=UTC)),
    # Springs forward on 8 Mar 2026: 09:00 EDT is 13:00 UTC.
    (datetime(2026, 3, 8, 3, 0, tzinfo=UTC), datetime(2026, 3, 8, 13, 0, tzinfo=UTC)),
])
def test_quiet_hours_across_dst_follow_the_wall_clock(now_utc: datetime, expected_utc: datetime) -> None:
    decision = may_send(person("America/New_York"), "email", now_utc, UNCAPPED)
    assert decision.reason == "quiet-hours"
    assert decision.next_allowed_at == expected_utc


def test_a_quiet_end_repeated_by_the_fall_back_is_its_second_occurrence() -> None:
    # 1 Nov 2026, New York: 01:00–02:00 happens twice. At 01:15 EST (the second pass) quiet hours ending 01:30 end
    # at 01:30 EST, not at the 01:30 EDT an hour ago.
    policy = SendPolicy(overall=Caps(), per_channel={}, quiet_start=time(22, 0), quiet_end=time(1, 30))
    decision = may_send(person("America/New_York"), "sms", datetime(2026, 11, 1, 6, 15, tzinfo=UTC), policy)
    assert decision.reason == "quiet-hours"
    assert decision.next_allowed_at == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)


def test_a_quiet_window_inside_the_day_and_an_empty_one() -> None:
    siesta = SendPolicy(overall=Caps(), per_channel={}, quiet_start=time(13, 0), quiet_end=time(15, 0))
    assert not may_send(person(), "sms", NOON.replace(hour=14), siesta).allowed
    assert may_send(person(), "sms", NOON.replace(hour=23), siesta).allowed
    never = SendPolicy(overall=Caps(), per_channel={}, quiet_start=time(0, 0), quiet_end=time(0, 0))
    assert may_send(person(), "sms", NOON.replace(hour=3), never).allowed


def test_opt_out_per_channel_and_everywhere_has_no_next_moment() -> None:
    channel_out = person("Asia/Shanghai", opted_out_channels=frozenset({"sms"}))
    assert may_send(channel_out, "sms", NOON) == may_send(channel_out, "sms", NOON)
    decision = may_send(channel_out, "sms", NOON)
    assert (decision.allowed, decision.reason, decision.next_allowed_at) == (False, "channel-opted-out", None)
    assert may_send(channel_out, "email", NOON).allowed
    all_out = person("Asia/Shanghai", opted_out_all=True)
    for channel in ("sms", "email", "push", "chat"):
        assert may_send(all_out, channel, NOON).reason == "opted-out"
    # Opt-out wins over quiet hours.
    assert may_send(all_out, "sms", NOON.replace(hour=23)).reason == "opted-out"


def test_bad_input_is_refused() -> None:
    with pytest.raises(InvalidInput, match="now must carry its time zone"):
        may_send(person(), "sms", datetime(2026, 11, 2, 12, 0))
    with pytest.raises(InvalidInput, match="not an IANA time zone"):
        person("Mars/Olympus")
    with pytest.raises(InvalidInput, match="a send time must carry its time zone"):
        person("UTC", Sent("sms", datetime(2026, 11, 2)))
    with pytest.raises(InvalidInput, match="per_day must be a whole number of at least 1"):
        Caps(per_day=0)


# --- check_text (§10.1) -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "word", "category", "severity"), [
    ("全场最低价，快来", "最低价", "absolute-claim", "banned"),
    ("The best ever sneakers", "best ever", "absolute-claim", "banned"),
    ("此药根治失眠", "根治", "cure-claim", "banned"),
    ("A tea to cure colds", "cure", "cure-claim", "banned"),
    ("高仿名表", "高仿", "counterfeit", "banned"),
    ("Replica bags", "replica", "counterfeit", "banned"),
    ("今日免费领取", "免费", "giveaway-bait", "blocked"),
    ("You are a WINNER", "winner", "giveaway-bait", "blocked"),
    ("仅限今天速抢", "速抢", "pressure", "blocked"),
    ("Act now!", "act now", "pressure", "blocked"),
    ("详情加微信", "加微信", "off-channel", "blocked"),
    ("Click here for more", "click here", "off-channel", "blocked"),
])
def test_each_category_is_found(text: str, word: str, category: str, severity: str) -> None:
    [hit] = check_text(text).hits
    assert (hit.word, hit.category, hit.severity) == (word, category, severity)
    assert text[hit.start:hit.end] == hit.found
    assert check_text(text).refused is (severity == "banned")
    assert check_text(text).flagged is (severity == "blocked")


@pytest.mark.parametrize(("text", "word", "found"), [
    ("ＦＲＥＥ shipping", "free", "ＦＲＥＥ"),  # full-width letters
    ("F r E e shipping", "free", "F r E e"),  # case and spaces
    ("f.r-e_e gift", "free", "f.r-e_e"),  # punctuation between letters
    ("今天免 费送", "免费", "免 费"),  # a space inside a Chinese word
    ("今天免\u3000费送", "免费", "免\u3000费"),  # an ideographic space
    ("今天免\u200b费送", "免费", "免\u200b费"),  # a zero-width space
    ("CLICK   HERE", "click here", "CLICK   HERE"),
    ("ｂｅｓｔ ｅｖｅｒ", "best ever", "ｂｅｓｔ ｅｖｅｒ"),
])
def test_evasion_by_width_case_and_spacing_is_caught(text: str, word: str, found: str) -> None:
    [hit] = check_text(text).hits
    assert (hit.word, hit.found) == (word, found)


@pytest.mark.parametrize("text", ["A carefree weekend", "Freedom sale", "cashmere scarf", "Secure checkout",
                                  "新品上市，欢迎选购"])
def test_innocent_words_are_not_hits(text: str) -> None:
    assert check_text(text).hits == ()


def test_hits_are_in_order_with_positions_and_suggestions() -> None:
    text = "免费送！全网第一，点击链接"
    check = check_text(text)
    assert [(hit.word, hit.start, hit.end) for hit in check.hits] == [("免费", 0, 2), ("全网第一", 4, 8),
                                                                      ("点击链接", 9, 13)]
    assert check.hits[0].suggestions == ("赠送", "0元体验")
    assert check.refused and not check.flagged
    assert check_text("replica").hits[0].suggestions == ()  # nothing to swap in: remove it


def test_a_longer_word_hides_the_shorter_one_inside_it() -> None:
    lists = WordLists((Term("best", "absolute-claim", "banned"), Term("best ever", "absolute-claim", "banned")))
    assert [hit.word for hit in check_text("best ever", lists).hits] == ["best ever"]
    assert [hit.word for hit in check_text("best, and best ever", lists).hits] == ["best", "best ever"]


def test_every_suggestion_is_itself_clean() -> None:
    for term in DEFAULT_LISTS.terms:
        for synonym in term.synonyms:
            assert check_text(synonym).hits == (), (term.word, synonym)


@settings(max_examples=examples(50), deadline=None)
@given(st.sampled_from([term.word for term in DEFAULT_LISTS.terms]),
       st.lists(st.sampled_from([" ", "\u3000", "\u200b", ".", "-"]), min_size=0, max_size=3),
       st.booleans(), st.booleans(), st.text(alphabet="，。 欢迎选购", max_size=5))
def test_any_listed_word_is_found_however_dressed(word: str, fillers: list[str], upper: bool, wide: bool,
                                                  around: str) -> None:
    dressed = word.upper() if upper else word
    if wide:
        dressed = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in dressed)
    filler = "".join(fillers)
    dressed = filler.join(dressed)
    text = around + dressed + around
    words = [hit.word for hit in check_text(text).hits]
    assert word in words


def test_a_listed_word_with_nothing_to_match_is_refused() -> None:
    with pytest.raises(InvalidInput, match="a listed word needs at least one letter or digit"):
        WordLists((Term(" - ", "absolute-claim", "banned"),))


# --- plan_posts (§10.3) -----------------------------------------------------------------------------------------

WINDOW = PostingWindow("Asia/Shanghai")
DAYS = [date(2026, 11, 2) + timedelta(days=n) for n in range(3)]


def test_one_official_post_a_day_at_the_window_opening() -> None:
    plan = plan_posts([PostDraft(f"p{n}") for n in range(4)], WINDOW, DAYS)
    assert [(post.key, post.at) for post in plan.posts] == [
        (f"p{n}", datetime(2026, 11, 2 + n, 22, 0, tzinfo=SHANGHAI)) for n in range(3)]
    assert plan.unplaced == ("p3",)


def test_other_posts_share_the_window_but_are_not_capped() -> None:
    drafts = [PostDraft("official"), *(PostDraft(f"photo{n}", official=False) for n in range(6))]
    plan = plan_posts(drafts, WINDOW, DAYS[:1])
    # 22:00, 23:00, 00:00, 01:00, 02:00: five slots before 03:00.
    assert [post.at.hour for post in plan.posts] == [22, 23, 0, 1, 2]
    assert plan.posts[0].key == "official"
    assert plan.unplaced == ("photo4", "photo5")


def test_not_before_and_the_calendar_day_limit() -> None:
    # An official post pushed past midnight lands on Nov 3 in the Nov 2 window; the next may use neither.
    late = PostDraft("late", not_before=datetime(2026, 11, 3, 1, 0, tzinfo=SHANGHAI))
    plan = plan_posts([late, PostDraft("next")], WINDOW, DAYS[:2])
    placed = {post.key: post.at for post in plan.posts}
    assert placed["late"] == datetime(2026, 11, 3, 1, 0, tzinfo=SHANGHAI)
    # Not Nov 2 22:00 (that night's window has its post), not Nov 3 22:00 (Nov 3 has its post): Nov 4 00:00.
    assert placed["next"] == datetime(2026, 11, 4, 0, 0, tzinfo=SHANGHAI)
    plan = plan_posts([late, PostDraft("a"), PostDraft("b")], WINDOW, DAYS[:2])
    assert plan.unplaced == ("b",)


@settings(max_examples=examples(40), deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.none() | st.integers(0, 72)), max_size=25),
       st.integers(1, 5), st.sampled_from(["Asia/Shanghai", "America/New_York"]),
       st.sampled_from([(time(22), time(3)), (time(10), time(12)), (time(23, 30), time(0, 30))]))
def test_posting_plan_limits(drafts: list[tuple[bool, int | None]], day_count: int, zone_name: str,
                             hours: tuple[time, time]) -> None:
    window = PostingWindow(zone_name, hours[0], hours[1], timedelta(minutes=30))
    start = datetime(2026, 10, 30, tzinfo=ZoneInfo(zone_name))
    days = [date(2026, 10, 30) + timedelta(days=n) for n in range(day_count)]
    plan = plan_posts([PostDraft(f"d{n}", official, None if wait is None else start + timedelta(hours=wait))
                       for n, (official, wait) in enumerate(drafts)], window, days)
    assert len(plan.posts) + len(plan.unplaced) == len(drafts)
    assert len({post.at for post in plan.posts}) == len(plan.posts)
    official_dates = [post.at.date() for post in plan.posts if post.official]
    assert len(official_dates) == len(set(official_dates))
    nights = [day for post in plan.posts if post.official for day in days if post.at in window.slots(day)]
    assert len(nights) == len(set(nights))
    allowed = {at for day in days for at in window.slots(day)}
    assert all(post.at in allowed for post in plan.posts)
    for post in plan.posts:
        wall = post.at.astimezone(ZoneInfo(zone_name)).time()
        start_t, end_t = hours
        assert (start_t <= wall or wall < end_t) if end_t < start_t else start_t <= wall < end_t


def test_a_bad_window_or_duplicate_drafts_are_refused() -> None:
    with pytest.raises(InvalidInput, match="must not start and end at the same time"):
        PostingWindow("UTC", time(22), time(22))
    with pytest.raises(InvalidInput, match="the spacing between posts must be positive"):
        PostingWindow("UTC", spacing=timedelta(0))
    with pytest.raises(InvalidInput, match="each draft needs its own key"):
        plan_posts([PostDraft("a"), PostDraft("a")], WINDOW, DAYS)
    with pytest.raises(InvalidInput, match="not_before must carry its time zone"):
        PostDraft("a", not_before=datetime(2026, 11, 2))
