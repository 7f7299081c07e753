"""Every API error speaks Chinese and English. Our own messages are lazy and are rendered in
both languages directly. A message a service or form already rendered (a ValidationError
made with `gettext` in the request's language) is carried to the other language through
the translation catalogue: exact strings by lookup, formatted ones by matching the message
against its msgid (or msgstr) with the placeholders as capture groups."""

import functools
import re

from django.utils.functional import Promise
from django.utils.translation import get_language, override, trans_real

CHINESE, ENGLISH = "zh-hans", "en"
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdifr]|%%")
MIN_LITERAL = 4  # a pattern with less fixed text than this would match too much


def _pattern(source: str) -> tuple[re.Pattern[str], int]:
    parts, literal, seen, position = [], 0, set(), 0
    for match in PLACEHOLDER.finditer(source):
        text = source[position : match.start()]
        parts.append(re.escape(text))
        literal += len(text)
        position = match.end()
        if match.group(0) == "%%":
            parts.append("%")
            continue
        name = match.group(1) or f"_{len(seen)}"
        parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
        seen.add(name)
    parts.append(re.escape(source[position:]))
    literal += len(source) - position
    return re.compile("".join(parts), re.DOTALL), literal


@functools.cache
def _index(target: str) -> tuple[dict[str, str], list[tuple[re.Pattern[str], str]]]:
    """(exact strings, formatted patterns) that carry a message into `target`."""
    try:
        catalogue = trans_real.translation(CHINESE)._catalog  # the merged .mo catalogues
        entries = [
            (msgid, msgstr)
            for msgid, msgstr in catalogue.items()
            if isinstance(msgid, str) and msgid and msgstr and "\x04" not in msgid
        ]
    except AttributeError:  # a future Django without the merged catalogue: no carrying
        entries = []
    pairs = [(msgstr, msgid) if target == ENGLISH else (msgid, msgstr) for msgid, msgstr in entries]
    exact = dict(pairs)
    patterns = []
    for source, result in pairs:
        if PLACEHOLDER.search(source.replace("%%", "")):
            pattern, literal = _pattern(source)
            if literal >= MIN_LITERAL:
                patterns.append((literal, pattern, result))
    patterns.sort(key=lambda item: -item[0])  # the most specific first
    return exact, [(pattern, result) for _literal, pattern, result in patterns]


def _carry(text: str, target: str) -> str:
    exact, patterns = _index(target)
    if text in exact:
        return exact[text]
    for pattern, result in patterns:
        match = pattern.fullmatch(text)
        if match is None:
            continue
        values = match.groupdict()
        order = iter(sorted(k for k in values if k.startswith("_")))

        def fill(placeholder: re.Match[str], values=values, order=order) -> str:
            if placeholder.group(0) == "%%":
                return "%"
            value = values[placeholder.group(1) or next(order)]
            return exact.get(value, value)  # "照片" → "photo" as well

        return PLACEHOLDER.sub(fill, result)
    return text


def both(message: str | Promise) -> tuple[str, str]:
    """(Chinese, English) of a lazy message, or of one already rendered in the active
    language."""
    if isinstance(message, Promise):
        with override(CHINESE):
            chinese = str(message)
        with override(ENGLISH):
            english = str(message)
        return chinese, english
    text = str(message)
    if (get_language() or CHINESE).startswith("zh"):
        return text, _carry(text, ENGLISH)
    return _carry(text, CHINESE), text
