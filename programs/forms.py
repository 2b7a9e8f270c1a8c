from datetime import date

from django import forms

from .models import Exercise
from .models.choices import Level

ANY = [("", "Any")]


class ExerciseFilterForm(forms.Form):
    """The library's filters; a plain GET form, so it works without JavaScript."""

    category = forms.ChoiceField(choices=ANY + list(Exercise.Category.choices), required=False)
    equipment = forms.ChoiceField(required=False)
    muscle = forms.ChoiceField(label="Target muscle", required=False)
    tag = forms.ChoiceField(label="Topic", required=False)

    def __init__(self, *args, equipment=(), muscles=(), tags=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Choices come from lists the view loaded once: checking and drawing cost no queries.
        self.fields["equipment"].choices = ANY + [(e.slug, e.name) for e in equipment]
        self.fields["muscle"].choices = ANY + [(m.slug, m.name) for m in muscles]
        self.fields["tag"].choices = ANY + [(t.slug, t.name) for t in tags]

    def filter(self, exercises):
        """The exercises matching the valid filters (all of them when nothing is chosen)."""
        if not self.is_valid():
            return exercises
        if category := self.cleaned_data["category"]:
            exercises = exercises.filter(category=category)
        if equipment := self.cleaned_data["equipment"]:
            exercises = exercises.filter(equipment__slug=equipment)
        if muscle := self.cleaned_data["muscle"]:
            exercises = exercises.filter(target_muscles__slug=muscle)
        if tag := self.cleaned_data["tag"]:
            exercises = exercises.filter(tags__slug=tag)
        return exercises


class PlanFilterForm(forms.Form):
    level = forms.ChoiceField(choices=ANY + list(Level.choices), required=False)

    def filter(self, plans):
        if self.is_valid() and (level := self.cleaned_data["level"]):
            plans = plans.filter(level=level)
        return plans


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search articles, exercises and plans",
        max_length=200,
        required=False,
        widget=forms.SearchInput,
    )


class CalendarStartForm(forms.Form):
    start = forms.DateField(
        label="First day of the plan",
        help_text="As a date, for example 2026-01-05.",
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "invalid": "Give the start as a date written YYYY-MM-DD.",
            "required": "Give the first day of the plan as ?start=YYYY-MM-DD.",
        },
    )

    def clean_start(self) -> date:
        start = self.cleaned_data["start"]
        if not 2000 <= start.year <= 2100:
            raise forms.ValidationError("Give a start date between the years 2000 and 2100.")
        return start
