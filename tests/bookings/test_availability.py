from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bookings.availability import (
    Interval,
    PractitionerDiary,
    Rules,
    free_slots,
    load_schedule,
    nearest,
    one_per_time,
)
from bookings.models import ClinicClosure, TimeOff
from bookings.rota import current_rota

from .factories import local, make_appointment, make_practitioner, make_rules, make_service

LONDON = ZoneInfo("Europe/London")
RULES = Rules(
    slot_step=timedelta(minutes=15),
    minimum_notice=timedelta(hours=2),
    booking_window=timedelta(days=60),
)
MONDAY = date(2026, 6, 1)
SPRING_FORWARD = date(2026, 3, 29)  # last Sunday of March: 01:00 GMT becomes 02:00 BST
AUTUMN_BACK = date(2026, 10, 25)  # last Sunday of October: 02:00 BST becomes 01:00 GMT


def diary(hours=((time(9), time(13)), (time(14), time(17))), **fields) -> PractitionerDiary:
    return PractitionerDiary(
        practitioner_id=fields.pop("practitioner_id", 1),
        working_hours={day: list(hours) for day in range(7)},
        **fields,
    )


def slots(
    *diaries, day=MONDAY, last_day=None, duration=45, buffer=15, closed=(), now=None, rules=RULES
):
    """Free slots; by default "now" is the midnight before ``day``, so nothing is too soon."""
    now = now or datetime.combine(day - timedelta(days=1), time(0), tzinfo=UTC)
    return free_slots(
        duration=timedelta(minutes=duration),
        buffer=timedelta(minutes=buffer),
        diaries=list(diaries),
        closed_days=closed,
        rules=rules,
        tz=LONDON,
        first_day=day,
        last_day=last_day or day,
        now=now,
    )


def local_times(found) -> list[str]:
    return [slot.start.astimezone(LONDON).strftime("%H:%M") for slot in found]


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def test_slots_fill_working_hours_in_steps_and_end_inside_them():
    times = local_times(slots(diary()))
    assert times[0] == "09:00"
    assert times[-1] == "16:15"  # 16:15 + 45 minutes ends at closing time
    assert "12:15" in times and "12:30" not in times  # 12:30 would run into lunch


def test_no_slot_starts_during_the_lunch_break():
    times = local_times(slots(diary()))
    assert not [t for t in times if "12:30" <= t < "14:00"]
    assert "14:00" in times


def test_a_day_without_working_hours_has_no_slots():
    mondays_only = PractitionerDiary(1, working_hours={0: [(time(9), time(17))]})
    assert slots(mondays_only, day=MONDAY + timedelta(days=1)) == []


def test_time_off_removes_the_slots_it_overlaps():
    off = Interval(at(MONDAY, 10), at(MONDAY, 11))
    times = local_times(slots(diary(time_off=[off])))
    assert "09:15" in times  # ends 10:00, just before the time off
    assert "09:30" not in times and "10:45" not in times
    assert "11:00" in times


def test_a_clinic_closure_removes_the_whole_day():
    assert slots(diary(), closed={MONDAY}) == []


def test_an_existing_appointment_and_its_buffer_block_the_times_around_it():
    # 10:00-10:45 booked, buffer to 11:00; a new 45-minute slot also needs its own buffer.
    busy = Interval(at(MONDAY, 10), at(MONDAY, 11))
    times = local_times(slots(diary(busy=[busy])))
    assert "09:00" in times  # 09:00-09:45 + 15 buffer ends exactly at 10:00
    assert "09:15" not in times  # its buffer would run into the booked appointment
    assert "10:45" not in times
    assert "11:00" in times


def test_an_appointment_of_another_practitioner_does_not_block_this_one():
    busy = Interval(at(MONDAY, 10), at(MONDAY, 11))
    found = slots(diary(practitioner_id=1), diary(practitioner_id=2, busy=[busy]))
    assert at(MONDAY, 10).astimezone(UTC) in [s.start for s in found if s.practitioner_id == 1]
    assert at(MONDAY, 10).astimezone(UTC) not in [s.start for s in found if s.practitioner_id == 2]


def test_past_times_and_times_inside_the_minimum_notice_are_not_offered():
    now = at(MONDAY, 10, 5)
    times = local_times(slots(diary(), now=now))
    assert times[0] == "12:15"  # 10:05 + 2 hours notice, on the next 15-minute step


def test_times_beyond_the_booking_window_are_not_offered():
    now = at(MONDAY, 9)
    rules = Rules(timedelta(minutes=15), timedelta(0), timedelta(days=1))
    found = slots(diary(), day=MONDAY, last_day=MONDAY + timedelta(days=2), now=now, rules=rules)
    assert max(s.start for s in found) <= now + timedelta(days=1)
    assert min(s.start for s in found) >= now


def test_slot_step_sets_the_start_times():
    rules = Rules(timedelta(minutes=30), timedelta(0), timedelta(days=60))
    times = local_times(slots(diary(), rules=rules))
    assert times[:3] == ["09:00", "09:30", "10:00"]


def test_any_practitioner_lists_each_time_once():
    found = one_per_time(slots(diary(practitioner_id=1), diary(practitioner_id=2)))
    starts = [slot.start for slot in found]
    assert len(starts) == len(set(starts))


def test_any_practitioner_offers_each_time_with_the_preferred_practitioner_first():
    found = one_per_time(slots(diary(practitioner_id=1), diary(practitioner_id=2)), [2, 1])
    assert {slot.practitioner_id for slot in found} == {2}


def test_nearest_times_are_mostly_with_the_chosen_practitioner():
    found = slots(diary(practitioner_id=1), diary(practitioner_id=2))
    near = nearest(found, at(MONDAY, 11), count=6, prefer=1)
    assert [slot.practitioner_id for slot in near].count(1) == 4
    assert near == sorted(near)


# --- The days the clocks change (Europe/London) ---------------------------------------


def test_spring_change_morning_slot_is_nine_local_which_is_eight_utc():
    found = slots(diary(), day=SPRING_FORWARD)
    assert found[0].start == datetime(2026, 3, 29, 8, 0, tzinfo=UTC)
    assert local_times(found)[0] == "09:00"


def test_spring_change_afternoon_slot_is_two_local_which_is_one_utc():
    found = slots(diary(), day=SPRING_FORWARD)
    afternoon = [s for s in found if s.start.astimezone(LONDON).hour >= 14]
    assert afternoon[0].start == datetime(2026, 3, 29, 13, 0, tzinfo=UTC)
    assert local_times(found)[-1] == "16:15"


def test_autumn_change_morning_slot_is_nine_local_which_is_nine_utc():
    found = slots(diary(), day=AUTUMN_BACK)
    assert found[0].start == datetime(2026, 10, 25, 9, 0, tzinfo=UTC)
    assert local_times(found)[0] == "09:00"


def test_autumn_change_afternoon_slot_is_two_local_which_is_two_utc():
    found = slots(diary(), day=AUTUMN_BACK)
    afternoon = [s for s in found if s.start.astimezone(LONDON).hour >= 14]
    assert afternoon[0].start == datetime(2026, 10, 25, 14, 0, tzinfo=UTC)
    assert local_times(found)[-1] == "16:15"


def test_change_days_offer_as_many_slots_as_an_ordinary_day():
    ordinary = len(slots(diary(), day=date(2026, 3, 22)))
    assert len(slots(diary(), day=SPRING_FORWARD)) == ordinary
    assert len(slots(diary(), day=AUTUMN_BACK)) == ordinary


def test_the_hour_the_clocks_skip_offers_no_slots_and_nothing_shifts():
    night = diary(hours=((time(0), time(4)),))
    times = local_times(slots(night, day=SPRING_FORWARD, duration=30, buffer=0))
    assert not [t for t in times if "01:00" <= t < "02:00"]
    assert "00:30" in times and "02:00" in times


def test_an_appointment_booked_on_a_change_day_blocks_the_right_local_time():
    busy = Interval(at(AUTUMN_BACK, 10), at(AUTUMN_BACK, 11))
    times = local_times(slots(diary(busy=[busy]), day=AUTUMN_BACK))
    assert "10:00" not in times and "09:00" in times and "11:00" in times


# --- Loading from the database ----------------------------------------------------------


@pytest.mark.django_db
def test_loader_combines_hours_time_off_closures_and_appointments():
    service = make_service()
    person = make_practitioner(service)
    make_rules(minimum_notice_hours=0, booking_window_days=365)
    day = date(2026, 12, 7)
    make_appointment(person, service, local(2026, 12, 7, 9))
    TimeOff.objects.create(
        practitioner=person, start=local(2026, 12, 7, 14), end=local(2026, 12, 7, 17)
    )
    ClinicClosure.objects.create(
        name="Christmas", start_date=date(2026, 12, 8), end_date=date(2026, 12, 8)
    )
    schedule = load_schedule(service, day, day + timedelta(days=1))
    found = schedule.free_slots(now=datetime(2026, 12, 1, tzinfo=UTC))
    times = local_times(found)
    assert times[0] == "10:00" and times[-1] == "12:15"
    assert all(s.start.astimezone(LONDON).date() == day for s in found)


@pytest.mark.django_db
def test_loader_ignores_cancelled_appointments():
    service = make_service()
    person = make_practitioner(service)
    make_rules(minimum_notice_hours=0, booking_window_days=365)
    make_appointment(person, service, local(2026, 12, 7, 9), status="cancelled")
    schedule = load_schedule(service, date(2026, 12, 7), date(2026, 12, 7))
    assert local_times(schedule.free_slots(now=datetime(2026, 12, 1, tzinfo=UTC)))[0] == "09:00"


@pytest.mark.django_db
def test_loader_only_offers_practitioners_of_the_service():
    service, other = make_service(), make_service()
    make_practitioner(other)
    schedule = load_schedule(service, date(2026, 12, 7), date(2026, 12, 7))
    assert schedule.free_slots(now=datetime(2026, 12, 1, tzinfo=UTC)) == []


@pytest.mark.django_db
@pytest.mark.parametrize("weeks", [1, 4, 12])
def test_loader_uses_a_fixed_number_of_queries_whatever_the_range(weeks, django_assert_num_queries):
    service = make_service()
    for _ in range(3):
        person = make_practitioner(service)
        for week in range(weeks):
            make_appointment(person, service, local(2026, 12, 7, 10) + timedelta(days=7 * week))
            TimeOff.objects.create(
                practitioner=person,
                start=local(2026, 12, 8, 10) + timedelta(days=7 * week),
                end=local(2026, 12, 8, 12) + timedelta(days=7 * week),
            )
    ClinicClosure.objects.create(
        name="Christmas", start_date=date(2026, 12, 25), end_date=date(2026, 12, 26)
    )
    first = date(2026, 12, 7)
    since = local(2026, 12, 5, 0)
    # The rota (hours, time off, closures, rules): read once, a fixed number of queries...
    with django_assert_num_queries(7):
        current_rota(since)
    # ...then kept: the appointments are the one query a schedule costs.
    with django_assert_num_queries(1):
        schedule = load_schedule(service, first, first + timedelta(weeks=weeks))
        assert schedule.free_slots(now=datetime(2026, 12, 1, tzinfo=UTC))


# --- Edges: notice, window, clock changes, time off and closures over several days ---


def test_a_time_exactly_at_the_minimum_notice_is_offered_and_may_be_booked():
    from bookings.booking import check_bookable_time
    from bookings.models import BookingRules

    now = at(MONDAY, 7)
    assert local_times(slots(diary(), now=now))[0] == "09:00"  # 7:00 + 2 hours
    check_bookable_time(at(MONDAY, 9), now, BookingRules(minimum_notice_hours=2))


def test_the_last_time_of_the_booking_window_is_offered_and_the_next_is_not():
    from bookings.booking import NotBookable, check_bookable_time
    from bookings.models import BookingRules

    now = at(MONDAY, 9)
    rules = Rules(timedelta(minutes=15), timedelta(0), timedelta(days=1))
    tuesday = MONDAY + timedelta(days=1)
    found = slots(diary(), day=tuesday, now=now, rules=rules)
    assert local_times(found) == ["09:00"]
    booking_rules = BookingRules(minimum_notice_hours=0, booking_window_days=1)
    check_bookable_time(at(tuesday, 9), now, booking_rules)
    with pytest.raises(NotBookable):
        check_bookable_time(at(tuesday, 9, 15), now, booking_rules)


def test_on_the_autumn_change_the_repeated_hour_is_offered_once_at_its_first_occurrence():
    night = diary(hours=((time(0), time(4)),))
    found = slots(night, day=AUTUMN_BACK, duration=30, buffer=0)
    starts = [slot.start for slot in found]
    assert len(starts) == len(set(starts))
    assert local_times(found).count("01:30") == 1
    assert datetime(2026, 10, 25, 0, 30, tzinfo=UTC) in starts  # 01:30 BST


def test_a_url_time_in_the_hour_the_clocks_repeat_means_its_first_occurrence():
    from bookings.views import BadStart, parse_start

    assert parse_start("2026-10-25T01:30") == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    with pytest.raises(BadStart):
        parse_start("2026-03-29T01:30")  # the clocks skip from 01:00 to 02:00


@pytest.mark.django_db
def test_time_off_over_several_days_blocks_every_day_it_covers():
    service = make_service()
    person = make_practitioner(service)
    make_rules(minimum_notice_hours=0, booking_window_days=365)
    TimeOff.objects.create(
        practitioner=person, start=local(2026, 12, 1, 15), end=local(2026, 12, 9, 11)
    )
    now = datetime(2026, 11, 30, tzinfo=UTC)
    tuesday = load_schedule(service, date(2026, 12, 8), date(2026, 12, 8))
    assert tuesday.free_slots(now=now) == []
    wednesday = load_schedule(service, date(2026, 12, 9), date(2026, 12, 9))
    assert local_times(wednesday.free_slots(now=now))[0] == "11:00"


@pytest.mark.django_db
def test_a_closure_over_several_days_closes_each_day_of_it_inside_the_range():
    service = make_service()
    make_practitioner(service)
    make_rules(minimum_notice_hours=0, booking_window_days=365)
    ClinicClosure.objects.create(
        name="Christmas", start_date=date(2026, 12, 5), end_date=date(2026, 12, 8)
    )
    schedule = load_schedule(service, date(2026, 12, 7), date(2026, 12, 9))
    found = schedule.free_slots(now=datetime(2026, 11, 30, tzinfo=UTC))
    assert {slot.start.astimezone(LONDON).date() for slot in found} == {date(2026, 12, 9)}


@pytest.mark.parametrize(
    ("opens", "closes"), [(time(0, 30), time(4)), (time(1), time(3)), (time(9), time(17, 40))]
)
def test_every_day_of_a_year_offers_the_wall_clock_times_the_clock_gives(opens, closes):
    """The quick way (UTC steps when no clock change falls inside the hours) gives the
    times that converting each wall-clock time one by one gives, on every day of 2026,
    the two clock-change days included."""
    from bookings.availability import _starts, local_to_utc

    tz = LONDON
    step = timedelta(minutes=15)
    day = date(2026, 1, 1)
    while day.year == 2026:
        expected, wall = [], datetime.combine(day, opens)
        while wall.time() < closes:
            if (start := local_to_utc(day, wall.time(), tz)) is not None:
                expected.append(start)
            wall += step
        closes_utc = local_to_utc(day, closes, tz)
        assert list(_starts(day, opens, closes, closes_utc, step, tz)) == expected, day
        day += timedelta(days=1)
