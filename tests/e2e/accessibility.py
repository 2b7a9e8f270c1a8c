"""axe-core (from npm) run inside the page by Playwright, on WCAG 2.2 A and AA rules."""

from pathlib import Path

AXE_JS = Path(__file__).with_name("node_modules") / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page) -> list[dict]:
    """The axe violations of the page as it is now (the page's CSP does not apply to us)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, so the site's strict CSP is untouched.
        page.evaluate(AXE_JS.read_text() + "\n;undefined")
    return page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                      resultTypes: ['violations']})
                      .then(result => result.violations)""",
        WCAG_TAGS,
    )


def describe(violations: list[dict]) -> str:
    """One readable block per rule: what it is, and each offending element."""
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}\n"
            f"  {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            lines.append(f"       {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"       {summary[:300]}")
    return "\n".join(lines)
