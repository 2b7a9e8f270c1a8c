"""Effort targets on the Borg CR10 scale: a number from 0 to 10, and what it feels like."""

# Plain-English words for each point of the scale, after Borg's CR10 anchors
# (0 nothing at all, 3 moderate, 5 strong, 7 very strong, 10 maximal).
CR10_WORDS = {
    0: "nothing at all",
    1: "very light",
    2: "light",
    3: "moderate",
    4: "somewhat hard",
    5: "hard",
    6: "hard",
    7: "very hard",
    8: "very hard",
    9: "extremely hard",
    10: "maximal",
}
# How many more reps a runner could do at the end of a set (for exercises done in reps).
RESERVE = {
    3: "you could keep going for a long time",
    4: "plenty left in you",
    5: "four or five reps left in you",
    6: "three or four reps left in you",
    7: "two or three reps left in you",
    8: "one or two reps left in you",
    9: "one rep left at most",
    10: "nothing left",
}


def describe_effort(
    low: int | None, high: int | None = None, *, name_scale: bool = True, in_reps: bool = True
) -> str:
    """An effort target in words, e.g. "effort 6-7 of 10 (Borg CR10): hard to very hard,
    two or three reps left in you". Without `name_scale` where the page names it once."""
    if low is None:
        return ""
    high = low if high is None else high
    figures = str(low) if low == high else f"{low}-{high}"
    words = (
        CR10_WORDS[low]
        if CR10_WORDS[low] == CR10_WORDS[high]
        else (f"{CR10_WORDS[low]} to {CR10_WORDS[high]}")
    )
    scale = " (Borg CR10)" if name_scale else ""
    text = f"effort {figures} of 10{scale}: {words}"
    if in_reps and (reserve := RESERVE.get(high)):
        text += f", {reserve}"
    return text
