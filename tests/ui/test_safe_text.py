"""User text on the UI's Markdown, Plotly and CSV paths shows as typed and does nothing:
no link, image, emphasis or HTML from Markdown, no tag from Plotly, no spreadsheet formula
from a CSV download. (The browser test checks the real pages on top of this.)"""

from __future__ import annotations

import csv
import io
import re

import pandas as pd
from markdown_it import MarkdownIt

from shared_rules.spreadsheet import looks_like_formula
from ui import charts, compare_charts
from ui.safe_text import WORD_JOINER, csv_bytes, md

HOSTILE = [
    "[klikkaa](http://x.example/?leak=1)",
    "![](http://x.example/pixel.png)",
    "<img src=http://x.example/p.png> <b>lihava</b>",
    "**lihava** _kursiivi_ `koodi` ~~yli~~",
    "# Otsikko\n\n- lista\n> lainaus",
    ":red[punainen] :material/warning: $x^2$",
    "&lt;b&gt; &amp; &#60;",
    "<http://x.example/auto> www.x.example anna@x.example",
    r"kenoviiva \[ei linkki](http://x.example)",
]


def _rendered(markdown: str) -> str:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown)


def test_markdown_shows_the_text_as_typed_and_nothing_else() -> None:
    for text in HOSTILE:
        html = _rendered(md(text))
        for tag in ("<a", "<img", "<em", "<strong", "<code", "<s>", "<h1", "<li", "<blockquote"):
            assert tag not in html, (text, html)
        # what a reader sees is the text itself (HTML-escaped by the renderer, once; a
        # blank line still parts paragraphs)
        shown = html.replace("<p>", " ").replace("</p>", " ").replace("&lt;", "<")
        shown = shown.replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
        assert shown.replace(WORD_JOINER, "").split() == text.split(), (text, shown)
        # GitHub's autolink patterns (Streamlit renders GFM) find nothing in what is shown
        assert not re.search(r"(?i)https?://|www\.", shown), shown
        assert not re.search(r"[-.\w+]@", shown), shown
    # Streamlit's own directives lose the characters they need
    escaped = md(":red[x] :material/warning:")
    assert ":red[" not in escaped and ":material/" not in escaped


def test_plotly_labels_escape_tags() -> None:
    shares = pd.DataFrame(
        [[0.5, 0.5]], index=['<a href="http://x.example">alue</a>'], columns=["<b>t</b>", "ok"]
    )
    labels = {"share": "osuus", "region": "alue", "theme": "teema"}
    trace = compare_charts.heatmap_figure(shares, labels).data[0]
    assert list(trace.x) == ["&lt;b&gt;t&lt;/b&gt;", "ok"]
    assert list(trace.y) == ['&lt;a href="http://x.example"&gt;alue&lt;/a&gt;']
    assert charts.plain("a & <i>") == "a &amp; &lt;i&gt;"


def test_csv_downloads_neutralise_formulas() -> None:
    frame = pd.DataFrame(
        {"=teema": ["=HYPERLINK(1)", "hyvä", "+1", "@x", "\t=1", "-2"], "koko": range(6)},
        index=["@alue", "b", "c", "d", "e", "f"],
    )
    for index in (False, True):
        rows = list(csv.reader(io.StringIO(csv_bytes(frame, index).decode("utf-8"))))
        cells = [cell for row in rows for cell in row]
        assert not any(looks_like_formula(cell) for cell in cells), cells
        assert "'=HYPERLINK(1)" in cells and "hyvä" in cells and "'=teema" in cells
        assert ("'@alue" in cells) == index
    assert csv_bytes(frame).decode().splitlines()[2] == "hyvä,1"  # numbers stay numbers


def test_every_csv_the_ui_offers_is_formula_safe() -> None:
    """Theme names, actor names and notes are user text: every table the UI offers as a
    CSV download goes through ``csv_bytes``, in one button (``common.csv_download``). The
    needs and actors pages had written theirs with pandas directly."""
    from pathlib import Path

    ui = Path(__file__).resolve().parents[2] / "ui"
    past_csv_bytes, own_buttons = [], []
    for path in sorted(ui.rglob("*.py")):
        text = path.read_text("utf-8")
        if path.name != "safe_text.py" and ".to_csv(" in text:
            past_csv_bytes.append(path.name)
        if path.name != "common.py" and 'mime="text/csv"' in text:
            own_buttons.append(path.name)
    assert past_csv_bytes == [], f"CSV written past csv_bytes: {past_csv_bytes}"
    assert own_buttons == [], f"CSV buttons of their own: {own_buttons}"
