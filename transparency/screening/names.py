"""Names as the matcher compares them: one spelling per firm name, whatever the source wrote.

`normalise` lowers the case, drops accents, writes Cyrillic and Greek letters in Latin,
removes punctuation (dots inside initials vanish, so "S.A." is "sa"), writes out common
abbreviations, and drops legal-form words (Ltd, Co, LLC, GmbH, S.A. ...), all from
`data/screening.toml`.

>>> normalise("Hoshine Silicon Industry Co., Ltd.")
'hoshine silicon industry'
>>> normalise("HOSHINE SILICON IND CO LTD")
'hoshine silicon industry'
>>> normalise("Société Générale S.A."), normalise("ООО Стройтрансгаз")
('societe generale', 'stroytransgaz')
>>> distinctive("global trading shanghai wanda")
'shanghai wanda'
"""

from __future__ import annotations

import re
import unicodedata

from transparency.screening.config import ScreeningConfig, load

# Cyrillic and Greek to Latin (a plain, common romanisation; lists mix several).
_TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "і": "i",
    "ї": "yi", "є": "ye", "ґ": "g", "ə": "a", "ı": "i", "ß": "ss", "æ": "ae", "ø": "o",
    "œ": "oe", "ð": "d", "þ": "th", "ł": "l", "đ": "d",
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th", "ι": "i",
    "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p", "ρ": "r", "σ": "s",
    "ς": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps", "ω": "o",
}  # fmt: skip
_TABLE = str.maketrans(_TRANSLIT)
_INITIAL_DOTS = re.compile(r"(?<=\b\w)\.(?=\w\b)|(?<=\b\w)\.(?=\s|$|,)")
_NOT_WORD = re.compile(r"[^0-9a-z]+")
_BRACKETED_ALIAS = re.compile(r"\s*[(\[][^)\]]*[)\]]\s*")


def _fold(text: str) -> str:
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKC", text).lower().translate(_TABLE)
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


def normalise(name: str | None, cfg: ScreeningConfig | None = None) -> str:
    """Return the comparable form of a firm name ('' for none)."""
    if not name:
        return ""
    cfg = cfg or load()
    text = _fold(name).replace("&", " and ")
    text = _INITIAL_DOTS.sub("", text)
    text = text.replace("'", "").replace("\u2019", "")
    words = _NOT_WORD.sub(" ", text).split()
    words = [cfg.abbreviations.get(w, w) for w in words]
    kept = [w for w in words if w not in cfg.legal_forms]
    return " ".join(kept if kept else words)


def without_brackets(name: str) -> str:
    """Return the name without bracketed parts ('Acme (Group) Ltd' -> 'Acme Ltd').

    >>> without_brackets("Kashgar Construction Engineering (Group) Co., Ltd.")
    'Kashgar Construction Engineering Co., Ltd.'
    """
    return _BRACKETED_ALIAS.sub(" ", name).strip()


def sort_tokens(normalised: str) -> str:
    """Return the words in alphabetical order (word order then does not count).

    >>> sort_tokens("silicon hoshine industry")
    'hoshine industry silicon'
    """
    return " ".join(sorted(normalised.split()))


def distinctive(normalised: str, cfg: ScreeningConfig | None = None) -> str:
    """Return the words that say which firm it is (common words and one-letter words dropped)."""
    cfg = cfg or load()
    return " ".join(w for w in normalised.split() if w not in cfg.common_words and len(w) > 1)
