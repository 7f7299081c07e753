"""The site's own CAPTCHA for public forms (no third-party service): an image of five
characters drawn with jitter and noise by Pillow; the answer is kept in the server-side
session, good for one check within CAPTCHA_SECONDS. settings.PUBLIC_CAPTCHA_CHECK names
`passed`, which core.public runs before every public POST."""

import io
import secrets
import time

from django.http import HttpRequest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I to misread
LENGTH = 5
CAPTCHA_SECONDS = 600
SESSION_KEY = "captcha"
FIELD = "captcha"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def challenge(request: HttpRequest) -> bytes:
    """A new challenge for the session (replacing any earlier one), as a PNG."""
    answer = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    request.session[SESSION_KEY] = {"answer": answer, "until": time.time() + CAPTCHA_SECONDS}
    return _draw(answer)


def passed(request: HttpRequest) -> bool:
    """Whether a POST carries the answer of the session's challenge (used up either way);
    other methods pass."""
    if request.method in SAFE_METHODS:
        return True
    kept = request.session.pop(SESSION_KEY, None)
    given = str(request.POST.get(FIELD, "")).strip().upper()
    if not kept or not given or time.time() > kept["until"]:
        return False
    return secrets.compare_digest(given, kept["answer"])


def _draw(answer: str) -> bytes:
    rand = secrets.SystemRandom()
    width, height = 160, 56
    image = Image.new("RGB", (width, height), (245, 247, 250))
    font = ImageFont.load_default(size=34)
    for i, char in enumerate(answer):
        glyph = Image.new("RGBA", (40, 48), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((6, 2), char, font=font, fill=(30, 60, 120, 255))
        glyph = glyph.rotate(rand.uniform(-28, 28), resample=Image.Resampling.BICUBIC)
        image.paste(glyph, (8 + i * 29 + rand.randint(-3, 3), rand.randint(0, 8)), glyph)
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        points = [(rand.randint(0, width), rand.randint(0, height)) for _ in range(2)]
        draw.line(points, fill=(120, 140, 170), width=2)
    for _ in range(300):
        draw.point((rand.randint(0, width - 1), rand.randint(0, height - 1)), fill=(90, 90, 90))
    out = io.BytesIO()
    image.filter(ImageFilter.SMOOTH).save(out, format="PNG")
    return out.getvalue()
