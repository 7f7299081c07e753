"""Evidence files made on the fly: real JPEGs with EXIF, fakes and bombs."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def jpeg(name: str = "现场.jpg", taken: str = "2026:06:02 10:30:00", size=(1600, 1200)):
    image = Image.new("RGB", size, (200, 60, 40))
    exif = Image.Exif()
    exif[0x0132] = taken  # DateTime
    exif.get_ifd(0x8769)[0x9003] = taken  # DateTimeOriginal
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=85)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def exe_renamed(name: str = "照片.jpg"):
    return SimpleUploadedFile(name, b"MZ\x90\x00\x03" + b"\x00" * 500, content_type="image/jpeg")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def grey_png(width: int, height: int) -> bytes:
    """A real 8-bit grey PNG, all black: 10 240 × 7 720 (79 megapixels) is 77 KB."""
    deflate = zlib.compressobj(9)
    row = b"\x00" * (width + 1)  # filter byte, then one byte a pixel
    body = b"".join(deflate.compress(row) for _ in range(height)) + deflate.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", body)
        + _chunk(b"IEND", b"")
    )


def png_bomb(name: str = "bomb.png", side: int = 100_000):
    """A few hundred bytes that claim 100 000 × 100 000 pixels."""
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    body = zlib.compress(b"\x00" * 1024)
    data = (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", body)
        + _chunk(b"IEND", b"")
    )
    return SimpleUploadedFile(name, data, content_type="image/png")


def pdf(name: str = "方案.pdf"):
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf"
    )


def mp4_bytes(size: int, seed: int = 7) -> bytes:
    """`size` bytes that start like an MP4 (an ftyp box), the rest random."""
    import random

    head = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
    return head + random.Random(seed).randbytes(size - len(head))
