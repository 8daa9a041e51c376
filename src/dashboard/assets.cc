#include "dashboard/assets.h"

namespace md::dash {

const char* const kAppCss = R"css(
:root { --fg: #1b1f24; --muted: #57606a; --bg: #fff; --line: #d0d7de; --accent: #0b57d0; --bad: #b3261e; --ok: #146c2e; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
a:focus, button:focus, input:focus, select:focus, pre:focus { outline: 3px solid #f5b301; outline-offset: 1px; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px; }
.top { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 16px; padding: 8px 16px; border-bottom: 1px solid var(--line); }
.brand { font-weight: 700; text-decoration: none; color: var(--fg); }
.top nav ul { display: flex; flex-wrap: wrap; gap: 4px 12px; list-style: none; margin: 0; padding: 0; }
.top nav a[aria-current] { font-weight: 700; }
.signout { margin-left: auto; }
main { padding: 8px 16px 48px; max-width: 1200px; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 1.5em; } h3 { font-size: 1rem; }
.muted { color: var(--muted); }
.error { color: var(--bad); border: 1px solid var(--bad); padding: 8px; border-radius: 4px; white-space: pre-wrap; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th a { color: var(--fg); }
.badge { display: inline-block; padding: 0 6px; border-radius: 8px; background: #eaeef2; }
.badge-running, .badge-succeeded, .badge-done { background: #dafbe1; color: var(--ok); }
.badge-failed, .badge-degraded { background: #ffebe9; color: var(--bad); }
label { display: block; margin-top: 8px; font-weight: 600; }
input, select, button { font: inherit; padding: 6px 8px; max-width: 100%; }
input[type=checkbox] { width: auto; }
button, .button { background: var(--accent); color: #fff; border: 0; border-radius: 4px; padding: 6px 12px; cursor: pointer; text-decoration: none; display: inline-block; }
.danger button { background: var(--bad); }
form.inline { display: inline-flex; flex-wrap: wrap; align-items: flex-end; gap: 4px 8px; margin: 4px 12px 4px 0; }
form.inline label { margin: 0; }
form.small button { padding: 2px 8px; font-size: .9em; }
.filters { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 4px 8px; margin-bottom: 8px; }
.filters label { margin: 0; }
.cards { display: flex; flex-wrap: wrap; gap: 16px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 12px 16px; flex: 1 1 280px; max-width: 480px; }
.card input { width: 100%; } .card button { margin-top: 12px; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
.facts dt { font-weight: 600; } .facts dd { margin: 0; overflow-wrap: anywhere; }
.steps { padding-left: 1.5em; } .step .state { display: inline-block; min-width: 5.5em; color: var(--muted); }
.step-done .state { color: var(--ok); } .step-failed .state { color: var(--bad); } .step-running .state { font-weight: 700; color: var(--fg); }
.step-error { white-space: pre-wrap; color: var(--bad); margin: 4px 0; }
.log { background: #f6f8fa; border: 1px solid var(--line); padding: 8px; max-height: 24em; overflow: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
.env { padding-left: 1.2em; } .env li { margin: 4px 0; }
.actions { display: flex; flex-wrap: wrap; align-items: flex-end; }
.check label { display: inline; font-weight: 400; }
meter { width: 10em; height: 1em; vertical-align: middle; }
.pager { margin-top: 8px; display: flex; gap: 16px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
@media (max-width: 600px) { .facts { grid-template-columns: 1fr; } .signout { margin-left: 0; } main { padding: 8px; } }
)css";

const char* const kAppJs = R"js('use strict';
(function () {
  var live = document.body.getAttribute('data-live');
  if (live && window.EventSource) {
    var source = new EventSource(live);
    var timer = null;
    var refresh = function () {
      if (timer) return;
      timer = setTimeout(function () {
        timer = null;
        fetch(location.href, { credentials: 'same-origin' })
          .then(function (r) { return r.ok ? r.text() : null; })
          .then(function (html) {
            if (!html) return;
            var doc = new DOMParser().parseFromString(html, 'text/html');
            document.querySelectorAll('[data-refresh]').forEach(function (el) {
              var fresh = doc.getElementById(el.id);
              if (fresh) el.replaceWith(document.importNode(fresh, true));
            });
          })
          .catch(function () {});
      }, 150);
    };
    ['operation.queued', 'operation.started', 'step.started', 'step.retrying', 'step.done', 'step.failed',
     'operation.finished', 'instance.status', 'reset'].forEach(function (type) {
      source.addEventListener(type, refresh);
    });
    // What happened between the page's rendering and the stream's opening.
    source.addEventListener('open', refresh);
    window.addEventListener('pagehide', function () { source.close(); });
  }

  var log = document.getElementById('log');
  var follow = document.getElementById('follow');
  if (log && follow && log.getAttribute('data-src')) {
    // The log stream, from where the page's lines end; a reconnect resumes at
    // the last cursor (Last-Event-ID), so no line comes twice.
    var cursor = log.getAttribute('data-cursor') || '';
    var lines = null;
    var open = function () {
      lines = new EventSource(log.getAttribute('data-src') + '?cursor=' + encodeURIComponent(cursor));
      lines.addEventListener('log', function (e) {
        var chunk = JSON.parse(e.data);
        cursor = chunk.cursor || cursor;
        if (chunk.text) {
          log.appendChild(document.createTextNode(chunk.text));
          log.scrollTop = log.scrollHeight;
        }
      });
      lines.addEventListener('end', function () { lines.close(); });
    };
    var close = function () {
      if (lines) lines.close();
      lines = null;
    };
    log.scrollTop = log.scrollHeight;
    follow.addEventListener('change', function () { return follow.checked ? open() : close(); });
    window.addEventListener('pagehide', close);
    if (follow.checked) open();
  }
})();
)js";

}  // namespace md::dash
