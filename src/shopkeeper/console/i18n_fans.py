"""The store club (粉丝趴) page's strings, in English and Chinese; `i18n` merges them into its two dicts."""

from __future__ import annotations

EN_FANS: dict[str, str] = {
    "nav.fans": "Store club",
    "fans.title": "Store club",
    "fans.lead": "Buyers who follow the store are its fans: they get its fans-only prices and coupons. Each day shows "
                 "follows, unfollows, the net change and the fans at the day's end.",
    "fans.f.from": "From",
    "fans.f.to": "To",
    "fans.f.day": "Day",
    "fans.f.new": "New",
    "fans.f.lost": "Lost",
    "fans.f.net": "Net",
    "fans.f.total": "Fans",
    "fans.show": "Show",
    "fans.no_store": "No store to show.",
    "fans.now": "{n} fan(s) at the end",
    "fans.gained": "{n} new",
    "fans.lost": "{n} lost",
    "fans.net": "net {n}",
    "fans.clock": "Days on the store's clock ({zone}).",
}

ZH_FANS: dict[str, str] = {
    "nav.fans": "粉丝趴",
    "fans.title": "粉丝趴",
    "fans.lead": "关注店铺的买家即为店铺粉丝，可享粉丝专享价和粉丝券。每天显示新增关注、取消关注、净增和当天结束时的粉丝数。",
    "fans.f.from": "开始日期",
    "fans.f.to": "结束日期",
    "fans.f.day": "日期",
    "fans.f.new": "新增",
    "fans.f.lost": "流失",
    "fans.f.net": "净增",
    "fans.f.total": "粉丝数",
    "fans.show": "查看",
    "fans.no_store": "没有可查看的店铺。",
    "fans.now": "期末粉丝 {n} 人",
    "fans.gained": "新增 {n}",
    "fans.lost": "流失 {n}",
    "fans.net": "净增 {n}",
    "fans.clock": "按店铺时区（{zone}）计日。",
}
