from __future__ import annotations

import pytest

from flows.coach import Coach, load_checked_content
from flows.content import Content


@pytest.fixture(scope="session")
def content() -> Content:
    return load_checked_content()


@pytest.fixture
def coach(content: Content) -> Coach:
    return Coach(content)
