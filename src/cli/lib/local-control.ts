/**
 * {@link EventSourceControl} for the local stack: the loopback control endpoint of a running
 * `argosy dev` pauses and resumes its poller (the local stand-in for Lambda's event source mapping).
 */
import type { EventSourceControl } from '../../ports/event-source.ts';
import type { DevState } from './dev-state.ts';

type State = Awaited<ReturnType<EventSourceControl['state']>>;
const STATES = new Set<State>(['Enabled', 'Disabled', 'Enabling', 'Disabling']);

/** Reads the poller state from a `GET /state` body, whichever of the usual shapes it has. */
export function stateOfBody(body: Record<string, unknown>): State {
  for (const v of [body.state, body.eventSource, (body.poller as Record<string, unknown> | undefined)?.state]) {
    if (typeof v === 'string' && STATES.has(v as State)) return v as State;
  }
  if (typeof body.paused === 'boolean') return body.paused ? 'Disabled' : 'Enabled';
  return 'Unknown';
}

/** Calls one action on the control endpoint; throws with the HTTP status on failure. */
export async function callDevControl(
  state: Pick<DevState, 'controlUrl'>,
  action: 'pause' | 'resume' | 'resync' | 'state',
  fetchImpl: typeof fetch = fetch,
): Promise<Record<string, unknown>> {
  const res = await fetchImpl(`${state.controlUrl}/${action}`, { method: action === 'state' ? 'GET' : 'POST' });
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    body = { message: text };
  }
  if (!res.ok) throw new Error(`argosy dev control ${action}: HTTP ${res.status} ${text.slice(0, 200)}`);
  return body;
}

/** Creates the local control. */
export function createLocalEventSourceControl(
  state: Pick<DevState, 'controlUrl'>,
  fetchImpl: typeof fetch = fetch,
): EventSourceControl {
  return {
    pause: async () => void (await callDevControl(state, 'pause', fetchImpl)),
    resume: async () => void (await callDevControl(state, 'resume', fetchImpl)),
    state: async () => stateOfBody(await callDevControl(state, 'state', fetchImpl)),
  };
}
