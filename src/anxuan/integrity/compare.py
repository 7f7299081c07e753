"""The second look at two photos whose fingerprints met: are they one picture?

A 64-bit pHash keeps only the coarsest layout, and many different photos share it: a
notice on a wall, a banner over a crowd. So a pair of photos the index finds within the
radius is compared again, pixel by pixel, before it is flagged:
1. coarse: the middle of one picture (an edge of ALIGN_MARGIN cut off each side, so that a
   crop, a border or a screenshot's bars fall away), mirrored or not, at ALIGN_SCALES, is
   slid over the other by normalised cross-correlation of a band-pass image COARSE pixels
   long; the best scale and place win;
2. fine: near that scale, the same at FINE pixels with a narrower
   band, which keeps the small detail (the lines of text on a notice, the faces in a
   crowd) that differs between two photos of alike scenes.
The score is the fine correlation (1 is the same picture), the better of the two ways
round. A copy that was re-compressed, resized, cropped, framed, stamped, recoloured,
mirrored or put in a screenshot scores above SAME_PICTURE; two different photos of alike
scenes score well below (bench/integrity_eval.py measures both)."""

from collections.abc import Iterable

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageFilter, ImageOps
from scipy.signal import fftconvolve

SAME_PICTURE = 0.8
ALIGN_MARGIN = 0.12
ALIGN_SCALES = tuple(0.75 * (1.35 / 0.75) ** (k / 12) for k in range(13))
FINE_STEPS = (0.97, 0.985, 1.0, 1.015, 1.03)
COARSE, COARSE_BAND = 128, (1.5, 8.0)
FINE, FINE_BAND = 192, (0.7, 2.5)

Array = NDArray[np.float64]


def _band(grey: Image.Image, band: tuple[float, float]) -> Array:
    low, high = band
    near = np.asarray(grey.filter(ImageFilter.GaussianBlur(low)), dtype=np.float64)
    return near - np.asarray(grey.filter(ImageFilter.GaussianBlur(high)), dtype=np.float64)


def _fit(image: Image.Image, long_side: int, scale: float = 1.0) -> Image.Image:
    k = long_side / max(image.size) * scale
    size = (max(1, round(image.width * k)), max(1, round(image.height * k)))
    return image.resize(size, Image.Resampling.BILINEAR)


def _correlation(template: Array, picture: Array) -> float:
    """The best normalised cross-correlation of `template` at any place inside `picture`."""
    height, width = template.shape
    if height > picture.shape[0] or width > picture.shape[1] or min(height, width) < 8:
        return -1.0
    template = template - template.mean()
    norm = float(np.sqrt((template * template).sum()))
    if norm < 1e-6:  # a flat template matches everything and proves nothing
        return -1.0
    ones = np.ones_like(template)
    products = fftconvolve(picture, template[::-1, ::-1], mode="valid")
    sums = fftconvolve(picture, ones, mode="valid")
    squares = fftconvolve(picture * picture, ones, mode="valid")
    spread = np.sqrt(np.maximum(squares - sums * sums / template.size, 1e-6))
    return float((products / (norm * spread)).max())


def _middle(image: Image.Image) -> Image.Image:
    width, height = image.size
    dx, dy = int(width * ALIGN_MARGIN), int(height * ALIGN_MARGIN)
    return image.crop((dx, dy, width - dx, height - dy))


def _best(
    part: Image.Image,
    whole: Image.Image,
    long_side: int,
    band: tuple[float, float],
    scales: Iterable[float],
) -> tuple[float, float]:
    """(correlation, scale) of `part`'s middle slid over `whole`, at the best scale;
    `part` and `whole` are shrunk alike, so scale 1 means the same size."""
    target = _band(_fit(whole, long_side), band)
    middle, k = _middle(part), long_side / max(part.size)
    best = (-1.0, 1.0)
    for scale in scales:
        found = _correlation(_band(_fit(middle, round(max(middle.size) * k), scale), band), target)
        best = max(best, (found, scale))
    return best


def _one_way(part: Image.Image, whole: Image.Image) -> float:
    """Per mirror: the coarse step finds the scale, the fine step judges near it."""
    best = -1.0
    for shown in (part, ImageOps.mirror(part)):
        _, scale = _best(shown, whole, COARSE, COARSE_BAND, ALIGN_SCALES)
        fine, _ = _best(shown, whole, FINE, FINE_BAND, (scale * step for step in FINE_STEPS))
        best = max(best, fine)
    return best


def same_picture(a: Image.Image, b: Image.Image) -> float:
    """How surely `a` and `b` show one picture: the fine correlation, 1 for the same
    pixels, above SAME_PICTURE for a disguised copy (see the module's docstring)."""
    a, b = a.convert("L"), b.convert("L")
    return max(_one_way(a, b), _one_way(b, a))
