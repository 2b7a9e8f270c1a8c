import logging

from clinic.log_redaction import RedactPrivateLinks, redact


def django_request_warning(path: str) -> logging.LogRecord:
    return logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Conflict: %s", (path,), None
    )


def test_a_request_warning_for_an_appointment_page_logs_no_token():
    record = django_request_warning("/appointments/s3cr3tT0ken-_x/move/2026-12-01T10:00/")
    RedactPrivateLinks().filter(record)
    assert record.getMessage() == "Conflict: /appointments/<token>/move/2026-12-01T10:00/"


def test_other_log_messages_are_left_alone():
    record = django_request_warning("/book/follow-up/")
    RedactPrivateLinks().filter(record)
    assert (record.msg, record.args) == ("Conflict: %s", ("/book/follow-up/",))


def test_access_log_lines_lose_the_token_in_path_and_referer():
    line = 'GET /appointments/abc123/ HTTP/1.1 "https://clinic.example/appointments/abc123/move/"'
    assert "abc123" not in redact(line)


def test_the_site_log_handler_redacts_private_links():
    handlers = logging.getLogger().handlers
    assert any(isinstance(f, RedactPrivateLinks) for handler in handlers for f in handler.filters)


def test_the_development_servers_access_log_redacts_private_links_too():
    handlers = logging.getLogger("django.server").handlers
    assert any(isinstance(f, RedactPrivateLinks) for handler in handlers for f in handler.filters)
