"""How typed words match a choice's options by name: exact, one inside the other, or a typo."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from flows.amounts import fold
from flows.content import Option

EXACT = 100.0
LIKELY = 72.0
"""A reading this good but not sure is asked back."""
NAME_IN_ANSWER = 90.0
ANSWER_IN_NAME = 89.0
LONG_WORD = 8
"""A typed word is read as a known one one slip away ("parruchiera"), two from this length;
a swap of two neighbours counts as one slip."""


@dataclass(frozen=True)
class OptionName:
    """One way an option may be named: its label, short form, a synonym, a word in brackets."""

    option_id: str
    tokens: tuple[str, ...]
    synonym: bool
    """One of the option's words: typed whole, a word of it alone says little ("out of town")."""


def tokens(text: str, filler: set[str]) -> list[str]:
    """Return the folded words of text without filler words, unless nothing else is left."""
    words = re.findall(r"\w+", fold(text))
    kept = [word for word in words if word not in filler]
    return kept or words


def names_of(option: Option, filler: set[str]) -> list[OptionName]:
    """Return every name an option may be typed as, in both languages."""
    texts = [option.label.it, option.label.en]
    if option.short is not None:
        texts += [option.short.it, option.short.en]
    for label in (option.label.it, option.label.en):
        main, _, bracket = label.partition("(")
        texts.append(main)
        texts += [part.strip(" .…") for part in bracket.rstrip(")").split(",") if part.strip()]
    named = {tuple(tokens(text, filler)) for text in texts}
    synonyms = {tuple(tokens(word, filler)) for word in option.words.every()} - named
    return [
        OptionName(option.id, words, words in synonyms)
        for words in sorted(named | synonyms)
        if words
    ]


def score_names(
    typed_tokens: list[str], names: list[OptionName], negation: set[str], covering: bool = False
) -> dict[str, float]:
    """Score each option by its best name: exact, contained either way, or close.

    `covering` keeps only names that hold every typed word.
    """
    if not typed_tokens or all(token.isdecimal() for token in typed_tokens):
        return {}  # bare numbers are option numbers or amounts, never part of a name
    typed = " ".join(typed_tokens)
    denied = negation & set(typed_tokens)
    scores: dict[str, float] = {}
    for name in names:
        if not denied <= set(name.tokens):
            continue  # "non subito" is not "subito"
        score = _name_score(typed_tokens, name, covering)
        if score < LIKELY:
            spelled = " ".join(name.tokens)
            score = max(fuzz.ratio(typed, spelled), fuzz.token_sort_ratio(typed, spelled))
        if score > scores.get(name.option_id, 0.0):
            scores[name.option_id] = score
    return {option_id: score for option_id, score in scores.items() if score >= LIKELY}


def respell(folded: str, vocabulary: list[str]) -> str:
    """Write each unknown word as the known word it is a typo of, if one is close enough."""
    known = set(vocabulary)

    def respell_word(match: re.Match[str]) -> str:
        word = match.group()
        if len(word) < 4 or word in known or word.isdecimal() or not vocabulary:
            return word
        slips = 1 if len(word) < LONG_WORD else 2
        found = process.extractOne(word, vocabulary, scorer=OSA.distance, score_cutoff=slips)
        return found[0] if found else word

    return re.sub(r"\w+", respell_word, folded)


def _name_score(typed: list[str], name: OptionName, covering: bool) -> float:
    """Score a name against the typed words: exact, one inside the other, or nothing.

    A name inside a longer answer scores 90 and up by the share of it it explains, below
    certain when under half (`covering` skips it);
    the answer inside a name 89, so one option holding it is taken and two are asked back.
    """
    words = tuple(typed)
    if words == name.tokens:
        return EXACT
    if not covering and _inside(name.tokens, words):
        # The share of the answer the name explains: "ho un bar" is the bar, but "nothing
        # written, just ideas" is not the option whose synonym is "nothing".
        share = len(name.tokens) / len(words)
        return NAME_IN_ANSWER + 9 * share if share >= 0.5 else LIKELY + 10 * share
    if not name.synonym and _inside(words, name.tokens):
        return ANSWER_IN_NAME
    return 0.0


def _inside(part: tuple[str, ...], whole: tuple[str, ...]) -> bool:
    """Return True if `part` appears in `whole` as consecutive words."""
    size = len(part)
    return 0 < size <= len(whole) and any(
        whole[i : i + size] == part for i in range(len(whole) - size + 1)
    )


def alternatives(words: list[str]) -> str:
    """Return a regex alternation of the folded words, longest first so it matches greedily."""
    return "|".join(re.escape(fold(word)) for word in sorted(words, key=len, reverse=True))
