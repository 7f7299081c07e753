"""Evidence files made on the fly: real JPEGs with EXIF, real MP4s, fakes and bombs."""

import functools
import io
import struct
import zlib

import av
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


@functools.cache
def _tiny_mp4() -> bytes:
    """One 32 × 24 picture encoded as MPEG-4 part 2 in an MP4, by PyAV's own FFmpeg."""
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as out:
        stream = out.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 32, 24, "yuv420p"
        picture = Image.new("RGB", (32, 24), (200, 60, 40))
        for packet in [*stream.encode(av.VideoFrame.from_image(picture)), *stream.encode()]:
            out.mux(packet)
    return buffer.getvalue()


def mp4_bytes(size: int, seed: int = 7) -> bytes:
    """A real MP4 of exactly `size` bytes (at least 1 000): a tiny video, then a `free` box
    of random bytes that players skip."""
    import random

    video = _tiny_mp4()
    padding = size - len(video) - 8
    assert padding >= 0, f"an MP4 here has at least {len(video) + 8} bytes"
    return video + struct.pack(">I", padding + 8) + b"free" + random.Random(seed).randbytes(padding)


def audio_only_mp4() -> bytes:
    """A real MP4 holding a tenth of a second of silence and no picture."""
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as out:
        stream = out.add_stream("aac", rate=8000)
        silence = av.AudioFrame(format="fltp", layout="mono", samples=800)
        silence.sample_rate = 8000
        for plane in silence.planes:
            plane.update(bytes(plane.buffer_size))
        for packet in [*stream.encode(silence), *stream.encode()]:
            out.mux(packet)
    return buffer.getvalue()


def fake_mp4_bytes(size: int, seed: int = 7) -> bytes:
    """`size` bytes that start like an MP4 (an ftyp box), the rest random: no video."""
    import random

    head = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
    return head + random.Random(seed).randbytes(size - len(head))
