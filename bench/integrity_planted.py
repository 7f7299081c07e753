"""The planted set of bench/integrity_eval.py: generated photos, videos and report texts,
and the copies units make of them. Everything is drawn from `random.Random(seed)`, so one
seed always gives the same item; nothing here touches Django."""

import io
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import av
import numpy as np
import pillow_heif
from PIL import Image, ImageChops, ImageDraw, ImageEnhance, ImageFilter, ImageFont, ImageOps

pillow_heif.register_heif_opener()

FONTS = Path("/usr/share/fonts/opentype/noto")
FONT_FILES = ("NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc", "NotoSerifCJK-Bold.ttc")

Colour = tuple[int, int, int]


@cache
def font(size: int, face: int = 0) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / FONT_FILES[face]), size)


def _font(r: random.Random, size: float) -> ImageFont.FreeTypeFont:
    # Sizes rounded to 4 px so that the cache keeps a few dozen faces, not thousands.
    return font(max(8, int(size) // 4 * 4), r.randrange(len(FONT_FILES)))


# Photos ----------------------------------------------------------------------------------

BANNERS = (
    "安全生产月",
    "人人讲安全 个个会应急",
    "查找身边安全隐患",
    "安全第一 预防为主 综合治理",
    "生命至上 安全发展",
    "强化安全意识 提升应急能力",
    "安全生产咨询日",
    "消防安全 人人有责",
    "防范化解重大安全风险",
    "应急演练 实战练兵",
    "关爱生命 关注安全",
    "落实安全责任 推动安全发展",
)
SIGNS = ("应急避难场所", "安全出口", "消防通道", "危险 请勿靠近", "咨询台", "宣传站", "会议室")


def _colour(r: random.Random, base: Colour | None = None, spread: int = 256) -> Colour:
    if base is None:
        return (r.randrange(256), r.randrange(256), r.randrange(256))
    return tuple(  # type: ignore[return-value]
        min(255, max(0, c + r.randrange(-spread, spread + 1))) for c in base
    )


def _palette(r: random.Random) -> list[Colour]:
    """A random palette: a few hues around a random key, plus strong accents."""
    key = _colour(r)
    return [_colour(r, key, r.choice((30, 60, 120))) for _ in range(5)] + [
        _colour(r) for _ in range(3)
    ]


def _gradient(size: tuple[int, int], top: Colour, bottom: Colour) -> Image.Image:
    width, height = size
    t = np.linspace(0.0, 1.0, height)[:, None, None]
    rows = (1 - t) * np.array(top, dtype=np.float32) + t * np.array(bottom, dtype=np.float32)
    return Image.fromarray(rows.astype(np.uint8)).resize((width, height), Image.Resampling.NEAREST)


def _texture(r: random.Random, size: tuple[int, int], colour: Colour) -> Image.Image:
    """A patch of tiles, stripes, speckle or bricks in shades of `colour`."""
    width, height = max(size[0], 2), max(size[1], 2)
    patch = Image.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(patch)
    kind = r.randrange(4)
    step = r.randrange(6, 40)
    other = _colour(r, colour, 50)
    if kind == 0:  # tiles
        for x in range(0, width, step):
            draw.line([x, 0, x, height], fill=other, width=1 + step // 15)
        for y in range(0, height, step):
            draw.line([0, y, width, y], fill=other, width=1 + step // 15)
    elif kind == 1:  # diagonal stripes
        for x in range(-height, width, step):
            draw.line([x, 0, x + height, height], fill=other, width=max(1, step // 3))
    elif kind == 2:  # speckle
        noise = np.asarray(Image.effect_noise((width, height), r.randrange(20, 70)))
        grey = (noise.astype(np.float32) - 128) / 128
        arr = np.asarray(patch, dtype=np.float32) * (1 + 0.3 * grey[..., None])
        patch = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    else:  # bricks
        for row, y in enumerate(range(0, height, step)):
            draw.line([0, y, width, y], fill=other, width=2)
            offset = (row % 2) * step
            for x in range(offset, width, 2 * step):
                draw.line([x, y, x, y + step], fill=other, width=2)
    return patch


def _person(draw: ImageDraw.ImageDraw, r: random.Random, x: int, foot: int, tall: int) -> None:
    """A standing figure: head, body (uniform, vest or coat), legs and arms."""
    head = tall // 7
    skin = _colour(r, (220, 180, 150), 30)
    body = r.choice(((230, 110, 20), (250, 200, 0), (30, 60, 140), (200, 30, 30), _colour(r)))
    legs = _colour(r, (40, 40, 60), 30)
    width = tall // 4
    top = foot - tall
    draw.ellipse([x - head // 2, top, x + head // 2, top + head], fill=skin)
    draw.rectangle([x - width // 2, top + head, x + width // 2, top + head * 4], fill=body)
    draw.rectangle([x - width // 2, top + head * 4, x - 2, foot], fill=legs)
    draw.rectangle([x + 2, top + head * 4, x + width // 2, foot], fill=legs)
    arm = r.choice((0, 1, 2))
    line = max(2, width // 5)
    left, right = x - width // 2, x + width // 2
    shoulder = top + head + head // 2
    if arm == 0:  # arms down
        draw.line([left, shoulder, left - line, shoulder + head * 2], fill=body, width=line)
        draw.line([right, shoulder, right + line, shoulder + head * 2], fill=body, width=line)
    elif arm == 1:  # one arm raised
        draw.line([left, shoulder, left - head, shoulder - head * 2], fill=body, width=line)
        draw.line([right, shoulder, right + line, shoulder + head * 2], fill=body, width=line)
    else:  # holding something (a leaflet, an extinguisher)
        draw.line([right, shoulder, right + head, shoulder + head], fill=body, width=line)
        held = r.choice(((200, 0, 0), (255, 255, 255), _colour(r)))
        draw.rectangle(
            [right + head - 4, shoulder + head - 4, right + head * 2, shoulder + head * 2],
            fill=held,
        )


def _building(draw: ImageDraw.ImageDraw, r: random.Random, box: tuple[int, int, int, int]):
    x0, y0, x1, y1 = box
    wall = _colour(r, r.choice(((200, 200, 190), (170, 120, 90), (120, 130, 150))), 40)
    draw.rectangle(box, fill=wall)
    win = _colour(r, (90, 120, 160), 50)
    cols, rows = r.randrange(2, 9), r.randrange(2, 12)
    cw, ch = (x1 - x0) / (cols * 2 + 1), (y1 - y0) / (rows * 2 + 1)
    if cw < 2 or ch < 2:
        return
    lit = r.random() * 0.5
    for i in range(cols):
        for j in range(rows):
            fill = (250, 230, 150) if r.random() < lit else win
            wx, wy = x0 + cw * (2 * i + 1), y0 + ch * (2 * j + 1)
            draw.rectangle([wx, wy, wx + cw, wy + ch], fill=fill)
    if r.random() < 0.5:  # a roof
        draw.polygon(
            [(x0 - 5, y0), (x1 + 5, y0), ((x0 + x1) // 2, y0 - (x1 - x0) // 4)],
            fill=_colour(r, (120, 40, 30), 40),
        )


def _banner(image: Image.Image, r: random.Random, box: tuple[int, int, int, int]) -> None:
    """A cloth banner with a slogan: mostly red with yellow or white characters."""
    draw = ImageDraw.Draw(image)
    x0, y0, x1, y1 = box
    cloth = r.choice(((200, 20, 20), (180, 0, 30), (0, 90, 170), (250, 250, 245), _colour(r)))
    ink = r.choice(((255, 230, 0), (255, 255, 255), (20, 20, 20), (200, 0, 0)))
    draw.rectangle(box, fill=cloth)
    text = r.choice(BANNERS)
    size = max(10, min((y1 - y0) * 0.7, (x1 - x0) / max(1, len(text)) * 0.95))
    face = _font(r, size)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=face)
    tx = x0 + (x1 - x0 - (right - left)) // 2
    ty = y0 + (y1 - y0 - (bottom - top)) // 2 - top
    draw.text((tx, ty), text, font=face, fill=ink)


def _outdoor(image: Image.Image, r: random.Random, pal: list[Colour]) -> None:
    """A street or square: sky and ground gradients, buildings, a tent, people, a banner."""
    w, h = image.size
    horizon = int(h * r.uniform(0.25, 0.7))
    sky_top = _colour(r, r.choice(((90, 150, 230), (170, 190, 210), (240, 170, 120))), 40)
    sky = _gradient((w, horizon), sky_top, _colour(r, (230, 230, 240), 30))
    image.paste(sky, (0, 0))
    ground = _gradient((w, h - horizon), _colour(r, pal[0], 40), _colour(r, pal[1], 40))
    if r.random() < 0.5:
        ground = Image.blend(ground, _texture(r, ground.size, pal[1]), 0.4)
    image.paste(ground, (0, horizon))
    draw = ImageDraw.Draw(image)
    x = r.randrange(-w // 10, w // 8)
    while x < w:
        bw = r.randrange(w // 12, w // 3)
        bh = r.randrange(h // 10, max(h // 10 + 1, horizon - 10))
        if r.random() < 0.75:
            _building(draw, r, (x, horizon - bh, x + bw, horizon))
        x += bw + r.randrange(0, w // 6)
    if r.random() < 0.6:  # a tent or stand
        tx = r.randrange(0, w * 3 // 4)
        tw, th = r.randrange(w // 6, w // 2), r.randrange(h // 8, h // 3)
        base = horizon + r.randrange(0, max(1, (h - horizon) // 2))
        draw.rectangle([tx, base - th, tx + tw, base], fill=_colour(r, pal[2], 20))
        draw.polygon(
            [(tx - 10, base - th), (tx + tw + 10, base - th), (tx + tw // 2, base - th - th // 3)],
            fill=_colour(r, pal[3], 20),
        )
    if r.random() < 0.8:
        bx, by = r.randrange(0, w // 3), r.randrange(h // 10, max(h // 10 + 1, horizon))
        bw = r.randrange(w // 3, w - bx)
        _banner(image, r, (bx, by, bx + bw, by + r.randrange(h // 20, h // 8)))
    for _ in range(r.choice((0, 2, 5, 9, 15))):
        foot = r.randrange(horizon + 5, h + h // 10)
        tall = int((foot - horizon + 20) * r.uniform(0.6, 1.3))
        _person(draw, r, r.randrange(w), foot, max(20, tall))


def _indoor(image: Image.Image, r: random.Random, pal: list[Colour]) -> None:
    """A meeting room, a training or a class: back and side walls seen at an angle, windows
    or a door, a screen, a banner or a board somewhere, a table, people seated or standing."""
    w, h = image.size
    floor = int(h * r.uniform(0.45, 0.9))
    image.paste(_gradient((w, floor), _colour(r, pal[0], 40), _colour(r, pal[1], 40)), (0, 0))
    image.paste(_texture(r, (w, h - floor), _colour(r, pal[2], 40)), (0, floor))
    draw = ImageDraw.Draw(image)
    if r.random() < 0.6:  # a side wall, the camera looking into a corner
        edge = r.randrange(w // 8, w * 7 // 8)
        side = _colour(r, pal[0], 60)
        left = r.random() < 0.5
        x0, x1 = (0, edge) if left else (edge, w)
        corner_top = r.randrange(0, h // 5)
        if left:
            shape = [(0, 0), (edge, corner_top), (edge, floor), (0, h)]
        else:
            shape = [(edge, corner_top), (w, 0), (w, h), (edge, floor)]
        draw.polygon(shape, fill=side)
        for _ in range(r.randrange(0, 4)):  # windows on it
            wx = r.randrange(x0, max(x0 + 1, x1 - 20))
            ww = r.randrange(20, max(21, (x1 - x0) // 2))
            wy = r.randrange(h // 10, max(h // 10 + 1, floor // 2))
            draw.rectangle(
                [wx, wy, wx + ww, wy + r.randrange(h // 8, h // 3)],
                fill=_colour(r, (200, 225, 245), 30),
            )
    boards = r.randrange(0, 4)
    for _ in range(boards):  # screens, boards, posters at random places
        bw, bh = r.randrange(w // 8, w // 2), r.randrange(h // 8, h // 3)
        bx, by = r.randrange(0, w - bw), r.randrange(0, max(1, floor - bh))
        kind = r.randrange(3)
        paper = (245, 245, 250) if kind == 0 else _colour(r, pal[3], 80)
        draw.rectangle([bx, by, bx + bw, by + bh], fill=paper)
        if kind != 2:
            draw.rectangle([bx, by, bx + bw, by + bh // r.randrange(4, 8)], fill=_colour(r))
            face = _font(r, bh / r.randrange(7, 12))
            for k in range(r.randrange(1, 5)):
                line = r.choice(BANNERS + SIGNS)
                y = by + bh // 4 + k * int(face.size * 1.5)
                draw.text((bx + bw // 12, y), line, font=face, fill=_colour(r, (30, 30, 30), 30))
    if r.random() < 0.5:
        bx = r.randrange(0, w // 3)
        by = r.randrange(0, max(1, floor // 2))
        _banner(
            image, r, (bx, by, r.randrange(bx + w // 3, w + 1), by + r.randrange(h // 20, h // 9))
        )
    if r.random() < 0.4:  # a door
        dx = r.randrange(w)
        draw.rectangle(
            [dx, floor - h // 3, dx + w // 10, floor], fill=_colour(r, (120, 80, 50), 40)
        )
    seated = r.random() < 0.6
    if r.random() < 0.7:
        ty = floor - r.randrange(0, max(1, h // 5))
        tx0, tx1 = sorted((r.randrange(-w // 4, w), r.randrange(0, w + w // 4)))
        draw.rectangle(
            [tx0, ty, tx1, ty + r.randrange(h // 30, h // 8)], fill=_colour(r, pal[4], 60)
        )
    else:
        ty = floor
    if seated:
        rows = r.randrange(1, 4)
        for row in range(rows):
            size = int(h * r.uniform(0.04, 0.12) * (1 + row * 0.4))
            y = ty + row * size * 2 - size // 2
            x = r.randrange(-size, size)
            while x < w:
                if r.random() < 0.8:
                    draw.ellipse([x, y, x + size, y + size], fill=_colour(r, (40, 30, 25), 20))
                    draw.rectangle(
                        [x - size // 3, y + size, x + size + size // 3, y + size * 3],
                        fill=_colour(r),
                    )
                x += int(size * r.uniform(1.4, 3.5))
    else:
        for _ in range(r.randrange(1, 12)):
            foot = r.randrange(floor, h + h // 8)
            _person(draw, r, r.randrange(w), foot, int(h * r.uniform(0.3, 0.8)))


def _document(image: Image.Image, r: random.Random, pal: list[Colour]) -> None:
    """Leaflets or a signed-in sheet on a table: paper, lines of text, a red seal."""
    w, h = image.size
    image.paste(_texture(r, (w, h), _colour(r, pal[0], 30)), (0, 0))
    draw = ImageDraw.Draw(image)
    for _ in range(r.randrange(1, 4)):
        pw, ph = r.randrange(w // 4, w * 3 // 4), r.randrange(h // 3, h)
        px, py = r.randrange(-w // 10, w - pw // 2), r.randrange(-h // 10, h - ph // 2)
        draw.rectangle([px, py, px + pw, py + ph], fill=_colour(r, (245, 245, 240), 10))
        face = _font(r, ph / r.randrange(14, 30))
        step = int(face.size * 1.6)
        for k, y in enumerate(range(py + step, py + ph - step, step)):
            text = "".join(
                r.choice("安全生产宣传应急演练隐患排查整改落实责任检查培训") for _ in range(30)
            )
            draw.text((px + pw // 12, y), text[: r.randrange(8, 30)], font=face, fill=(25, 25, 25))
            if k > 25:
                break
        if r.random() < 0.6:
            cx, cy, cr = px + pw * 2 // 3, py + ph * 3 // 4, ph // 10
            draw.ellipse([cx - cr, cy - cr, cx + cr, cy + cr], outline=(210, 20, 20), width=5)


def _drill(image: Image.Image, r: random.Random, pal: list[Colour]) -> None:
    """An emergency drill: an open yard, smoke, a fire, people in uniform, a truck."""
    _outdoor(image, r, pal)
    w, h = image.size
    draw = ImageDraw.Draw(image)
    fx, fy = r.randrange(w), r.randrange(h // 2, h)
    for _ in range(r.randrange(5, 30)):  # smoke
        size = r.randrange(h // 20, h // 4)
        x, y = fx + r.randrange(-w // 6, w // 6), fy - r.randrange(0, h // 2)
        grey = r.randrange(120, 230)
        draw.ellipse([x, y, x + size, y + size], fill=(grey, grey, grey))
    draw.polygon(
        [(fx - 40, fy), (fx + 40, fy), (fx, fy - r.randrange(60, 200))], fill=(250, 120, 0)
    )
    if r.random() < 0.5:
        tx, ty = r.randrange(0, w // 2), r.randrange(h // 2, h - h // 8)
        draw.rectangle([tx, ty, tx + w // 3, ty + h // 7], fill=(200, 10, 10))
        draw.ellipse([tx + 20, ty + h // 8, tx + 80, ty + h // 8 + 60], fill=(20, 20, 20))


def _night(image: Image.Image, r: random.Random, pal: list[Colour]) -> None:
    """An evening patrol: a dark sky, lit windows, street lights, a lit banner."""
    _outdoor(image, r, pal)
    dark = ImageEnhance.Brightness(image).enhance(r.uniform(0.25, 0.5))
    image.paste(dark)
    draw = ImageDraw.Draw(image)
    w, h = image.size
    for _ in range(r.randrange(3, 12)):
        x, y, size = r.randrange(w), r.randrange(h), r.randrange(10, 60)
        draw.ellipse([x, y, x + size, y + size], fill=(255, 240, 180))


def _shapes(image: Image.Image, r: random.Random, pal: list[Colour]) -> None:
    """Whatever else a photo holds: cars, boards, signs, shapes."""
    w, h = image.size
    draw = ImageDraw.Draw(image)
    for _ in range(r.randrange(2, 14)):
        x, y = r.randrange(w), r.randrange(h)
        bw, bh = r.randrange(w // 30, w // 4), r.randrange(h // 30, h // 4)
        colour = r.choice(pal)
        kind = r.randrange(5)
        if kind == 0:
            draw.ellipse([x, y, x + bw, y + bh], fill=colour)
        elif kind == 1:
            draw.rectangle([x, y, x + bw, y + bh], fill=colour)
        elif kind == 2:
            draw.polygon([(x, y + bh), (x + bw, y + bh), (x + bw // 2, y)], fill=colour)
        elif kind == 3:  # a sign with text
            draw.rectangle([x, y, x + bw, y + bh], fill=(0, 130, 60))
            draw.text((x + 4, y + 2), r.choice(SIGNS), font=_font(r, bh * 0.5), fill="white")
        else:
            draw.line([x, y, x + bw, y + bh], fill=colour, width=r.randrange(2, 12))


LAYOUTS: tuple[Callable[[Image.Image, random.Random, list[Colour]], None], ...] = (
    _outdoor,
    _outdoor,
    _indoor,
    _indoor,
    _document,
    _drill,
    _night,
)


def scene(seed: int, size: tuple[int, int]) -> Image.Image:
    """A generated photo of `size`: a layout (street, meeting, leaflets, drill, night) drawn
    with random palette, layout and content, then camera blur, vignette and sensor noise."""
    r = random.Random(seed)
    image = Image.new("RGB", size)
    pal = _palette(r)
    r.choice(LAYOUTS)(image, r, pal)
    if r.random() < 0.7:
        _shapes(image, r, pal)
    if r.random() < 0.1:
        image = image.filter(ImageFilter.GaussianBlur(r.uniform(0.5, 2.0)))
    if r.random() < 0.5:  # vignette and a colour cast
        ys, xs = np.mgrid[0:64, 0:64]
        dist = ((xs - 31.5) / 64) ** 2 + ((ys - 31.5) / 64) ** 2
        mask = Image.fromarray((255 * (1 - r.uniform(0.2, 0.8) * dist)).astype(np.uint8))
        mask = mask.resize(size, Image.Resampling.BILINEAR)
        image = ImageChops.multiply(image, Image.merge("RGB", (mask, mask, mask)))
        cast = [r.uniform(0.9, 1.1) for _ in range(3)]
        image = image.point([min(255, int(v * cast[b])) for b in range(3) for v in range(256)])
    # Sensor noise: a crop of one noise tile, scaled to a random strength.
    tile = _noise_tile()
    x, y = r.randrange(tile.width - size[0] + 1), r.randrange(tile.height - size[1] + 1)
    strength = r.uniform(0.1, 1.0)
    grain = tile.crop((x, y, x + size[0], y + size[1])).point(
        [int(128 + (v - 128) * strength) for v in range(256)]
    )
    return ImageChops.add(image, Image.merge("RGB", (grain, grain, grain)), 1.0, -128)


@cache
def _noise_tile() -> Image.Image:
    grain = np.random.default_rng(0).normal(128, 8, (1700, 1700))
    return Image.fromarray(np.clip(grain, 0, 255).astype(np.uint8))


def photo_size(r: random.Random) -> tuple[int, int]:
    long = r.randrange(800, 1401)
    ratio = r.choice((4 / 3, 16 / 9, 3 / 2, 1.0))
    short = int(long / ratio)
    return (long, short) if r.random() < 0.75 else (short, long)


def exif_for(r: random.Random) -> Image.Exif:
    exif = Image.Exif()
    taken = f"2026:06:{r.randrange(1, 29):02d} {r.randrange(8, 19):02d}:{r.randrange(60):02d}:00"
    exif[0x0132] = taken
    exif.get_ifd(0x8769)[0x9003] = taken
    exif[0x010F] = r.choice(("HUAWEI", "Xiaomi", "OPPO", "vivo", "Apple"))
    return exif


def encode_photo(
    image: Image.Image, fmt: str, quality: int = 90, exif: Image.Exif | None = None
) -> bytes:
    buffer = io.BytesIO()
    options: dict[str, object] = {}
    if fmt in ("JPEG", "WEBP", "HEIF"):
        options["quality"] = quality
    if exif is not None and fmt in ("JPEG", "WEBP", "PNG"):
        options["exif"] = exif
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def genuine_photo(seed: int) -> tuple[bytes, str]:
    """(file bytes, format) of genuine photo `seed`: mostly JPEG, now and then HEIC."""
    r = random.Random(seed * 7919 + 1)
    image = scene(seed, photo_size(r))
    fmt = "HEIF" if r.random() < 0.01 else "JPEG"
    return encode_photo(image, fmt, r.randrange(75, 96), exif_for(r)), fmt


def upright(data: bytes) -> Image.Image:
    """A photo as a unit's phone or PC shows it: orientation applied, in RGB."""
    with Image.open(io.BytesIO(data)) as image:
        return ImageOps.exif_transpose(image).convert("RGB")


# Copies of photos -------------------------------------------------------------------------

PHOTO_EDITS = (
    "jpeg",
    "resize",
    "crop",
    "orientation",
    "heic",
    "screenshot",
    "colour",
    "stamp",
    "border",
    "mirror",
    "png_webp",
)
FORMAT_EDITS = {"jpeg", "heic", "png_webp", "orientation"}  # each decides how the copy is saved


@dataclass
class Copy:
    image: Image.Image
    fmt: str = "JPEG"
    quality: int = 92
    orientation: int = 1
    edits: list[str] = field(default_factory=list)


def _status_bar(r: random.Random, width: int, height: int, dark: bool) -> Image.Image:
    bar = Image.new("RGB", (width, height), (0, 0, 0) if dark else (248, 248, 248))
    draw = ImageDraw.Draw(bar)
    ink = (255, 255, 255) if dark else (0, 0, 0)
    face = font(max(8, int(height * 0.6)))
    draw.text(
        (height // 2, height // 6),
        f"{r.randrange(7, 23)}:{r.randrange(60):02d}",
        font=face,
        fill=ink,
    )
    x = width - height // 2
    for _ in range(3):  # battery, wifi, signal
        x -= int(height * 1.2)
        draw.rectangle([x, height // 4, x + height * 0.8, height * 3 // 4], outline=ink, width=2)
    draw.text(
        (width // 3, height // 6), r.choice(("", "中国移动", "4G", "5G", "HD")), font=face, fill=ink
    )
    return bar


def _screenshot(copy: Copy, r: random.Random) -> None:
    """The photo on a phone's screen: a status bar above it and a toolbar or navigation bar
    below, the photo scaled to the screen's width."""
    image = copy.image
    width = r.choice((720, 1080, 1170, 1242))
    height = int(image.height * width / image.width)
    shown = image.resize((width, height))
    top = int(width * r.uniform(0.06, 0.11))
    bottom = int(width * r.uniform(0.05, 0.16)) if r.random() < 0.8 else 0
    dark = r.random() < 0.6
    canvas = Image.new(
        "RGB", (width, top + height + bottom), (0, 0, 0) if dark else (255, 255, 255)
    )
    canvas.paste(_status_bar(r, width, top, dark), (0, 0))
    canvas.paste(shown, (0, top))
    if bottom:
        draw = ImageDraw.Draw(canvas)
        ink = (200, 200, 200) if dark else (60, 60, 60)
        y = top + height + bottom // 3
        for k in range(4):  # share, edit, favourite, delete
            x = width * (2 * k + 1) // 8
            draw.ellipse(
                [x - bottom // 5, y, x + bottom // 5, y + bottom * 2 // 5], outline=ink, width=3
            )
    copy.image = canvas
    copy.fmt = r.choice(("PNG", "JPEG"))


def _stamp(copy: Copy, r: random.Random) -> None:
    """A watermark camera's date stamp or a unit's name in a corner."""
    image = copy.image.copy()
    draw = ImageDraw.Draw(image)
    text = r.choice(
        (
            f"2026-06-{r.randrange(1, 29):02d} {r.randrange(8, 19):02d}:{r.randrange(60):02d}",
            f"{r.choice('东西南北')}{r.choice('山河湖海')}镇安监站",
            "安全生产月 现场照片",
            f"水印相机 {r.randrange(1, 29)}日",
        )
    )
    face = font(max(10, image.height // r.randrange(20, 40)))
    left, top, right, bottom = draw.textbbox((0, 0), text, font=face)
    margin = image.height // 40
    x = margin if r.random() < 0.5 else image.width - (right - left) - margin
    y = margin if r.random() < 0.4 else image.height - (bottom - top) - margin * 2
    ink = r.choice(((255, 140, 0), (255, 255, 255), (255, 255, 0)))
    draw.text((x, y), text, font=face, fill=ink, stroke_width=1, stroke_fill=(0, 0, 0))
    copy.image = image


def _crop(copy: Copy, r: random.Random) -> None:
    image = copy.image
    w, h = image.size
    share = r.uniform(0.02, 0.10)
    if r.random() < 0.5:  # one side
        side = r.randrange(4)
        cut_w, cut_h = int(w * share), int(h * share)
        box = [(cut_w, 0, w, h), (0, cut_h, w, h), (0, 0, w - cut_w, h), (0, 0, w, h - cut_h)][side]
    else:  # all sides, the share of each dimension split between its two sides
        dx, dy = int(w * share), int(h * share)
        left, top = r.randrange(dx + 1), r.randrange(dy + 1)
        box = (left, top, w - (dx - left), h - (dy - top))
    copy.image = image.crop(box)


def _colour_edit(copy: Copy, r: random.Random) -> None:
    image = copy.image
    kinds = r.sample(
        (ImageEnhance.Brightness, ImageEnhance.Contrast, ImageEnhance.Color), r.randrange(1, 4)
    )
    for enhancer in kinds:
        image = enhancer(image).enhance(r.choice((r.uniform(0.6, 0.85), r.uniform(1.15, 1.4))))
    copy.image = image


def _border(copy: Copy, r: random.Random) -> None:
    width = max(4, int(min(copy.image.size) * r.uniform(0.01, 0.06)))
    colour = r.choice(((255, 255, 255), (0, 0, 0), (200, 20, 20), _colour(r)))
    copy.image = ImageOps.expand(copy.image, border=width, fill=colour)


def _resize(copy: Copy, r: random.Random) -> None:
    scale = r.choice((r.uniform(0.3, 0.9), r.uniform(1.1, 2.0)))
    w, h = copy.image.size
    copy.image = copy.image.resize((max(16, int(w * scale)), max(16, int(h * scale))))


def _orientation(copy: Copy, r: random.Random) -> None:
    """Pixels turned and the EXIF orientation set, so an orientation-aware viewer shows the
    photo upright (what a phone does when it saves a photo taken sideways)."""
    tag = r.choice((3, 6, 8))
    # exif_transpose applies ROTATE_180 for 3, ROTATE_270 for 6, ROTATE_90 for 8: undo it.
    undo = {
        3: Image.Transpose.ROTATE_180,
        6: Image.Transpose.ROTATE_90,
        8: Image.Transpose.ROTATE_270,
    }[tag]
    copy.image = copy.image.transpose(undo)
    copy.orientation = tag
    copy.fmt = "JPEG"


def _heic(copy: Copy, r: random.Random, source_fmt: str) -> None:
    copy.fmt = "JPEG" if source_fmt == "HEIF" else "HEIF"
    copy.quality = r.randrange(50, 90)


def photo_copy(data: bytes, source_fmt: str, seed: int) -> tuple[bytes, list[str]]:
    """A disguised copy of a genuine photo: one or two edits (PHOTO_EDITS), then saved in the
    format the edits leave (JPEG unless one of them chose another). Returns (bytes, edits)."""
    r = random.Random(seed)
    edits = [r.choice(PHOTO_EDITS)]
    if r.random() < 0.5:
        second = r.choice([e for e in PHOTO_EDITS if e not in edits])
        if not (second in FORMAT_EDITS and edits[0] in FORMAT_EDITS):
            edits.append(second)
    copy = Copy(upright(data), edits=edits)
    copy.quality = r.randrange(80, 96)
    # Format edits last, so that the picture edits happen before it is saved.
    for edit in sorted(edits, key=lambda e: e in FORMAT_EDITS):
        if edit == "jpeg":
            copy.fmt, copy.quality = "JPEG", r.randrange(40, 91)
        elif edit == "resize":
            _resize(copy, r)
        elif edit == "crop":
            _crop(copy, r)
        elif edit == "orientation":
            _orientation(copy, r)
        elif edit == "heic":
            _heic(copy, r, source_fmt)
        elif edit == "screenshot":
            _screenshot(copy, r)
        elif edit == "colour":
            _colour_edit(copy, r)
        elif edit == "stamp":
            _stamp(copy, r)
        elif edit == "border":
            _border(copy, r)
        elif edit == "mirror":
            copy.image = ImageOps.mirror(copy.image)
        elif edit == "png_webp":
            copy.fmt = r.choice(("PNG", "WEBP"))
            copy.quality = r.randrange(60, 95)
    exif = None
    if copy.orientation != 1:
        exif = Image.Exif()
        exif[0x0112] = copy.orientation
    return encode_photo(copy.image, copy.fmt, copy.quality, exif), edits


def sample_photos(roots: tuple[Path, ...], min_bytes: int = 100_000) -> list[Path]:
    """Real pictures shipped by installed packages (test images, documentation figures)."""
    found = []
    for root in roots:
        for path in root.rglob("*"):
            if path.suffix.lower() in (".jpg", ".jpeg", ".png") and path.is_file():
                try:
                    if path.stat().st_size > min_bytes:
                        found.append(path)
                except OSError:
                    continue
    return sorted(found)


# Videos ----------------------------------------------------------------------------------

VIDEO_SIZES = ((320, 240), (480, 360), (640, 360), (480, 270), (360, 640))
# (container format, codec) pairs a copy may be re-encoded to.
VIDEO_FORMATS = (
    ("mp4", "mpeg4"),
    ("mp4", "libx264"),
    ("matroska", "libx264"),
    ("mov", "mpeg4"),
    ("webm", "libvpx"),
)


@dataclass
class Video:
    data: bytes
    seconds: float
    fps: int
    size: tuple[int, int]


def _video_frames(
    seed: int, seconds: float, fps: int, size: tuple[int, int]
) -> Iterator[Image.Image]:
    """Shots of 2–5 s of generated scenes, each panned or zoomed over: frames that change
    like a hand-held shot of an event."""
    r = random.Random(seed)
    width, height = size
    total = int(seconds * fps)
    done, shot = 0, 0
    while done < total:
        length = min(total - done, int(r.uniform(2, 5) * fps))
        wide = scene(seed * 1000 + shot, (int(width * 1.4), int(height * 1.4)))
        sx, sy = r.randrange(int(width * 0.4)), r.randrange(int(height * 0.4))
        ex, ey = r.randrange(int(width * 0.4)), r.randrange(int(height * 0.4))
        zoom = r.choice((1.0, 1.0, r.uniform(0.75, 1.0)))
        for i in range(length):
            t = i / max(1, length - 1)
            z = 1 + (zoom - 1) * t
            cw, ch = int(width * z), int(height * z)
            x, y = int(sx + (ex - sx) * t), int(sy + (ey - sy) * t)
            yield wide.crop((x, y, x + cw, y + ch)).resize(size)
        done += length
        shot += 1


def encode_video(
    frames: Iterator[Image.Image] | list[Image.Image],
    size: tuple[int, int],
    fps: int,
    bit_rate: int,
    container: str = "mp4",
    codec: str = "mpeg4",
) -> bytes:
    buffer = io.BytesIO()
    with av.open(buffer, "w", format=container) as out:
        stream = out.add_stream(codec, rate=fps)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.bit_rate = bit_rate
        if codec == "libx264":
            stream.options = {"preset": "ultrafast"}
        elif codec == "libvpx":
            stream.options = {"deadline": "realtime", "cpu-used": "8"}
        for picture in frames:
            frame = av.VideoFrame.from_image(
                picture if picture.size == size else picture.resize(size)
            )
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return buffer.getvalue()


def genuine_video(seed: int) -> Video:
    r = random.Random(seed * 31 + 7)
    seconds = round(r.uniform(3, 20), 1)
    fps = r.choice((10, 12, 15))  # modest, for speed
    size = r.choice(VIDEO_SIZES)
    container, codec = r.choice(VIDEO_FORMATS[:3])
    bit_rate = r.choice((300_000, 600_000, 1_000_000))
    data = encode_video(
        _video_frames(seed, seconds, fps, size), size, fps, bit_rate, container, codec
    )
    return Video(data, seconds, fps, size)


def decoded(data: bytes) -> list[Image.Image]:
    with av.open(io.BytesIO(data)) as container:
        return [frame.to_image() for frame in container.decode(video=0)]


def reencoded(frames: list[Image.Image], video: Video, r: random.Random) -> tuple[bytes, str]:
    """Another size, bit rate and codec or container; returns (bytes, description)."""
    size = r.choice(
        [
            s
            for s in VIDEO_SIZES
            if s != video.size and (s[0] > s[1]) == (video.size[0] > video.size[1])
        ]
        or [video.size]
    )
    container, codec = r.choice(VIDEO_FORMATS)
    bit_rate = r.choice((150_000, 250_000, 500_000, 1_500_000))
    fps = video.fps
    data = encode_video(
        frames, (size[0] // 2 * 2, size[1] // 2 * 2), fps, bit_rate, container, codec
    )
    return data, f"{container}/{codec} {size[0]}x{size[1]} {bit_rate // 1000}k"


def trimmed(frames: list[Image.Image], video: Video, r: random.Random) -> tuple[bytes, float, str]:
    """The start and/or the end cut (each 0.5 s to a third of the video), re-encoded as a
    phone's editor does. Returns (bytes, seconds kept, description)."""
    n = len(frames)
    how = r.choice(("start", "end", "both"))
    cut = lambda: int(r.uniform(0.5, max(0.6, video.seconds / 3)) * video.fps)  # noqa: E731
    skip = cut() if how in ("start", "both") else 0
    drop = cut() if how in ("end", "both") else 0
    kept = frames[skip : max(skip + video.fps, n - drop)]
    container, codec = r.choice(VIDEO_FORMATS[:3])
    data = encode_video(kept, video.size, video.fps, r.choice((300_000, 800_000)), container, codec)
    return data, len(kept) / video.fps, f"{how} -{skip / video.fps:.1f}s/-{drop / video.fps:.1f}s"


def still(frames: list[Image.Image], r: random.Random) -> tuple[bytes, int]:
    """A frame saved as a photo (a screenshot of the player or an editor's export); returns
    (bytes, the frame's number)."""
    number = r.randrange(len(frames))
    picture = frames[number]
    if r.random() < 0.5:
        picture = picture.resize((picture.width * 2, picture.height * 2))
    return encode_photo(picture, r.choice(("JPEG", "PNG")), r.randrange(70, 95)), number


# Texts -----------------------------------------------------------------------------------

THEME = "人人讲安全、个个会应急——查找身边安全隐患"
SHARED_PASSAGES = (THEME, "安全生产月")

PLACE = "青白石河龙桃柳金长新安和平东西南北云山水田林松梅兰竹华丰泰福德兴隆宁康永盛古"
UNIT_KINDS = (
    "镇",
    "乡",
    "街道",
    "社区",
    "村",
    "工业园区",
    "有限公司",
    "中学",
    "小学",
    "医院",
    "应急管理局",
    "市场监管所",
    "交通运输站",
)
PLACE_KINDS = (
    "企业",
    "商铺",
    "加油站",
    "建筑工地",
    "小区",
    "学校",
    "养老院",
    "餐饮店",
    "仓库",
    "农贸市场",
    "出租屋",
    "九小场所",
    "液化气站",
    "危化品企业",
    "工贸企业",
)
DRILLS = (
    "消防疏散",
    "地震避险",
    "防汛抢险",
    "危化品泄漏处置",
    "燃气泄漏",
    "初期火灾扑救",
    "校园安全疏散",
    "高处坠落救援",
    "有限空间作业",
    "交通事故救援",
)
HAZARDS = (
    "消防通道堵塞",
    "灭火器过期",
    "电线私拉乱接",
    "安全出口锁闭",
    "应急照明损坏",
    "电动车违规充电",
    "液化气瓶存放不规范",
    "脚手架搭设不规范",
    "安全警示标志缺失",
    "隐患台账不完善",
    "特种作业人员无证上岗",
    "易燃物堆放",
)
MATERIALS = (
    "宣传资料",
    "宣传手册",
    "安全知识读本",
    "宣传折页",
    "应急包",
    "安全告知书",
    "明白纸",
    "宣传海报",
)
CHANNELS = (
    "微信公众号",
    "村村通广播",
    "LED显示屏",
    "宣传车",
    "抖音短视频",
    "工作群",
    "电子屏",
    "宣传栏",
)
PEOPLE = (
    "干部群众",
    "企业员工",
    "学校师生",
    "居民群众",
    "网格员",
    "志愿者",
    "外来务工人员",
    "老年人",
)
ADVERBS = ("认真", "扎实", "广泛", "深入", "积极", "切实", "全面", "有序", "精心")
LEADS = ("本周", "活动期间", "这一周", "一周来", "截至本周末")

SENTENCES: dict[str, tuple[str, ...]] = {
    "宣传": (
        "{lead}，{unit}{adv}开展安全生产宣传活动，在{site}设立咨询台{n}个，发放{mat}{big}份，悬挂横幅{n}条，接受群众咨询{big}人次。",
        "我们依托{chan}推送安全知识{n}期，阅读量达{big}次，营造了浓厚的宣传氛围。",
        "{adv}组织“安全宣传进{site2}”活动，工作人员向{people}讲解{hz}的危害和防范常识，发放{mat}{big}份。",
        "利用{chan}和{chan2}滚动播放安全提示，覆盖{people}{big}余人。",
        "在{site}集中开展安全生产咨询日活动，{n}家单位参加，现场展出展板{n}块，发放{mat}和{mat2}共{big}份。",
        "结合“{theme}”主题，{adv}组织{people}观看警示教育片{n}场次，参加人数{big}人。",
        "安全宣传“五进”活动{adv}推进，本周走进{site2}{n}次，张贴宣传海报{big}张。",
    ),
    "演练": (
        "{day}，{unit}组织开展{drill}应急演练，{people}{big}人参加，演练历时{n}分钟，检验了预案的可操作性。",
        "{adv}开展{drill}和{drill2}演练{n}场次，参演人员{big}人，进一步提高了应急处置能力。",
        "联合{dept}在{site}举行{drill}实战演练，出动车辆{n}台，演练结束后进行了点评总结。",
        "针对演练中暴露出的{hz}等问题，及时修订完善应急预案{n}个。",
        "{lead}共组织{drill}演练{n}次，{people}参与率达到{pct}%。",
    ),
    "排查": (
        "{lead}，共排查{place}{big}家，发现隐患{n}处，已整改{n2}处，整改率{pct}%。",
        "检查组{adv}深入{place}开展隐患排查，重点检查{hz}、{hz2}等问题，当场责令整改{n}处。",
        "对排查发现的{hz}问题，建立问题清单和整改台账，明确责任人和整改时限，实行销号管理。",
        "{unit}联合{dept}对辖区{place}开展安全检查，出动检查人员{big}人次，检查单位{n}家。",
        "发动{people}查找身边安全隐患，共收集隐患线索{n}条，均已交办相关部门处理。",
        "对{n}处重大隐患实行挂牌督办，目前已完成整改{n2}处，其余正在整改中。",
        "本周重点整治{hz}，下达整改通知书{n}份，立案查处{n2}起，罚款{big}元。",
    ),
    "培训": (
        "{day}，举办安全生产培训班{n}期，邀请{dept}专家授课，培训{people}{big}人次。",
        "组织{place}主要负责人和安全管理人员开展专题培训，考试合格率{pct}%。",
        "通过“线上+线下”方式{adv}开展安全知识竞赛，{big}人参与答题。",
        "组织开展安全生产法律法规学习，{n}家单位的{big}名从业人员参加。",
    ),
    "部署": (
        "{unit}高度重视安全生产月活动，召开专题部署会{n}次，制定印发活动方案，成立工作专班。",
        "主要领导带队督导检查{n}次，{adv}压实{place}安全生产主体责任。",
        "各{site2}结合实际细化工作措施，形成了上下联动、齐抓共管的工作格局。",
        "把安全生产月活动与{hz}专项整治结合起来，{adv}推动各项工作落地见效。",
    ),
    "计划": (
        "下一步，{unit}将继续{adv}开展隐患排查整治，重点加强对{place}的检查，确保安全形势稳定。",
        "下周计划组织{drill}演练{n}场次，并对{hz}问题开展回头看。",
        "我们将持续加大宣传力度，推动安全知识进{site2}，营造人人讲安全的良好氛围。",
        "下一步将加强督导考核，对整改不到位的{place}依法严肃处理。",
    ),
}
SITES = (
    "广场",
    "集贸市场",
    "村委会",
    "社区服务中心",
    "学校门口",
    "商业街",
    "车站",
    "公园",
    "文化礼堂",
)
SITES2 = ("企业", "农村", "社区", "学校", "家庭", "公共场所", "工地")
DEPTS = (
    "县应急管理局",
    "消防救援大队",
    "市场监管局",
    "住建局",
    "交警大队",
    "卫健局",
    "派出所",
    "供电所",
)
TEXT_FILLERS = ("同时，", "此外，", "另外，", "与此同时，", "", "", "")


def unit_name(r: random.Random) -> str:
    return "".join(r.choice(PLACE) for _ in range(2)) + r.choice(UNIT_KINDS)


FIELD = re.compile(r"\{(\w+)\}")


def _fill(template: str, r: random.Random, unit: str) -> str:
    """`template` with each {field} drawn anew, so two figures of a sentence differ."""
    pools: dict[str, Callable[[], str]] = {
        "lead": lambda: r.choice(LEADS),
        "unit": lambda: unit,
        "adv": lambda: r.choice(ADVERBS),
        "site": lambda: r.choice(SITES),
        "site2": lambda: r.choice(SITES2),
        "n": lambda: str(r.randrange(2, 40)),
        "n2": lambda: str(r.randrange(1, 30)),
        "big": lambda: str(r.randrange(50, 5000)),
        "pct": lambda: str(r.randrange(80, 101)),
        "mat": lambda: r.choice(MATERIALS),
        "mat2": lambda: r.choice(MATERIALS),
        "chan": lambda: r.choice(CHANNELS),
        "chan2": lambda: r.choice(CHANNELS),
        "people": lambda: r.choice(PEOPLE),
        "hz": lambda: r.choice(HAZARDS),
        "hz2": lambda: r.choice(HAZARDS),
        "drill": lambda: r.choice(DRILLS),
        "drill2": lambda: r.choice(DRILLS),
        "place": lambda: r.choice(PLACE_KINDS),
        "dept": lambda: r.choice(DEPTS),
        "day": lambda: f"6月{r.randrange(1, 29)}日",
        "theme": lambda: THEME,
    }
    return FIELD.sub(lambda match: pools[match.group(1)](), template)


def sentence(r: random.Random, unit: str, kind: str | None = None) -> str:
    kind = kind or r.choice(list(SENTENCES))
    return r.choice(TEXT_FILLERS) + _fill(r.choice(SENTENCES[kind]), r, unit)


@dataclass
class Report:
    unit: str
    sentences: list[str]

    @property
    def text(self) -> str:
        return "".join(self.sentences)


def genuine_report(seed: int) -> Report:
    """A weekly safety-month report of ~300–600 characters: an opening naming the unit and
    the campaign theme, sentences drawn from the kinds of work, a plan for next week."""
    r = random.Random(seed)
    unit = unit_name(r)
    week = r.randrange(1, 5)
    opening = r.choice(
        (
            f"{unit}安全生产月第{week}周工作报告。",
            f"{unit}关于安全生产月活动第{week}周开展情况的报告：",
            f"第{week}周，{unit}围绕“{THEME}”主题{r.choice(ADVERBS)}开展各项活动，现将情况报告如下。",
            f"按照上级安排，{unit}紧扣“{THEME}”主题，{r.choice(ADVERBS)}推进安全生产月工作。",
        )
    )
    target = r.randrange(300, 601)
    body = [opening]
    kinds = [k for k in SENTENCES if k != "计划"]
    r.shuffle(kinds)
    order = kinds * 3
    for kind in order:
        if sum(map(len, body)) >= target - 40:
            break
        body.append(sentence(r, unit, kind))
    body.append(sentence(r, unit, "计划"))
    return Report(unit, body)


TEXT_EDITS = ("substitute", "rename", "figures", "insert", "delete", "reorder")
SUBSTITUTES = "的了和与及并对在将已均共各该本此其把被让使向从于为以"


def report_copy(source: Report, seed: int) -> tuple[str, float, list[str]]:
    """A copy of `source` by another unit, edited by 5–20 % of its characters: characters
    substituted, the unit's name and places swapped, figures changed, sentences inserted,
    deleted or reordered. Returns (text, share of characters edited, edit kinds used)."""
    r = random.Random(seed)
    goal = r.uniform(0.05, 0.20)
    length = len(source.text)
    sentences = list(source.sentences)
    mine = unit_name(r)
    edited, used = 0, []
    ops = r.sample(TEXT_EDITS, r.randrange(2, len(TEXT_EDITS) + 1))
    if "rename" in ops:  # the copier's name first: the first thing one changes
        ops.remove("rename")
        ops.insert(0, "rename")
    guard = 0
    while edited < goal * length and guard < 500:
        guard += 1
        op = ops[guard % len(ops)]
        i = r.randrange(len(sentences))
        if op == "rename":
            if source.unit not in "".join(sentences):
                continue
            count = sum(s.count(source.unit) for s in sentences)
            sentences = [s.replace(source.unit, mine) for s in sentences]
            edited += count * max(len(mine), len(source.unit))
        elif op == "substitute":
            s = sentences[i]
            k = r.randrange(len(s))
            if not "\u4e00" <= s[k] <= "\u9fff":
                continue
            sentences[i] = s[:k] + r.choice(SUBSTITUTES) + s[k + 1 :]
            edited += 1
        elif op == "figures":
            s = sentences[i]
            digits = [k for k, ch in enumerate(s) if ch.isdigit()]
            if not digits:
                continue
            k = r.choice(digits)
            sentences[i] = s[:k] + str(r.randrange(10)) + s[k + 1 :]
            edited += 1
        elif op == "insert":
            new = sentence(r, mine)
            if edited + len(new) > 0.22 * length:
                continue
            sentences.insert(i, new)
            edited += len(new)
        elif op == "delete":
            if len(sentences) < 4 or i == 0 or edited + len(sentences[i]) > 0.22 * length:
                continue
            edited += len(sentences.pop(i))
        else:  # reorder: two sentences swapped (only their joins change)
            j = r.randrange(1, len(sentences))
            if i == 0 or i == j:
                continue
            sentences[i], sentences[j] = sentences[j], sentences[i]
            edited += 4
        if op not in used:
            used.append(op)
    return "".join(sentences), edited / length, used
