"""Fill empty (or fuzzy) msgstr entries of a .po file from a TSV of `msgid<TAB>msgstr` lines.

Used by `make messages` after `makemessages`: the TSV (zh_Hans.tsv) is the reviewed
translation memory; entries already translated in the .po are left alone.
"""

import re
import sys
from pathlib import Path


def unquote(lines: list[str]) -> str:
    return "".join(
        bytes(m, "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")
        for m in (
            re.match(r'^(?:msgid_plural |msgid |msgstr(?:\[\d\])? )?"(.*)"$', x).group(1)
            for x in lines
        )
    )


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def main(po_path: str, tsv_path: str) -> int:
    memory = {}
    for line in Path(tsv_path).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            source, target = line.split("\t", 1)
            if source in memory:
                sys.exit(f"{tsv_path}: {source!r} is listed twice")
            memory[source] = target
    blocks = Path(po_path).read_text(encoding="utf-8").split("\n\n")
    missing = []
    out = []
    for block in blocks:
        lines = block.split("\n")
        keys = [i for i, x in enumerate(lines) if re.match(r"^(msgid|msgid_plural|msgstr)", x)]
        if not keys:
            out.append(block)
            continue
        parts: dict[str, list[str]] = {}
        head = lines[: keys[0]]
        current = None
        for x in lines[keys[0] :]:
            m = re.match(r"^(msgid_plural|msgid|msgstr(?:\[\d\])?) ", x)
            if m:
                current = m.group(1)
                parts[current] = [x]
            elif current and x.strip():
                parts[current].append(x)
        msgid = unquote(parts["msgid"])
        if not msgid:
            out.append(block)
            continue
        plural = "msgid_plural" in parts
        # makemessages guesses "fuzzy" translations from similar strings; never trust them.
        fuzzy = any(x.startswith("#,") and "fuzzy" in x for x in head)
        head = [
            x for x in head if not x.startswith("#|") and not (x.startswith("#,") and "fuzzy" in x)
        ]
        done = unquote(parts.get("msgstr[0]" if plural else "msgstr", ['""']))
        if done and not fuzzy:
            out.append(block)
            continue
        target = memory.get(msgid)
        if target is None:
            missing.append(msgid)
            out.append(block)
            continue
        new = head + parts["msgid"] + (parts.get("msgid_plural") or [])
        new.append(("msgstr[0] " if plural else "msgstr ") + quote(target))
        out.append("\n".join(new))
    Path(po_path).write_text("\n\n".join(out), encoding="utf-8")
    for msgid in missing:
        print(f"untranslated: {msgid}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
