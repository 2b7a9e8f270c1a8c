import pytest

pytestmark = pytest.mark.django_db


def test_home_page_invites_runners_to_book(client):
    response = client.get("/", secure=True)
    assert response.status_code == 200
    assert b'href="/book/"' in response.content
