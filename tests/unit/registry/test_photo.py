"""The photo standard a machine can check (SPEC APP-5), background by city policy (SPEC CITY-3)."""

from __future__ import annotations

import random
import struct
import zlib
from io import BytesIO
from typing import Any

import pytest
from PIL import Image, ImageChops, ImageDraw

from sscard.registry.photo import (
    MAX_BYTES,
    MIN_BYTES,
    PHOTO_DPI,
    PHOTO_HEIGHT,
    PHOTO_WIDTH,
    Background,
    PhotoDefect,
    PhotoRejected,
    check_photo,
    inspect_photo,
    make_standard_photo,
)

STANDARD_SIZE = (PHOTO_WIDTH, PHOTO_HEIGHT)
STANDARD_DPI = (PHOTO_DPI, PHOTO_DPI)


def _codes(defects: list[PhotoDefect]) -> list[str]:
    return [d.code for d in defects]


def _decoded(seed: int = 1, background: Background = Background.WHITE) -> Image.Image:
    img = Image.open(BytesIO(make_standard_photo(seed, background=background)))
    img.load()
    return img


def _encode(img: Image.Image, fmt: str = "JPEG", **options: Any) -> bytes:
    out = BytesIO()
    img.save(out, fmt, **options)
    return out.getvalue()


def _jpeg(img: Image.Image, *, quality: int = 92, dpi: tuple[int, int] = STANDARD_DPI) -> bytes:
    return _encode(img, quality=quality, dpi=dpi)


def _with_background(fill: Image.Image) -> Image.Image:
    """The white generated portrait with its background replaced by `fill`."""
    img = _decoded()
    red, green, blue = img.split()
    darkest = ImageChops.darker(ImageChops.darker(red, green), blue)
    is_background = darkest.point(lambda v: 255 if v >= 245 else 0)
    return Image.composite(fill, img, is_background)


def _stripes(light: int, dark: int, width: int = 8) -> Image.Image:
    img = Image.new("RGB", STANDARD_SIZE, (light,) * 3)
    draw = ImageDraw.Draw(img)
    for x in range(0, PHOTO_WIDTH, 2 * width):
        draw.rectangle((x, 0, x + width - 1, PHOTO_HEIGHT), fill=(dark,) * 3)
    return img


def _png_declaring(width: int, height: int) -> bytes:
    """A PNG whose header claims a size its data does not hold."""
    png = bytearray(_encode(Image.new("RGB", (1, 1)), "PNG"))
    ihdr = struct.pack(">II", width, height) + bytes(png[24:29])
    png[16:29] = ihdr
    png[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(png)


@pytest.mark.parametrize("seed", range(31))
def test_generated_photo_passes_on_white(seed: int) -> None:
    """SPEC APP-5: demo photos meet the standard for every seed."""
    assert inspect_photo(make_standard_photo(seed)) == []


@pytest.mark.parametrize("seed", range(31))
def test_generated_blue_photo_passes_where_city_wants_blue(seed: int) -> None:
    """SPEC APP-5, CITY-3: a blue-background photo passes a blue-background city."""
    data = make_standard_photo(seed, background=Background.BLUE)
    assert inspect_photo(data, background=Background.BLUE) == []


def test_generated_photo_is_deterministic_per_seed() -> None:
    """SPEC APP-5: demo data is reproducible."""
    assert make_standard_photo(7) == make_standard_photo(7)
    assert make_standard_photo(7) != make_standard_photo(8)


def test_generated_photo_is_within_the_file_size_limits() -> None:
    """SPEC APP-5: 15–100 KB, counted in 1024-byte KB."""
    assert (MIN_BYTES, MAX_BYTES) == (15 * 1024, 100 * 1024)
    assert all(MIN_BYTES <= len(make_standard_photo(seed)) <= MAX_BYTES for seed in range(31))


def test_blue_photo_refused_where_city_wants_white() -> None:
    """SPEC APP-5, CITY-3: the background colour follows the city's policy."""
    data = make_standard_photo(3, background=Background.BLUE)
    defects = inspect_photo(data, background=Background.WHITE)
    assert _codes(defects) == ["background_wrong_colour"]
    assert "背景颜色应为白色" in defects[0].reason_zh


def test_white_photo_refused_where_city_wants_blue() -> None:
    """SPEC APP-5, CITY-3: a white background fails a blue-background city."""
    defects = inspect_photo(make_standard_photo(3), background=Background.BLUE)
    assert _codes(defects) == ["background_wrong_colour"]
    assert "背景颜色应为蓝色" in defects[0].reason_zh


def test_png_refused_as_not_jpeg() -> None:
    """SPEC APP-5: the format must be JPEG."""
    defects = inspect_photo(_encode(_decoded(), "PNG", dpi=STANDARD_DPI))
    assert "not_jpeg" in _codes(defects)
    assert "实际为PNG" in next(d.reason_zh for d in defects if d.code == "not_jpeg")


def test_wrong_pixel_size_refused_with_actual_size() -> None:
    """SPEC APP-5: 358×441 px."""
    defects = inspect_photo(_jpeg(_decoded().resize((400, 500))))
    assert _codes(defects) == ["wrong_dimensions"]
    assert defects[0].reason_zh == "尺寸应为358×441像素，实际为400×500"
    assert defects[0].reason_en == "Size must be 358×441 px, got 400×500"


def test_jpeg_without_resolution_refused() -> None:
    """SPEC APP-5: 350 dpi must be recorded in the file."""
    defects = inspect_photo(_encode(_decoded(), quality=92))
    assert _codes(defects) == ["wrong_dpi"]
    assert "未记录分辨率" in defects[0].reason_zh


def test_wrong_resolution_refused_with_actual_dpi() -> None:
    """SPEC APP-5: 350 dpi, not the 72 dpi cameras and editors default to."""
    defects = inspect_photo(_jpeg(_decoded(), dpi=(72, 72)))
    assert _codes(defects) == ["wrong_dpi"]
    assert defects[0].reason_zh == "分辨率应为350dpi，实际为72dpi"


def test_greyscale_refused_as_not_24bit_colour() -> None:
    """SPEC APP-5: 24-bit colour; an 8-bit greyscale JPEG fails."""
    defects = inspect_photo(_jpeg(_decoded().convert("L")))
    assert "not_24bit_colour" in _codes(defects)
    assert "灰度" in next(d.reason_zh for d in defects if d.code == "not_24bit_colour")


def test_cmyk_refused_as_not_24bit_colour() -> None:
    """SPEC APP-5: 24-bit colour; a CMYK JPEG fails."""
    assert "not_24bit_colour" in _codes(inspect_photo(_jpeg(_decoded().convert("CMYK"))))


def test_file_under_15kb_refused() -> None:
    """SPEC APP-5: at least 15 KB; a flat drawing at low quality is far below."""
    img = Image.new("RGB", STANDARD_SIZE, "white")
    ImageDraw.Draw(img).ellipse((90, 60, 270, 300), fill=(200, 160, 130))
    data = _jpeg(img, quality=40)
    assert len(data) < MIN_BYTES
    assert _codes(inspect_photo(data)) == ["file_too_small"]


def test_file_over_100kb_refused() -> None:
    """SPEC APP-5: at most 100 KB; full-strength noise in the subject at top quality is over."""
    img = _decoded()
    rng = random.Random(0)
    box = (80, 60, 278, PHOTO_HEIGHT)
    size = (box[2] - box[0], box[3] - box[1])
    img.paste(Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3)), box)
    data = _jpeg(img, quality=100)
    assert len(data) > MAX_BYTES
    defects = inspect_photo(data)
    assert _codes(defects) == ["file_too_large"]
    assert defects[0].reason_en.startswith("File size must be 15–100 KB, got ")


def test_grey_background_refused() -> None:
    """SPEC APP-5: a grey background is not white."""
    data = _jpeg(_with_background(Image.new("RGB", STANDARD_SIZE, (160, 160, 160))))
    assert _codes(inspect_photo(data)) == ["background_wrong_colour"]


def test_red_background_refused_where_city_wants_blue() -> None:
    """SPEC APP-5, CITY-3: red is not an ID-photo blue."""
    data = _jpeg(_with_background(Image.new("RGB", STANDARD_SIZE, (200, 30, 30))))
    assert _codes(inspect_photo(data, background=Background.BLUE)) == ["background_wrong_colour"]


def test_patterned_background_refused_even_when_light() -> None:
    """SPEC APP-5: the background must be plain; light stripes average near white but fail."""
    data = _jpeg(_with_background(_stripes(255, 210)))
    assert _codes(inspect_photo(data)) == ["background_not_plain"]


def test_garbage_bytes_reported_unreadable() -> None:
    """SPEC APP-5: bytes that are no image are refused, not crashed on."""
    assert _codes(inspect_photo(b"not a photo " * 2000)) == ["unreadable"]


def test_truncated_jpeg_reported_unreadable() -> None:
    """SPEC APP-5: a JPEG cut short in upload cannot be decoded."""
    data = make_standard_photo(2)
    assert _codes(inspect_photo(data[: len(data) // 2])) == ["unreadable"]


def test_empty_upload_reported_too_small_and_unreadable() -> None:
    """SPEC APP-5: every failing reason is listed."""
    assert _codes(inspect_photo(b"")) == ["file_too_small", "unreadable"]


def test_huge_declared_size_refused_without_decoding() -> None:
    """SPEC APP-5: the size comes from the header; pixels that large are never decoded."""
    defects = inspect_photo(_png_declaring(5000, 5000))
    assert "wrong_dimensions" in _codes(defects)
    assert "unreadable" not in _codes(defects)


def test_decompression_bomb_reported_unreadable() -> None:
    """SPEC APP-5: a header beyond Pillow's bomb limit is refused, not decoded."""
    assert "unreadable" in _codes(inspect_photo(_png_declaring(60000, 60000)))


def test_several_defects_reported_together() -> None:
    """SPEC APP-5: every failing reason is reported, not only the first."""
    img = _decoded().resize((400, 500)).convert("L")
    defects = inspect_photo(_encode(img, "PNG"))
    assert {"not_jpeg", "wrong_dimensions", "wrong_dpi", "not_24bit_colour"} <= set(_codes(defects))


def test_check_photo_accepts_a_standard_photo() -> None:
    """SPEC APP-5: a conforming photo is accepted silently."""
    check_photo(make_standard_photo(5))
    check_photo(make_standard_photo(5, background=Background.BLUE), background=Background.BLUE)


def test_check_photo_refuses_with_every_reason() -> None:
    """SPEC APP-5: the refusal names the rule and carries all reasons in both languages."""
    data = _jpeg(_decoded().resize((400, 500)), dpi=(72, 72))
    expected = inspect_photo(data)
    assert _codes(expected) == ["wrong_dimensions", "wrong_dpi"]

    with pytest.raises(PhotoRejected) as caught:
        check_photo(data, field="applicant_photo")

    error = caught.value
    assert (error.code, error.rule, error.status) == ("photo_rejected", "APP-5", 422)
    assert error.field == "applicant_photo"
    assert error.defects == expected
    assert error.detail_zh == "照片不符合标准：" + "；".join(d.reason_zh for d in expected)
    assert error.detail_en == "The photo does not meet the standard: " + "; ".join(
        d.reason_en for d in expected
    )


def test_transparent_palette_png_checked_not_reported_unreadable() -> None:
    """SPEC APP-5: a palette image with transparency is refused for its format, not crashed on."""
    img = _decoded().convert("P")
    alpha = bytes([0, 128] + [255] * 254)
    defects = inspect_photo(_encode(img, "PNG", transparency=alpha, dpi=STANDARD_DPI))
    assert "not_jpeg" in _codes(defects)
    assert "unreadable" not in _codes(defects)
