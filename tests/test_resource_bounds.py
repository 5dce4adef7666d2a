"""Fuzz/soak: pathological documents cost at most twice what ordinary text of the same size does.

Each corpus is five ordinary (fictional, generated) articles plus one large document, analysed
end to end (per-document and cross-document stages) in a child process after a warm-up run,
so that model loading is not counted in the time. The large document is ordinary text, one
line without punctuation, one word repeated, or numbers only, all of the same size. The CPU
time of the run and the process's peak resident memory (what a user sees) are compared with
the ordinary corpus.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys

import pytest

SIZE = 200_000
PLACES = ["Kelthorn", "Sunhollow", "Port Amel", "Brask", "Tervan", "Ostrava Bay", "Northgate"]
PEOPLE = ["Oda Raskin", "Lina Forsk", "Pell Dunmore", "Ivo Marsh", "Ana Kettle", "Tomas Brie"]
ROLES = ["the minister", "the mayor", "a spokesperson", "the port authority", "union leaders"]
THINGS = ["cranes", "ferries", "schools", "farms", "bridges", "clinics", "tram lines"]
VERBS = ["said", "told reporters", "claimed", "warned", "insisted", "denied"]


def ordinary(rnd: random.Random, size: int) -> str:
    """News-like fictional text: reported speech, numbers, names, paragraphs."""
    out: list[str] = []
    total = 0
    while total < size:
        s = rnd.choice(
            [
                f"{rnd.choice(PEOPLE)} {rnd.choice(VERBS)} that {rnd.randint(2, 900)} {rnd.choice(THINGS)} "
                f"in {rnd.choice(PLACES)} would close by {rnd.choice(['March', 'June', 'Friday'])}.",
                f'"We will not accept this," {rnd.choice(ROLES)} {rnd.choice(VERBS)} on Monday.',
                f"According to {rnd.choice(ROLES)}, {rnd.choice(THINGS)} in {rnd.choice(PLACES)} cost "
                f"{rnd.randint(1, 90)} million crowns last year.",
                f"The {rnd.choice(THINGS)} of {rnd.choice(PLACES)} reopened after {rnd.randint(2, 30)} days.",
            ]
        )
        out.append(s + ("\n\n" if rnd.random() < 0.2 else " "))
        total += len(out[-1])
    return "".join(out)[:size]


def hostile(kind: str, rnd: random.Random, size: int) -> str:
    if kind == "ordinary":
        return ordinary(rnd, size)
    if kind == "no_punctuation":
        words = [w.strip('.,"') for w in ordinary(rnd, 20_000).split()]
        return " ".join(rnd.choice(words) for _ in range(size // 5))[:size]
    if kind == "one_word":
        return ("word " * (size // 5)).strip()
    if kind == "numbers":
        return " ".join(str(rnd.randint(0, 10**7)) for _ in range(size // 7))[:size]
    raise ValueError(kind)


CHILD = """
import json, sys, time, tempfile, os
from claimtrace.model import Document
from claimtrace.pipeline import analyze
from claimtrace.store import open_store

def rss(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) / 1024
    return 0.0

def run(texts, db):
    with open_store(db) as store:
        store.add_documents([Document(text=t, source=f"doc{i}.txt") for i, t in enumerate(texts)])
        analyze(store)

texts = json.loads(sys.stdin.read())
folder = tempfile.mkdtemp()
run(texts[:2], os.path.join(folder, "warm.db"))  # load every model before measuring
t = time.process_time()
run(texts, os.path.join(folder, "c.db"))
print(json.dumps({"cpu": time.process_time() - t, "mem": rss("VmHWM")}))
"""


def _measure(kind: str) -> dict[str, float]:
    rnd = random.Random(7)
    texts = [ordinary(rnd, 4_000) for _ in range(5)] + [hostile(kind, rnd, SIZE)]
    proc = subprocess.run(
        [sys.executable, "-c", CHILD], input=json.dumps(texts), capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def baseline() -> dict[str, float]:
    pytest.importorskip("hnswlib")
    with open("/proc/self/status") as fh:  # Linux only: the peak is read from /proc
        assert "VmHWM" in fh.read()
    return _measure("ordinary")


@pytest.mark.parametrize("kind", ["no_punctuation", "one_word", "numbers"])
def test_pathological_documents_stay_within_twice_ordinary(baseline: dict[str, float], kind: str) -> None:
    got = _measure(kind)
    assert got["cpu"] <= 2 * baseline["cpu"], (kind, got, baseline)
    assert got["mem"] <= 2 * baseline["mem"], (kind, got, baseline)
