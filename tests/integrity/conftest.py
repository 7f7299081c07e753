"""Reports with real evidence, submitted through the services, checked by the real queue."""

import io
import random
from datetime import datetime

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from anxuan.campaigns.deadlines import SHANGHAI
from anxuan.core.files import inspect_upload
from anxuan.reports import services
from tests import factories


def scene(seed: int, size=(1200, 900)) -> Image.Image:
    """A generated photo: sky, ground and shapes, different for every seed."""
    r = random.Random(seed)
    image = Image.new("RGB", size, tuple(r.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.rectangle(
        [0, r.randrange(h // 3, 2 * h // 3), w, h], fill=tuple(r.randrange(256) for _ in range(3))
    )
    for _ in range(r.randrange(8, 20)):
        x, y = r.randrange(w), r.randrange(h)
        box = [x, y, x + r.randrange(40, w // 2), y + r.randrange(40, h // 2)]
        colour = tuple(r.randrange(256) for _ in range(3))
        (draw.ellipse if r.random() < 0.5 else draw.rectangle)(box, fill=colour)
    return image


def photo_file(
    image: Image.Image,
    name: str = "现场.jpg",
    *,
    quality: int = 90,
    taken: str | None = "2026:06:02 10:30:00",
    gps: tuple[float, float] | None = None,
    fmt: str = "JPEG",
) -> SimpleUploadedFile:
    exif = Image.Exif()
    if taken:
        exif[0x0132] = taken
        exif.get_ifd(0x8769)[0x9003] = taken
    if gps:
        info = exif.get_ifd(0x8825)
        info[1], info[3] = "N", "E"
        info[2] = _dms(gps[0])
        info[4] = _dms(gps[1])
    buffer = io.BytesIO()
    image.save(buffer, fmt, quality=quality, exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue())


def _dms(value: float):
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60, 2)
    return (float(degrees), float(minutes), float(seconds))


def at(day: int, hour: int = 10, month: int = 6, year: int = 2026):
    return time_machine.travel(datetime(year, month, day, hour, tzinfo=SHANGHAI), tick=False)


def submit(
    actor, participant, period, *, files=(), text="开展安全宣传咨询活动", day=4, year=2026, **draft
):
    """Save a draft with `files` and submit it on June `day` of `year`."""
    with at(day, year=year):
        submission = factories.report(actor, participant, period, text=text, **draft)
        uploads = [(f, f.name, inspect_upload(f, f.name)) for f in files]
        if uploads:
            services.attach_files(actor=actor, submission=submission, uploads=uploads)
        return services.submit_report(actor=actor, submission=submission)
