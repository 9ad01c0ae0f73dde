// `stackhop report RUN [--html FILE] [--json]`: the upgrade report of a run or a rehearsal, built from
// its journal alone — a self-contained HTML page to attach to a change ticket, the same facts as JSON,
// or a few lines of text.

import { allEvents } from '../../engine/journal.js';
import { EXIT_BAD_INPUT, StackhopError } from '../../errors.js';
import { renderReportHtml } from '../../report/render-html.js';
import { renderReportText } from '../../report/render-text.js';
import { buildReport } from '../../report/report-model.js';
import { isRunId } from '../../store/run-id.js';
import { type CommandResult, ok } from '../result.js';
import { writeFileAtomic } from '../write-file.js';
import { openJournalForReading } from './status.js';

export interface ReportOptions {
  state: string;
  /** Write the HTML report here (atomically). */
  html?: string;
  json: boolean;
}

export async function reportCommand(runId: string, opts: ReportOptions): Promise<CommandResult> {
  if (!isRunId(runId)) {
    throw new StackhopError('ERR_USAGE', `RUN: "${runId}" is not a run id (like r20261125-171503-4f2a)`, {
      exitCode: EXIT_BAD_INPUT,
    });
  }
  const journal = openJournalForReading(opts.state);
  try {
    const stored = await journal.loadRun(runId);
    if (stored === undefined) {
      throw new StackhopError('ERR_NO_RUN', `no run ${runId} in ${opts.state}`, {
        exitCode: EXIT_BAD_INPUT,
        hint: 'list the runs with `stackhop status`',
      });
    }
    const report = buildReport(stored, await allEvents(journal, runId));
    if (opts.html !== undefined) {
      await writeFileAtomic(opts.html, renderReportHtml(report, stored.plan));
    }
    if (opts.json) {
      const wrote = opts.html === undefined ? '' : `wrote ${opts.html}\n`;
      return ok(`${JSON.stringify(report, null, 2)}\n`, wrote);
    }
    // The path alone, so a script can open it: `xdg-open "$(stackhop report RUN --html r.html)"`.
    return ok(opts.html === undefined ? renderReportText(report) : `${opts.html}\n`);
  } finally {
    await journal.close();
  }
}
