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


def gunicorn_access_line(path: str, referer: str = "-") -> str:
    """The line gunicorn's access log writes with our logger class and its default format."""
    from types import SimpleNamespace

    from gunicorn.config import Config

    from clinic.log_redaction import GunicornLogger

    config = Config()
    config.set("accesslog", "-")
    logger = GunicornLogger(config)
    lines = []
    logger.access_log.handlers[:] = []
    logger.access_log.addHandler(logging.Handler())
    logger.access_log.handlers[0].emit = lambda record: lines.append(record.getMessage())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": referer,
    }
    request = SimpleNamespace(headers=[("REFERER", referer)])
    response = SimpleNamespace(status="200 OK", headers=[], sent=10, response_length=10)
    logger.access(response, request, environ, __import__("datetime").timedelta(seconds=0.01))
    return lines[0]


def test_gunicorns_access_log_redacts_tokens_in_path_and_referer():
    line = gunicorn_access_line("/appointments/s3cr3t/", "https://c.example/appointments/s3cr3t/")
    assert "s3cr3t" not in line
    assert line.count("/appointments/<token>/") == 2
    line = gunicorn_access_line("/privacy/", "https://c.example/appointments/s3cr3t/move/")
    assert "s3cr3t" not in line and "/privacy/" in line


def test_gunicorns_access_log_keeps_ordinary_lines_whole():
    line = gunicorn_access_line("/articles/hamstrings/", "https://c.example/")
    assert '"GET /articles/hamstrings/ HTTP/1.1" 200 10 "https://c.example/"' in line
