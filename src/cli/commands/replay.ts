/**
 * `argosy replay`: moves dead-lettered nudges back to the work queue, all of them or one workflow's,
 * printing each. Safe to interrupt and re-run (src/adapters/aws/dlq.ts explains why). In AWS this is
 * preferred over SQS's own redrive (StartMessageMoveTask), which cannot select one workflow.
 */
import { Command, InvalidArgumentError } from 'commander';
import { replayDeadLetters, type ReplayedMessage } from '../../adapters/aws/dlq.ts';
import { loadConfig } from '../../config.ts';
import { explained, opsDeps, type OpsDeps } from '../lib/ops-deps.ts';
import { need, resolveOpsTarget, withTargetOptions, type TargetFlags } from '../lib/deployment-target.ts';

interface ReplayFlags extends TargetFlags {
  workflow?: { namespace: string; name: string };
  limit?: number;
  dryRun?: boolean;
  drop?: boolean;
  onlyValid?: boolean;
}

/** Parses `NAMESPACE/NAME`. */
export function parseWorkflowRef(value: string): { namespace: string; name: string } {
  const m = /^([a-z0-9][-a-z0-9]*)\/([a-z0-9][-.a-z0-9]*)$/.exec(value);
  if (!m) throw new InvalidArgumentError('expected NAMESPACE/NAME, e.g. argo/multi-cluster-x7k2p');
  return { namespace: m[1]!, name: m[2]! };
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function line(m: ReplayedMessage, dryRun: boolean): string {
  const what = m.workflow ?? `(not a nudge; group ${m.groupId || '-'})`;
  const source = m.source ? ` ${m.source}` : '';
  return `${dryRun ? 'would move' : 'moved'} ${what}${source} (received ${m.receiveCount}x) ${m.messageId}\n`;
}

/**
 * Builds `argosy replay`.
 * @example
 * program.addCommand(makeReplayCommand());
 */
export function makeReplayCommand(overrides: Partial<OpsDeps> = {}): Command {
  const deps = opsDeps(overrides);
  const cmd = new Command('replay')
    .description('move dead-lettered nudges back to the work queue (all, or one workflow)')
    .option('--workflow <ns/name>', "only this workflow's nudges", parseWorkflowRef)
    .option('--limit <n>', 'move at most N messages', positiveInt)
    .option('--dry-run', 'list what would move; move nothing (FIFO shows the oldest message per workflow)')
    .option('--only-valid', 'move only valid nudges; leave poison messages in the dead-letter queue')
    .option('--drop', 'delete poison messages (not valid nudges) from the dead-letter queue instead of moving them');
  withTargetOptions(cmd).action(
    explained(async (flags: ReplayFlags) => {
      const target = resolveOpsTarget(flags, loadConfig().home);
      const [dlq, queue] =
        target.kind === 'local'
          ? [target.state.queueUrls.dlq, target.state.queueUrls.work]
          : [
              need(target.dlqUrl, 'the dead-letter queue URL', '--dlq-url'),
              need(target.queueUrl, 'the work queue URL', '--queue-url'),
            ];
      const sqs = deps.sqs(target);
      const abort = new AbortController();
      const onSigint = () => abort.abort();
      process.once('SIGINT', onSigint);
      try {
        const dryRun = flags.dryRun ?? false;
        if (flags.drop && flags.onlyValid) throw new InvalidArgumentError('--drop and --only-valid exclude each other');
        const poison = flags.drop ? 'drop' : flags.onlyValid ? 'skip' : 'move';
        const result = await replayDeadLetters(sqs, {
          deadLetterQueueUrl: dlq,
          targetQueueUrl: queue,
          dryRun,
          poison,
          signal: abort.signal,
          ...(flags.workflow ? { workflow: flags.workflow } : {}),
          ...(flags.limit ? { limit: flags.limit } : {}),
          ...(target.kind === 'local' ? { pollWaitSeconds: 0 } : {}),
          onMessage: (m) => deps.io.out(line(m, dryRun)),
        });
        const verb = dryRun ? 'would move' : 'moved';
        for (const m of result.dropped) deps.io.out(`${dryRun ? 'would drop' : 'dropped'} poison ${m.messageId}\n`);
        const drops = result.dropped.length
          ? `; ${dryRun ? 'would drop' : 'dropped'} ${result.dropped.length} poison`
          : '';
        // A FIFO dry run only sees the oldest message of each group: say how many the DLQ holds.
        const of = result.total === undefined ? '' : ` (the dead-letter queue held ${result.total})`;
        deps.io.out(
          `${verb} ${result.moved.length} message(s) from ${dlq} to ${queue}${drops}; ${result.skipped} left in the dead-letter queue${dryRun ? of : ''}\n`,
        );
        deps.setExitCode(abort.signal.aborted ? 130 : 0);
      } finally {
        process.off('SIGINT', onSigint);
        sqs.destroy();
      }
    }),
  );
  return cmd;
}
