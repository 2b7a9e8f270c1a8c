import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.utils import timezone

from programs.dosage import describe_dose
from programs.formatting import render_markdown
from programs.models import Article, Plan, PlanWeek, Prescription, Reference

from .factories import make_article, make_exercise, make_plan

pytestmark = pytest.mark.django_db


def test_a_published_article_without_a_date_is_published_now():
    article = make_article(published_at=None)
    assert article.published_at is not None
    assert article.published_at <= timezone.now()


def test_a_draft_article_keeps_no_publication_date():
    article = make_article(status=Article.Status.DRAFT, published_at=None)
    assert article.published_at is None


def test_an_article_with_a_hero_image_needs_alt_text():
    article = make_article()
    article.hero_image = SimpleUploadedFile("hero.png", b"not really an image")
    article.hero_image_alt = ""
    with pytest.raises(ValidationError) as error:
        article.validate_constraints()
    assert "alt text" in str(error.value)


def test_the_database_refuses_an_exercise_image_without_alt_text():
    exercise = make_exercise()
    with pytest.raises(IntegrityError):
        type(exercise).objects.filter(pk=exercise.pk).update(image="exercises/x.png")


def test_a_reference_needs_a_doi_or_a_link():
    with pytest.raises(IntegrityError):
        Reference.objects.create(short_name="Nobody 2020", citation="Nobody. 2020.")


def test_a_plan_cannot_have_two_weeks_with_the_same_number():
    plan = make_plan(weeks=1)
    with pytest.raises(IntegrityError):
        PlanWeek.objects.create(plan=plan, number=1)


def test_reps_accept_a_figure_per_set_but_not_words():
    plan = make_plan()
    prescription = Prescription.objects.get(session__week__plan=plan)
    prescription.reps = "12/10/8"
    prescription.full_clean()
    prescription.reps = "lots"
    with pytest.raises(ValidationError):
        prescription.full_clean()


def test_a_prescription_needs_reps_or_a_hold():
    plan = make_plan()
    with pytest.raises(IntegrityError):
        Prescription.objects.filter(session__week__plan=plan).update(reps="", hold_seconds=None)


def test_changing_a_dose_moves_the_plans_modified_time():
    plan = make_plan()
    before = Plan.objects.get(pk=plan.pk).updated_at
    prescription = Prescription.objects.get(session__week__plan=plan)
    prescription.sets = 4
    prescription.save()
    assert Plan.objects.get(pk=plan.pk).updated_at > before


def test_duplicating_a_week_copies_its_sessions_and_doses_as_the_next_week():
    plan = make_plan(weeks=2, sessions_per_week=2, exercises_per_session=2)
    copy = plan.weeks.get(number=1).duplicate()
    assert copy.number == 3
    assert copy.sessions.count() == 2
    assert Prescription.objects.filter(session__week=copy).count() == 4


def test_markdown_is_rendered_and_scripts_are_removed():
    html = render_markdown("**bold** <script>alert(1)</script> [x](javascript:alert(1))")
    assert "<strong>bold</strong>" in html
    assert "<script" not in html
    assert "javascript:" not in html


def test_a_top_level_markdown_heading_becomes_an_h2_below_the_page_title():
    html = render_markdown("# Heading")
    assert "<h2>Heading</h2>" in html
    assert "<h1" not in html


def test_a_stretch_dose_reads_as_a_hold_range_and_repeats():
    dose = describe_dose(reps="5-8", hold_seconds=5, hold_seconds_max=10)
    assert dose == "Hold for 5 to 10 seconds, relax, and repeat 5-8 times"


def test_reps_per_set_read_as_a_list():
    assert describe_dose(sets=3, reps="12/10/8") == "3 sets of 12, 10 and 8 reps"


def test_an_article_cannot_take_the_feeds_address():
    article = make_article()
    article.slug = "feed"
    with pytest.raises(ValidationError):
        article.full_clean()
