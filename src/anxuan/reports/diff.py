"""What changed between two versions of a report, for the office's review."""

from difflib import SequenceMatcher


def text_changes(old: str, new: str) -> list[tuple[str, str]]:
    """Segments of the new text as ("same" | "add" | "del", text), by character: Chinese
    has no spaces to diff words by."""
    segments: list[tuple[str, str]] = []
    for op, a1, a2, b1, b2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            segments.append(("same", new[b1:b2]))
            continue
        if op in ("delete", "replace"):
            segments.append(("del", old[a1:a2]))
        if op in ("insert", "replace"):
            segments.append(("add", new[b1:b2]))
    return segments


def value_changes(old: dict[str, str], new: dict[str, str]) -> list[tuple[str, str, str]]:
    """(indicator, before, after) for every indicator whose value differs."""
    return [
        (name, old.get(name, "—"), new.get(name, "—"))
        for name in sorted(set(old) | set(new))
        if old.get(name) != new.get(name)
    ]
