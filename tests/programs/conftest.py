import pytest
from django.contrib.auth.models import Group, User

from programs.models import Article, Exercise, Plan, Reference


@pytest.fixture
def no_content(db):
    """Start from an empty library (the migration ships the clinic's own content)."""
    Article.objects.all().delete()
    Plan.objects.all().delete()
    Exercise.objects.all().delete()
    Reference.objects.all().delete()


@pytest.fixture
def content_editor(db) -> User:
    user = User.objects.create_user("editor", password="a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name="Content editor"))
    return user


@pytest.fixture
def staff_client(client, content_editor):
    client.force_login(content_editor)
    return client
