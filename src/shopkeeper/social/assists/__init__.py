"""Assists (邀请助力, 分享互惠): a buyer opens a task, each distinct helper advances it, steps unlock rewards."""
