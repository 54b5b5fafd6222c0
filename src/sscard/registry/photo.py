"""The applicant's photo and the checks a machine can make on it (SPEC APP-5).

Format, pixel size, resolution, colour depth, file size and background are checked; composition
(recent, frontal, no uniform, glasses) is left to the person at the counter. The background colour
is a city policy (SPEC CITY-3), so it is passed in.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from io import BytesIO
from typing import Any

from PIL import Image, ImageDraw, ImageStat

from sscard.kernel.errors import DomainError

PHOTO_WIDTH = 358
PHOTO_HEIGHT = 441
PHOTO_DPI = 350
# "15–100 KB" read as KiB (1 KB = 1024 bytes): the standard does not say, and 1024 is how the
# file-properties dialogs applicants look at count.
MIN_BYTES = 15 * 1024
MAX_BYTES = 100 * 1024

# A JPEG that also carries multi-picture data (phone cameras) is named MPO by Pillow; still a JPEG.
_JPEG_FORMATS = frozenset({"JPEG", "MPO"})
# Only formats people plausibly upload are tried: opening every format Pillow knows would hand
# untrusted bytes to rarely used decoders (EPS even runs Ghostscript).
_OPENABLE_FORMATS = ("JPEG", "PNG", "GIF", "BMP", "TIFF", "WEBP")
# A photo bigger than this is refused for its size anyway; decoding it would only cost memory.
_MAX_DECODE_PIXELS = 4_000_000
_DPI_TOLERANCE = 1.0  # density stored in dots per cm converts back to 350.5 dpi

# Background sampling: side bands of the upper part. The top of the head may come within a few
# pixels of the top edge, so the top is sampled through its corners, never across the middle;
# a head is at most ~62% of the width, centred, so 15% on each side is clear of it.
_BAND_WIDTH_SHARE = 0.15
_BAND_HEIGHT_SHARE = 0.45
# Even lighting and JPEG noise stay well below this; stripes, patterns and shadows do not.
_PLAIN_MAX_STDDEV = 12.0

_MODE_NAMES: dict[str, tuple[str, str]] = {
    "1": ("1位黑白", "1-bit black and white"),
    "L": ("8位灰度", "8-bit greyscale"),
    "P": ("调色板", "palette"),
    "RGBA": ("带透明通道的32位", "32-bit with transparency"),
    "CMYK": ("CMYK四色", "CMYK"),
}


class Background(StrEnum):
    WHITE = "white"
    BLUE = "blue"


_BACKGROUND_NAMES: dict[Background, tuple[str, str]] = {
    Background.WHITE: ("白色", "white"),
    Background.BLUE: ("蓝色", "blue"),
}

# What the generator paints; typical ID-photo blue.
_BACKGROUND_RGB: dict[Background, tuple[int, int, int]] = {
    Background.WHITE: (255, 255, 255),
    Background.BLUE: (67, 142, 219),
}

Rgb = tuple[float, float, float]


def _is_white(mean: Rgb) -> bool:
    # Bright and neutral: cream, light grey and pale blue are not white.
    return min(mean) >= 225 and max(mean) - min(mean) <= 15


def _is_id_blue(mean: Rgb) -> bool:
    # Covers the usual ID blues, from RGB(67,142,219) to the cyan-ish RGB(0,191,243); not navy,
    # not sky blue.
    red, green, blue = mean
    return blue >= 160 and red <= 120 and blue - red >= 80 and blue - green >= 30


_BACKGROUND_MATCHES: dict[Background, Callable[[Rgb], bool]] = {
    Background.WHITE: _is_white,
    Background.BLUE: _is_id_blue,
}


@dataclass(frozen=True)
class PhotoDefect:
    """One reason a photo fails the standard, for the applicant to fix."""

    code: str
    reason_zh: str
    reason_en: str


class PhotoRejected(DomainError):
    """The photo fails the standard; every reason is listed."""

    code = "photo_rejected"
    status = 422
    rule = "APP-5"
    message_zh = "照片不符合标准：{reasons_zh}"
    message_en = "The photo does not meet the standard: {reasons_en}"

    def __init__(self, defects: Sequence[PhotoDefect], *, field: str | None = "photo") -> None:
        self.defects = list(defects)
        super().__init__(
            field=field,
            reasons_zh="；".join(d.reason_zh for d in self.defects),
            reasons_en="; ".join(d.reason_en for d in self.defects),
        )

    def extra(self) -> dict[str, Any]:
        return {"defects": [vars(d) for d in self.defects]}


def inspect_photo(data: bytes, *, background: Background = Background.WHITE) -> list[PhotoDefect]:
    """Every way the photo fails the standard; an empty list means it passes."""
    defects = _check_file_size(len(data))
    try:
        with Image.open(BytesIO(data), formats=_OPENABLE_FORMATS) as img:
            defects += _check_header(img)
            if img.width * img.height <= _MAX_DECODE_PIXELS:
                defects += _check_background(_as_rgb(img), background)
    # Hostile or damaged bytes make Pillow raise many kinds of error (and a decompression-bomb
    # warning when warnings are errors); each means the same to the applicant.
    except Exception:
        defects.append(_unreadable())
    return defects


def check_photo(
    data: bytes, *, background: Background = Background.WHITE, field: str = "photo"
) -> None:
    """Refuse a photo that fails the standard, listing every reason."""
    defects = inspect_photo(data, background=background)
    if defects:
        raise PhotoRejected(defects, field=field)


def _check_file_size(size: int) -> list[PhotoDefect]:
    if size < MIN_BYTES:
        code = "file_too_small"
    elif size > MAX_BYTES:
        code = "file_too_large"
    else:
        return []
    actual = f"{size / 1024:.1f}KB"
    return [
        PhotoDefect(
            code,
            f"文件大小应为15–100KB，实际为{actual}",
            f"File size must be 15–100 KB, got {actual}",
        )
    ]


def _check_header(img: Image.Image) -> list[PhotoDefect]:
    return [
        *_check_format(img.format),
        *_check_dimensions(img.size),
        *_check_dpi(img.info.get("dpi")),
        *_check_colour_depth(img.mode),
    ]


def _check_format(image_format: str | None) -> list[PhotoDefect]:
    if image_format in _JPEG_FORMATS:
        return []
    actual = image_format or "unknown"
    return [
        PhotoDefect(
            "not_jpeg", f"文件格式应为JPEG，实际为{actual}", f"Format must be JPEG, got {actual}"
        )
    ]


def _check_dimensions(size: tuple[int, int]) -> list[PhotoDefect]:
    if size == (PHOTO_WIDTH, PHOTO_HEIGHT):
        return []
    actual = f"{size[0]}×{size[1]}"
    return [
        PhotoDefect(
            "wrong_dimensions",
            f"尺寸应为{PHOTO_WIDTH}×{PHOTO_HEIGHT}像素，实际为{actual}",
            f"Size must be {PHOTO_WIDTH}×{PHOTO_HEIGHT} px, got {actual}",
        )
    ]


def _check_dpi(dpi: object) -> list[PhotoDefect]:
    if not isinstance(dpi, tuple) or len(dpi) != 2:
        return [
            PhotoDefect(
                "wrong_dpi",
                f"分辨率应为{PHOTO_DPI}dpi，文件中未记录分辨率",
                f"Resolution must be {PHOTO_DPI} dpi; the file records none",
            )
        ]
    x_dpi, y_dpi = (float(v) for v in dpi)
    if abs(x_dpi - PHOTO_DPI) <= _DPI_TOLERANCE and abs(y_dpi - PHOTO_DPI) <= _DPI_TOLERANCE:
        return []
    actual = f"{x_dpi:g}dpi" if x_dpi == y_dpi else f"{x_dpi:g}×{y_dpi:g}dpi"
    return [
        PhotoDefect(
            "wrong_dpi",
            f"分辨率应为{PHOTO_DPI}dpi，实际为{actual}",
            f"Resolution must be {PHOTO_DPI} dpi, got {actual}",
        )
    ]


def _check_colour_depth(mode: str) -> list[PhotoDefect]:
    if mode == "RGB":
        return []
    name_zh, name_en = _MODE_NAMES.get(mode, (mode, mode))
    return [
        PhotoDefect(
            "not_24bit_colour",
            f"色彩应为24位真彩色（RGB），实际为{name_zh}",
            f"Colour must be 24-bit RGB, got {name_en}",
        )
    ]


def _check_background(img: Image.Image, background: Background) -> list[PhotoDefect]:
    mean, stddev = _band_stats(img)
    defects = []
    if max(stddev) > _PLAIN_MAX_STDDEV:
        defects.append(
            PhotoDefect(
                "background_not_plain",
                "背景应为纯色，检测到背景不均匀或有图案",
                "Background must be plain; it is uneven or patterned",
            )
        )
    if not _BACKGROUND_MATCHES[background](mean):
        name_zh, name_en = _BACKGROUND_NAMES[background]
        actual = "RGB({:.0f},{:.0f},{:.0f})".format(*mean)
        defects.append(
            PhotoDefect(
                "background_wrong_colour",
                f"背景颜色应为{name_zh}，实际接近{actual}",
                f"Background must be {name_en}; it is about {actual}",
            )
        )
    return defects


def _band_stats(img: Image.Image) -> tuple[Rgb, Rgb]:
    """Per-channel mean and standard deviation over all background bands together."""
    sums = [0.0, 0.0, 0.0]
    squares = [0.0, 0.0, 0.0]
    count = 0
    for box in _background_boxes(img.width, img.height):
        stat = ImageStat.Stat(img.crop(box))
        for channel in range(3):
            sums[channel] += stat.sum[channel]
            squares[channel] += stat.sum2[channel]
        count += stat.count[0]
    means = [s / count for s in sums]
    stddevs = [math.sqrt(max(q / count - m * m, 0.0)) for q, m in zip(squares, means, strict=True)]
    return (means[0], means[1], means[2]), (stddevs[0], stddevs[1], stddevs[2])


def _background_boxes(width: int, height: int) -> list[tuple[int, int, int, int]]:
    band = max(1, round(width * _BAND_WIDTH_SHARE))
    bottom = max(1, round(height * _BAND_HEIGHT_SHARE))
    return [(0, 0, band, bottom), (width - band, 0, width, bottom)]


def _as_rgb(img: Image.Image) -> Image.Image:
    # Pillow warns when a palette image with transparency goes straight to RGB.
    if img.mode == "P":
        img = img.convert("RGBA")
    return img.convert("RGB")


def _unreadable() -> PhotoDefect:
    return PhotoDefect("unreadable", "文件无法识别为图像", "The file cannot be read as an image")


# The generator: a drawn silhouette, no real person, for demo and test data.

# With this noise and quality every seed tried lands at 35–38 KB, far from both limits.
_GENERATED_NOISE = 0.16
_GENERATED_QUALITY = 92


def make_standard_photo(seed: int, *, background: Background = Background.WHITE) -> bytes:
    """A deterministic, standard-conforming head-and-shoulders silhouette for demo and tests."""
    rng = random.Random(seed)
    subject, mask = _draw_subject(rng)
    img = Image.new("RGB", (PHOTO_WIDTH, PHOTO_HEIGHT), _BACKGROUND_RGB[background])
    img.paste(_add_noise(subject, rng), mask=mask)
    data = _encode_jpeg(img, _GENERATED_QUALITY)
    # Guards future edits to the drawing: demo data must never carry a non-standard photo.
    if not MIN_BYTES <= len(data) <= MAX_BYTES:
        raise RuntimeError(f"generated photo for seed {seed} is {len(data)} bytes")
    return data


def _draw_subject(rng: random.Random) -> tuple[Image.Image, Image.Image]:
    size = (PHOTO_WIDTH, PHOTO_HEIGHT)
    subject = Image.new("RGB", size)
    mask = Image.new("L", size, 0)
    skin = (rng.randint(150, 230), rng.randint(110, 180), rng.randint(80, 150))
    hair = (rng.randint(10, 60),) * 3
    # Never white: the standard forbids a white top.
    clothes = (rng.randint(20, 120), rng.randint(20, 120), rng.randint(20, 140))
    dx, dy = rng.randint(-6, 6), rng.randint(-6, 6)
    cx = PHOTO_WIDTH // 2 + dx
    shapes: list[tuple[tuple[int, int, int, int], tuple[int, int, int]]] = [
        ((20, 335 + dy, PHOTO_WIDTH - 20, 560 + dy), clothes),  # shoulders
        ((cx - 32, 250 + dy, cx + 32, 350 + dy), skin),  # neck
        ((cx - 98, 28 + dy, cx + 98, 200 + dy), hair),
        ((cx - 90, 60 + dy, cx + 90, 300 + dy), skin),  # face
    ]
    paint = ImageDraw.Draw(subject)
    cut = ImageDraw.Draw(mask)
    for box, colour in shapes:
        paint.ellipse(box, fill=colour)
        cut.ellipse(box, fill=255)
    return subject, mask


def _add_noise(img: Image.Image, rng: random.Random) -> Image.Image:
    # Texture gives the JPEG its realistic weight; a flat drawing would fall under 15 KB.
    noise = Image.frombytes("RGB", img.size, rng.randbytes(img.width * img.height * 3))
    return Image.blend(img, noise, _GENERATED_NOISE)


def _encode_jpeg(img: Image.Image, quality: int) -> bytes:
    out = BytesIO()
    img.save(out, "JPEG", quality=quality, dpi=(PHOTO_DPI, PHOTO_DPI))
    return out.getvalue()
