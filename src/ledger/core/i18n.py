"""Clerk-facing text in three languages.

Each module keeps its own catalog next to the code that raises the message and
registers it here, so a message and its translations are reviewed together.
"""

from __future__ import annotations

LANGUAGES = ("zh-Hans", "zh-Hant", "en")
DEFAULT_LANGUAGE = "zh-Hans"

_CATALOG: dict[str, dict[str, str]] = {}


def register(catalog: dict[str, dict[str, str]]) -> None:
    for code, texts in catalog.items():
        missing = [lang for lang in LANGUAGES if texts.get(lang) is None]
        if missing:
            raise ValueError(f"message {code!r} lacks {missing}")
        _CATALOG[code] = texts


def registered() -> dict[str, dict[str, str]]:
    """Every code registered so far with its texts (a copy), for checks of the catalog."""
    return {code: dict(texts) for code, texts in _CATALOG.items()}


def register_by_language(prefix: str, catalog: dict[str, dict[str, str]]) -> None:
    """The same catalog written language first ({lang: {key: text}}), for long blocks of labels that
    read better side by side; registers `prefix.key` for each key."""
    keys = dict.fromkeys(k for texts in catalog.values() for k in texts)
    register({f"{prefix}.{key}": {lang: catalog.get(lang, {}).get(key) for lang in catalog} for key in keys})


def normalize_language(lang: str | None) -> str:
    """Accept the spellings clerks and scripts use (zh-CN, zh_TW, English...)."""
    if not lang:
        return DEFAULT_LANGUAGE
    key = lang.strip().lower().replace("_", "-")
    if key in ("zh-hant", "zh-tw", "zh-hk", "zh-mo", "繁體中文", "繁体中文", "繁體", "繁体"):
        return "zh-Hant"
    if key in ("en", "en-us", "en-gb", "english", "英文", "英语", "英語"):
        return "en"
    return DEFAULT_LANGUAGE


def text(code: str, lang: str | None = DEFAULT_LANGUAGE, **params: object) -> str:
    texts = _CATALOG.get(code)
    if texts is None:
        return code + (" " + repr(params) if params else "")
    template = texts.get(normalize_language(lang)) or texts[DEFAULT_LANGUAGE]
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template
