from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.views.generic import DetailView, ListView, TemplateView

from clinic.models import ClinicDetails

from .calendar import plan_calendar
from .forms import CalendarStartForm, ExerciseFilterForm, PlanFilterForm, SearchForm
from .load import chart_bars, chart_scale, weekly_load
from .models import Article, Equipment, Exercise, Muscle, Plan, Tag
from .publishing import can_preview, preview_notice
from .related import exercises_in_plan, related_to_article, related_to_exercise, related_to_plan
from .search import search


class PreviewMixin:
    """Public pages show published content; staff may preview the rest (with a banner)."""

    def get_queryset(self):
        content = self.model.objects.for_page()
        if can_preview(self.request.user, self.model):
            return content
        return content.published()

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        preview = getattr(self, "object", None)
        if preview is not None and not preview.is_public:  # no shared cache may keep it
            patch_cache_control(response, private=True, no_cache=True)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["canonical_url"] = self.request.build_absolute_uri(self.object.get_absolute_url())
        context["preview_notice"] = preview_notice(self.object)
        image = getattr(self.object, "hero_image", None) or getattr(self.object, "image", None)
        if image:
            context["og_image"] = self.request.build_absolute_uri(image.url)
        return context


class ConditionalGetMixin:
    """Answers 304 Not Modified when the reader's copy is still current (Last-Modified)."""

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        timestamp = int(self.object.last_modified.timestamp())
        response = get_conditional_response(request, last_modified=timestamp)
        if response is None:
            response = self.render_to_response(self.get_context_data(object=self.object))
        response.headers["Last-Modified"] = http_date(timestamp)
        # Browsers keep the page but check back each time, so an edit shows at once.
        patch_cache_control(response, no_cache=True)
        return response


class ListPageMixin:
    """A listing's canonical URL: its path (filters are views of it), and its page number."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        path = self.request.path
        page = context.get("page_obj")
        if page is not None and page.number > 1:
            path += f"?page={page.number}"
        context["canonical_url"] = self.request.build_absolute_uri(path)
        return context


class ArticleListView(ListPageMixin, ListView):
    template_name = "programs/article_list.html"
    context_object_name = "articles"
    paginate_by = 12

    def get_queryset(self):
        return Article.objects.published().for_listing()

    def get_context_data(self, **kwargs):
        topics = Tag.objects.filter(articles__in=Article.objects.published()).distinct()
        return super().get_context_data(topics=list(topics), **kwargs)


class ArticleDetailView(ConditionalGetMixin, PreviewMixin, DetailView):
    model = Article
    template_name = "programs/article_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(related=related_to_article(self.object), **kwargs)


class TagDetailView(ListPageMixin, TemplateView):
    """A topic's page: its articles, and the exercises and plans on the same topic."""

    template_name = "programs/tag_detail.html"

    def get_context_data(self, **kwargs):
        tag = get_object_or_404(Tag, slug=kwargs["slug"])
        articles = list(Article.objects.published().filter(tags=tag).for_listing())
        exercises = list(Exercise.objects.published().filter(tags=tag).order_by("name"))
        plans = list(Plan.objects.published().filter(tags=tag).for_listing())
        if not (articles or exercises or plans):
            raise Http404("Nothing published on this topic yet.")
        return super().get_context_data(
            tag=tag, articles=articles, exercises=exercises, plans=plans, **kwargs
        )


class ExerciseListView(ListPageMixin, ListView):
    template_name = "programs/exercise_list.html"
    context_object_name = "exercises"

    def get_queryset(self):
        self.filter_form = ExerciseFilterForm(
            self.request.GET or None,
            equipment=list(Equipment.objects.all()),
            muscles=list(Muscle.objects.all()),
            tags=list(Tag.objects.filter(exercises__is_published=True).distinct()),
        )
        return self.filter_form.filter(Exercise.objects.published().for_listing()).distinct()

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter_form=self.filter_form, **kwargs)


class ExerciseDetailView(PreviewMixin, DetailView):
    model = Exercise
    template_name = "programs/exercise_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(related=related_to_exercise(self.object), **kwargs)


class PlanListView(ListPageMixin, ListView):
    template_name = "programs/plan_list.html"
    context_object_name = "plans"

    def get_queryset(self):
        self.filter_form = PlanFilterForm(self.request.GET or None)
        return self.filter_form.filter(Plan.objects.published().for_listing())

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter_form=self.filter_form, **kwargs)


class PlanDetailView(ConditionalGetMixin, PreviewMixin, DetailView):
    model = Plan
    template_name = "programs/plan_detail.html"

    def get_context_data(self, **kwargs):
        weeks = weekly_load(self.object)
        return super().get_context_data(
            calendar_form=CalendarStartForm(),
            load_weeks=weeks,
            load_bars=chart_bars(weeks),
            load_scale=chart_scale(weeks),
            load_has_effort=any(week.effort for week in weeks),
            load_has_easier_weeks=any(week.is_easier for week in weeks),
            plan_exercises=exercises_in_plan(self.object),
            related=related_to_plan(self.object),
            **kwargs,
        )


class PlanCalendarView(PreviewMixin, DetailView):
    """The plan as an .ics file, from the start date the runner chose."""

    model = Plan

    def get(self, request, *args, **kwargs):
        form = CalendarStartForm(request.GET)
        if not form.is_valid():
            message = " ".join(form.errors["start"])
            return HttpResponseBadRequest(
                f"{message}\nFor example: ?start=2026-01-05\n", content_type="text/plain"
            )
        plan = self.get_object()
        start = form.cleaned_data["start"]
        body = plan_calendar(
            plan,
            start,
            plan_url=request.build_absolute_uri(plan.get_absolute_url()),
            organiser=ClinicDetails.current().name,
        )
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        filename = f"{plan.slug}-from-{start.isoformat()}.ics"
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class SearchView(TemplateView):
    template_name = "programs/search.html"

    def get_context_data(self, **kwargs):
        form = SearchForm(self.request.GET or None)
        query = form.cleaned_data["q"] if form.is_valid() else ""
        return super().get_context_data(
            form=form,
            query=query,
            results=search(query),
            canonical_url=self.request.build_absolute_uri(self.request.path),
            **kwargs,
        )
