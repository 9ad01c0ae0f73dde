// The stackhop command line: commands are registered here and lazy-loaded; one top-level catch maps
// errors to messages and exit codes (0 ok, 1 failed or rejected, 2 bad input). Never a stack trace
// unless STACKHOP_DEBUG is set.

import { Command, CommanderError, Option } from '@commander-js/extra-typings';
import { SCENARIOS } from '../catalog/types.js';
import { EXIT_BAD_INPUT, EXIT_FAILED, StackhopError } from '../errors.js';
import { wantColor } from '../plan/render/color.js';
import { PLAN_FORMATS } from '../plan/render/formats.js';
import type { CommandResult } from './result.js';

function emit(result: CommandResult): number {
  if (result.stdout !== '') process.stdout.write(result.stdout);
  if (result.stderr !== '') process.stderr.write(result.stderr);
  return result.exitCode;
}

export function buildProgram(run: (result: Promise<CommandResult>) => Promise<void>) {
  const program = new Command()
    .name('stackhop')
    .description(
      'Plan OpenStack release upgrades (Havana → Icehouse first) and prove the plans safe before they run.',
    )
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('init')
    .description('write a commented example inventory to start from')
    .argument('[file]', 'where to write it: stackhop.yaml unless given, "-" for standard output')
    .option('--force', 'replace the file if it exists')
    .action(async (file, opts) => {
      const { init } = await import('./commands/init.js');
      await run(init(file, opts));
    });

  program
    .command('validate')
    .description('check an inventory and show what stackhop understood of it')
    .argument('<file>', 'inventory (YAML)')
    .option('--json', 'print the expanded inventory as JSON')
    .action(async (file, opts) => {
      const { validate } = await import('./commands/validate.js');
      await run(validate(file, opts));
    });

  program
    .command('discover')
    .description(
      "build an inventory from a running cloud's APIs (Keystone, Nova, Neutron, Cinder), marking every guess",
    )
    .option('--os-cloud <name>', 'clouds.yaml entry to use (default: OS_CLOUD, else the OS_* variables)')
    .option('-o, --output <file>', 'write the inventory to this file (atomically) instead of standard output')
    .option('--json', 'print { inventory, marks } as JSON instead of commented YAML')
    .action(async (opts) => {
      const { discover } = await import('./commands/discover.js');
      await run(
        discover({
          ...(opts.osCloud === undefined ? {} : { osCloud: opts.osCloud }),
          ...(opts.output === undefined ? {} : { output: opts.output }),
          json: opts.json === true,
        }),
      );
    });

  program
    .command('plan')
    .description('build the upgrade plan for one scenario, prove its invariants, and print it')
    .argument('<file>', 'inventory (YAML)')
    .addOption(
      new Option('-s, --scenario <scenario>', 'upgrade scenario').choices(SCENARIOS).makeOptionMandatory(),
    )
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(PLAN_FORMATS).default('text' as const),
    )
    .option('-o, --output <file>', 'write the plan to this file (atomically) instead of standard output')
    .action(async (file, opts) => {
      const { plan } = await import('./commands/plan.js');
      await run(
        plan(file, {
          scenario: opts.scenario,
          format: opts.format,
          ...(opts.output === undefined ? {} : { output: opts.output }),
          color: wantColor(process.stdout, process.env),
        }),
      );
    });

  program
    .command('rehearse')
    .description('run the upgrade on the twin (a simulated copy of the cloud), journaled like a real run')
    .argument('<file>', 'inventory (YAML)')
    .addOption(
      new Option('-s, --scenario <scenario>', 'upgrade scenario').choices(SCENARIOS).makeOptionMandatory(),
    )
    .option('--seed <n>', 'seed of the twin: the same seed gives the same rehearsal', '1')
    .option(
      '--inject <fault>',
      'inject a fault, HOST:ACTION:KIND (KIND: fail, hang, slow); repeatable',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option('--plan <file>', 'rehearse this plan JSON (e.g. edited by hand) instead of planning')
    .option('--rehearse-rejected', 'rehearse a plan the checker rejects, to see how it breaks')
    .option('--state <dir>', 'state directory (journal, twin)', '.stackhop')
    .option('--parallelism <n>', 'steps running at once across the cloud')
    .option(
      '--pace <n>',
      'run the twin at N virtual seconds per real second (to watch it live, e.g. in `stackhop serve`)',
    )
    .option('--json', 'print every event as one JSON line, then the outcome and measurements')
    .option('-q, --quiet', 'no progress lines')
    .action(async (file, opts) => {
      const { rehearseCommand, parseSeed } = await import('./commands/rehearse.js');
      await run(
        rehearseCommand(file, {
          scenario: opts.scenario,
          seed: parseSeed(opts.seed),
          inject: opts.inject,
          ...(opts.plan === undefined ? {} : { plan: opts.plan }),
          rehearseRejected: opts.rehearseRejected === true,
          state: opts.state,
          json: opts.json === true,
          quiet: opts.quiet === true,
          ...(opts.parallelism === undefined
            ? {}
            : { parallelism: parsePositive(opts.parallelism, '--parallelism') }),
          ...(opts.pace === undefined ? {} : { pace: parsePositive(opts.pace, '--pace') }),
        }),
      );
    });

  program
    .command('compare')
    .description('rehearse all four scenarios on the twin and compare what each costs; recommend one')
    .argument('<file>', 'inventory (YAML)')
    .option('--seed <n>', 'seed of the twin', '1')
    .option('--max-api-downtime <duration>', 'longest acceptable outage of any API (e.g. 30m, 2h)')
    .option('--spare-hosts <n>', "spare machines available (default: the inventory's spare_hosts)")
    .option('--window <duration>', 'the whole upgrade must fit in this window (e.g. 8h, 2d)')
    .option('--json', 'print the comparison as JSON')
    .action(async (file, opts) => {
      const { compare } = await import('./commands/compare.js');
      const { parseSeed } = await import('./commands/rehearse.js');
      await run(
        compare(file, {
          seed: parseSeed(opts.seed),
          json: opts.json === true,
          ...(opts.maxApiDowntime === undefined ? {} : { maxApiDowntime: opts.maxApiDowntime }),
          ...(opts.spareHosts === undefined ? {} : { spareHosts: opts.spareHosts }),
          ...(opts.window === undefined ? {} : { window: opts.window }),
        }),
      );
    });

  program
    .command('run')
    .description('upgrade the real cloud: pre-flight, confirmation, then the plan over SSH and the APIs')
    .argument('<file>', 'inventory (YAML)')
    .addOption(
      new Option('-s, --scenario <scenario>', 'upgrade scenario').choices(SCENARIOS).makeOptionMandatory(),
    )
    .option('-y, --yes', 'start without asking for confirmation')
    .option('--parallel <n>', 'steps running at once across the cloud')
    .option(
      '--canary <ramp>',
      "batch sizes of the rolling phases, e.g. 1,5,20% (replaces the inventory's policy.canary)",
    )
    .option('--state <dir>', 'state directory (journal)', '.stackhop')
    .option(
      '--known-hosts <file>',
      "known_hosts to verify host keys against (default: the inventory's, or ~/.ssh/known_hosts)",
    )
    .option(
      '--accept-new-host-keys',
      'trust and record keys of hosts not yet in known_hosts (a changed key is always refused)',
    )
    .option('--approve-gates', 'approve every operator gate without asking')
    .option(
      '--poll-interval <duration>',
      'how often to poll service states, migrations and API availability',
      '2s',
    )
    .option(
      '--step-timeout <duration>',
      'longest any step may run, e.g. 20m (default: 10× its estimate, at least 1 h; drains 24 h)',
    )
    .option('--json', 'print every event as one JSON line, then the outcome')
    .option('-q, --quiet', 'no progress lines')
    .action(async (file, opts) => {
      const { runCommand } = await import('./commands/run.js');
      const { parseCanary } = await import('./parse-canary.js');
      const { parseDuration } = await import('../compare/parse-duration.js');
      await run(
        runCommand(file, {
          scenario: opts.scenario,
          yes: opts.yes === true,
          ...(opts.parallel === undefined ? {} : { parallel: parsePositive(opts.parallel, '--parallel') }),
          state: opts.state,
          json: opts.json === true,
          quiet: opts.quiet === true,
          ...(opts.knownHosts === undefined ? {} : { knownHosts: opts.knownHosts }),
          acceptNewHostKeys: opts.acceptNewHostKeys === true,
          approveGates: opts.approveGates === true,
          ...(opts.stepTimeout === undefined
            ? {}
            : { stepTimeoutMs: parseDuration(opts.stepTimeout, '--step-timeout') * 1000 }),
          pollMs: parseDuration(opts.pollInterval, '--poll-interval') * 1000,
          ...(opts.canary === undefined ? {} : { canary: parseCanary(opts.canary) }),
        }),
      );
    });

  program
    .command('abort')
    .description('stop a run: the process driving it aborts its running steps; a run nobody drives is closed')
    .argument('<run>', 'run id')
    .option('--state <dir>', 'state directory', '.stackhop')
    .action(async (runId, opts) => {
      const { abortCommand } = await import('./commands/abort.js');
      await run(abortCommand(runId, { state: opts.state }));
    });

  program
    .command('rollback')
    .description('undo a real run from its journal: packages, /etc and databases back as they were before it')
    .argument('<run>', 'run id of the run to undo')
    .option('-y, --yes', 'start without asking for confirmation')
    .option('--state <dir>', 'state directory', '.stackhop')
    .option('--approve-gates', 'approve every operator gate without asking')
    .option('--poll-interval <duration>', 'how often to poll service states and APIs', '2s')
    .option('--json', 'print every event as one JSON line, then the outcome')
    .option('-q, --quiet', 'no progress lines')
    .action(async (runId, opts) => {
      const { rollbackCommand } = await import('./commands/rollback.js');
      const { parseDuration } = await import('../compare/parse-duration.js');
      await run(
        rollbackCommand(runId, {
          yes: opts.yes === true,
          state: opts.state,
          json: opts.json === true,
          quiet: opts.quiet === true,
          approveGates: opts.approveGates === true,
          pollMs: parseDuration(opts.pollInterval, '--poll-interval') * 1000,
        }),
      );
    });

  program
    .command('report')
    .description('the upgrade report of a run or rehearsal: one self-contained HTML page, JSON, or a summary')
    .argument('<run>', 'run id')
    .option('--state <dir>', 'state directory', '.stackhop')
    .option(
      '--html <file>',
      'write the report as one self-contained HTML file (atomically) and print its path',
    )
    .option('--json', 'print the report as JSON (stackhop.report/v1)')
    .action(async (runId, opts) => {
      const { reportCommand } = await import('./commands/report.js');
      await run(
        reportCommand(runId, {
          state: opts.state,
          ...(opts.html === undefined ? {} : { html: opts.html }),
          json: opts.json === true,
        }),
      );
    });

  program
    .command('serve')
    .description('the dashboard: live progress of a run or rehearsal, its report, pause / resume / abort')
    .argument('[run]', 'run id (default: the newest run)')
    .option('--state <dir>', 'state directory', '.stackhop')
    .option('--port <port>', 'TCP port (0: any free port)', String(8470))
    .option('--bind <address>', 'address to listen on (loopback unless you mean otherwise)', '127.0.0.1')
    .action(async (runId, opts) => {
      const { serveCommand } = await import('./commands/serve.js');
      await run(serveCommand(runId, { state: opts.state, port: parsePort(opts.port), bind: opts.bind }));
    });

  program
    .command('status')
    .description('list runs, or show one: where it stands, what failed, what is left')
    .argument('[run]', 'run id')
    .option('--state <dir>', 'state directory', '.stackhop')
    .option('--json', 'print as JSON')
    .action(async (runId, opts) => {
      const { status } = await import('./commands/status.js');
      await run(status(runId, { state: opts.state, json: opts.json === true }));
    });

  program
    .command('resume')
    .description('continue a run from its journal: done steps are skipped, running ones probed')
    .argument('<run>', 'run id')
    .option('--state <dir>', 'state directory', '.stackhop')
    .option('--json', 'print every event as one JSON line, then the outcome')
    .option('-q, --quiet', 'no progress lines')
    .option('--clear-faults', 'rehearsals: go on without the injected faults (as if the hosts were fixed)')
    .option('--approve-gates', 'real runs: approve every operator gate without asking')
    .option(
      '--poll-interval <duration>',
      'real runs: how often to poll service states, migrations and APIs',
      '2s',
    )
    .action(async (runId, opts) => {
      const { resume } = await import('./commands/resume.js');
      const { parseDuration } = await import('../compare/parse-duration.js');
      await run(
        resume(runId, {
          state: opts.state,
          json: opts.json === true,
          quiet: opts.quiet === true,
          clearFaults: opts.clearFaults === true,
          approveGates: opts.approveGates === true,
          pollMs: parseDuration(opts.pollInterval, '--poll-interval') * 1000,
        }),
      );
    });

  return program;
}

function parsePort(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535) {
    throw new StackhopError('ERR_USAGE', `--port: "${text}" is not a TCP port (0–65535)`, {
      exitCode: EXIT_BAD_INPUT,
    });
  }
  return n;
}

function parsePositive(text: string, option: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1) {
    throw new StackhopError('ERR_USAGE', `${option}: "${text}" is not a positive whole number`, {
      exitCode: EXIT_BAD_INPUT,
    });
  }
  return n;
}

function report(err: unknown): number {
  if (err instanceof StackhopError) {
    process.stderr.write(`stackhop: error: ${err.message}\n`);
    if (err.hint !== undefined) process.stderr.write(`  hint: ${err.hint}\n`);
    if (process.env.STACKHOP_DEBUG !== undefined && err.stack !== undefined)
      process.stderr.write(`${err.stack}\n`);
    return err.exitCode;
  }
  if (err instanceof CommanderError) {
    // Help and version are successes; every other parse problem is bad input.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0)
      return 0;
    return EXIT_BAD_INPUT;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(
    `stackhop: internal error: ${message}\n  this is a bug in stackhop; please report it\n`,
  );
  if (process.env.STACKHOP_DEBUG !== undefined && err instanceof Error)
    process.stderr.write(`${err.stack}\n`);
  return EXIT_FAILED;
}

export async function main(argv: readonly string[]): Promise<number> {
  let code = 0;
  const program = buildProgram(async (result) => {
    code = emit(await result);
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    code = report(err);
  }
  return code;
}
