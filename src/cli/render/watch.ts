/**
 * Live output for `run` and `submit --watch`. On a terminal the whole `argo get` view is redrawn in
 * place (`ESC[H ESC[2J`, as `argo submit --watch` does). Elsewhere (CI logs, pipes) a redraw would be
 * noise, so only changes are printed, one short line each, and the full view once at the end.
 */
import type { NodeStatus, Workflow } from '../../engine/types.ts';
import { phaseIcon } from './style.ts';
import { parseTime, shortDuration } from './time.ts';
import { placementOf, renderWorkflow, type RenderOptions } from './workflow.ts';

const CLEAR = '\x1b[H\x1b[2J';

export interface WatchPrinterOptions extends Omit<RenderOptions, 'now'> {
  /** Redraw in place (a terminal) or print changes only. */
  tty: boolean;
  write: (text: string) => void;
}

/** Without changes, a line every this often (non-terminal output). */
const HEARTBEAT_MS = 15_000;

const PRINTED_TYPES = new Set(['Pod', 'Container', 'Suspend', 'Skipped', 'HTTP', 'Plugin']);

/** Keeps what was printed last and prints what changed. */
export class WatchPrinter {
  private readonly seen = new Map<string, string>();
  private wfPhase = '\0';
  private wfProgress = '';
  private lastLineAt = 0;
  private lastView = '';
  private lastDrawAt = 0;
  private hint = '';

  constructor(private readonly opts: WatchPrinterOptions) {}

  /** Shows the workflow as of `now` (called on every event and every second). */
  update(wf: Workflow, now: Date): void {
    if (this.opts.tty) {
      // Redraw on every change, and at least once a second while unchanged (durations advance).
      const view = renderWorkflow(wf, { ...this.opts, now }) + '\n' + this.hint;
      if (view === this.lastView && now.getTime() - this.lastDrawAt < 1000) return;
      this.opts.write(CLEAR + view);
      this.lastView = view;
      this.lastDrawAt = now.getTime();
      return;
    }
    for (const line of this.changes(wf, now)) this.opts.write(line + '\n');
  }

  /**
   * A hint for the user (nothing picks the workflow up): on a terminal it is drawn under the view on
   * every redraw, so the next redraw does not wipe it; returns false elsewhere (the caller prints it).
   */
  notice(text: string): boolean {
    if (!this.opts.tty) return false;
    this.hint = text.endsWith('\n') ? text : `${text}\n`;
    this.lastView = '';
    return true;
  }

  /** The final view: on a terminal one last redraw, elsewhere a blank line and the full view. */
  finish(wf: Workflow, now: Date): void {
    const view = renderWorkflow(wf, { ...this.opts, now });
    if (this.opts.tty) this.opts.write(CLEAR + view + '\n');
    else {
      for (const line of this.changes(wf, now)) this.opts.write(line + '\n');
      this.opts.write('\n' + view + '\n');
    }
  }

  /** Compact change lines: `[ 3s] ✔ this  Succeeded  main/argo`. */
  changes(wf: Workflow, now: Date): string[] {
    const out: string[] = [];
    const started = parseTime(wf.status?.startedAt) ?? parseTime(wf.metadata.creationTimestamp) ?? now;
    const stamp = `[${String(Math.max(0, Math.floor((now.getTime() - started.getTime()) / 1000))).padStart(3)}s]`;
    const phase = wf.status?.phase ?? '';
    const progress = wf.status?.progress ? `  ${wf.status.progress}` : '';
    if (phase !== this.wfPhase || (wf.status?.progress ?? '') !== this.wfProgress) {
      out.push(`${stamp} ${wf.metadata.name} ${phase || 'Pending'}${progress}`);
      this.wfPhase = phase;
      this.wfProgress = wf.status?.progress ?? '';
    }
    // Start times parsed once per node, not once per comparison (10,000 nodes per redraw).
    const nodes = Object.values(wf.status?.nodes ?? {})
      .map((n) => ({ n, t: parseTime(n.startedAt)?.getTime() ?? 0 }))
      .sort((a, b) => a.t - b.t)
      .map((x) => x.n);
    for (const n of nodes) {
      if (!PRINTED_TYPES.has(n.type) || n.phase === 'Omitted') continue;
      const key = `${n.phase}|${n.message ?? ''}`;
      if (this.seen.get(n.id) === key) continue;
      this.seen.set(n.id, key);
      out.push(this.nodeLine(wf, n, stamp));
    }
    if (out.length) this.lastLineAt = now.getTime();
    else if (now.getTime() - this.lastLineAt >= HEARTBEAT_MS) {
      // Long steps: say what is still running and for how long, so a quiet log is not a stuck one.
      const running = nodes.filter((n) => n.type === 'Pod' && n.phase === 'Running');
      const what = running.map(
        (n) => `${n.displayName ?? n.name} ${shortDuration(parseTime(n.startedAt) ?? now, undefined, now)}`,
      );
      out.push(
        `${stamp} ${wf.metadata.name} ${phase || 'Pending'}${progress}${what.length ? `  running: ${what.join(', ')}` : ''}`,
      );
      this.lastLineAt = now.getTime();
    }
    return out;
  }

  private nodeLine(wf: Workflow, n: NodeStatus, stamp: string): string {
    const where = n.type === 'Pod' ? placementOf(wf, n, this.opts.mainCluster ?? 'main') : '';
    const parts = [`${stamp} ${phaseIcon(this.opts.style, n.phase)} ${n.displayName ?? n.name}`, n.phase ?? 'Pending'];
    if (where) parts.push(`(${where})`);
    if (n.message) parts.push(n.message);
    return parts.join('  ');
  }
}
