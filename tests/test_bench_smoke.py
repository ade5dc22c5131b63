"""Quick runs of every benchmark, so the scripts keep working (their numbers are not checked)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
BENCH = PROJECT_DIR / "bench"


def _run(*args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, *args], cwd=PROJECT_DIR, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


TINY_SET = {
    "places": [
        {"id": "ghulja", "variants": {"en": ["Ghulja", "Yining"], "kk": ["Құлжа"], "zh": ["伊宁"]}}
    ],
    "people": [{"id": "p1", "variants": {"kk": ["Ерлан Қабыл"], "en": ["Erlan Kabyl"]}}],
}


def test_crossscript_search_bench_runs(tmp_path: Path):
    out = tmp_path / "cs.json"
    dataset = tmp_path / "set.json"
    dataset.write_text(json.dumps(TINY_SET, ensure_ascii=False), encoding="utf-8")
    _run(str(BENCH / "crossscript_search.py"), str(dataset), "--out", str(out))
    results = json.loads(out.read_text())
    assert results["places"]["pairs"] > 0 and results["people"]["pairs"] > 0
    assert 0 <= results["people"]["archive_recall_at_20"] <= 1


def test_crossscript_key_bench_runs(tmp_path: Path):
    dataset = tmp_path / "set.json"
    dataset.write_text(json.dumps(TINY_SET, ensure_ascii=False), encoding="utf-8")
    assert "recall" in _run(str(BENCH / "crossscript.py"), str(dataset)).stdout.lower()


def test_gazetteer_geonames_bench_runs(tmp_path: Path):
    out = tmp_path / "gn.json"
    _run(str(BENCH / "gazetteer_geonames.py"), "--limit", "6", "--out", str(out))
    results = json.loads(out.read_text())
    assert results["places"] == 6 and results["all"]["pairs"] > 0
    assert 0 <= results["all"]["recall_at_20"] <= 1
    assert all("->" in direction for direction in results["by_direction"])


def test_transcription_cpu_bench_runs(tmp_path: Path):
    out = tmp_path / "tx.json"
    _run(str(BENCH / "transcription_cpu.py"), "--seconds", "6", "--quick", "--out", str(out))
    (row,) = json.loads(out.read_text())
    assert row["audio_seconds"] == 6.0 and row["peak_rss_mib"] > 0


def test_matching_bench_runs(tmp_path: Path):
    out = tmp_path / "match.json"
    _run(str(BENCH / "matching.py"), "--quick", "--out", str(out))
    assert json.loads(out.read_text())


def test_documents_speed_bench_runs():
    result = _run(str(BENCH / "documents_speed.py"), "--segments", "300")
    assert "segment" in result.stdout


def test_extraction_bench_runs(tmp_path: Path):
    out = tmp_path / "extraction.json"
    _run(str(BENCH / "extraction.py"), "--split", "dev", "--limit", "12", "--out", str(out))
    result = json.loads(out.read_text())
    assert result["segments"] == 12
    assert set(result["scores"]) >= {"all/people", "all/places", "all/dates"}


def test_transcription_gpu_bench_runs_on_cpu(tmp_path: Path):
    # The GPU comparison on a tiny random model on the CPU: every row must decode the same
    # number of tokens per window, or the rows would not be doing the same work.
    out = tmp_path / "gpu.json"
    _run(
        str(BENCH / "transcription_gpu.py"),
        *("--model", "tiny-test", "--device", "cpu", "--compute-type", "int8"),
        *("--minutes", "0.5", "--tokens", "8", "--beam", "1"),
        *("--ours-batch", "2", "--ours-window", "30", "--ours-threads", "1,2", "--files", "2"),
        *("--model-dir", str(tmp_path / "models"), "--out", str(out)),
    )
    rows = json.loads(out.read_text())
    assert [r["row"] for r in rows] == ["openai", "fw-seq", "fw-batched", "ours", "ours"]
    assert all("error" not in r and r["audio_seconds"] == 30.0 for r in rows)
    assert {r["decoded_tokens"] for r in rows} == {16}  # two files, one window each


def test_search_scale_bench_asks_more_queries_than_the_anonymous_throttle_allows(tmp_path: Path):
    # 150 API queries in well under a minute: above the anonymous 120/minute, so a bench that
    # asked anonymously would stop with HTTP 429 (as the 1,000,000-segment run once did).
    out = tmp_path / "scale.json"
    _run(
        str(BENCH / "search_scale.py"),
        "--segments",
        "2000",
        "--queries",
        "150",
        "--out",
        str(out),
    )
    results = json.loads(out.read_text())
    assert results["indexed"]["segments"] == 2000
    assert results["api_ms"]["p50"] > 0


@pytest.mark.slow
def test_faults_bench_runs(tmp_path: Path):
    # A few clients for a few seconds per phase, every fault, both servers; the figures of the
    # quick run mean nothing, its shape does.
    out = tmp_path / "faults.json"
    _run(str(BENCH / "faults.py"), "--quick", "--out", str(out), timeout=600)
    results = json.loads(out.read_text())
    assert results["machine"]["cores"] >= 1 and "load_average_before" in results["machine"]
    assert set(results["servers"]) == {"gunicorn", "runserver"}
    for served in results["servers"].values():
        phases = served["phases"]
        assert list(phases) == ["baseline", "kill_worker", "meili_down", "meili_hang", "pg_restart"]
        assert phases["baseline"]["ok"] > 0
        assert phases["baseline"]["latency_ms"]["p50"] > 0
        for name, phase in phases.items():
            if "skipped" in phase:  # pg_restart on a machine without PostgreSQL
                assert name == "pg_restart" and results["config"]["database"] == "sqlite"
                continue
            assert {"requests_per_s", "ok_per_s", "latency_ms", "errors", "events"} <= set(phase)
            assert set(phase["latency_ms"]) == {"p50", "p95", "p99"}
            if name != "baseline":
                assert phase["events"]["fault_at"] is not None
        assert "unavailable_ms" in phases["meili_down"]["outage_page"]
        assert "first_success_s" in phases["meili_down"]["recovery"]


def test_heldout_places_set_builds_its_import_file(tmp_path: Path):
    """The held-out place set (bench/heldout_places, run black-box by measure.sh) checks
    itself and writes the import file that measure.sh imports."""
    result = _run(str(BENCH / "heldout_places" / "run.py"), "--out", str(tmp_path))
    assert "import_testimonies" in result.stdout
    (import_file,) = tmp_path.glob("*.jsonl")
    records = [json.loads(line) for line in import_file.read_text(encoding="utf-8").splitlines()]
    assert len(records) > 200
    assert {r["visibility"] for r in records} == {"public"}


def test_correction_to_search_bench_runs(tmp_path: Path):
    out = tmp_path / "fix.json"
    _run(str(BENCH / "correction_to_search.py"), "--quick", "--out", str(out), timeout=600)
    result = json.loads(out.read_text())
    assert result["saves"] == 3 and result["median_s"] > 0


def test_blur_identity_bench_runs(tmp_path: Path):
    out = tmp_path / "blur.json"
    _run(
        str(BENCH / "blur_identity.py"),
        *("--quick", "--stride", "5", "--set", str(tmp_path / "set"), "--out", str(out)),
        timeout=900,
    )
    result = json.loads(out.read_text())
    assert {v["name"] for v in result["videos"]} == {"cn_front_static", "calendar_control"}
    assert 0 <= result["summary"]["control_blurred_share_max"] <= 1


def test_case_files_bench_runs(tmp_path: Path):
    out = tmp_path / "cases.json"
    _run(str(BENCH / "case_files.py"), "--people", "3", "--out", str(out))
    result = json.loads(out.read_text())
    assert result["case_files"] == 3 and result["zip_mib"] > 0


def test_heldout_blur_scripts_start():
    """The held-out identity-card set (bench/heldout_blur): its scripts import and parse their
    options (a whole run renders and reads 8 videos: minutes, on demand)."""
    for script in ("make_videos.py", "evaluate.py"):
        source = (BENCH / "heldout_blur" / script).read_text(encoding="utf-8")
        compile(source, script, "exec")
    assert "--stride" in _run(str(BENCH / "heldout_blur" / "evaluate.py"), "--help").stdout
