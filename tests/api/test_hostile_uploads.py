"""Hostile and broken uploads through the real API: each gets a clear 4xx, and the
database is exactly as before (no document, no note, no job, no cached vector)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from service.api.app import create_app
from service.config import Settings
from service.ingest import UploadError, clean_filename
from service.nlp import NlpResources
from service.storage.db import Database
from service.storage.models import Document, Embedding, Job, Note
from tests.conftest import CORPORA
from tests.pipeline.test_parse import HOSTILE

LEARNING_CAFE = (CORPORA / "pohjois-savo_learning-cafe_2017.txt").read_bytes()


@pytest.fixture
def small_limits(tmp_path: Path, database_url: str) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=tmp_path,
        database_url=database_url,
        max_upload_mb=0.05,  # 52 kB per file
        max_request_mb=0.2,
        max_notes_per_document=30,
        max_document_chars=20_000,
    )


@pytest.fixture
def limited(small_limits: Settings, nlp: NlpResources) -> Iterator[TestClient]:
    with TestClient(create_app(small_limits, nlp)) as client:
        token = (small_limits.data_dir / "admin-token").read_text().strip()
        client.headers["Authorization"] = f"Bearer {token}"
        assert client.post("/projects", json={"name": "p"}).status_code == 201
        yield client


def _srt(cues: int, words: int = 8) -> bytes:
    """Subtitles of two speakers taking turns, ``words`` words each."""
    blocks = []
    for i in range(cues):
        text = " ".join(["puheenvuoro"] * words)
        times = f"00:{i // 60 % 60:02d}:{i % 60:02d},000 --> 00:{i // 60 % 60:02d}:{i % 60:02d},900"
        blocks.append(f"{i + 1}\n{times}\nPuhuja {i % 2 + 1}: {text} numero {i}.\n")
    return "\n".join(blocks).encode()


def _counts(settings: Settings) -> tuple[int, ...]:
    db = Database(settings.resolved_database_url)
    with db.session() as session:
        counts = tuple(
            int(session.scalar(select(func.count()).select_from(table)) or 0)
            for table in (Document, Note, Job, Embedding)
        )
    db.dispose()
    return counts


def _upload(client: TestClient, name: str, content: bytes, **form: str):  # type: ignore[no-untyped-def]
    data = {"region": "Kainuu", **form}
    return client.post(
        "/projects/p/documents?wait=true", data=data, files=[("files", (name, content))]
    )


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
@pytest.mark.parametrize("case", [c for c in HOSTILE if "csv" not in c], ids=str)
def test_broken_files_are_refused_and_nothing_is_written(
    case: str, limited: TestClient, small_limits: Settings
) -> None:
    filename, make, fragment = HOSTILE[case]
    before = _counts(small_limits)
    response = _upload(limited, filename, make())
    assert 400 <= response.status_code < 500, response.text
    assert fragment.casefold() in response.json()["detail"].casefold()
    assert _counts(small_limits) == before


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_limits_and_metadata(limited: TestClient, small_limits: Settings) -> None:
    before = _counts(small_limits)
    cases = {
        "file over the size limit": (_upload(limited, "a.txt", b"sana " * 20_000), 413, "limit"),
        "request over the limit": (_upload(limited, "a.txt", b"x" * 300_000), 413, "limit"),
        "huge single line": (_upload(limited, "a.txt", b"a" * 40_000), 422, "limit"),
        "more notes than allowed": (
            _upload(limited, "lc.txt", LEARNING_CAFE),
            413,
            "over the limit",
        ),
        "impossible date": (
            _upload(limited, "a.txt", "- Yksi ajatus tässä\n".encode(), date="2017-13-45"),
            422,
            "YYYY-MM-DD",
        ),
        "region with markup": (
            _upload(limited, "a.txt", "- Yksi ajatus tässä\n".encode(), region="<b>x</b>"),
            422,
            "Region",
        ),
        "only dots as name": (_upload(limited, "../..", b"- ajatus\n"), 422, "file name"),
        "huge srt": (_upload(limited, "huge.srt", _srt(3_000)), 413, "limit"),
        "srt with more turns than notes allowed": (
            _upload(limited, "many.srt", _srt(40)),
            413,
            "over the limit",
        ),
        "srt with more text than allowed": (
            _upload(limited, "long.srt", _srt(1, words=3_000)),
            422,
            "limit of 20,000 characters",
        ),
        "facilitator with control characters": (
            _upload(limited, "a.txt", b"- Yksi ajatus tassa\n", facilitator="Liisa\x07"),
            422,
            "Facilitator",
        ),
    }
    for case, (response, status, fragment) in cases.items():
        assert response.status_code == status, (case, response.text)
        assert fragment.casefold() in response.json()["detail"].casefold(), case
    assert _counts(small_limits) == before


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_path_tricks_and_mixed_encodings_are_stored_safely(limited: TestClient) -> None:
    text = "- Ensimmäinen ajatus työvoimasta\n".encode() + "- Toinen ajatus äidinkielestä\n".encode(
        "cp1252"
    )
    for name in ["../../etc/passwd.txt", "/abs/path/notes.txt", "C:\\Users\\x\\notes.txt"]:
        response = _upload(limited, name, text + name.encode())
        assert response.status_code in (200, 201), (name, response.text)
        stored = response.json()["files"][0]["filename"]
        assert "/" not in stored and "\\" not in stored and not stored.startswith(".")
    notes = limited.get("/projects/p/notes").json()["notes"]
    assert any("äidinkielestä" in n["text"] for n in notes)
    assert not any("Ã" in n["text"] for n in notes)


def test_file_names_lose_paths_and_control_characters() -> None:
    # HTTP clients percent-encode a NUL in a multipart name, so it is checked here directly.
    assert clean_filename("../../etc/passwd.txt") == "passwd.txt"
    assert clean_filename("C:\\x\\muistio.txt") == "muistio.txt"
    assert clean_filename("a\x07b.txt") == "ab.txt"
    for bad in ["a\x00.txt", "", "..", "/"]:
        with pytest.raises(UploadError):
            clean_filename(bad)
