/**
 * A nudge: the only thing that travels through the queue. It names a workflow and, for tracing,
 * the object whose change caused it. The reconcile function re-reads everything itself and never
 * branches on what the nudge says happened (level-triggered reconciliation).
 */
import { createHash } from 'node:crypto';
// zod/mini: every handler parses nudges, and full zod is several times larger and slower to load.
import * as z from 'zod/mini';
import './zod-en.ts';

// Kubernetes names, checked at parse so `../..` or a `/` never reaches a URL path (a poison message,
// not a TypeError deep in a handler).
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const label = () => z.string().check(z.minLength(1), z.maxLength(63), z.regex(DNS_LABEL));
const subdomain = () => z.string().check(z.minLength(1), z.maxLength(253), z.regex(DNS_SUBDOMAIN));

export const NudgeSchema = z.object({
  v: z.literal(1),
  /** Namespace of the Workflow in the main cluster. */
  namespace: label(),
  /** Name of the Workflow. */
  workflow: subdomain(),
  source: z.enum(['workflow', 'pod', 'resync', 'timer', 'replay', 'cli', 'lock']),
  /** The changed object, for tracing and de-duplication. */
  object: z.optional(
    z.object({
      cluster: label(),
      namespace: label(),
      name: subdomain(),
      uid: z.optional(z.string()),
      resourceVersion: z.optional(z.string()),
    }),
  ),
  /** What changed, in words (for logs only). */
  change: z.optional(z.string().check(z.maxLength(200))),
  /** For timer nudges: when the wake-up is due (RFC 3339). */
  dueAt: z.optional(z.string()),
});
export type Nudge = z.infer<typeof NudgeSchema>;

/** SQS's limit on MessageGroupId (characters). */
export const MAX_GROUP_ID = 128;

/**
 * FIFO message group: one per workflow, so one workflow is never reconciled twice at once. Readable
 * `namespace/name` when it fits SQS's 128 characters; longer ones (a name may have 253) are a hash
 * of it, `h.<sha256 hex>`, still one per workflow and without `/`, so nothing parses it as a name.
 */
export function messageGroupId(nudge: Pick<Nudge, 'namespace' | 'workflow'>): string {
  const id = `${nudge.namespace}/${nudge.workflow}`;
  return id.length <= MAX_GROUP_ID ? id : `h.${createHash('sha256').update(id).digest('hex')}`;
}

/**
 * De-duplication id from object identity and resourceVersion, so two watcher replicas sending the
 * same change produce one message. Nudges without an object (resync, cli) get a time bucket from
 * the caller instead.
 */
export function deduplicationId(nudge: Nudge, bucket = ''): string {
  const o = nudge.object;
  const identity = o
    ? `${nudge.source}|${o.cluster}|${o.namespace}|${o.name}|${o.uid ?? ''}|${o.resourceVersion ?? ''}`
    : `${nudge.source}|${nudge.namespace}|${nudge.workflow}|${bucket}`;
  return createHash('sha256').update(identity).digest('hex');
}

/** Parses a message body; throws a zod `$ZodError` naming the bad field (a poison message). */
export function parseNudge(body: string): Nudge {
  return NudgeSchema.parse(JSON.parse(body));
}
