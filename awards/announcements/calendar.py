"""Working days (工作日) by the official holiday calendar, for the 公示 period.

The State Council's General Office publishes each year's holidays and the weekends worked in
their place (调休); `chinesecalendar` carries them. A date outside the package's data is refused
with CALENDAR_BEYOND_DATA unless ANNOUNCEMENT_BEYOND_CALENDAR is "weekdays": then Monday to
Friday count (the next year's arrangement is published in November or December; until the
package has it, an office may prefer an approximate count to no announcement at all).
"""

from datetime import date, timedelta

import chinese_calendar
from django.conf import settings

from applicants.errors import ServiceError
from awards.announcements.errors import CALENDAR_BEYOND_DATA

REFUSE = "refuse"
WEEKDAYS = "weekdays"
BEYOND_CALENDAR_CHOICES = (REFUSE, WEEKDAYS)
# No period is longer: a longer walk means bad input, not a long 公示.
_MAX_DAYS = 366


class CalendarBeyondData(ServiceError):
    """The holiday data does not cover a date the count needs, and the setting says refuse."""

    def __init__(self, year: int) -> None:
        super().__init__(CALENDAR_BEYOND_DATA % {"year": year}, code="calendar_beyond_data")
        self.year = year


def is_working_day(day: date) -> bool:
    """Whether `day` is a working day: a weekday that is no holiday, or a 调休 weekend worked."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        if settings.ANNOUNCEMENT_BEYOND_CALENDAR == WEEKDAYS:
            return day.weekday() < 5
        raise CalendarBeyondData(day.year) from None


def working_days_end(*, starts_on: date, days: int) -> date:
    """The last day of a period of `days` working days from `starts_on`, counting that day if it
    is a working day (announced on a Sunday, the period starts on Monday's count)."""
    if not 1 <= days <= _MAX_DAYS:
        raise ValueError(f"a period has 1 to {_MAX_DAYS} working days, not {days}")
    day, counted = starts_on, 0
    while True:
        if is_working_day(day):
            counted += 1
            if counted == days:
                return day
        day += timedelta(days=1)


def working_days_after(*, day: date, days: int) -> date:
    """The `days`-th working day after `day` (`day` itself when `days` is 0)."""
    if days == 0:
        return day
    return working_days_end(starts_on=day + timedelta(days=1), days=days)


def working_days_between(*, start: date, end: date) -> int:
    """How many working days fall on `start` and after, before `end` (0 if end <= start)."""
    count, day = 0, start
    while day < end:
        count += is_working_day(day)
        day += timedelta(days=1)
    return count
