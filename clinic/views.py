import logging
import sys

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from clinic.middleware import (
    DATABASE_ERRORS,
    database_answers,
    database_failed,
    service_unavailable,
)
from programs.models import Article, Plan

logger = logging.getLogger(__name__)


class HomeView(TemplateView):
    """The home page: the clinic, its latest articles and a featured plan."""

    template_name = "programs/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            latest_articles=Article.objects.published().for_listing()[:3],
            featured_plan=Plan.objects.published().featured(),
            canonical_url=self.request.build_absolute_uri("/"),
            **kwargs,
        )


@never_cache
@require_safe
def healthz(request):
    """200 when the app and its database answer, 503 otherwise (for load balancers)."""
    if not database_answers():
        logger.warning("Health check: database did not answer")
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@require_safe
def robots_txt(request):
    return HttpResponse(render_to_string("robots.txt", request=request), content_type="text/plain")


def server_error(request):
    """500 without the database or context processors: the page must always render.

    A database error raised outside a view (in a middleware, say) is an outage: 503."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_ERRORS):
        database_failed(error)
        return service_unavailable()
    return HttpResponse(render_to_string("500.html"), status=500)
