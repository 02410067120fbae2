"""The self-contained HTML report (issue 4), including a check in headless Chromium."""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image

from staffsim.present.assumptions import describe_design
from staffsim.present.report import markdown_to_html
from staffsim.experiments.runfolder import open_run

from conftest import small_scenario
from staffsim.scenario.loading import scenario_from_dict, scenario_to_dict
from test_plots import _invoke, copy_of, folders  # noqa: F401  (module fixtures: tiny run folders)

NOTES = """# Before we start

We compare **two** designs for *our* school:

- the one we have
- one with no substitutes (see [the district memo](https://example.org/memo))

<script>alert("x")</script> & that's all.
"""


class Tags(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def parse(html: str) -> list[tuple[str, dict[str, str | None]]]:
    p = Tags()
    p.feed(html)
    return p.tags


def assert_self_contained(html: str) -> list[str]:
    """No scripts, no external resources: every src is a data URI, no href leaves the page. Returns img srcs."""
    tags = parse(html)
    assert not any(t == "script" for t, _ in tags), "the report must need no JavaScript"
    assert not re.search(r"\son[a-z]+\s*=", html, re.I), "no inline event handlers"
    assert "@import" not in html and "url(" not in html, "CSS must not fetch anything"
    srcs = []
    for tag, attrs in tags:
        for key in ("src", "href", "srcset", "poster", "data"):
            v = attrs.get(key)
            if v is None:
                continue
            assert not re.match(r"^\s*(https?:|//|ftp:|file:)", v, re.I), f"<{tag} {key}={v[:60]}> points outside"
            if key == "href":
                assert v.startswith("#"), f"<{tag} href={v}>: only links within the page"
        if tag == "img":
            assert attrs["src"].startswith("data:image/png;base64,")
            srcs.append(attrs["src"])
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*https?:""", html, re.I)
    return srcs


def decode(src: str) -> Image.Image:
    im = Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1], validate=True)))
    im.load()
    return im


def test_report_is_one_self_contained_file(copy_of, tmp_path):  # noqa: F811
    run_dir = copy_of("compare")
    notes = tmp_path / "notes.md"
    notes.write_text(NOTES)
    res = _invoke(["report", run_dir, "--title", "Our two designs", "--notes", notes])
    assert res.exit_code == 0, res.output
    html = (run_dir / "report.html").read_text()
    srcs = assert_self_contained(html)
    # every figure the run supports is in it, as a PNG that decodes
    run = open_run(run_dir)
    expected = ["01-planning-by-week", "03-time-use", "04-small-groups"]
    expected += ["02-exhaustion-by-week"] if "exhaustion" in run.staff_week_columns() else []
    expected += ["05-workforce"] if "turnover_rate" in run.metric_names else []
    expected += ["06-cost-tradeoff"] if "cost_per_pupil" in run.metric_names else []
    assert len(srcs) == len(expected)
    for name in expected:
        assert f'id="{name}"' in html
    for src in srcs:
        im = decode(src)
        assert im.format == "PNG" and im.width >= 1200
    # one sentence on how to read each figure
    assert html.count("How to read it:") == len(expected)
    # the title, the note (Markdown rendered, HTML escaped, links as text), the table, assumptions, provenance
    assert "<title>Our two designs</title>" in html and "<h1>Our two designs</h1>" in html
    assert "<strong>two</strong>" in html and "<em>our</em>" in html and "<li>the one we have</li>" in html
    assert "&lt;script&gt;" in html and "the district memo (https://example.org/memo)" in html
    assert "Planning time kept" in html and "95 % confidence interval" in html
    assert "no clear difference" in html or re.search(r"[+-]\d", html)
    for label in ("Timetable (hours a week)", "Teams", "Substitutes and cover", "Pay"):
        assert f"<dt>{label}" in html
    assert "pool of 0 day-to-day substitutes" in html and "pool of 1 day-to-day substitutes" in html
    manifest = run.manifest
    assert f"<th>seed</th><td>{manifest['seed']}</td>" in html
    assert f"<td>{manifest['staffsim_version']}</td>" in html and "3 per design" in html


def test_report_on_run_and_sweep_folders(copy_of):  # noqa: F811
    for kind in ("run", "sweep"):
        run_dir = copy_of(kind)
        res = _invoke(["report", run_dir])
        assert res.exit_code == 0, res.output
        html = (run_dir / "report.html").read_text()
        srcs = assert_self_contained(html)
        assert srcs and all(decode(s).format == "PNG" for s in srcs)
        if kind == "sweep":
            assert "heatmap" in html and "The settings of the sweep" in html
            assert "policies.substitutes.pool_size" in html


def test_report_writes_only_inside_the_run_folder_and_only_over_its_own_report(copy_of, tmp_path):  # noqa: F811
    run_dir = copy_of("compare")
    res = _invoke(["report", run_dir, "--out", tmp_path / "elsewhere.html"])
    assert res.exit_code == 2 and "inside the run folder" in res.output
    assert not (tmp_path / "elsewhere.html").exists()
    (run_dir / "report.html").write_text("<html>my own notes</html>")
    res = _invoke(["report", run_dir])
    assert res.exit_code == 2 and "not a staffsim report" in res.output
    assert (run_dir / "report.html").read_text() == "<html>my own notes</html>"
    res = _invoke(["report", run_dir, "--out", "talk.html"])
    assert res.exit_code == 0, res.output
    first = (run_dir / "talk.html").stat().st_mtime_ns
    res = _invoke(["report", run_dir, "--out", "talk.html", "--title", "Again"])
    assert res.exit_code == 0 and (run_dir / "talk.html").stat().st_mtime_ns >= first
    assert "<h1>Again</h1>" in (run_dir / "talk.html").read_text()
    res = _invoke(["report", run_dir, "--notes", tmp_path / "nope.md"])
    assert res.exit_code == 2 and "no such notes file" in res.output


def test_markdown_notes_are_escaped_and_never_link():
    out = str(markdown_to_html("Hi <b>there</b> & [x](http://a.b)\n\n1. one\n2. two\n\n## Plan\n- `code` here"))
    assert "&lt;b&gt;there&lt;/b&gt; &amp; x (http://a.b)" in out
    assert "<ol><li>one</li><li>two</li></ol>" in out and "<h4>Plan</h4>" in out
    assert "<ul><li><code>code</code> here</li></ul>" in out
    assert "href" not in out



def test_differences_are_marked_clear_or_unclear(copy_of):  # noqa: F811
    run_dir = copy_of("compare")
    assert _invoke(["report", run_dir]).exit_code == 0
    html = (run_dir / "report.html").read_text()
    marks = set(re.findall(r'<span class="diff ([^"]*)">', html))
    assert marks and marks <= {"clear", "unclear"}, marks

def test_design_assumptions_read_the_scenario_however_it_is_written():
    """Timetables and the contract day are parsed by the scenario layer: as written in YAML ('08:00-09:00 ...'),
    as a run folder keeps them, or as plain minutes after midnight, the assumptions read the same."""
    data = small_scenario()
    sc = scenario_from_dict(data)
    resolved = describe_design(scenario_to_dict(sc))  # what a run folder keeps
    assert describe_design(sc.model_dump(mode="json")) == resolved  # times as minutes, blocks as mappings
    text = dict(resolved)
    as_written = dict(describe_design(data))
    assert as_written["Timetable (hours a week)"] == text["Timetable (hours a week)"]
    assert "contract day 08:00–15:00" in as_written["School"]
    assert "contract day 08:00–15:00" in text["School"]
    # three teachers a team take timetables a, b, a in turn: (2 x 4 h + 3 h) / 3 of whole class a day
    assert text["Timetable (hours a week)"][0].startswith("teacher (×6): whole class 18.3 h, planning 5.0 h")
    assert any(line.startswith("aide (×2): online lab 10.0 h, small groups 10.0 h, duties 10.0 h")
               for line in text["Timetable (hours a week)"])
    assert "teacher 60,000; aide 30,000" in text["Pay (USD 2024, a year)"]

# ------------------------------------------------------------------------------------ browser

def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars", "--disable-extensions", "--mute-audio",
                  "--host-resolver-rules=MAP * ~NOTFOUND",  # nothing may come from the network
                  "--virtual-time-budget=10000"]

#: Added to a *copy* of the report (the report itself has no scripts). On the load event (which waits for
#: every image), each image is drawn on a canvas at its natural size and every pixel's alpha is read: our PNGs
#: are opaque, so a broken image (no natural width) or one that decoded only in part (transparent rows) is
#: caught; `--dump-dom` then prints <body data-result="ok,ok,...">.
PROBE = """<script>
window.addEventListener("load", function () {
  var result = Array.prototype.slice.call(document.images).map(function (img) {
    try {
      if (!img.complete || !(img.naturalWidth > 0)) return "broken";
      var c = document.createElement("canvas");
      c.width = img.naturalWidth; c.height = img.naturalHeight;
      var g = c.getContext("2d");
      g.drawImage(img, 0, 0);
      var d = g.getImageData(0, 0, c.width, c.height).data;
      for (var k = 3; k < d.length; k += 4) { if (d[k] !== 255) return "partial"; }
      return "ok:" + c.width;
    } catch (e) { return "error:" + e.name; }
  });
  document.body.setAttribute("data-result", result.join(","));
});
</script>"""


def _run_chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess:
    exe = chromium()
    assert exe
    return subprocess.run([exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args], capture_output=True,
                          text=True, timeout=60)


@pytest.mark.browser
def test_report_opens_in_headless_chromium_with_every_image_loaded(copy_of, tmp_path):  # noqa: F811
    """How images are checked: Chromium (headless, network blocked) loads a copy of the report with the
    PROBE script added; on the load event it draws every image on a canvas and reads its pixels, so an image
    that failed to load or decoded only in part is reported, and `--dump-dom` prints the verdicts. A copy
    with one image cut short must be caught (the check can fail). The report itself, unchanged and without
    script, is then screenshotted into the run folder beside it."""
    if chromium() is None:
        pytest.skip("headless Chromium is not installed (Debian: apt-get install chromium; .ci/run installs it)")
    run_dir = copy_of("compare")
    res = _invoke(["report", run_dir])
    assert res.exit_code == 0, res.output
    report = run_dir / "report.html"
    html = report.read_text()
    srcs = assert_self_contained(html)
    assert srcs

    def probe(page: str, name: str) -> list[str]:
        f = tmp_path / f"{name}.html"
        f.write_text(page.replace("</body>", PROBE + "\n</body>"))
        out = _run_chromium(["--dump-dom", f.as_uri()], tmp_path / f"profile-{name}")
        found = re.search(r'<body[^>]*data-result="([^"]*)"', out.stdout)
        if found is None and out.returncode != 0:
            pytest.skip(f"Chromium could not run here: {out.stderr.strip()[-300:]}")
        assert found, f"the probe did not run: {out.stdout[:300]} {out.stderr[-300:]}"
        return found.group(1).split(",") if found.group(1) else []

    results = probe(html, "report")
    assert len(results) == len(srcs)
    assert all(r.startswith("ok:") and int(r[3:]) >= 1200 for r in results), results
    # the check can fail: the same page with one image cut short reports exactly that image
    cut = html.replace(srcs[1], srcs[1][: len(srcs[1]) // 2])
    broken = probe(cut, "cut")
    assert [r.startswith("ok:") for r in broken] == [i != 1 for i in range(len(srcs))], broken
    # the screenshot, saved in the run folder beside the report
    shot = run_dir / "report-screenshot.png"
    out = _run_chromium([f"--screenshot={shot}", "--window-size=1400,4000", report.as_uri()], tmp_path / "profile-shot")
    assert shot.is_file(), out.stderr[-500:]
    with Image.open(shot) as im:
        assert im.size == (1400, 4000)
        rgb = im.convert("RGB")
        # the page rendered: text and figure colours, not a blank page
        assert len(rgb.getcolors(maxcolors=1_000_000) or []) > 100
        assert rgb.getbbox() is not None
