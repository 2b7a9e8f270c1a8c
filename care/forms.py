"""The patient's forms: logging a session of their programme, and the intake form."""

from __future__ import annotations

from datetime import date

from django import forms

from .models import IntakeQuestion, Programme, SessionLog

SCALE = [("", "Choose")] + [(n, str(n)) for n in range(11)]
SELECT = forms.Select(attrs={"class": "form-select care-scale"})
RADIO = forms.RadioSelect(attrs={"class": "form-check-input"})


class SessionLogForm(forms.ModelForm):
    performed_on = forms.DateField(
        label="Day you did it",
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Please give the day you did the session.",
            "invalid": "Please give the day as a date, like 2026-03-02.",
        },
    )
    completion = forms.ChoiceField(
        label="How much of the session did you do?",
        choices=SessionLog.Completion.choices,
        widget=RADIO,
        error_messages={"required": "Please say whether you did all of it or part of it."},
    )
    pain = forms.TypedChoiceField(
        label="Pain during or after, 0 (none) to 10 (the worst)",
        choices=SCALE,
        coerce=int,
        widget=SELECT,
        error_messages={"required": "Please choose your pain from 0 to 10."},
    )
    effort = forms.TypedChoiceField(
        label="How hard it felt, 0 (nothing) to 10 (all-out)",
        choices=SCALE,
        coerce=int,
        widget=SELECT,
        error_messages={"required": "Please choose how hard it felt, from 0 to 10."},
    )
    note = forms.CharField(
        label="A short note (optional)",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        help_text="For example what was hard, or where it hurt. Up to 200 characters.",
    )

    class Meta:
        model = SessionLog
        fields = ["performed_on", "completion", "pain", "effort", "note"]

    def __init__(self, *args, programme: Programme, today: date, **kwargs):
        self.programme, self.today = programme, today
        super().__init__(*args, initial={"performed_on": today}, **kwargs)

    def clean_performed_on(self) -> date:
        day = self.cleaned_data["performed_on"]
        if day > self.today:
            raise forms.ValidationError("That day has not come yet: log a session once done.")
        if day < self.programme.start_date:
            raise forms.ValidationError(
                f"Your programme starts on {self.programme.start_date:%-d %B %Y}."
            )
        if day > self.programme.end_date:
            raise forms.ValidationError(
                f"Your programme ended on {self.programme.end_date:%-d %B %Y}."
            )
        return day


YES_NO = [("yes", "Yes"), ("no", "No")]


class IntakeForm(forms.Form):
    """One field per active question, in the clinic's order (``question_<pk>``)."""

    def __init__(self, *args, questions: list[IntakeQuestion], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[f"question_{question.pk}"] = self._field(question)

    @staticmethod
    def _field(question: IntakeQuestion) -> forms.Field:
        common = {
            "label": question.text,
            "required": question.required,
            "help_text": question.help_text,
            "error_messages": {"required": "Please answer this question."},
        }
        Kind = IntakeQuestion.Kind
        if question.kind == Kind.YES_NO:
            return forms.ChoiceField(choices=YES_NO, widget=RADIO, **common)
        if question.kind == Kind.LONG:
            return forms.CharField(
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
                **common,
            )
        return forms.CharField(
            max_length=200, widget=forms.TextInput(attrs={"class": "form-control"}), **common
        )

    def answers(self) -> list[tuple[IntakeQuestion, str]]:
        return [
            (question, self.cleaned_data.get(f"question_{question.pk}") or "")
            for question in self.questions
        ]
