"""The patient's private pages: their home programme (log a session, the handout, the
calendar, the link again) and the intake form of their appointment. Each is opened by an
unguessable token alone, is never cached (``no-store``) and rate-limits its POSTs."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from bookings import access as patient_access
from bookings.ratelimit import limit_posts

from . import access
from .adherence import adherence, chart
from .calendar import programme_ics
from .forms import IntakeForm, SessionLogForm
from .handout import filename, handout_html, handout_pdf
from .intake import IntakeError, intake_offered, submit_intake, urgent_messages
from .models import Intake, IntakeQuestion, Programme
from .programmes import queue_link_email, record_session


def _private(response: HttpResponse) -> HttpResponse:
    """Health data: no cache anywhere may keep it (never_cache adds no-store too)."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _see_other(url: str) -> HttpResponse:
    response = HttpResponse(status=303)
    response["Location"] = url
    return response


def programme_context(programme: Programme, today: date) -> dict:
    """What the page and the handout show: the week to do now first, then the rest."""
    current = min(max(programme.week_of(today), 1), programme.weeks)
    result = adherence(programme, today)
    this_week = next((week for week in result.weeks if week.number == current), None)
    logged = this_week.logged if this_week else 0
    return {
        "programme": programme,
        "today": today,
        "current_week": current,
        "not_started": today < programme.start_date,
        "finished": today > programme.end_date,
        "next_session": min(logged + 1, programme.sessions_per_week),
        "week_done": logged >= programme.sessions_per_week,
        "exercises": programme.exercises_for_week(current),
        "later_weeks": [
            (number, programme.exercises_for_week(number))
            for number in range(current + 1, programme.weeks + 1)
            if any(row.week == number for row in programme.exercises.all())
        ],
        "adherence": result,
        "chart": chart(result),
        "logs": list(programme.logs.all())[::-1],
    }


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@limit_posts
def programme(request: HttpRequest, token: str) -> HttpResponse:
    programme = access.programme_for_link(token)
    today = timezone.localdate()
    form = SessionLogForm(programme=programme, today=today)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "log":
            form = SessionLogForm(request.POST, programme=programme, today=today)
            if form.is_valid():
                record_session(programme, form.save(commit=False), timezone.now())
                messages.success(request, "Thank you: your session is in your log.")
                return _see_other(programme.private_url() + "#log")
            status = 400
        elif action == "email":
            if queue_link_email(programme):
                messages.success(
                    request, "We are emailing you the link to this page. It may take a minute."
                )
            else:
                messages.warning(request, "We have no email address for you: please phone us.")
            return _see_other(programme.private_url())
        else:
            status = 400
            messages.error(request, "We did not understand that request.")
    context = {**programme_context(programme, today), "form": form}
    return _private(render(request, "care/programme.html", context, status=status))


@never_cache
@require_http_methods(["GET", "HEAD"])
def programme_print(request: HttpRequest, token: str) -> HttpResponse:
    """The handout as a page to print (the PDF is the same page)."""
    programme = access.programme_for_link(token)
    html = handout_html(programme_context(programme, timezone.localdate()))
    return _private(HttpResponse(html))


@never_cache
@require_http_methods(["GET", "HEAD"])
def programme_pdf(request: HttpRequest, token: str) -> HttpResponse:
    programme = access.programme_for_link(token)
    pdf = handout_pdf(programme_context(programme, timezone.localdate()))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename(programme)}"'
    return _private(response)


@never_cache
@require_http_methods(["GET", "HEAD"])
def programme_calendar(request: HttpRequest, token: str) -> HttpResponse:
    programme = access.programme_for_link(token)
    response = HttpResponse(programme_ics(programme), content_type="text/calendar")
    response["Content-Disposition"] = 'attachment; filename="home-exercises.ics"'
    return _private(response)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@limit_posts
def intake(request: HttpRequest, token: str) -> HttpResponse:
    """The intake form of an appointment's private link: sent once, never shown back
    (whoever holds the link would read the answers)."""
    appointment = patient_access.appointment_for_link(token)
    now = timezone.now()
    sent = Intake.objects.filter(appointment=appointment).first()
    questions = list(IntakeQuestion.objects.active())
    form = IntakeForm(questions=questions)
    status, problem, urgent = 200, None, []
    if request.method == "POST":
        form = IntakeForm(request.POST, questions=questions)
        if form.is_valid():
            try:
                sent = submit_intake(appointment, form.answers(), now)
            except IntakeError as error:
                problem, status = str(error), 409
            else:
                if sent.needs_urgent_care:
                    urgent = urgent_messages(sent)
                    status = 200
                else:
                    messages.success(request, "Thank you: your answers are with your physio.")
                    return _see_other(appointment.private_url())
        else:
            status = 400
    elif sent is None and not intake_offered(appointment, now):
        problem, status = "This appointment does not take the form online.", 409
    context = {
        "appointment": appointment,
        "form": form,
        "sent": sent,
        "problem": problem,
        "urgent": urgent,
    }
    return _private(render(request, "care/intake.html", context, status=status))
