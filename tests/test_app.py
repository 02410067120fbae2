"""The workshop app without a browser: routes, streaming, messages, saved YAML (Starlette's TestClient)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest

pytest.importorskip("starlette", reason="needs the app extra (pip install 'staffsim[app]')")
pytest.importorskip("httpx", reason="Starlette's TestClient needs httpx (the test extra)")

from starlette.testclient import TestClient  # noqa: E402

from staffsim.experiments.runner import Chunk, run_chunk  # noqa: E402
from staffsim.present.app.catalogue import load_catalogue  # noqa: E402
from staffsim.present.app.live import HEADLINE, plain_difference  # noqa: E402
from staffsim.present.app.requests import variants_of  # noqa: E402
from staffsim.present.app.server import State, create_app  # noqa: E402


@pytest.fixture(scope="module")
def client():
    state = State(load_catalogue(), pool=None)  # pool None: replications in the event loop's default threads
    with TestClient(create_app(state)) as c:
        yield c


def events(text: str) -> list[tuple[str, dict]]:
    out = []
    for block in text.strip().split("\n\n"):
        kind, data = "message", "{}"
        for line in block.splitlines():
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: "):
                data = line[6:]
        out.append((kind, json.loads(data)))
    return out


def spec(*designs, reps=3, **levers):
    return {"designs": [{"design": d, "levers": levers if i else {}} for i, d in enumerate(designs)],
            "replications": reps, "seed": 1}


def run(client, s) -> list[tuple[str, dict]]:
    r = client.get("/api/run", params={"spec": json.dumps(s)})
    assert r.status_code == 200, r.text
    return events(r.text)


def test_page_and_assets_are_local(client):
    page = client.get("/").text
    assert "/static/app.js" in page and "/static/app.css" in page
    for asset in ("/static/app.js", "/static/app.css"):
        text = client.get(asset).text
        assert "http://" not in text.replace("http://www.w3.org/2000/svg", "") and "https://" not in text
    assert "https://" not in page and "http://" not in page


def test_designs_and_levers(client):
    info = client.get("/api/designs").json()
    names = [d["name"] for d in info["designs"]]
    assert names[0] == "traditional" and "team-based" in names
    assert {lv["name"] for lv in info["levers"]} >= {"class_size", "planning_day"}


def test_stream_matches_compare_numbers(client):
    evs = run(client, spec("traditional", "team-based", reps=3))
    assert evs[0][0] == "start" and evs[-1][0] == "end"
    updates = [e for k, e in evs if k == "message"]
    assert updates[-1]["done"] == 6 and updates[0]["done"] <= 2
    final = updates[-1]
    assert [r["metric"] for r in final["rows"]] == list(HEADLINE)
    # the same numbers as the runner (what `compare` stores) for replications 0-2, seed 1
    job = variants_of(load_catalogue(), spec("traditional", "team-based", reps=3))
    frames = [run_chunk(v, Chunk(0, 0, (0, 1, 2)), 1, 1, False, yearly=False)["metrics"] for v in job.variants]
    for i, f in enumerate(frames):
        mean = f[f.metric == "planning_hours_per_week"]["value"].mean()
        cell = next(r for r in final["rows"] if r["metric"] == "planning_hours_per_week")["cells"][i]
        assert cell["value"] == pytest.approx(mean, rel=1e-12)
    assert final["rows"][0]["cells"][1]["diff"]  # differences in words for the second design


def test_bad_lever_gets_the_cli_message(client):
    r = client.get("/api/run", params={"spec": json.dumps(spec("traditional", "traditional", class_size=99))})
    assert r.status_code == 400
    body = r.json()
    assert "class_size" in body["error"] and "10-40" in body["error"] and "Traceback" not in body["error"]


def test_unknown_design_and_bad_json(client):
    r = client.get("/api/run", params={"spec": json.dumps(spec("traditional", "nope"))})
    assert r.status_code == 400 and "nope" in r.json()["error"]
    assert client.get("/api/run", params={"spec": "{"}).status_code == 400


def test_saved_design_validates_and_reproduces(client, tmp_path):
    r = client.post("/api/design.yaml", json={"design": "team-based", "levers": {"class_size": 28}})
    assert r.status_code == 200 and "team-based-modified" in r.headers["content-disposition"]
    f = tmp_path / "saved.yaml"
    f.write_text(r.text)
    v = subprocess.run([sys.executable, "-m", "staffsim", "validate", str(f)], capture_output=True, text=True)
    assert v.returncode == 0, v.stderr
    from staffsim.scenario.loading import read_scenario
    from staffsim.scenario.levers import lever_values
    _, data = read_scenario(f)
    assert lever_values(data)["class_size"] == 28


def test_upload_valid_and_invalid(client):
    good = Path("staffsim/designs/traditional.yaml").read_bytes() if Path("staffsim/designs/traditional.yaml").exists() else None
    from staffsim.scenario.shipped import shipped_designs
    good = shipped_designs()["traditional"].read_bytes()
    r = client.post("/api/upload", params={"filename": "mine.yaml"}, content=good.replace(b"name: traditional", b"name: mine"))
    assert r.status_code == 200, r.text
    bad = good.replace(b"class_size: 24", b"class_size: -3")
    assert bad != good
    r = client.post("/api/upload", params={"filename": "bad.yaml"}, content=bad)
    assert r.status_code == 400
    body = r.json()
    assert "class_size" in body["error"] and any(p["line"] for p in body["problems"])
    assert "staffsim-upload-" not in body["error"]  # no temporary paths
    r = client.post("/api/upload", params={"filename": "huge.yaml"}, content=b"#" * (300 * 1024))
    assert r.status_code == 400 and "kB" in r.json()["error"]
    r = client.post("/api/upload", params={"filename": "x.yaml"}, content=b"a: [1\n")
    assert r.status_code == 400 and "line" in r.json()["error"]


def test_timetable_of_a_role(client):
    r = client.post("/api/timetable", json={"design": "team-based", "levers": {}, "role": ""})
    assert r.status_code == 200 and r.json()["svg"].startswith("<svg")
    role = r.json()["roles"][0]
    r = client.post("/api/timetable", json={"design": "team-based", "levers": {}, "role": role})
    assert r.status_code == 200
    r = client.post("/api/timetable", json={"design": "team-based", "levers": {}, "role": "astronaut"})
    assert r.status_code == 400 and "astronaut" in r.json()["error"]


def test_plain_words():
    assert plain_difference("planning_hours_per_week", 2.1, 1.5, 2.7, "traditional", 20).startswith(
        "about 2.1 hours per week per teacher more than traditional (better)")
    assert plain_difference("burnout_share", 0.05, 0.01, 0.09, "x", 20) == "about 5.0 % points more than x (worse)"
    assert plain_difference("burnout_share", 0.05, -0.01, 0.09, "x", 20) == "no clear difference from x"


def test_app_help():
    r = subprocess.run([sys.executable, "-m", "staffsim", "app", "--help"], capture_output=True, text=True)
    assert r.returncode == 0
    for option in ("--port", "--host", "--ensemble", "--no-browser", "127.0.0.1"):
        assert option in r.stdout


def test_export_report_writes_a_run_folder_and_its_report(tmp_path):
    from staffsim.experiments.runfolder import open_run

    state = State(load_catalogue(), pool=None, results=tmp_path)
    with TestClient(create_app(state)) as c:
        r = c.post("/api/report", json=spec("traditional", "team-based", reps=2, class_size=26))
    assert r.status_code == 200, r.text
    info = r.json()
    report = Path(info["report"])
    assert report.is_file() and report.parent == Path(info["run_dir"]) and report.parent.parent == tmp_path
    assert "team-based-modified" in report.read_text()
    assert open_run(info["run_dir"]).replications == 2
    figures = info["figures"]  # the report's figures, for the page
    assert len(figures) >= 4 and all(f["src"].startswith("data:image/png;base64,") and f["title"] for f in figures)


# ---- the lines, one test each: what is read, where it binds, the CLI's messages, compare's numbers

def test_two_to_five_designs(client):
    for n in (1, 6):
        r = client.get("/api/run", params={"spec": json.dumps({"designs": ["traditional"] * n, "replications": 2})})
        assert r.status_code == 400 and "pick 2-5 designs" in r.json()["error"]


def test_nothing_but_the_catalogue_and_static_files_is_read(client):
    for path in ("/static/../../pyproject.toml", "/static/%2e%2e/%2e%2e/pyproject.toml", "/static/../catalogue.py"):
        r = client.get(path)
        assert r.status_code == 404 and "[project]" not in r.text and "import" not in r.text
    for name in ("../../pyproject.toml", "/etc/passwd", "staffsim/designs/traditional.yaml"):
        r = client.get("/api/run", params={"spec": json.dumps(spec("traditional", name))})
        assert r.status_code == 400 and "no such design here" in r.json()["error"]


def test_an_upload_is_safe_yaml(client, tmp_path):
    marker = tmp_path / "ran"
    evil = f'!!python/object/apply:os.system ["touch {marker}"]\n'.encode()
    r = client.post("/api/upload", params={"filename": "evil.yaml"}, content=evil)
    assert r.status_code == 400 and not marker.exists() and "Traceback" not in r.text


def test_a_bad_value_gets_the_message_the_cli_prints(client, tmp_path):
    r = client.get("/api/run", params={"spec": json.dumps(spec("traditional", "team-based", class_size=99))})
    page = r.json()["problems"][0]["text"]
    cli = subprocess.run([sys.executable, "-m", "staffsim", "compare", "traditional", "team-based", "--set",
                          "class_size=99", "-n", "2", "--out", str(tmp_path / "x")], capture_output=True, text=True)
    assert cli.returncode == 2
    assert page.split(": ", 1)[1] in cli.stderr + cli.stdout  # the lever's own words, as the CLI prints them


def test_an_invalid_upload_gets_the_messages_validate_prints(client, tmp_path):
    from staffsim.scenario.shipped import shipped_designs

    bad = tmp_path / "bad.yaml"
    bad.write_text(shipped_designs()["traditional"].read_text().replace("class_size: 24", "class_size: -3")
                   .replace("pool_size: 2", "pool_size: -1"))
    body = client.post("/api/upload", params={"filename": "bad.yaml"}, content=bad.read_bytes()).json()
    v = subprocess.run([sys.executable, "-m", "staffsim", "validate", str(bad)], capture_output=True, text=True)
    assert v.returncode == 2 and len(body["problems"]) >= 2
    for p in body["problems"]:
        assert p["line"] and p["text"] in v.stderr + v.stdout, (p, v.stderr)


def test_designs_named_at_start_are_validated_as_validate_does(tmp_path):
    from staffsim.scenario.shipped import shipped_designs

    mine = tmp_path / "mine.yaml"
    mine.write_text(shipped_designs()["traditional"].read_text().replace("name: traditional", "name: mine"))
    assert load_catalogue((str(mine),)).origin["mine"] == "file"
    bad = tmp_path / "broken.yaml"
    bad.write_text(mine.read_text().replace("class_size: 24", "class_size: -3"))
    r = subprocess.run([sys.executable, "-m", "staffsim", "app", "--no-browser", str(bad)], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 2 and "class_size" in r.stderr and "line" in r.stderr and "Traceback" not in r.stderr


def test_binds_to_127_0_0_1_unless_host_is_given(monkeypatch):
    import uvicorn
    from click.testing import CliRunner

    from staffsim.cli import main
    from staffsim.present.app import live

    seen = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self: seen.append(self.config.host))
    monkeypatch.setattr(live, "make_pool", lambda n: type("P", (), {"shutdown": lambda self, **k: None})())
    assert CliRunner().invoke(main, ["app", "--no-browser"]).exit_code == 0
    assert CliRunner().invoke(main, ["app", "--no-browser", "--host", "0.0.0.0"]).exit_code == 0
    assert seen == ["127.0.0.1", "0.0.0.0"]


def test_every_option_of_app_is_explained():
    from staffsim.cli.app import command

    for p in command.params:
        if isinstance(p, click.Option):
            assert p.help and len(p.help) > 20, p.name
    assert "DESIGNS" in command.help and "validate" in command.help


def test_the_page_shows_what_compare_prints_for_the_saved_files(client, tmp_path):
    """Same seed, same levers: every headline number of the page is compare's on the saved YAML."""
    levers = {"class_size": 27, "substitute_pool": 4, "protected_planning": True}
    final = [e for k, e in run(client, spec("traditional", "team-based", reps=3, **levers)) if k == "message"][-1]
    saved = tmp_path / "team-based-modified.yaml"
    saved.write_text(client.post("/api/design.yaml", json={"design": "team-based", "levers": levers}).text)
    out = tmp_path / "cmp"
    from click.testing import CliRunner

    from staffsim.cli import main

    res = CliRunner().invoke(main, ["compare", "traditional", str(saved), "-n", "3", "--seed", "1", "--out", str(out),
                                    "-q", "--backend", "serial"])
    assert res.exit_code == 0, res.output
    import pandas as pd

    comp = pd.read_parquet(out / "comparison.parquet").set_index(["metric", "scenario"])
    for row in final["rows"]:
        for label, cell in zip(final["designs"], row["cells"]):
            ref = comp.loc[(row["metric"], label)]
            assert cell["value"] == pytest.approx(ref["mean"], rel=1e-12, abs=1e-15), (row["metric"], label)
            assert (cell["low"], cell["high"]) == pytest.approx((ref["ci_low"], ref["ci_high"]), rel=1e-12, abs=1e-15)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads children from /proc (Linux)")
def test_stopping_the_server_stops_its_workers():
    import signal
    import socket
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "staffsim", "app", "--no-browser", "--port", str(port), "-w", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def children() -> list[int]:
        out = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == proc.pid:
                    out.append(int(stat.parent.name))
            except (OSError, ValueError, IndexError):
                continue
        return out

    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/designs", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        workers = children()
        assert len(workers) >= 2
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        time.sleep(0.5)
        assert not [w for w in workers if Path(f"/proc/{w}").exists() and
                    Path(f"/proc/{w}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"], "workers outlived the server"
    finally:
        if proc.poll() is None:
            proc.kill()
