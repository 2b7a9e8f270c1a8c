"""Moving through a page with the Tab key only, as a keyboard user does."""

FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(),
    type: el.type || "",
    name: el.name || "",
    href: el.getAttribute("href") || "",
    text: (el.innerText || el.value || "").trim(),
    label: el.labels && el.labels.length ? el.labels[0].innerText.trim() : "",
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
    shadow: style.boxShadow !== "none",
  };
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUSED)


def tab_to(page, matches, limit: int = 120) -> dict:
    """Press Tab until the focused element satisfies `matches(info)`; fail after `limit` stops.

    Also checks that every element reached this way shows where the focus is.
    """
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = focused(page)
        seen.append(info["text"][:30] or info["name"] or info["tag"])
        if matches(info):
            assert info["outline"] or info["shadow"], f"no visible focus on {info}"
            return info
    raise AssertionError(f"never reached the element after {limit} Tabs; went through: {seen}")
