"""A side-view stick figure from joint angles, drawn as SVG in the site's colours.

Angles are in degrees, SVG-style: 0 points right (the way the figure faces), 90 down,
-90 up. A pose is placed by putting one named joint at a given point of its panel.
"""

import math
from dataclasses import dataclass, field

BRAND = "#0b5c55"  # --clinic-brand: the near limbs and the body
FAR = "#5e8f8a"  # the far limbs, lighter, for depth
GHOST = "#b9d3cf"  # where the moving part started, in the end panel
ARROW = "#8a5a00"  # the movement (4.9:1 on white)
PROP = "#6c757d"  # floor, bench, bar, box
PANEL = 200  # each panel is 200 wide; start on the left, end on the right
TOP = -24  # room above a figure standing on a step
FLOOR = 182
MIN_ARROW = 30  # a small movement still gets an arrow that can be seen

TORSO, NECK, HEAD_R = 50, 9, 11
UPPER_ARM, FOREARM = 28, 26
THIGH, SHIN, FOOT = 42, 40, 13


@dataclass(frozen=True)
class Pose:
    """Angles of each segment; `anchor` names the joint placed at `at` (x, y)."""

    torso: float = -90
    near_leg: tuple[float, float, float] = (90, 90, 0)  # thigh, shin, foot
    far_leg: tuple[float, float, float] = (90, 90, 0)
    near_arm: tuple[float, float] = (95, 95)  # upper arm, forearm
    far_arm: tuple[float, float] = (85, 85)
    anchor: str = "ankle_f"
    at: tuple[float, float] = (100, FLOOR - 4)
    head_tilt: float = 0  # the head follows the torso unless told otherwise


def _step(point, angle, length):
    radians = math.radians(angle)
    return (point[0] + length * math.cos(radians), point[1] + length * math.sin(radians))


def joints(pose: Pose) -> dict[str, tuple[float, float]]:
    """Every joint's position, with the anchor joint where the pose puts it."""
    hip = (0.0, 0.0)
    points = {"hip": hip}
    points["neck"] = _step(hip, pose.torso, TORSO)
    points["head"] = _step(points["neck"], pose.torso + pose.head_tilt, NECK + HEAD_R)
    for side, (thigh, shin, foot) in (("n", pose.near_leg), ("f", pose.far_leg)):
        points[f"knee_{side}"] = _step(hip, thigh, THIGH)
        points[f"ankle_{side}"] = _step(points[f"knee_{side}"], shin, SHIN)
        points[f"toe_{side}"] = _step(points[f"ankle_{side}"], foot, FOOT)
    for side, (upper, fore) in (("n", pose.near_arm), ("f", pose.far_arm)):
        shoulder = _step(hip, pose.torso, TORSO - 4)
        points[f"elbow_{side}"] = _step(shoulder, upper, UPPER_ARM)
        points[f"hand_{side}"] = _step(points[f"elbow_{side}"], fore, FOREARM)
    points["shoulder"] = _step(hip, pose.torso, TORSO - 4)
    ax, ay = points[pose.anchor]
    dx, dy = pose.at[0] - ax, pose.at[1] - ay
    return {name: (x + dx, y + dy) for name, (x, y) in points.items()}


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _line(points, colour, width=6, extra="") -> str:
    coords = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in points)
    return (
        f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="{width}" '
        f'stroke-linecap="round" stroke-linejoin="round"{extra}/>'
    )


def figure(pose: Pose, offset: float = 0, ghost: bool = False) -> str:
    """The figure's SVG elements; a ghost is drawn thin and pale, dashed."""
    j = {name: (x + offset, y) for name, (x, y) in joints(pose).items()}
    near = GHOST if ghost else BRAND
    far = GHOST if ghost else FAR
    width = 3 if ghost else 6
    extra = ' stroke-dasharray="4 5"' if ghost else ""
    parts = [
        _line([j["shoulder"], j["elbow_f"], j["hand_f"]], far, width, extra),
        _line([j["hip"], j["knee_f"], j["ankle_f"], j["toe_f"]], far, width, extra),
        _line([j["hip"], j["neck"]], near, width + 1, extra),
        _line([j["hip"], j["knee_n"], j["ankle_n"], j["toe_n"]], near, width, extra),
        _line([j["shoulder"], j["elbow_n"], j["hand_n"]], near, width, extra),
    ]
    hx, hy = j["head"]
    fill = "none" if ghost else near
    parts.append(
        f'<circle cx="{_fmt(hx)}" cy="{_fmt(hy)}" r="{HEAD_R}" fill="{fill}" '
        f'stroke="{near}" stroke-width="{2 if ghost else 3}"{extra}/>'
    )
    return "".join(parts)


def arrow(start, end, bend: float = 0.0) -> str:
    """A curved arrow from start to end; `bend` pushes its middle sideways (pixels)."""
    (x1, y1), (x2, y2) = start, end
    mx, my = (x1 + x2) / 2, (y1 + y2) / 2
    length = math.hypot(x2 - x1, y2 - y1) or 1
    cx, cy = mx - bend * (y2 - y1) / length, my + bend * (x2 - x1) / length
    return (
        f'<path d="M{_fmt(x1)} {_fmt(y1)} Q{_fmt(cx)} {_fmt(cy)} {_fmt(x2)} {_fmt(y2)}" '
        f'fill="none" stroke="{ARROW}" stroke-width="3" marker-end="url(#head)"/>'
    )


@dataclass
class Drawing:
    """Two panels: the start position, then the end position with arrows."""

    start: Pose
    end: Pose
    # (joint, bend, sideways): an arrow from where the joint starts to where it ends, in the
    # end panel, curved by `bend` and drawn `sideways` pixels to the right of the joint
    moves: list[tuple] = field(default_factory=list)
    # props as functions of (start joints, end joints) returning SVG for both panels
    props: list = field(default_factory=list)
    ghost: bool = True

    def svg(self) -> str:
        start_joints = joints(self.start)
        end_joints = joints(self.end)
        body = [
            f'<line x1="6" y1="{FLOOR}" x2="{2 * PANEL - 6}" y2="{FLOOR}" stroke="{PROP}" '
            'stroke-width="2"/>',
            f'<line x1="{PANEL}" y1="{TOP + 10}" x2="{PANEL}" y2="{FLOOR - 14}" stroke="#dee2e6" '
            'stroke-width="2"/>',
        ]
        for prop in self.props:
            body.append(prop(start_joints, 0))
            body.append(prop(end_joints, PANEL))
        body.append(figure(self.start))
        if self.ghost:
            body.append(figure(self.start, PANEL, ghost=True))
        body.append(figure(self.end, PANEL))
        for name, bend, sideways in [(*move, 0)[:3] for move in self.moves]:
            (x1, y1), (x2, y2) = start_joints[name], end_joints[name]
            x1, x2 = x1 + PANEL + sideways, x2 + PANEL + sideways
            length = math.hypot(x2 - x1, y2 - y1) or 1
            ux, uy = (x2 - x1) / length, (y2 - y1) / length
            if length < MIN_ARROW:
                grow = (MIN_ARROW - length) / 2
                x1, y1, x2, y2 = x1 - ux * grow, y1 - uy * grow, x2 + ux * grow, y2 + uy * grow
            else:  # stop short of the joint, so the arrowhead does not hide it
                shorten = min(14, length / 3)
                x2, y2 = x2 - ux * shorten, y2 - uy * shorten
            body.append(arrow((x1, y1), (x2, y2), bend))
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" '
            f'viewBox="0 {TOP} {2 * PANEL} {PANEL - TOP}" width="{2 * PANEL}" '
            f'height="{PANEL - TOP}">'
            '<defs><marker id="head" viewBox="0 0 10 10" refX="7" refY="5" markerWidth="4" '
            f'markerHeight="4" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" '
            f'fill="{ARROW}"/></marker></defs>' + "".join(body) + "</svg>\n"
        )


# Props: each takes a pose's joints and the panel's offset, and returns SVG.


def bench_under(joint: str, width: float = 50, behind: float = 12):
    def draw(j, offset):
        x, y = j[joint]
        top = y + 5
        left = x + offset - behind
        return (
            f'<rect x="{_fmt(left)}" y="{_fmt(top)}" width="{width}" height="7" rx="2" '
            f'fill="none" stroke="{PROP}" stroke-width="2"/>'
            f'<line x1="{_fmt(left + 6)}" y1="{_fmt(top + 7)}" x2="{_fmt(left + 6)}" '
            f'y2="{FLOOR}" stroke="{PROP}" stroke-width="2"/>'
            f'<line x1="{_fmt(left + width - 6)}" y1="{_fmt(top + 7)}" '
            f'x2="{_fmt(left + width - 6)}" y2="{FLOOR}" stroke="{PROP}" stroke-width="2"/>'
        )

    return draw


def box_under(joint: str, width: float = 60, behind: float = 14):
    def draw(j, offset):
        x, y = j[joint]
        top = y + 5
        return (
            f'<rect x="{_fmt(x + offset - behind)}" y="{_fmt(top)}" width="{width}" '
            f'height="{_fmt(FLOOR - top)}" fill="none" stroke="{PROP}" stroke-width="2"/>'
        )

    return draw


def pad_under(joint: str, width: float = 34):
    def draw(j, offset):
        x, _ = j[joint]
        return (
            f'<rect x="{_fmt(x + offset - width / 2)}" y="{FLOOR - 4}" width="{width}" '
            f'height="4" rx="2" fill="{PROP}"/>'
        )

    return draw


def slider_under(joint: str):
    def draw(j, offset):
        x, _ = j[joint]
        return f'<ellipse cx="{_fmt(x + offset)}" cy="{FLOOR - 2}" rx="11" ry="3" fill="{PROP}"/>'

    return draw


def bar_over(joint: str):
    """A fixed bar (or a partner's hands) holding the heels down."""

    def draw(j, offset):
        x, y = j[joint]
        return f'<circle cx="{_fmt(x + offset)}" cy="{_fmt(y - 9)}" r="5" fill="{PROP}"/>'

    return draw


def weight_in(joint: str):
    def draw(j, offset):
        x, y = j[joint]
        return (
            f'<rect x="{_fmt(x + offset - 8)}" y="{_fmt(y - 3)}" width="16" height="7" rx="2" '
            f'fill="{PROP}"/>'
        )

    return draw


def rail_at(x: float, height: float = 95):
    """A support to hold: a chair back or a rail, at a fixed place in the panel."""

    def draw(j, offset):
        top = FLOOR - height
        return (
            f'<line x1="{_fmt(x + offset)}" y1="{_fmt(top)}" x2="{_fmt(x + offset)}" '
            f'y2="{FLOOR}" stroke="{PROP}" stroke-width="3"/>'
            f'<line x1="{_fmt(x + offset - 12)}" y1="{_fmt(top)}" x2="{_fmt(x + offset + 4)}" '
            f'y2="{_fmt(top)}" stroke="{PROP}" stroke-width="3" stroke-linecap="round"/>'
        )

    return draw


def wall_at(x: float):
    def draw(j, offset):
        return (
            f'<line x1="{_fmt(x + offset)}" y1="20" x2="{_fmt(x + offset)}" y2="{FLOOR}" '
            f'stroke="{PROP}" stroke-width="3"/>'
        )

    return draw


def step_at(x: float, width: float = 60, height: float = 14):
    def draw(j, offset):
        return (
            f'<rect x="{_fmt(x + offset)}" y="{FLOOR - height}" width="{width}" '
            f'height="{height}" fill="none" stroke="{PROP}" stroke-width="2"/>'
        )

    return draw
