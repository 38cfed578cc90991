"""The Chinese edition is the English notebook translated: the same cells, code (strings aside) and outputs,
prose that carries every code span, number, formula, heading and link, and messages that fill in the same."""

import ast
import io
import re
import tokenize

import pytest

from tools import notebook as nbfile

LINK = re.compile(r"\]\(([^)\s]+)\)")
NUMBER = re.compile(r"\d+(?:\.\d+)?")
FIELD = re.compile(r"\{(\w+)")  # a name that an f-string or a str.format() template fills in
SAME_PLACE = {"https://zh.d2l.ai/": "https://d2l.ai/"}  # d2l's Chinese chapters; other links are the same


@pytest.fixture(scope="module")
def pairs(notebook):
    zh = nbfile.read(nbfile.NOTEBOOK_ZH)
    ids = [(cell.id, cell.cell_type) for cell in notebook.cells]
    assert [(c.id, c.cell_type) for c in zh.cells] == ids, "the editions need the same cells, ids and order"
    return list(zip(notebook.cells, zh.cells, strict=True))


def code_tokens(source):
    """The cell's Python tokens, comments left out and each string as "…": they may be translated."""
    tokens, depth = [], 0  # depth: inside an f-string, which Python 3.12 splits into tokens
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        depth += ((kind := tokenize.tok_name[token.type]) == "FSTRING_START") - (kind == "FSTRING_END")
        if not depth and kind not in ("COMMENT", "NL"):
            tokens.append("…" if kind in ("STRING", "FSTRING_END") else token.string)
    return tokens


def carried(markdown):
    """What a translation must keep: code spans, formulas, numbers, heading levels and link targets."""
    links = LINK.findall(markdown)
    for chinese, english in SAME_PLACE.items():
        links = [link.replace(chinese, english) for link in links]
    no_code = nbfile.CODE_SPAN.sub(" ", markdown)
    prose = nbfile.FORMULA.sub(" ", nbfile.CODE_SPAN.sub(" ", LINK.sub(" ", markdown)))
    return {
        "code": sorted(set(nbfile.CODE_SPAN.findall(markdown))),
        "formulas": sorted(set(" ".join(f.split()) for f in nbfile.FORMULA.findall(no_code))),
        "numbers": sorted(set(NUMBER.findall(prose))),
        "headings": re.findall(r"^#+(?= )", markdown, re.M),
        "links": sorted(link for link in links if not link.startswith("#")),
    }


def test_every_code_cell_has_the_same_code_metadata_and_outputs(pairs):
    for english, chinese in pairs:
        if english.cell_type == "code":
            cell = english.id
            assert code_tokens(chinese.source) == code_tokens(english.source), f"{cell}: the code differs"
            fields = [sorted(FIELD.findall(c.source)) for c in (english, chinese)]
            assert fields[0] == fields[1], f"{cell}: the strings interpolate other names: {fields}"
            assert chinese.metadata == english.metadata, f"{cell}: the metadata differ"
            same = chinese.outputs == english.outputs or cell == "try-it"  # check_mine's verdict: translated
            assert same, f"{cell}: the outputs differ: run `make notebook`"


def test_every_markdown_cell_carries_what_the_english_one_says(pairs):
    for english, chinese in pairs:
        if english.cell_type == "markdown":
            want, got = carried(english.source), carried(chinese.source)
            for kind in want:
                differ = f"{english.id}: the {kind} differ: English {want[kind]}, Chinese {got[kind]}"
                assert got[kind] == want[kind], differ


def test_the_helpers_messages_fill_in_the_same_names_in_both_languages():
    module = ast.parse(nbfile.HELPERS.read_text(encoding="utf-8"))  # read, not imported: that loads torch
    (messages,) = [ast.literal_eval(n.value) for n in module.body if ast.unparse(n).startswith("MESSAGES = ")]
    fields = [{key: sorted(FIELD.findall(text)) for key, text in say.items()} for say in messages.values()]
    assert fields[0] == fields[1], "autodiff_sin_helpers.py: its two languages' MESSAGES fill in other names"
