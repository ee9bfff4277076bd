"""docs/benchmarks.md's generated part from bench/run.py's figures: issue 21's targets
before and after side by side, then this run's figures page by page.

    python bench/render.py .bench/run.json     # again from a run's saved figures
"""

import json
import sys
from pathlib import Path

BEFORE = Path(__file__).resolve().parent / "before-issue-21.json"
# docs/benchmarks.md below this line is written by hand and kept by every run.
KEPT_MARKER = "<!-- Written by hand below this line; make bench keeps it. -->"

# The pages whose cached figures are held to the cached-pages target; the exports
# have their own.
HTML = ("home", "directory", "cluster page", "directory, filtered", "directory, search")
HTML += ("Highland page",)


def times_static(value: float, static: float) -> str:
    """A rate as a share of the static file's: 0.87 ×, or 1/14.2 below one half."""
    if not static or not value:
        return "–"
    ratio = value / static
    return f"{ratio:.2f} ×" if ratio >= 0.5 else f"1/{1 / ratio:.1f}"


def rate(figures: dict, static: float) -> str:
    if not figures["requests"]:
        return "no request finished within the runs"
    return (
        f"{figures['rps']:,.0f} req/s, {times_static(figures['rps'], static)},"
        f" p95 {figures['p95']:.1f} ms"
    )


def targets(run: dict) -> list[tuple[str, str, bool | None]]:
    """(target, figures, met) for each of issue 21's targets; met is None when the
    run could not measure it."""
    main, starter = run["main"], run["starter"]
    static = main["static"]["rps"]
    rows = []

    def share(label, figures, base, at_least, p95=None):
        if figures is None:
            rows.append((label, "not available", None))
            return
        ok = figures["rps"] >= at_least * base and (p95 is None or figures["p95"] < p95)
        rows.append((label, rate(figures, base), ok))

    share(
        "never-seen filter combinations, cached server: ≥ 1/12 × static, p95 < 30 ms",
        main["never_seen_filters"],
        static,
        1 / 12,
        30,
    )
    share(
        "ever-new searches, 10,000 clusters: ≥ 1/20 × static, p95 < 40 ms",
        main["ever_new_searches"],
        static,
        1 / 20,
        40,
    )
    share(
        "ever-new searches, starter content: ≥ 1/12 × static, p95 < 40 ms",
        starter["ever_new_searches"],
        starter["static"]["rps"],
        1 / 12,
        40,
    )
    for key, base, label in [
        ("cached", static, "cached pages, embedded cache"),
        (
            "redis",
            main.get("static_redis", main["static"])["rps"],
            "cached pages, Redis",
        ),
        ("logged", main["static_logged"]["rps"], "cached pages, access log on"),
    ]:
        pages = {name: f for name, f in main[key].items() if name in HTML}
        worst = min(pages, key=lambda name: pages[name]["rps"])
        best = max(pages, key=lambda name: pages[name]["rps"])
        rows.append(
            (
                f"{label}: ≥ 0.95 × static",
                f"{times_static(pages[worst]['rps'], base)} ({worst})"
                f" to {times_static(pages[best]['rps'], base)} ({best});"
                f" static {base:,.0f} req/s",
                pages[worst]["rps"] >= 0.95 * base,
            )
        )
    share(
        "cluster page, uncached: ≥ 1/12 × static",
        main["uncached"].get("cluster page"),
        main["static_uncached_server"]["rps"],
        1 / 12,
    )
    share(
        "clusters.json?page=2, cached: ≥ 0.8 × static",
        main["cached"].get("clusters.json, page 2"),
        static,
        0.8,
    )
    if "dump" in main:
        share(
            "full clusters.json, cached: ≥ 0.8 × a static file of its size",
            main["dump"],
            main["static_dump"]["rps"],
            0.8,
        )
        rows[-1] = (
            rows[-1][0],
            rows[-1][1] + f"; {main['dump_bytes'] / 1e6:.1f} MB, the static file"
            f" {main['static_dump']['rps']:,.0f} req/s",
            rows[-1][2],
        )
    if "full" in run:
        full, ten = run["full"], run["ten"]
        uncached = full["uncached"]
        over = [
            name
            for name, figures in uncached.items()
            if not figures["requests"] or figures["p95"] >= 100
        ]
        rows.append(
            (
                "100,000 clusters: every public page uncached p95 < 100 ms",
                f"{len(uncached) - len(over)} of {len(uncached)} pages;"
                f" over: {'; '.join(over) or 'none'}"
                + (
                    f". Not measured: {'; '.join(full['not_available'])}"
                    if full["not_available"]
                    else ""
                ),
                not over,
            )
        )
        differ = [
            f"{name} {ten['queries'][name]['queries']} → {row['queries']}"
            for name, row in full["queries"].items()
            if row["queries"] != ten["queries"][name]["queries"]
        ]
        rows.append(
            (
                "100,000 clusters: queries per page as at 10 clusters",
                "; ".join(differ) if differ else "equal on every public page",
                not differ,
            )
        )
    errors = sum(
        figures["errors"]
        for section in (main, starter)
        for figures in section_figures(section)
    )
    rows.append(("no errors", f"{errors} errors", errors == 0))
    return rows


def section_figures(section: dict):
    for value in section.values():
        if isinstance(value, dict) and "rps" in value:
            yield value
        elif isinstance(value, dict):
            yield from (v for v in value.values() if isinstance(v, dict) and "rps" in v)


def not_available(row: dict) -> str:
    if row["status"] == 200:  # a page of an export the code does not paginate
        return "not available (the full export answers)"
    return f"not available (status {row['status']})"


def verdict(ok: bool | None) -> str:
    return {True: "met", False: "**missed**", None: "not measured"}[ok]


def render(run: dict, before: dict | None) -> str:
    main = run["main"]
    info = run["versions"]
    lines = [
        "# Benchmarks",
        "",
        f"Measured {run['date']} with `{run['command']}` (bench/run.py), code at"
        f" {run['code']}; the run took {run['took']} s.",
        f"Machine: {info['cpus']} CPUs ({info['cpu']}), client and server on it"
        f" together. Python {info['python']}, Django {info['django']},"
        f" {info['gunicorn']}, {info['wrk']}, PostgreSQL {info['postgresql']}.",
        f"Load average before the run {run['load']['before']}, after it"
        f" {run['load']['after']}: on {info['cpus']} CPUs, anything above"
        f" {info['cpus']} means other work competed with the benchmark.",
        "",
        "gunicorn + whitenoise, debug off, 2 workers (as `make run`); wrk, 4"
        f" connections over 127.0.0.1, {run['seconds']} s per run, each figure the"
        " median of three runs. *× static*: requests per second as a share of a static"
        f" file of the directory page's size ({main['static_bytes']:,} bytes) served by"
        " the same gunicorn in the same run (for the full `clusters.json`, a static file"
        " of its own size). *Uncached*: page cache off (DJANGO_PAGE_CACHE=0). *Cached*:"
        " page cache on, the embedded cache (lublin/settings.py without REDIS_URL);"
        " *Redis*: REDIS_URL set; *access log*: gunicorn's access log on as `make run`"
        " has it, its static file measured with the log on too. *Never-seen filters*"
        " and *ever-new searches* (bench/ever_new.lua) ask the cached server a query"
        " string no one asked before on every request: random filters, or a word found"
        " in the content, each with a new year_from/year_to pair, so each is a miss"
        " that also pays the cache's write. PostgreSQL, 10,000 generated clusters"
        " unless said; the starter content is what `setup_instance` loads.",
        "",
        "## Issue 21's targets, before and after",
        "",
    ]
    if before:
        lines += [
            f"*Before*: the same bench/ against {before['code']}, run {before['date']} (load"
            f" average {before['load']['before']} → {before['load']['after']}),"
            " saved in bench/before-issue-21.json.",
            "",
        ]
    lines += [
        "| target | before | after | after: met? |",
        "| --- | --- | --- | --- |",
    ]
    earlier = (
        {label: (text, ok) for label, text, ok in targets(before)} if before else {}
    )
    for label, text, ok in targets(run):
        was, was_ok = earlier.get(label, ("not measured", None))
        mark = f" ({verdict(was_ok)})" if was_ok is not None else ""
        lines.append(f"| {label} | {was}{mark} | {text} | {verdict(ok)} |")
    lines += ["", "## This run, page by page (10,000 clusters)", ""]
    static = main["static"]["rps"]
    lines += [
        f"Static file: {static:,.0f} req/s (p95 {main['static']['p95']:.1f} ms); with"
        f" the access log {main['static_logged']['rps']:,.0f} req/s; beside the"
        f" uncached server {main['static_uncached_server']['rps']:,.0f} req/s; beside"
        f" Redis {main.get('static_redis', main['static'])['rps']:,.0f} req/s.",
        "",
        "| page | queries | bytes | uncached | cached | Redis | access log |",
        "| --- | ---: | ---: | --- | --- | --- | --- |",
    ]
    for name, path in main["paths"].items():
        row = main["queries"][name]
        cells = []
        for key, base in [
            ("uncached", main["static_uncached_server"]["rps"]),
            ("cached", static),
            ("redis", main.get("static_redis", main["static"])["rps"]),
            ("logged", main["static_logged"]["rps"]),
        ]:
            figures = main.get(key, {}).get(name)
            cells.append(rate(figures, base) if figures else "")
        if name in main["not_available"]:
            cells[0] = not_available(row)
        lines.append(
            f"| {name} `{path}` | {row['queries']} | {row['bytes']:,} | "
            + " | ".join(cells)
            + " |"
        )
    starter = run["starter"]
    lines += [
        "",
        f"Never-seen filters: {rate(main['never_seen_filters'], static)}. Ever-new"
        f" searches: {rate(main['ever_new_searches'], static)}, words:"
        f" {', '.join(main['words'])}.",
        f"Starter content (`setup_instance` loaded it in {starter['loaded_in']} s):"
        f" ever-new searches {rate(starter['ever_new_searches'], starter['static']['rps'])}"
        f" (static {starter['static']['rps']:,.0f} req/s), words:"
        f" {', '.join(starter['words'])}.",
    ]
    if main.get("generated_in"):
        lines.append(f"Generating the 10,000 clusters took {main['generated_in']} s.")
    if "full" in run:
        full, ten = run["full"], run["ten"]
        lines += [
            "",
            "## 100,000 clusters (bench-full)",
            "",
            *(
                [
                    f"From a `make bench-full` run of {origin['code']} ({origin['took']} s,"
                    f" load average {origin['load']['before']} →"
                    f" {origin['load']['after']}); its 10,000 clusters' figures are"
                    " not shown above.",
                    "",
                ]
                if (origin := run.get("full_run"))
                else []
            ),
            f"Uncached, page cache off; static file"
            f" {full['static_uncached_server']['rps']:,.0f} req/s."
            + (
                f" Generating the clusters took {full['generated_in']} s."
                if full.get("generated_in")
                else ""
            ),
            "",
            "| page | queries at 10 / 10,000 / 100,000 | uncached |",
            "| --- | --- | --- |",
        ]
        for name, path in full["paths"].items():
            counts = " / ".join(
                str(section["queries"][name]["queries"])
                for section in (ten, main, full)
            )
            figures = full["uncached"].get(name)
            shown = (
                rate(figures, full["static_uncached_server"]["rps"])
                if figures
                else not_available(full["queries"][name])
            )
            lines.append(f"| {name} `{path}` | {counts} | {shown} |")
    lines.append("")
    return "\n".join(lines)


def write(run: dict, output: Path) -> None:
    """Replace the generated part of `output`, keeping what is below KEPT_MARKER."""
    before = json.loads(BEFORE.read_text()) if BEFORE.exists() else None
    text = render(run, before)
    print(text)
    kept = output.read_text() if output.exists() else ""
    if KEPT_MARKER in kept:
        text += "\n" + KEPT_MARKER + kept.split(KEPT_MARKER, 1)[1]
    output.write_text(text)


if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent
    write(json.loads(Path(sys.argv[1]).read_text()), root / "docs" / "benchmarks.md")
