"""JSON-LD for search engines: what each page is, in schema.org's words."""

from collections.abc import Callable
from typing import Any

from django.templatetags.static import static

from clinic.models import WEEKDAYS, ClinicDetails

from .models import Article, Exercise, Plan

JsonLd = dict[str, Any]
# Turns a site path into an absolute URL (request.build_absolute_uri).
Absolute = Callable[[str], str]


def for_article(article: Article, absolute: Absolute) -> JsonLd:
    data: JsonLd = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": article.title,
        "description": article.page_description,
        "author": {"@type": "Person", "name": article.author},
        "publisher": {
            "@type": "MedicalClinic",
            "name": ClinicDetails.current().name,
            "logo": {"@type": "ImageObject", "url": absolute(static("img/logo.png"))},
        },
        "image": absolute(static("img/social.png")),
        "datePublished": article.published_at.isoformat() if article.published_at else None,
        "dateModified": article.updated_at.isoformat(),
        "mainEntityOfPage": absolute(article.get_absolute_url()),
        "keywords": [tag.name for tag in article.tags.all()],
    }
    if article.hero_image:
        data["image"] = absolute(article.hero_image.url)
    return data


def for_exercise(exercise: Exercise, absolute: Absolute) -> JsonLd:
    image = exercise.image.url if exercise.image else exercise.illustration_url
    return {
        "@context": "https://schema.org",
        "@type": "HowTo",
        "name": exercise.name,
        "description": exercise.summary,
        "url": absolute(exercise.get_absolute_url()),
        "image": absolute(image) if image else None,
        "tool": [{"@type": "HowToTool", "name": e.name} for e in exercise.equipment.all()],
        "step": [
            {"@type": "HowToStep", "position": n, "text": text}
            for n, text in enumerate(exercise.step_list, start=1)
        ],
    }


def for_plan(plan: Plan, absolute: Absolute) -> JsonLd:
    return {
        "@context": "https://schema.org",
        "@type": "ExercisePlan",
        "name": plan.title,
        "description": plan.summary,
        "url": absolute(plan.get_absolute_url()),
        "audience": {"@type": "PeopleAudience", "audienceType": plan.audience},
        "educationalLevel": plan.get_level_display(),
        "activityDuration": f"P{plan.duration_weeks}W",
        "activityFrequency": f"Up to {plan.sessions_per_week} sessions a week",
        "exerciseType": "Strength training",
        "citation": [
            {"@type": "CreativeWork", "name": r.citation, "url": r.link} for r in plan.references
        ],
    }


def for_clinic(clinic: ClinicDetails, absolute: Absolute) -> JsonLd:
    return {
        "@context": "https://schema.org",
        "@type": "MedicalClinic",
        "name": clinic.name,
        "url": absolute("/"),
        "telephone": clinic.international_phone,
        "email": clinic.email,
        "logo": absolute(static("img/logo.png")),
        "image": absolute(static("img/social.png")),
        "medicalSpecialty": "Physiotherapy",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": clinic.street_address,
            "addressLocality": clinic.locality,
            "postalCode": clinic.postcode,
            "addressCountry": "GB",
        },
        "openingHoursSpecification": [
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": [
                    f"https://schema.org/{WEEKDAYS[day]}" for day in range(first, last + 1)
                ],
                "opens": f"{opens:%H:%M}",
                "closes": f"{closes:%H:%M}",
            }
            for first, last, intervals in clinic.opening_week
            for opens, closes in intervals
        ],
    }


BUILDERS = {Article: for_article, Exercise: for_exercise, Plan: for_plan, ClinicDetails: for_clinic}


def json_ld(obj: Article | Exercise | Plan | ClinicDetails, absolute: Absolute) -> JsonLd:
    """The JSON-LD for an article, exercise, plan or the clinic; None values left out."""
    data = BUILDERS[type(obj)](obj, absolute)
    return {key: value for key, value in data.items() if value not in (None, [], "")}
