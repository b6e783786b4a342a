# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``report.html``: one self-contained page (inline CSS, no scripts, no external assets).

A verdict banner, the cluster facts, the status table by category with MUST/SHOULD, the
self-check, and per requirement a collapsible block with every observation. Every row of
the status table carries ``data-id``, ``data-level``, ``data-outcome`` and ``data-status``
so tools (and the tests) can read it back.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
from html import escape

from ansible_collections.ai_conformance.rke2.plugins.module_utils.report import text
from ansible_collections.ai_conformance.rke2.plugins.module_utils.report.markdown_report import facts

FILENAME = "report.html"

CSS = """
:root{--pass:#1a7f37;--pass-bg:#dafbe1;--fail:#cf222e;--fail-bg:#ffebe9;--part:#9a6700;--part-bg:#fff8c5;
--na:#57606a;--na-bg:#eaeef2;--line:#d0d7de;--muted:#57606a;--head:#f6f8fa}
*{box-sizing:border-box}
body{font:15px/1.5 -apple-system,"Segoe UI",Roboto,"DejaVu Sans",Helvetica,Arial,sans-serif;color:#1f2328;
margin:0;background:#fff}
main{max-width:1180px;margin:0 auto;padding:24px 28px 48px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:32px 0 10px;padding-bottom:6px;
border-bottom:1px solid var(--line)}
.sub{color:var(--muted);margin:0 0 18px}
.banner{border-radius:8px;padding:14px 18px;font-size:17px;font-weight:600;margin:0 0 18px;border:1px solid}
.banner.ok{background:var(--pass-bg);color:var(--pass);border-color:#aceebb}
.banner.bad{background:var(--fail-bg);color:var(--fail);border-color:#ffcecb}
.banner small{display:block;font-weight:400;color:#1f2328;font-size:14px;margin-top:2px}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 18px;margin:0 0 14px;font-size:14px}
.facts dt{color:var(--muted)}.facts dd{margin:0;word-break:break-word}
.chips{display:flex;flex-wrap:wrap;gap:8px;margin:6px 0 4px}
.chip{border-radius:999px;padding:2px 12px;font-size:13px;font-weight:600}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{text-align:left;padding:7px 10px;border-bottom:1px solid var(--line);vertical-align:top}
thead th{background:var(--head);font-size:13px;color:var(--muted);font-weight:600}
a{color:#0969da;text-decoration:none}a:hover{text-decoration:underline}
tbody th{background:#fbfcfd;font-size:14px;padding-top:12px;border-bottom:2px solid var(--line)}
td.id code{font-weight:600}td.id span{display:block;color:var(--muted);font-size:13px}
td.why{color:#31363b;max-width:460px}
.badge{display:inline-block;border-radius:5px;padding:1px 8px;font-size:12px;font-weight:700;white-space:nowrap}
.lvl-MUST{background:#ddf4ff;color:#0550ae}.lvl-SHOULD{background:#f6f8fa;color:var(--muted);
border:1px solid var(--line)}
.o-passed{background:var(--pass-bg);color:var(--pass)}.o-failed,.o-error{background:var(--fail-bg);color:var(--fail)}
.o-partial{background:var(--part-bg);color:var(--part)}.o-na{background:var(--na-bg);color:var(--na)}
tr.o-row-failed td,tr.o-row-error td{background:#fff8f7}
code,pre{font-family:ui-monospace,SFMono-Regular,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:13px}
pre{background:var(--head);border:1px solid var(--line);border-radius:6px;padding:10px 12px;overflow:auto;
max-height:360px;white-space:pre-wrap;word-break:break-all}
details{border:1px solid var(--line);border-radius:8px;margin:10px 0;padding:0 14px}
details[open]{padding-bottom:10px}
summary{cursor:pointer;padding:10px 0;font-weight:600}
summary .badge{margin-left:6px}
.obs{border-left:3px solid var(--line);padding:2px 0 2px 12px;margin:12px 0}
.obs.ok{border-color:var(--pass)}.obs.notok{border-color:var(--fail)}
.obs h4{margin:0 0 4px;font-size:14px}
.muted{color:var(--muted)}
ul.violations li{margin:3px 0}
footer{margin-top:36px;color:var(--muted);font-size:13px}
@media print{details{break-inside:avoid}details:not([open]) > *:not(summary){display:block}}
"""

_OUTCOME_CLASS = {
    "passed": "o-passed",
    "failed": "o-failed",
    "partial": "o-partial",
    "error": "o-error",
    "not applicable": "o-na",
    "not checked": "o-na",
}


def _badge(outcome):
    return '<span class="badge %s">%s</span>' % (_OUTCOME_CLASS[outcome], escape(outcome))


def _level(level):
    return '<span class="badge lvl-%s">%s</span>' % (escape(level), escape(level))


def _status_table(report):
    out = [
        '<table class="status"><thead><tr><th>Requirement</th><th>Level</th><th>Outcome</th>'
        "<th>PRODUCT.yaml status</th><th>Why</th></tr></thead>"
    ]
    for category, entries in report.categories():
        out.append(
            '<tbody data-category="%s"><tr><th colspan="5" scope="rowgroup">%s</th></tr>'
            % (escape(category), escape(text.category_title(category)))
        )
        for e in entries:
            out.append(
                '<tr class="o-row-%s" data-id="%s" data-level="%s" data-outcome="%s" data-status="%s">'
                '<td class="id"><a href="#req-%s"><code>%s</code></a><span>%s</span></td><td>%s</td><td>%s</td>'
                '<td>%s</td><td class="why">%s</td></tr>'
                % (
                    escape(e["outcome"].replace(" ", "-")),
                    escape(e["id"]),
                    escape(e["level"]),
                    escape(e["outcome"]),
                    escape(e["status"]),
                    escape(e["id"]),
                    escape(e["id"]),
                    escape(e["title"]),
                    _level(e["level"]),
                    _badge(e["outcome"]),
                    escape(e["status"]) or '<span class="muted">(empty)</span>',
                    escape(e["notes"]),
                )
            )
        out.append("</tbody>")
    out.append("</table>")
    return out


def _observation(item):
    ok = item.get("ok")
    cls = {True: " ok", False: " notok"}.get(ok, "")
    mark = {True: " &#10003;", False: " &#10007;"}.get(ok, "")
    out = ['<div class="obs%s"><h4>%s%s</h4>' % (cls, escape(item.get("description") or "observation"), mark)]
    if item.get("request"):
        out.append('<div class="muted">API request: <code>%s</code></div>' % escape(item["request"]))
    if item.get("kubectl"):
        out.append("<div>kubectl: <code>%s</code></div>" % escape(item["kubectl"]))
    lines = text.output_lines(item.get("output"))
    if lines:
        out.append("<pre>%s</pre>" % escape("\n".join(lines)))
    out.append("</div>")
    return out


def _details(report):
    out = ["<h2>Details per requirement</h2>"]
    for e in report.entries:
        result = e["result"] or {}
        failing = e["outcome"] in ("failed", "error", "partial")
        out.append(
            '<details id="req-%s"%s><summary><code>%s</code> %s %s %s</summary>'
            % (
                escape(e["id"]),
                " open" if failing else "",
                escape(e["id"]),
                escape(e["title"]),
                _level(e["level"]),
                _badge(e["outcome"]),
            )
        )
        out.append('<p class="muted">%s</p>' % escape(e["description"]))
        rows = [("PRODUCT.yaml status", "%s (%s)" % (e["status"] or "(empty)", e["source"]))]
        if result:
            rows += [
                ("Reason", result.get("summary") or "-"),
                (
                    "Checked",
                    "%s, took %s, %s"
                    % (
                        result.get("started") or "-",
                        text.duration(result.get("duration")),
                        result.get("mode") or "read-only",
                    ),
                ),
            ]
        if e["notes"] and e["notes"] != result.get("summary"):
            rows.append(("Notes", e["notes"]))
        out.append(
            '<dl class="facts">%s</dl>' % "".join("<dt>%s</dt><dd>%s</dd>" % (escape(k), escape(v)) for k, v in rows)
        )
        links = ['<a href="%s">%s</a>' % (escape(link, quote=True), escape(link)) for link in e["evidence"]]
        if links:
            out.append("<div>Evidence: %s</div>" % ", ".join(links))
        for item in result.get("evidence") or []:
            out.extend(_observation(item))
        out.append("</details>")
    return out


def _self_check(self_check):
    if self_check["passed"]:
        out = ["<p>PRODUCT.yaml passes every offline rule of the CNCF validator.</p>"]
    else:
        out = [
            '<p>%d violation(s) of the CNCF validator\'s rules remain:</p><ul class="violations">'
            % len(self_check["violations"])
        ]
        out += [
            '<li data-rule="%s"><code>%s</code> %s</li>' % (escape(v["rule"]), escape(v["rule"]), escape(v["message"]))
            for v in self_check["violations"]
        ]
        out.append("</ul>")
    out.append('<p class="muted">Not checked offline: %s.</p>' % escape("; ".join(self_check["not_checked"].values())))
    return out


def _counts_line(report):
    parts = []
    for level in ("MUST", "SHOULD"):
        rows = [e for e in report.entries if e["level"] == level]
        if rows:
            done = sum(1 for e in rows if e["status"] == "Implemented")
            parts.append("%d of %d %s requirements implemented" % (done, len(rows), level))
    return "; ".join(parts)


def render(report, self_check):
    title = "CNCF Kubernetes AI Conformance v%s" % report.version
    failed = report.must_failed()
    unchecked = report.must_not_checked()
    if failed:
        banner = ("bad", "%d MUST requirement(s) not met: %s" % (len(failed), ", ".join(failed)))
    elif unchecked:
        banner = ("bad", "%d MUST requirement(s) not checked: %s" % (len(unchecked), ", ".join(unchecked)))
    else:
        banner = ("ok", "Every MUST requirement of checklist v%s is met" % report.version)
    counts = report.counts()
    chips = "".join(
        '<span class="chip %s">%d %s</span>' % (_OUTCOME_CLASS[o], counts[o], escape(o))
        for o in ("passed", "partial", "failed", "error", "not applicable", "not checked")
        if counts.get(o)
    )
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>%s</title><style>%s</style></head><body><main>" % (escape(title), CSS),
        "<h1>%s</h1>" % escape(title),
        '<p class="sub">%s &middot; generated %s by ai_conformance.rke2</p>'
        % (escape(text.cluster_line(report.cluster)), escape(report.generated)),
        '<div class="banner %s" data-verdict="%s">%s<small>%s</small></div>'
        % (banner[0], banner[0], escape(banner[1]), escape(_counts_line(report))),
        '<dl class="facts">%s</dl>'
        % "".join(
            "<dt>%s</dt><dd>%s</dd>" % (escape(k), escape(v))
            for k, v in facts(report, self_check)
            if k != "MUST requirements"
        ),
        '<div class="chips">%s</div>' % chips,
    ]
    if report.messages:
        out.append("<ul>%s</ul>" % "".join("<li>%s</li>" % escape(m) for m in report.messages))
    out.append("<h2>Status by category</h2>")
    out += _status_table(report)
    out.append("<h2>Submission self-check</h2>")
    out += _self_check(self_check)
    out += _details(report)
    if report.extra:
        out.append("<h2>Checked, but not part of checklist v%s</h2><ul>" % escape(report.version))
        out += [
            "<li><code>%s</code> %s: %s</li>" % (escape(r["id"]), escape(r["status"]), escape(r["summary"]))
            for r in report.extra
        ]
        out.append("</ul>")
    if report.node_facts:
        out.append("<h2>Node facts</h2>")
        out += [
            "<details><summary>%s</summary><pre>%s</pre></details>"
            % (escape(host), escape(json.dumps(facts, indent=2, sort_keys=True, default=str)))
            for host, facts in sorted(report.node_facts.items())
        ]
    out.append(
        "<footer>Files in this folder: PRODUCT.yaml (the CNCF submission), evidence/ (one page per "
        "requirement), junit.xml, results.json, report.md.</footer>"
    )
    out.append("</main></body></html>")
    return "\n".join(out) + "\n"
