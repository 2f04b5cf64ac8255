"""Images through Tesseract, and every bad image input."""
import threading

import pytest
from PIL import Image

import extraction.text.ocr as ocr_module
from extraction.text import extract_pages
from tests import docgen
from tests.extraction.text_helpers import JPEG, PNG, TIFF, assert_ocr_found, extraction_error, needs_tesseract

TEXT = "INVOICE Rotterdam\nCustomer Northwind 4711"
WORDS = ["invoice", "rotterdam", "northwind", "4711"]


@needs_tesseract
@pytest.mark.parametrize("fmt, media_type", [("PNG", PNG), ("JPEG", JPEG), ("TIFF", TIFF)])
def test_image_is_ocred(tmp_path, fmt, media_type):
    path = docgen.make_image(tmp_path / f"scan.{fmt.lower()}", TEXT, fmt)
    [page] = extract_pages(path, media_type)
    assert (page.number, page.method) == (1, "ocr")
    assert_ocr_found(page.text, WORDS)
    assert not page.text.endswith(("\f", "\n", " "))


@needs_tesseract
def test_multi_frame_tiff_is_several_pages(tmp_path):
    path = docgen.make_multipage_tiff(tmp_path / "fax.tif", ["First frame Lisbon", "Second frame Vienna"])
    pages = extract_pages(path, TIFF)
    assert [(p.number, p.method) for p in pages] == [(1, "ocr"), (2, "ocr")]
    assert_ocr_found(pages[0].text, ["first", "lisbon"])
    assert_ocr_found(pages[1].text, ["second", "vienna"])


@needs_tesseract
def test_transparent_and_rotated_images(tmp_path):
    image = docgen.render_text_image("Transparent Copenhagen", mode="RGB").convert("RGBA")
    image.putalpha(image.convert("L").point(lambda v: 255 - v))  # black text on fully transparent
    rgba = tmp_path / "alpha.png"
    image.save(rgba)
    assert_ocr_found(extract_pages(rgba, PNG)[0].text, ["copenhagen"])

    rotated = tmp_path / "rotated.jpg"
    upright = docgen.render_text_image("Rotated Helsinki", mode="RGB")
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera says: rotate 90 degrees clockwise to display
    upright.rotate(90, expand=True).save(rotated, "JPEG", exif=exif)
    assert_ocr_found(extract_pages(rotated, JPEG)[0].text, ["helsinki"])


@needs_tesseract
def test_sixteen_bit_and_cmyk_images(tmp_path):
    image = docgen.render_text_image("Sixteen bit Geneva")
    sixteen = tmp_path / "16.tif"
    image.convert("I").point(lambda v: v * 257).convert("I;16").save(sixteen)
    assert_ocr_found(extract_pages(sixteen, TIFF)[0].text, ["sixteen", "geneva"])
    cmyk = tmp_path / "cmyk.jpg"
    docgen.render_text_image("Printed in Zurich").convert("CMYK").save(cmyk, "JPEG")
    assert_ocr_found(extract_pages(cmyk, JPEG)[0].text, ["printed", "zurich"])


@needs_tesseract
def test_ocr_is_deterministic(tmp_path):
    path = docgen.make_image(tmp_path / "a.png", TEXT)
    assert extract_pages(path, PNG) == extract_pages(path, PNG)


def test_decompression_bomb_png(tmp_path):
    path = docgen.make_bomb_png(tmp_path / "bomb.png")  # 30000 x 30000
    assert path.stat().st_size < 1_000_000
    exc = extraction_error(path, PNG)
    assert exc.code == "image_too_large"


def test_pixel_limit_is_per_call(tmp_path):
    path = docgen.make_bomb_png(tmp_path / "big.png", 3000, 3000)  # 9 megapixels
    exc = extraction_error(path, PNG, max_image_pixels=1_000_000)
    assert exc.code == "image_too_large"
    assert "1,000,000" in str(exc)


def test_pixel_limit_checked_for_every_tiff_frame(tmp_path):
    small = Image.new("L", (100, 100), 255)
    large = Image.new("L", (2000, 2000), 255)
    path = tmp_path / "frames.tif"
    small.save(path, "TIFF", save_all=True, append_images=[large])
    assert extraction_error(path, TIFF, max_image_pixels=1_000_000).code == "image_too_large"


def test_limit_above_pillows_default_is_honoured(tmp_path, monkeypatch):
    # Pillow's own default limit must not refuse an image the caller's limit allows.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", Image.MAX_IMAGE_PIXELS)  # restored after the test
    path = docgen.make_bomb_png(tmp_path / "bomb.png", 14000, 14000)  # 196 Mpx > 2 x Pillow's default
    monkeypatch.setattr(ocr_module, "ocr_image", lambda image, languages, dpi=None: "allowed")
    [page] = extract_pages(path, PNG, max_image_pixels=200_000_000)
    assert page.text == "allowed"
    assert Image.MAX_IMAGE_PIXELS >= 200_000_000


def test_pillow_limit_is_never_lowered(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100_000_000)
    ocr_module.allow_image_pixels(1_000)
    assert Image.MAX_IMAGE_PIXELS == 100_000_000


def test_too_many_tiff_frames(tmp_path, monkeypatch):
    frames = [Image.new("L", (50, 50), 255) for _ in range(4)]
    path = tmp_path / "many.tif"
    frames[0].save(path, "TIFF", save_all=True, append_images=frames[1:])
    monkeypatch.setattr(ocr_module, "ocr_image", lambda *a, **k: pytest.fail("OCR before the frame count check"))
    assert extraction_error(path, TIFF, max_pages=3).code == "too_many_pages"


def test_truncated_png(tmp_path):
    path = docgen.make_truncated_png(tmp_path / "t.png")
    assert extraction_error(path, PNG).code == "malformed_image"


def test_not_an_image(tmp_path):
    path = docgen.make_text_file(tmp_path / "fake.png", "Definitely not pixels")
    exc = extraction_error(path, PNG, secrets=["definitely", "pixels"])
    assert exc.code == "malformed_image"


def test_image_must_be_of_its_media_type(tmp_path):
    path = docgen.make_image(tmp_path / "a.png", "A real PNG")
    assert extraction_error(path, JPEG).code == "malformed_image"
    gif = tmp_path / "a.gif"
    Image.new("L", (50, 50), 255).save(gif, "GIF")
    assert extraction_error(gif, PNG).code == "malformed_image"


def test_tesseract_missing(tmp_path, monkeypatch):
    monkeypatch.setattr("pytesseract.pytesseract.tesseract_cmd", str(tmp_path / "no-tesseract"))
    path = docgen.make_image(tmp_path / "a.png", "Secret words")
    exc = extraction_error(path, PNG, secrets=["secret"])
    assert exc.code == "ocr_unavailable"
    assert "Tesseract" in str(exc)


@needs_tesseract
def test_language_data_missing(tmp_path):
    path = docgen.make_image(tmp_path / "a.png", "Some words")
    exc = extraction_error(path, PNG, ocr_languages="xxx")
    assert exc.code == "ocr_unavailable"
    assert "xxx" in str(exc)


@pytest.mark.parametrize("languages", ["", "eng; rm -rf /", "-psm 0", "eng+", "../eng"])
def test_invalid_language_setting(tmp_path, languages):
    path = docgen.make_image(tmp_path / "a.png", "Some words")
    assert extraction_error(path, PNG, ocr_languages=languages).code == "ocr_unavailable"


@needs_tesseract
def test_blank_image_is_empty(tmp_path):
    path = docgen.make_blank_image(tmp_path / "blank.png")
    assert extraction_error(path, PNG).code == "empty"


@needs_tesseract
def test_concurrent_calls(tmp_path):
    cities = ["Oslo", "Bergen", "Trondheim"]
    paths = [docgen.make_image(tmp_path / f"{i}.png", f"Parallel document {city}") for i, city in enumerate(cities)]
    results, errors = {}, []

    def work(i):
        try:
            results[i] = extract_pages(paths[i], PNG)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for i in range(3):
        assert_ocr_found(results[i][0].text, ["parallel", cities[i]])
