"""Videos made on the fly with PyAV: a pan over generated scenes, and the copies units make."""

import io

import av
from PIL import Image

from tests.integrity.conftest import scene

FPS = 10


def _frames(seed: int, seconds: int, size=(320, 240)):
    """A new generated scene every 2 seconds, panned by a fifth of its width: frames that
    change like a hand-held shot of a drill."""
    width, height = size
    pan = width // 5
    for shot in range(0, seconds, 2):
        wide = scene(seed * 100 + shot, (width + pan, height))
        for i in range(2 * FPS):
            x = i * pan // (2 * FPS)
            yield wide.crop((x, 0, x + width, height))


def encode(frames, size=(320, 240), bit_rate=400_000) -> bytes:
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as out:
        stream = out.add_stream("mpeg4", rate=FPS)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.bit_rate = bit_rate
        for picture in frames:
            frame = av.VideoFrame.from_image(picture.resize(size))
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return buffer.getvalue()


def video(seed: int, seconds: int = 8) -> bytes:
    return encode(_frames(seed, seconds))


def decoded(data: bytes) -> list[Image.Image]:
    with av.open(io.BytesIO(data)) as container:
        return [frame.to_image() for frame in container.decode(video=0)]


def reencoded_and_trimmed(data: bytes, skip: float = 1.5, drop: float = 1.0) -> bytes:
    """Another size and bit rate, the first `skip` and last `drop` seconds cut."""
    frames = decoded(data)
    kept = frames[int(skip * FPS) : len(frames) - int(drop * FPS)]
    return encode(kept, size=(256, 192), bit_rate=200_000)


def still(data: bytes, second: float) -> Image.Image:
    return decoded(data)[int(second * FPS)]
