/**
 * The page's only assets, served by the bot itself (the Content-Security-Policy allows nothing else): a stylesheet
 * with a print layout, and a script that shows every date in the reader's own time zone.
 */
export const PAGE_CSS = `
:root { color-scheme: light; --ink: #1d1c1d; --muted: #616061; --rule: #dddddd; --accent: #1264a3; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0 auto;
  max-width: 64rem; padding: 1.5rem; }
h1 { font-size: 1.8rem; margin: 0 0 .25rem; }
h2 { font-size: 1.25rem; margin: 1.5rem 0 .5rem; border-bottom: 1px solid var(--rule); padding-bottom: .25rem; }
.state, .note { color: var(--muted); }
.note { font-size: .9rem; }
.badge { display: inline-block; padding: 0 .5rem; border-radius: .75rem; font-size: .85rem; color: #fff; background: #2b7a3d; }
.badge.closed { background: #616061; }
.summary { font-size: 1.05rem; }
form.asof { margin: 1rem 0; display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; }
ul { padding-left: 1.25rem; }
ul.items { list-style: square; }
a { color: var(--accent); }
code { background: #f4f4f4; padding: 0 .2rem; }
#timeline { width: 100%; height: auto; font: 11px system-ui, sans-serif; }
#timeline .axis, #timeline .tick { stroke: #999; }
#timeline .tick-label, #timeline .cut-label, #timeline .legend { fill: var(--muted); }
#timeline .cut { stroke: #999; fill: none; }
#timeline .leader { stroke: #c8c8c8; }
#timeline .mark { stroke: #fff; stroke-width: 1.5; }
#timeline .label { fill: var(--ink); paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
#timeline .timeline { fill: #c0392b; } #timeline .source { fill: #1264a3; } #timeline .event { fill: #2b7a3d; }
#timeline .expected { fill: #b7791f; } #timeline .due { fill: #6b3fa0; }
#timeline .label.timeline, #timeline .label.source, #timeline .label.expected, #timeline .label.due { fill: var(--ink); }
#timeline .now { stroke: #c0392b; stroke-dasharray: 4 3; } #timeline .now-label { fill: #c0392b; font-weight: 600; }
#timeline .event-label { fill: #2b7a3d; font-weight: 600; }
.refused { margin-top: 4rem; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  form.asof, footer { display: none; }
  a { color: inherit; }
  a[href]::after { content: " (" attr(href) ")"; font-size: 9pt; color: #555; word-break: break-all; }
  section { break-inside: avoid-page; }
  #timeline .mark { stroke: #000; }
}
`;

export const PAGE_JS = `"use strict";
document.addEventListener('DOMContentLoaded', function () {
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  document.querySelectorAll('time[datetime]').forEach(function (t) {
    var d = new Date(t.getAttribute('datetime'));
    if (isNaN(d.getTime())) return;
    // A day stays the day it is; a moment is shown in the reader's zone (the event's zone stays in the tooltip).
    if (!t.hasAttribute('data-time')) return;
    t.title = t.textContent;
    t.textContent = d.toLocaleString(undefined, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric',
      hour: 'numeric', minute: '2-digit', timeZoneName: 'short' });
  });
  // The picture's days, in the same zone as every other moment on the page, and that zone named.
  document.querySelectorAll('#timeline text.label[data-at]').forEach(function (t) {
    var d = new Date(t.getAttribute('data-at'));
    var text = t.textContent || '';
    var rest = text.indexOf(' · ');
    if (isNaN(d.getTime()) || rest < 0) return;
    t.textContent = d.toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: zone }) + text.slice(rest);
  });
  document.querySelectorAll('#timeline text.zone').forEach(function (t) { t.textContent = 'Days in ' + zone; });
  var named = document.getElementById('zone-name');
  if (named) named.textContent = zone;
  document.documentElement.setAttribute('data-zone', zone);
});
`;

/** The page's icon (browsers ask for one): a small calendar mark. */
export const PAGE_ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect x="1" y="2" width="14" height="13" rx="2" fill="#1264a3"/><rect x="3" y="6" width="10" height="7" fill="#fff"/><circle cx="8" cy="9.5" r="2" fill="#c0392b"/></svg>`;
