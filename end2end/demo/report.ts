// The recorded demo's report: demo/report.html with every step (what happened, how long it
// took, its screenshot and any command output) and the OKR scoreboard before and after,
// exactly as `trust-portal okrs --json` printed it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One key result as `trust-portal okrs --json` prints it. */
export type KeyResult = {
  number: number;
  objective: string;
  measure: string;
  target: string;
  current: string | null;
  status: 'met' | 'missed' | 'no_data';
  detail: string;
  evidence: string;
};

/** The scoreboard as `trust-portal okrs --json` prints it. */
export type Board = { key_results: KeyResult[]; measured_at: number };

/** One recorded step of the story. */
export type Step = {
  title: string;
  /** What the step did, for the reader of the report. */
  story: string;
  /** Screenshot file name under shots/, if one was taken. */
  shot?: string;
  /** Command output or facts worth showing verbatim. */
  output?: string;
  ms: number;
  /** Why it failed, if it did. */
  error?: string;
};

/** HTML-escapes text. */
export const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STATUS: Record<KeyResult['status'], string> = { met: 'Met', missed: 'Missed', no_data: 'No data' };

function krTable(caption: string, board: Board | undefined): string {
  if (!board) return `<p>${esc(caption)}: not measured (the run stopped before).</p>`;
  const rows = board.key_results
    .map(
      (k) =>
        `<tr data-kr="${k.number}" data-status="${k.status}"><td>KR${k.number}</td><td>${esc(k.objective)}</td><td>${esc(k.target)}</td>` +
        `<td class="current">${esc(k.current ?? 'no data')}</td><td class="status ${k.status}">${STATUS[k.status]}</td>` +
        `<td>${esc(k.detail)}</td><td><code>${esc(k.evidence)}</code></td></tr>`,
    )
    .join('\n');
  return `<table><caption>${esc(caption)} (measured ${new Date(board.measured_at).toISOString()})</caption>
<thead><tr><th>KR</th><th>Objective</th><th>Target</th><th>Now</th><th>Status</th><th>Detail</th><th>Evidence</th></tr></thead>
<tbody>${rows}</tbody></table>`;
}

/** Writes `report.html` into `dir` (screenshots are already in `dir/shots`). */
export function writeReport(dir: string, run: { started: number; steps: Step[]; before?: Board; after?: Board; portal: string }) {
  mkdirSync(dir, { recursive: true });
  const total = run.steps.reduce((sum, s) => sum + s.ms, 0);
  const failed = run.steps.some((s) => s.error);
  const steps = run.steps
    .map(
      (s, i) => `<section class="step${s.error ? ' failed' : ''}" data-step="${i + 1}">
<h2>${i + 1}. ${esc(s.title)} <small>${(s.ms / 1000).toFixed(1)} s</small></h2>
<p>${esc(s.story)}</p>
${s.error ? `<p class="error" role="alert">Failed: ${esc(s.error)}</p>` : ''}
${s.output ? `<pre>${esc(s.output)}</pre>` : ''}
${s.shot ? `<a href="shots/${s.shot}"><img src="shots/${s.shot}" alt="Screenshot: ${esc(s.title)}" loading="lazy"></a>` : ''}
</section>`,
    )
    .join('\n');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Trust Portal sprint demo</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#0f172a}
table{border-collapse:collapse;width:100%;margin:1rem 0;font-size:13px}caption{text-align:left;font-weight:600;margin-bottom:.3rem}
th,td{border:1px solid #cbd5e1;padding:.3rem .5rem;text-align:left;vertical-align:top}
.met{color:#166534;font-weight:600}.missed{color:#991b1b;font-weight:600}.no_data{color:#475569}
.step{border-top:1px solid #cbd5e1;margin-top:1.5rem}.step img{max-width:100%;border:1px solid #cbd5e1}
.failed h2,.error{color:#991b1b}pre{background:#f1f5f9;padding:.6rem;overflow:auto;font-size:12px}small{color:#475569;font-weight:400}
</style></head><body>
<h1>Trust Portal sprint demo</h1>
<p id="summary" data-result="${failed ? 'failed' : 'passed'}">Played ${new Date(run.started).toISOString()} against ${esc(run.portal)}:
${run.steps.length} steps in ${(total / 1000).toFixed(1)} s, ${failed ? 'stopped by a failure' : 'all passed'}. A fresh portal with the
demo data; everything below happened live through the browser, the CLI and the REST API.</p>
<h2>OKR scoreboard (<code>trust-portal okrs --json</code>)</h2>
${krTable('Before the story', run.before)}
${krTable('After the story', run.after)}
${steps}
</body></html>
`;
  writeFileSync(join(dir, 'report.html'), html);
}
