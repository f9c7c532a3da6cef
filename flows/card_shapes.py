"""What a card page is made of: shapes, lines of text, blocks, and the pen that builds a block."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from flows.card_style import RGB, Type
from flows.card_wrap import Wrapped

CHROME = -1
"""The paragraph number of a page's own lines (band, page number): no text of the card."""


@dataclass(frozen=True)
class Run:
    """One drawn line of text, and which text of the card (its paragraph) it is part of."""

    text: str
    x: int
    y: int
    type: Type
    paragraph: int
    broken: bool = False
    """A word too long for a line goes on from this line's end onto the next."""


ShapeKind = Literal["rect", "round", "ellipse", "box"]


@dataclass(frozen=True)
class Shape:
    """A rectangle, rounded rectangle, ellipse or outlined box."""

    kind: ShapeKind
    box: tuple[int, int, int, int]
    fill: RGB | None
    outline: RGB | None = None
    radius: int = 0

    def moved(self, dy: int) -> Shape:
        """Return the shape moved down by dy."""
        left, top, right, bottom = self.box
        return replace(self, box=(left, top + dy, right, bottom + dy))


@dataclass(frozen=True)
class Block:
    """Shapes and lines drawn from a top of 0; pages stack blocks and never split one."""

    height: int
    shapes: tuple[Shape, ...]
    runs: tuple[Run, ...]
    gap: int
    """Space above the block, unless it opens a page."""
    keep_with_next: bool = False
    context: str = ""
    """Where in the card the block is (section, subheading), for a page that opens with it."""


@dataclass
class PageLayout:
    """One page: its number, its height and everything drawn on it, in drawing order."""

    number: int
    total: int
    height: int
    shapes: list[Shape] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        """Return the drawn lines of text, top to bottom."""
        return [run.text for run in self.runs]

    def place(self, block: Block, y: int) -> None:
        """Add a block with its top at y."""
        self.shapes += [shape.moved(y) for shape in block.shapes]
        self.runs += [replace(run, y=run.y + y) for run in block.runs]


class Pen:
    """Builds one block: writes lines and shapes downwards from a top of 0."""

    def __init__(self, y: int = 0) -> None:
        self.y = y
        self.shapes: list[Shape] = []
        self.runs: list[Run] = []

    def write(self, lines: Wrapped, style: Type, x: int, paragraph: int) -> None:
        """Write lines at x from the pen down, and move the pen below them."""
        for text, broken in lines:
            self.runs.append(Run(text, x, self.y, style, paragraph, broken))
            self.y += style.step

    def under(self, shape: Shape) -> None:
        """Add a shape beneath those already added (a panel sized after its text)."""
        self.shapes.insert(0, shape)

    def over(self, shape: Shape) -> None:
        """Add a shape above those already added."""
        self.shapes.append(shape)

    def block(self, gap: int, *, keep_with_next: bool = False) -> Block:
        """Return what was drawn as a block as tall as the pen went."""
        return Block(self.y, tuple(self.shapes), tuple(self.runs), gap, keep_with_next)
