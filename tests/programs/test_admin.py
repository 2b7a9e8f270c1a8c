"""The back office: content editors build content; they cannot touch anything else."""

from io import BytesIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage

from programs.models import Article, PlanWeek, Session

from .factories import make_exercise, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client, admin_user):
    client.force_login(admin_user)
    return client


def test_the_content_editor_group_may_add_change_delete_and_view_all_programs_content():
    group = Group.objects.get(name="Content editor")
    codenames = set(
        group.permissions.filter(content_type__app_label="programs").values_list(
            "codename", flat=True
        )
    )
    for model in [
        "article",
        "exercise",
        "plan",
        "planweek",
        "session",
        "prescription",
        "reference",
        "tag",
        "muscle",
        "equipment",
    ]:
        for action in ["add", "change", "delete", "view"]:
            assert f"{action}_{model}" in codenames


def test_the_content_editor_group_has_no_bookings_or_user_permissions():
    group = Group.objects.get(name="Content editor")
    labels = set(group.permissions.values_list("content_type__app_label", flat=True))
    assert labels <= {"programs", "clinic"}
    assert not Permission.objects.filter(group=group, content_type__app_label="bookings").exists()


def test_a_content_editor_can_write_an_article_in_admin(staff_client):
    response = staff_client.post(
        "/admin/programs/article/add/",
        {
            "title": "Pacing your long run",
            "slug": "pacing-your-long-run",
            "summary": "Slow down.",
            "body": "Go **easy**.",
            "author": "A Physio",
            "status": "published",
            "published_at_0": "",
            "published_at_1": "",
            "hero_image_alt": "",
            "seo_title": "",
            "seo_description": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Article.objects.get(slug="pacing-your-long-run").is_public


def test_a_content_editor_can_open_the_plan_page_in_admin(staff_client):
    plan = make_plan(weeks=2)
    response = staff_client.get(f"/admin/programs/plan/{plan.pk}/change/")
    assert response.status_code == 200
    assert "Add a session" in response.content.decode()


def test_a_content_editor_gets_403_outside_content(staff_client):
    assert staff_client.get("/admin/auth/user/").status_code == 403
    assert staff_client.get("/admin/auth/group/").status_code == 403


def test_an_article_with_an_image_but_no_alt_text_is_refused_in_admin(staff_client):
    image = BytesIO()
    PILImage.new("RGB", (2, 2)).save(image, "PNG")
    png = image.getvalue()
    response = staff_client.post(
        "/admin/programs/article/add/",
        {
            "title": "Pictured",
            "slug": "pictured",
            "summary": "S",
            "body": "B",
            "author": "A",
            "status": "draft",
            "hero_image": SimpleUploadedFile("a.png", png),
            "hero_image_alt": "",
        },
    )
    assert response.status_code == 200
    assert "Describe the hero image" in response.content.decode()
    assert not Article.objects.filter(slug="pictured").exists()


def test_the_duplicate_week_action_adds_a_copy_as_the_last_week(admin_client_):
    plan = make_plan(weeks=2, sessions_per_week=2)
    week = plan.weeks.get(number=1)
    response = admin_client_.post(
        "/admin/programs/planweek/",
        {"action": "duplicate_weeks", "_selected_action": [week.pk]},
    )
    assert response.status_code == 302
    copy = PlanWeek.objects.get(plan=plan, number=3)
    assert copy.sessions.count() == 2


def test_saving_a_session_returns_to_its_plan(admin_client_):
    plan = make_plan()
    session = Session.objects.get(week__plan=plan)
    exercise = make_exercise()
    response = admin_client_.post(
        f"/admin/programs/session/{session.pk}/change/",
        {
            "week": session.week_id,
            "day_of_week": 0,
            "title": "Changed",
            "notes": "",
            "prescriptions-TOTAL_FORMS": 1,
            "prescriptions-INITIAL_FORMS": 1,
            "prescriptions-MIN_NUM_FORMS": 0,
            "prescriptions-MAX_NUM_FORMS": 1000,
            "prescriptions-0-id": session.prescriptions.get().pk,
            "prescriptions-0-session": session.pk,
            "prescriptions-0-order": 1,
            "prescriptions-0-exercise": exercise.pk,
            "prescriptions-0-sets": 3,
            "prescriptions-0-reps": "12/10/8",
        },
    )
    assert response.status_code == 302
    assert response["Location"].startswith(f"/admin/programs/plan/{plan.pk}/change/")
    assert session.prescriptions.get().reps == "12/10/8"


@pytest.mark.parametrize(
    "url",
    [
        "/admin/programs/article/",
        "/admin/programs/article/add/",
        "/admin/programs/exercise/",
        "/admin/programs/exercise/add/",
        "/admin/programs/plan/",
        "/admin/programs/planweek/",
        "/admin/programs/session/",
        "/admin/programs/session/add/",
        "/admin/programs/reference/",
    ],
)
def test_admin_pages_open(admin_client_, url):
    assert admin_client_.get(url).status_code == 200


def test_adding_a_session_from_the_plan_page_starts_with_its_week_chosen(admin_client_):
    plan = make_plan(weeks=1)
    week = plan.weeks.get()
    response = admin_client_.get(f"/admin/programs/session/add/?week={week.pk}")
    assert response.status_code == 200
    assert response.context["adminform"].form.initial["week"] == str(week.pk)
