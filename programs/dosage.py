"""How a dose (sets, reps, holds, rest) reads on a page and in a calendar."""

from django.core.validators import RegexValidator

# "8", "6-8" or one figure per set such as "12/10/8".
reps_validator = RegexValidator(
    r"^\d{1,3}(-\d{1,3})?(/\d{1,3}(-\d{1,3})?)*$",
    "Write reps as a number (8), a range (6-8) or one figure per set (12/10/8).",
)


def _and_join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def describe_dose(
    *,
    sets: int | None = None,
    reps: str = "",
    hold_seconds: int | None = None,
    hold_seconds_max: int | None = None,
    rest_seconds: int | None = None,
    per_side: bool = False,
) -> str:
    """A dose in plain words, e.g. "3 sets of 12, 10 and 8 reps, rest 90 seconds between sets"."""
    side = " each side" if per_side else ""
    if hold_seconds:
        hold = (
            f"{hold_seconds} to {hold_seconds_max} seconds"
            if hold_seconds_max and hold_seconds_max != hold_seconds
            else f"{hold_seconds} seconds"
        )
        if reps:
            text = f"Hold for {hold}{side}, relax, and repeat {reps} times"
            if sets and sets > 1:
                text = f"{sets} rounds: " + text[0].lower() + text[1:]
        else:
            count = sets or 1
            text = f"{count} hold{'s' if count > 1 else ''} of {hold}{side}"
    elif reps and "/" in reps:
        per_set = reps.split("/")
        text = f"{sets or len(per_set)} sets of {_and_join(per_set)} reps{side}"
    elif reps:
        text = f"{sets} sets of {reps} reps{side}" if sets else f"{reps} reps{side}"
    else:
        text = f"{sets} sets{side}" if sets else ""
    if rest_seconds and text:
        text += f", rest {rest_seconds} seconds between {'sets' if sets else 'repeats'}"
    return text
