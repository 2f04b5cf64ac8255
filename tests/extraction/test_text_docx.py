"""DOCX: paragraphs and table cells in document order, one page."""
import zipfile

import docx
from docx.oxml import parse_xml

from extraction.text import extract_pages
from extraction.text import docx as docx_module
from tests import docgen
from tests.extraction.text_helpers import DOCX, extraction_error

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
MC_NS = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'


def _docx_with_body_xml(path, fragments):
    """A DOCX whose body holds the given raw WordprocessingML block fragments, in order."""
    document = docx.Document()
    body = document.element.body
    sect_pr = body.sectPr
    for fragment in fragments:
        element = parse_xml(fragment)
        if sect_pr is not None:
            sect_pr.addprevious(element)
        else:
            body.append(element)
    document.save(str(path))
    return path


def _p(inner):
    return f"<w:p {W_NS} {MC_NS}>{inner}</w:p>"


def test_paragraphs_and_table_in_document_order(tmp_path):
    path = docgen.make_docx(
        tmp_path / "a.docx",
        ["Employment contract", "Between Alpha Ltd and Jane Example"],
        [["Name", "Jane Example"], ["Salary", "52,000 EUR"]],
        paragraphs_after=["Signed in Lisbon"],
    )
    [page] = extract_pages(path, DOCX)
    assert (page.number, page.method) == (1, "docx")
    assert page.text == (
        "Employment contract\nBetween Alpha Ltd and Jane Example\n"
        "Name\tJane Example\nSalary\t52,000 EUR\n"
        "Signed in Lisbon"
    )


def test_merged_cells_are_not_repeated(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    merged = table.cell(0, 0).merge(table.cell(0, 1))
    merged.text = "Wide header"
    table.cell(0, 2).text = "Right"
    table.cell(1, 0).text = "a"
    table.cell(1, 1).text = "b"
    table.cell(1, 2).text = "c"
    path = tmp_path / "merged.docx"
    document.save(str(path))
    [page] = extract_pages(path, DOCX)
    assert page.text.count("Wide header") == 1
    assert "Wide header\tRight\na\tb\tc" in page.text


def test_nested_table_and_multi_paragraph_cell(tmp_path):
    document = docx.Document()
    outer = document.add_table(rows=1, cols=2)
    cell = outer.cell(0, 0)
    cell.text = "Outer first"
    cell.add_paragraph("Outer second")
    inner = cell.add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "Inner A"
    inner.cell(0, 1).text = "Inner B"
    outer.cell(0, 1).text = "Right cell"
    path = tmp_path / "nested.docx"
    document.save(str(path))
    [page] = extract_pages(path, DOCX)
    assert "Outer first\nOuter second\nInner A\tInner B" in page.text
    assert page.text.index("Inner B") < page.text.index("Right cell")


def test_tabs_breaks_hyperlinks_content_controls_and_tracked_changes(tmp_path):
    path = _docx_with_body_xml(tmp_path / "rich.docx", [
        _p("<w:r><w:t>Name:</w:t></w:r><w:r><w:tab/><w:t>Jane</w:t><w:br/><w:t>Example</w:t></w:r>"),
        _p('<w:hyperlink><w:r><w:t>linked text</w:t></w:r></w:hyperlink>'),
        f"<w:sdt {W_NS}><w:sdtContent>" + _p("<w:r><w:t>Inside a content control</w:t></w:r>")
        + "</w:sdtContent></w:sdt>",
        _p('<w:r><w:t xml:space="preserve">Kept </w:t></w:r>'
           '<w:ins w:id="1" w:author="x"><w:r><w:t>inserted</w:t></w:r></w:ins>'
           '<w:del w:id="2" w:author="x"><w:r><w:delText>DELETED</w:delText></w:r></w:del>'),
    ])
    [page] = extract_pages(path, DOCX)
    assert page.text == (
        "Name:\tJane\nExample\nlinked text\nInside a content control\nKept inserted"
    )


def test_text_box_follows_its_paragraph_once(tmp_path):
    txbx = _p("<w:r><w:t>Boxed note</w:t></w:r>")
    wps = 'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
    wp = 'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"'
    a = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
    v = 'xmlns:v="urn:schemas-microsoft-com:vml"'
    anchored = _p(
        "<w:r><w:t>Before box</w:t></w:r>"
        f"<w:r><mc:AlternateContent><mc:Choice Requires=\"wps\">"
        f"<w:drawing {wp} {a} {wps}><wp:anchor><a:graphic><a:graphicData><wps:wsp><wps:txbx>"
        f"<w:txbxContent>{txbx}</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>"
        f"</mc:Choice><mc:Fallback><w:pict {v}><v:shape><v:textbox>"
        f"<w:txbxContent>{txbx}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>"
        f"</mc:AlternateContent></w:r>"
    )
    path = _docx_with_body_xml(tmp_path / "box.docx", [anchored, _p("<w:r><w:t>After</w:t></w:r>")])
    [page] = extract_pages(path, DOCX)
    assert page.text == "Before box\nBoxed note\nAfter"


def test_corrupt_docx(tmp_path):
    path = docgen.make_corrupt_docx(tmp_path / "c.docx")
    exc = extraction_error(path, DOCX, secrets=["must not leak"])
    assert exc.code == "malformed_docx"


def test_zip_that_is_not_word(tmp_path):
    path = docgen.make_zip(tmp_path / "a.docx", {"hello.txt": b"Hello"})
    assert extraction_error(path, DOCX).code == "malformed_docx"


def test_legacy_or_encrypted_office_file(tmp_path):
    path = tmp_path / "old.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024))
    exc = extraction_error(path, DOCX)
    assert exc.code == "malformed_docx"
    assert "password" in str(exc)


def test_zip_bomb_is_refused_before_parsing(tmp_path, monkeypatch):
    path = docgen.make_docx(tmp_path / "a.docx", ["Small"])
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/media/zeros.bin", bytes(2_000_000))
    monkeypatch.setattr(docx_module, "MAX_UNCOMPRESSED_BYTES", 1_000_000)
    assert extraction_error(path, DOCX).code == "too_large"


def test_empty_docx(tmp_path):
    path = docgen.make_docx(tmp_path / "empty.docx", [])
    assert extraction_error(path, DOCX).code == "empty"


def test_a_docx_whose_text_inflates_a_hundredfold_is_refused_before_parsing(tmp_path):
    small = docgen.make_docx(tmp_path / "small.docx", ["Small"])
    # One paragraph repeated compresses about 400:1: a file of a few hundred KiB that becomes a 60 MB page.
    paragraph = _p("<w:r><w:t>Account 4417 1234 5678 9113 paid to Jane Example</w:t></w:r>")
    body = f"<w:document {W_NS}><w:body>" + paragraph * 400_000 + "</w:body></w:document>"
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(small) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            data = body.encode() if item.filename == "word/document.xml" else source.read(item)
            bomb.writestr(item.filename, data)
    assert path.stat().st_size < 1_000_000
    exc = extraction_error(path, DOCX, secrets=["Jane Example"])
    assert exc.code == "too_large"
