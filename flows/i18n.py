"""Languages the coach speaks and the bilingual text type."""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

Lang = Literal["it", "en"]
LANGS: tuple[Lang, ...] = get_args(Lang)
DEFAULT_LANG: Lang = "en"


def parse_lang(code: str | None) -> Lang | None:
    """Map a language code such as 'it', 'it-IT' or 'en_GB.UTF-8' to a supported language."""
    if not code:
        return None
    prefix = code.strip().lower()[:2]
    for lang in LANGS:
        if prefix == lang:
            return lang
    return None


class StrictModel(BaseModel):
    """A content model that rejects unknown keys and never changes once loaded."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(StrictModel):
    """One text in every supported language."""

    it: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def __call__(self, lang: Lang) -> str:
        """Return the text in `lang`."""
        return self.it if lang == "it" else self.en
