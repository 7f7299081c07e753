"""Fingerprints of evidence, computed from the bytes alone: no database, no settings.

Photos. A photo is turned upright by its EXIF orientation and shrunk; then it gets 64-bit
pHashes (ImageHash) of several views:
- FULL: the whole picture;
- VIEW: crops of it at CROP_SCALE on a CROP_STEPS × CROP_STEPS grid, stored beside the full
  hash, so that a later copy cropped by up to 10 % lies near one of them;
- PROBE: the picture mirrored, turned a quarter, half and three quarters, with a strip
  cut from its top or bottom (a status bar drawn over it), and, mirrored and not, without
  an even frame (a border, letterboxing) and without a phone's status bar and toolbar (a
  screenshot). Probes are looked up but never stored: they only need to meet a stored
  full hash. Trimming is for probes only: a stored print trimmed of flat sky would not
  meet a copy whose border stopped the trimming.
Pairs found within the radius are looked at again by compare.same_picture.
A stored VIEW is only compared with a FULL hash looked up, and a PROBE only with stored FULL
and FRAME hashes (`comparable`): two crops of unrelated photos are not evidence of anything.

Videos. Frames are sampled every FRAME_EVERY seconds (more sparsely for long videos, at most
MAX_FRAMES) and fingerprinted like a photo's full view, to store; a frame that repeats the
one before it (a still shot) is left out. Frames PROBES_PER_FRAME times as dense are looked
up. A re-encoded or trimmed copy meets many of the original's stored frames; a still taken
from the video meets one of them.

Texts. Text is normalised (NFKC, lower case, only letters and digits kept), cut into
character SHINGLE-grams (no segmenter: this works for Chinese as it is), the shingles of the
passages everyone repeats (the campaign's theme, official slogans, passages an office
marked shared) are removed, and a MinHash signature (datasketch) of NUM_PERM permutations is
taken. Its BANDS × ROWS band hashes are the keys of the locality-sensitive index."""

import hashlib
import unicodedata
import zlib
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from typing import IO, Any, Literal

import av
import imagehash
import numpy as np
from datasketch import MinHash
from PIL import ExifTags, Image, ImageOps

from anxuan.core.files import open_photo
from anxuan.core.processing import exif_taken_at

Role = Literal["full", "view", "probe", "frame"]
FULL: Role = "full"
VIEW: Role = "view"
PROBE: Role = "probe"
FRAME: Role = "frame"
STORED_ROLES: tuple[Role, ...] = (FULL, VIEW, FRAME)

# What a looked-up role may meet among the stored ones.
COMPARABLE: dict[Role, tuple[Role, ...]] = {
    FULL: (FULL, VIEW, FRAME),
    VIEW: (FULL, FRAME),
    PROBE: (FULL, FRAME),
    FRAME: (FULL, VIEW, FRAME),
}

WORK_SIZE = 512  # the picture is shrunk to this many pixels on its longer side first
CROP_SCALE = 0.9
CROP_STEPS = 3
STRIP = 0.1  # the share of the height a status bar takes
BAR_STD = 4.0  # a row or column this even (grey levels) is a bar (video frames)
MAX_TRIM = 0.25
EVEN_SHARE, EVEN_TOLERANCE = 0.8, 14  # a frame's line: this share within this of its median
PHONE_BAR_SHARE, PHONE_BAR_INK = 0.7, 24  # a phone bar's row: this share near black or white
MAX_FRAME = 0.3  # the most a frame or a phone's bars may take of a side
FRAME_EVERY = 1.0  # seconds between stored frames
PROBES_PER_FRAME = 5  # looked-up frames per stored one
MAX_FRAMES = 120
FRAME_REPEAT = 4  # a frame this near the one kept before it is left out

SHINGLE = 3
NUM_PERM = 128
BANDS, ROWS = 25, 5  # 125 of the 128 permutations; P(candidate | Jaccard 0.8) > 0.9999
MIN_SHINGLES = 20  # texts with fewer shingles left are too short to judge


class Unreadable(Exception):
    """The file could not be fingerprinted; the message says why (shown to the office)."""


@dataclass(frozen=True)
class Print:
    role: Role
    value: int  # a 64-bit hash as a signed integer (it fits a bigint column)
    at: float | None = None  # a frame's time in seconds


@dataclass
class PhotoFacts:
    prints: list[Print]
    taken_at: datetime | None = None
    latitude: float | None = None
    longitude: float | None = None


def signed(bits: int) -> int:
    return bits - (1 << 64) if bits >= 1 << 63 else bits


def unsigned(value: int) -> int:
    return value & 0xFFFF_FFFF_FFFF_FFFF


def distance(a: int, b: int) -> int:
    return (unsigned(a) ^ unsigned(b)).bit_count()


def _hash(image: Image.Image) -> int:
    bits = imagehash.phash(image).hash.flatten()
    return signed(int("".join("1" if bit else "0" for bit in bits), 2))


def trim_bars(image: Image.Image) -> Image.Image:
    """`image` without the even rows and columns at its edges (up to MAX_TRIM a side)."""
    grey = np.asarray(image.convert("L").resize((128, 128)), dtype=np.float32)
    limit = int(128 * MAX_TRIM)

    def bar(flags: Any) -> int:
        n = 0
        while n < limit and flags[n]:
            n += 1
        return n

    rows, cols = grey.std(axis=1) < BAR_STD, grey.std(axis=0) < BAR_STD
    top, bottom, left, right = bar(rows), bar(rows[::-1]), bar(cols), bar(cols[::-1])
    if not (top or bottom or left or right):
        return image
    width, height = image.size
    box = (
        left * width // 128,
        top * height // 128,
        width - right * width // 128,
        height - bottom * height // 128,
    )
    return image.crop(box)


def _even_frame(image: Image.Image, size: int = 128) -> Image.Image | None:
    """`image` without a frame around it: edge lines whose pixels are mostly one colour
    (a border, letterboxing, flat sky or wall), trimmed side after side until none is left;
    None when nothing is trimmed."""
    pixels = np.asarray(image.convert("RGB").resize((size, size)), dtype=np.int16)
    top, bottom, left, right = 0, size, 0, size
    limit = int(size * MAX_FRAME)

    def even(line: Any) -> bool:
        off = np.abs(line - np.median(line, axis=0)).max(axis=1)
        return bool(np.mean(off <= EVEN_TOLERANCE) >= EVEN_SHARE)

    changed = True
    while changed:
        changed = False
        while top < limit and even(pixels[top, left:right]):
            top, changed = top + 1, True
        while size - bottom < limit and even(pixels[bottom - 1, left:right]):
            bottom, changed = bottom - 1, True
        while left < limit and even(pixels[top:bottom, left]):
            left, changed = left + 1, True
        while size - right < limit and even(pixels[top:bottom, right - 1]):
            right, changed = right - 1, True
    if (top, bottom, left, right) == (0, size, 0, size):
        return None
    width, height = image.size
    k_w, k_h = width / size, height / size
    return image.crop((int(left * k_w), int(top * k_h), int(right * k_w), int(bottom * k_h)))


def _phone_bars(image: Image.Image, size: int = 256) -> Image.Image | None:
    """`image` without a phone screenshot's status bar and toolbar: top and bottom rows that
    are mostly black or mostly white, icons and clock allowed; None when there are none."""
    grey = np.asarray(image.convert("L").resize((size, size)), dtype=np.int16)
    limit = int(size * MAX_FRAME)

    def bar(row: Any) -> bool:
        dark, light = np.mean(row <= PHONE_BAR_INK), np.mean(row >= 255 - PHONE_BAR_INK)
        return bool(max(dark, light) >= PHONE_BAR_SHARE)

    top, bottom = 0, size
    while top < limit and bar(grey[top]):
        top += 1
    while size - bottom < limit and bar(grey[bottom - 1]):
        bottom -= 1
    if (top, bottom) == (0, size):
        return None
    width, height = image.size
    return image.crop((0, top * height // size, width, bottom * height // size))


def _crops(image: Image.Image) -> Iterator[Image.Image]:
    width, height = image.size
    crop_w, crop_h = int(width * CROP_SCALE), int(height * CROP_SCALE)
    for i in range(CROP_STEPS):
        for j in range(CROP_STEPS):
            x = (width - crop_w) * i // (CROP_STEPS - 1)
            y = (height - crop_h) * j // (CROP_STEPS - 1)
            yield image.crop((x, y, x + crop_w, y + crop_h))


def _probes(image: Image.Image) -> Iterator[Image.Image]:
    for turn in (
        Image.Transpose.FLIP_LEFT_RIGHT,
        Image.Transpose.ROTATE_90,
        Image.Transpose.ROTATE_180,
        Image.Transpose.ROTATE_270,
    ):
        yield image.transpose(turn)
    width, height = image.size
    strip = int(height * STRIP)
    yield image.crop((0, strip, width, height))
    yield image.crop((0, 0, width, height - strip))
    yield image.crop((0, strip, width, height - strip))
    for inner in (_even_frame(image), _phone_bars(image)):
        if inner is not None:
            yield inner
            yield inner.transpose(Image.Transpose.FLIP_LEFT_RIGHT)


def picture_prints(image: Image.Image) -> list[Print]:
    """The prints of an upright RGB picture (see the module's docstring)."""
    image.thumbnail((WORK_SIZE, WORK_SIZE))
    prints = [Print(FULL, _hash(image))]
    prints += [Print(VIEW, _hash(crop)) for crop in _crops(image)]
    prints += [Print(PROBE, _hash(probe)) for probe in _probes(image)]
    return prints


def _degrees(value: Any) -> float:
    d, m, s = (
        float(Fraction(str(part))) if not isinstance(part, float) else part for part in value
    )
    return d + m / 60 + s / 3600


def _gps(image: Image.Image) -> tuple[float | None, float | None]:
    try:
        gps = image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        lat = _degrees(gps[2]) * (-1 if gps.get(1) == "S" else 1)
        lon = _degrees(gps[4]) * (-1 if gps.get(3) == "W" else 1)
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None, None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return None, None
    return lat, lon


def _read_photo(file: IO[bytes]) -> tuple[Image.Image, PhotoFacts]:
    """The upright RGB picture of a photo and its EXIF facts (no prints yet)."""
    try:
        with open_photo(file) as image:
            image.draft("RGB", (WORK_SIZE * 2, WORK_SIZE * 2))
            facts = PhotoFacts([], exif_taken_at(image), *_gps(image))
            return ImageOps.exif_transpose(image).convert("RGB"), facts
    except Image.DecompressionBombError as exc:
        raise Unreadable(f"图片像素过多（{exc}），无法检查") from exc
    except (OSError, ValueError, SyntaxError) as exc:  # Pillow's errors for broken files
        raise Unreadable(f"图片已损坏或无法解码（{exc.__class__.__name__}）") from exc


def photo_facts(file: IO[bytes]) -> PhotoFacts:
    """Prints, EXIF capture time and GPS position of a photo (JPEG, PNG, WebP, HEIC).
    Raises Unreadable for a broken file or one with more pixels than the upload bound."""
    upright, facts = _read_photo(file)
    facts.prints = picture_prints(upright)
    return facts


def work_picture(file: IO[bytes]) -> Image.Image:
    """The picture the prints are taken of: upright, WORK_SIZE on its longer side at most
    (what compare.same_picture is given). Raises Unreadable as photo_facts does."""
    upright, _ = _read_photo(file)
    upright.thumbnail((WORK_SIZE, WORK_SIZE))
    return upright


def video_prints(file: IO[bytes] | str) -> list[Print]:
    """Prints of frames sampled from a video: FRAME prints every FRAME_EVERY seconds (more
    sparsely for a long video; a frame repeating the one kept before it is left out) to
    store, and PROBE prints PROBES_PER_FRAME times as densely to look up, so that a copy
    trimmed at any instant still has a probe within a fraction of a second of each stored
    frame. A file cut short yields the frames before the cut. Raises Unreadable when no
    frame can be decoded."""
    prints: list[Print] = []
    try:
        with av.open(file, mode="r") as container:
            if not container.streams.video:
                raise Unreadable("视频中没有画面")
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            duration = float(container.duration or 0) / av.time_base
            every = max(FRAME_EVERY, duration / MAX_FRAMES)
            step = every / PROBES_PER_FRAME
            next_probe, next_frame, last = 0.0, 0.0, None
            try:
                for frame in container.decode(stream):
                    at = float(frame.time or 0.0)
                    if at + 1e-6 < next_probe:
                        continue
                    next_probe = at + step
                    picture = frame.to_image()  # type: ignore[no-untyped-call]
                    picture.thumbnail((WORK_SIZE, WORK_SIZE))
                    value = _hash(trim_bars(picture))
                    prints.append(Print(PROBE, value, round(at, 2)))
                    if at + 1e-6 >= next_frame:
                        next_frame = at + every
                        if last is None or distance(value, last) > FRAME_REPEAT:
                            prints.append(Print(FRAME, value, round(at, 2)))
                            last = value
                    if len(prints) >= MAX_FRAMES * (PROBES_PER_FRAME + 1):
                        break
            except (av.error.FFmpegError, ValueError):  # a truncated file: keep what came
                pass
    except av.error.FFmpegError as exc:
        raise Unreadable(f"视频已损坏或无法解码（{exc.__class__.__name__}）") from exc
    if not prints:
        raise Unreadable("视频中没有可解码的画面")
    return prints


def video_picture(file: IO[bytes] | str, at: float) -> Image.Image:
    """The frame shown at `at` seconds (the first at or after it), shrunk as work_picture
    shrinks a photo. Raises Unreadable when no frame that late can be decoded."""
    try:
        with av.open(file, mode="r") as container:
            stream = container.streams.video[0]
            if stream.time_base is not None:
                container.seek(int(at / stream.time_base), stream=stream, backward=True)
            for frame in container.decode(stream):
                if float(frame.time or 0.0) + 1e-3 >= at:
                    shown: Image.Image = frame.to_image()  # type: ignore[no-untyped-call]
                    shown.thumbnail((WORK_SIZE, WORK_SIZE))
                    return shown
    except (av.error.FFmpegError, IndexError, ValueError) as exc:
        raise Unreadable(f"视频已损坏或无法解码（{exc.__class__.__name__}）") from exc
    raise Unreadable("视频中没有这一时刻的画面")


# Texts ----------------------------------------------------------------------------------


def _characters(text: str) -> Iterator[tuple[int, str]]:
    """(position in `text`, character) of the letters and digits of `text` after NFKC and
    lower-casing, each character normalised on its own so that positions stay true."""
    for i, ch in enumerate(text):
        for part in unicodedata.normalize("NFKC", ch).lower():
            if part.isalnum():
                yield i, part


def normalise(text: str) -> str:
    return "".join(ch for _, ch in _characters(text))


def shingles(text: str) -> set[str]:
    norm = normalise(text)
    if len(norm) < SHINGLE:
        return {norm} if norm else set()
    return {norm[i : i + SHINGLE] for i in range(len(norm) - SHINGLE + 1)}


def shared_shingles(passages: Iterable[str]) -> frozenset[str]:
    """The shingles of passages everybody may repeat (themes, slogans, shared texts)."""
    found: set[str] = set()
    for passage in passages:
        if len(normalise(passage)) >= SHINGLE:
            found |= shingles(passage)
    return frozenset(found)


def _crc(data: bytes) -> int:
    return zlib.crc32(data)


@dataclass
class Signature:
    values: Any  # numpy uint32 array of NUM_PERM minimum hashes
    size: int  # shingles signed
    bands: list[int] = field(default_factory=list)  # BANDS signed 64-bit band keys

    def to_bytes(self) -> bytes:
        return np.asarray(self.values, dtype="<u4").tobytes()

    @staticmethod
    def values_of(data: bytes) -> Any:
        return np.frombuffer(data, dtype="<u4")


def band_keys(values: Any) -> list[int]:
    """One key per band: the band's number and its rows' minimum hashes, hashed to 64 bits."""
    raw = np.asarray(values, dtype="<u4")
    keys = []
    for band in range(BANDS):
        digest = hashlib.blake2b(
            raw[band * ROWS : (band + 1) * ROWS].tobytes(), digest_size=8, person=bytes([band])
        ).digest()
        keys.append(signed(int.from_bytes(digest, "big")))
    return keys


def signature(text: str, shared: frozenset[str] = frozenset()) -> Signature | None:
    """The MinHash signature of `text` without the shared shingles; None when too little is
    left to judge (a one-line note, a text that is all slogans)."""
    own = shingles(text) - shared
    if len(own) < MIN_SHINGLES:
        return None
    minhash = MinHash(num_perm=NUM_PERM, hashfunc=_crc)
    minhash.update_batch([s.encode() for s in own])
    values = (minhash.hashvalues & 0xFFFF_FFFF).astype(np.uint32)
    return Signature(values, len(own), band_keys(values))


def jaccard(a: AbstractSet[str], b: AbstractSet[str]) -> float:
    """The exact Jaccard similarity of two shingle sets."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def similarity(a: Any, b: Any) -> float:
    """Estimated Jaccard similarity of two signatures' values."""
    return float(np.count_nonzero(np.asarray(a) == np.asarray(b))) / NUM_PERM


def shared_spans(text: str, shared: frozenset[str]) -> list[tuple[int, int]]:
    """(start, end) character ranges of `text` covered by shared shingles, for highlighting:
    a character counts when a shared shingle of the normalised text starts within SHINGLE
    characters before it."""
    kept = list(_characters(text))
    covered = [False] * len(kept)
    norm = "".join(ch for _, ch in kept)
    for start in range(len(norm) - SHINGLE + 1):
        if norm[start : start + SHINGLE] in shared:
            for k in range(start, start + SHINGLE):
                covered[k] = True
    spans: list[tuple[int, int]] = []
    for (i, _), hit in zip(kept, covered, strict=True):
        if not hit:
            continue
        if spans and i <= spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], i + 1)
        else:
            spans.append((i, i + 1))
    return spans
