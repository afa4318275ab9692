"""A knowledge base shared (issue 14): its vectors in a real Chroma server (`chroma run`, started here), and
each KnowledgeBase's caches refreshed when another one — in this process or another — changes the registry."""

from __future__ import annotations

import socket
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import replace
from datetime import date
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError

from ingest.china_law import iter_documents
from kb.base import KnowledgeBase
from kb.embeddings import Embedder, create_embedder
from kb.memory import AnsweredQuestion
from kb.models import Citation, Clause, DocumentMeta, Level, ParsedDocument, Unit
from kb.registry import Registry
from kb.settings import KBSettings
from kb.vectors import VectorStoreError

pytestmark = pytest.mark.xdist_group("kb")

CHROMA = Path(sys.executable).with_name("chroma")
QUERIES = ["扣押车辆最长能扣多少天？", "查封扣押的财物应当妥善保管", "行政强制法第二十五条", "当事人不履行行政决定怎么办"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Chroma server (the chromadb package's `chroma run`) on a free port, stopped at the end."""
    if not CHROMA.exists():
        pytest.skip(f"{CHROMA} is absent")
    folder = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with (folder / "server.log").open("wb") as log:
        server = subprocess.Popen(
            [str(CHROMA), "run", "--path", str(folder / "data"), "--host", "127.0.0.1", "--port", str(port)],
            stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"chroma run did not start: {(folder / 'server.log').read_text(errors='replace')}")
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return create_embedder(KBSettings().embedding)


@pytest.fixture(scope="module")
def law() -> ParsedDocument:
    """A small real document: the first 30 articles of 行政强制法."""
    doc = next(iter(iter_documents(["行政强制法"])))
    return replace(doc, units=doc.units[:30], content_hash=doc.content_hash + "-first30")


@pytest.fixture(scope="module")
def on_disk(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder, law: ParsedDocument) -> Path:
    """The home of a knowledge base on disk holding ``law``, searched for QUERIES once (so its registry caches
    every vector the tests need)."""
    home = tmp_path_factory.mktemp("on-disk")
    base = KnowledgeBase.open(home, KBSettings(), embedder)
    base.add(law, "test:行政强制法")
    ranked(base)
    base.search("无人机巡查桥梁")
    base.close()
    return home


def seeded(home: Path, on_disk: Path) -> Path:
    """A new home whose embedding cache is that of ``on_disk`` (the model need not embed the law again)."""
    home.mkdir(parents=True)
    Registry(home / "registry.sqlite").close()
    with closing(sqlite3.connect(home / "registry.sqlite")) as conn:
        conn.execute("ATTACH DATABASE ? AS disk", (str(on_disk / "registry.sqlite"),))
        conn.execute("INSERT INTO embeddings SELECT * FROM disk.embeddings")
        conn.commit()
    return home


def served(url: str) -> KBSettings:
    return KBSettings.model_validate({"vectors": {"server": url}})


def ranked(base: KnowledgeBase) -> list[list[tuple[str, str, float]]]:
    return [[(h.unit_id, h.via, round(h.score, 4)) for h in base.search(q, k=5).hits] for q in QUERIES]


def tiny_law(title: str, texts: list[str]) -> ParsedDocument:
    numbers = "一二三四五"
    units = tuple(
        Unit(kind="article", number=i + 1, label=f"第{numbers[i]}条", text=f"第{numbers[i]}条 {t}",
             clauses=(Clause(1, t),), ordinal=i, heading_path=("第一章 总则",))
        for i, t in enumerate(texts)
    )
    meta = DocumentMeta(title=title, level=Level.DEPARTMENT_RULE, issuing_body="交通运输部",
                        version_date=date(2024, 1, 1))
    return ParsedDocument(meta=meta, units=units, content_hash="h-" + title + "".join(texts))


DRONE = tiny_law("公路无人机巡查办法", ["无人机巡查公路桥梁应当记录飞行轨迹。", "巡查发现桥梁病害的，应当及时报告。"])


def test_vectors_in_a_chroma_server_search_as_on_disk(
    chroma_server: str, embedder: Embedder, law: ParsedDocument, on_disk: Path, tmp_path: Path
) -> None:
    disk = KnowledgeBase.open(on_disk, KBSettings(), embedder)
    expected = ranked(disk)
    disk.close()

    home = seeded(tmp_path / "served", on_disk)
    first = KnowledgeBase.open(home, served(chroma_server), embedder)
    assert first.add(law, "test:行政强制法").action == "added"
    assert first.vectors.location == chroma_server and first.vectors.count() == len(law.units)
    assert not (home / "chroma").exists()  # the vectors live in the server, not in the home
    assert ranked(first) == expected
    assert expected[0][0][0] in {h.unit_id for h in first.search(QUERIES[0], k=5).hits}

    second = KnowledgeBase.open(home, served(chroma_server), embedder)
    assert second.sync_vectors() == 0  # the server already holds every unit's vector
    assert ranked(second) == expected
    second.close()
    first.close()


def test_an_unreachable_server_is_named_at_open(embedder: Embedder, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(VectorStoreError, match=url.replace(".", r"\.")):
        KnowledgeBase.open(tmp_path, served(url), embedder)


@pytest.mark.parametrize("bad", ["127.0.0.1:8000", "ftp://host:8000", "http://host:port", "http://host:8000/x"])
def test_a_server_setting_must_be_a_url(bad: str) -> None:
    with pytest.raises(ValidationError, match="Chroma server URL"):
        served(bad)
    assert served("http://127.0.0.1:8000/").vectors.server == "http://127.0.0.1:8000"


def test_another_knowledge_base_on_the_home_sees_a_change_without_reopening(
    embedder: Embedder, law: ParsedDocument, on_disk: Path, tmp_path: Path
) -> None:
    reader = KnowledgeBase.open(seeded(tmp_path / "home", on_disk), KBSettings(), embedder)
    reader.add(law, "test:行政强制法")
    assert all(h.document.meta.title != DRONE.meta.title for h in reader.search("无人机巡查桥梁", k=3).hits)
    assert [d.meta.title for d in reader.documents()] == [law.meta.title]
    assert not reader.refresh()  # nothing changed since

    writer = KnowledgeBase.open(tmp_path / "home", KBSettings(), embedder)
    writer.add(DRONE, "drone.md")
    hits = reader.search("无人机巡查桥梁", k=3).hits
    assert hits and hits[0].document.meta.title == DRONE.meta.title
    assert DRONE.meta.title in {d.meta.title for d in reader.documents()}

    assert len(reader.memory().entries) == 0
    writer.remember([AnsweredQuestion("无人机巡查要记录什么？", (Citation(DRONE.meta.title, 1),), "faq")])
    assert reader.refresh() and len(reader.memory().entries) == 1

    writer.remove(DRONE.meta.title)
    assert DRONE.meta.title not in {d.meta.title for d in reader.documents()}
    writer.close()
    reader.close()


WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from kb.base import KnowledgeBase
    from kb.settings import KBSettings
    from tests.kb.test_shared import DRONE
    settings = KBSettings.model_validate({"collection": sys.argv[3], "vectors": {"server": sys.argv[2]}})
    base = KnowledgeBase.open(Path(sys.argv[1]), settings)
    print(base.add(DRONE, "drone.md").action)
    base.close()
""")


def test_a_document_another_process_ingests_is_found_without_reopening(
    chroma_server: str, embedder: Embedder, law: ParsedDocument, on_disk: Path, tmp_path: Path
) -> None:
    """Two processes on one home, their vectors in one Chroma server (Chroma on disk does not show one process
    the vectors another adds): the reader's caches follow the writer's ingest."""
    settings = served(chroma_server).model_copy(update={"collection": "other-process"})
    home = seeded(tmp_path / "home", on_disk)
    reader = KnowledgeBase.open(home, settings, embedder)
    reader.add(law, "test:行政强制法")
    query = "无人机巡查桥梁"
    assert all(h.document.meta.title != DRONE.meta.title for h in reader.search(query, k=3).hits)

    done = subprocess.run(
        [sys.executable, "-c", WRITER, str(home), chroma_server, "other-process"],
        cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, timeout=600, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "added"

    hits = reader.search(query, k=3).hits
    assert hits and hits[0].document.meta.title == DRONE.meta.title
    assert DRONE.meta.title in {d.meta.title for d in reader.documents()}
    dense = reader.vectors.query(reader.query_vector(reader.retriever.dense_text(query)), 1)
    assert dense[0][0].split("-")[0] == hits[0].document.doc_id  # the other process's vectors, in the server
    reader.close()
