/**
 * Resource verbs over HTTP: get, list, watch, create, update, patch, delete, deletecollection and
 * the subresources (status, log, binding, reviews). Every failure is an ApiError carrying a Status;
 * the server turns it into the response.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { num, parseBody, q, sendJson } from './body.ts';
import { BUILTIN_FIELDS } from './builtin-fields.ts';
import { prune, unknownFields } from './crd-schema.ts';
import { deleteCollection, deleteObject, type DeleteOptions } from './deletion.ts';
import { listObjects } from './list.ts';
import type { LogStore } from './logs.ts';
import type { ClusterState, WriteOptions } from './objects.ts';
import { applyPatch, patchTypeOf } from './patch.ts';
import type { Authenticator, Principal } from './rbac.ts';
import { isVirtual, type KubeObject, type ResourceDef } from './resources.ts';
import { bindPod, selfSubjectAccessReview, selfSubjectReview, selfSubjectRulesReview } from './reviews.ts';
import type { ResourceRequest } from './router.ts';
import { labelEqualities, parseFieldSelector, parseLabelSelector } from './selectors.ts';
import { ApiError, badRequest, failure, methodNotAllowed, notFound, success, unsupportedMediaType } from './status.ts';
import { toPartial, toPartialList, toTable, wantsPartial, wantsTable } from './table.ts';
import { serveWatch, type WatchOptions } from './watch.ts';

export interface HandlerContext {
  state: ClusterState;
  auth: Authenticator;
  logs: LogStore;
  watch: WatchOptions;
  registerClose: (close: () => void) => () => void;
  isStopped: () => boolean;
}

export interface Call {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  info: ResourceRequest;
  def: ResourceDef;
  verb: string;
  principal: Principal;
  body: Buffer;
}

function deleteOptions(call: Call): DeleteOptions {
  const opts: DeleteOptions = {};
  let body: KubeObject = {};
  if (call.body.length > 0) body = parseBody(call.body, call.req.headers['content-type']);
  const grace = num(call.url, 'gracePeriodSeconds') ?? body.gracePeriodSeconds;
  if (grace !== undefined) opts.gracePeriodSeconds = Number(grace);
  const policy = q(call.url, 'propagationPolicy') ?? body.propagationPolicy;
  if (policy) opts.propagationPolicy = policy;
  if (body.orphanDependents === true) opts.propagationPolicy = 'Orphan';
  if (body.preconditions) opts.preconditions = body.preconditions;
  return opts;
}

/** Dispatches one resource request. */
export function handleResource(ctx: HandlerContext, call: Call): void {
  const { def, info } = call;
  const ns = info.namespace ?? '';
  if (isVirtual(def)) return handleReview(ctx, call);
  const sub = info.subresource;
  if (sub && !def.subresources.includes(sub)) throw notFound(def, info.name ?? '');
  if (sub === 'log') return serveLog(ctx, call);
  if (sub === 'binding') {
    const body = parseBody(call.body, call.req.headers['content-type']);
    bindPod(ctx.state, ns, info.name!, body.target?.name ?? '');
    return sendJson(call.res, 201, success());
  }
  switch (call.verb) {
    case 'get':
      return respond(call, 200, ctx.state.get(def, ns, info.name!));
    case 'list':
    case 'watch':
      return listOrWatch(ctx, call);
    case 'create':
      return respond(call, 201, ctx.state.create(def, ns, bodyObject(call), writeOpts(call)));
    case 'update':
      return respond(call, 200, ctx.state.update(def, ns, info.name!, bodyObject(call), sub, writeOpts(call)));
    case 'patch':
      return handlePatch(ctx, call);
    case 'delete':
      return handleDelete(ctx, call);
    case 'deletecollection':
      return handleDeleteCollection(ctx, call);
    default:
      throw methodNotAllowed(call.verb, def.resource);
  }
}

/** The request body of a create or update, its unknown fields handled as kube-apiserver does. */
function bodyObject(call: Call): KubeObject {
  return checkFields(call, parseBody(call.body, call.req.headers['content-type']));
}

/** GET pods/NAME/log with kubectl's options (container, follow, tail, limit, since, previous). */
function serveLog(ctx: HandlerContext, call: Call): void {
  const { def, info, url } = call;
  const pod = ctx.state.get(def, info.namespace ?? '', info.name!);
  const tail = num(url, 'tailLines');
  const limit = num(url, 'limitBytes');
  const since = num(url, 'sinceSeconds');
  ctx.logs.serve(
    pod,
    {
      container: q(url, 'container'),
      follow: q(url, 'follow') === 'true',
      timestamps: q(url, 'timestamps') === 'true',
      previous: q(url, 'previous') === 'true',
      ...(tail !== undefined ? { tailLines: tail } : {}),
      ...(limit !== undefined ? { limitBytes: limit } : {}),
      ...(since !== undefined ? { sinceSeconds: since } : {}),
    },
    call.res,
    ctx.isStopped,
  );
}

/** A removed built-in object answers a Status, a custom one (or one kept by finalizers) the object. */
function handleDelete(ctx: HandlerContext, call: Call): void {
  const { def, info, res } = call;
  const ns = info.namespace ?? '';
  if (writeOpts(call).dryRun) return sendJson(res, 200, ctx.state.get(def, ns, info.name!));
  const r = deleteObject(ctx.state, def, ns, info.name!, deleteOptions(call));
  if (r.removed && !def.custom) {
    return sendJson(res, 200, {
      ...success({ name: info.name!, group: def.group, kind: def.resource, uid: r.object.metadata.uid }),
    });
  }
  return sendJson(res, 200, r.object);
}

function handleDeleteCollection(ctx: HandlerContext, call: Call): void {
  const { def, info, url } = call;
  const labels = parseLabelSelector(q(url, 'labelSelector'));
  const fields = parseFieldSelector(q(url, 'fieldSelector'), `${def.group}/${def.resource}`, def.kind);
  const items = deleteCollection(
    ctx.state,
    def,
    info.namespace,
    (o) => labels(o.metadata.labels) && fields(o),
    deleteOptions(call),
  );
  return sendJson(call.res, 200, {
    kind: def.listKind,
    apiVersion: def.group ? `${def.group}/${info.version}` : info.version,
    metadata: {},
    items,
  });
}

/** Watch events as Tables (kubectl get -w) or PartialObjectMetadata, when the client asks so. */
function watchTransform(call: Call): { transform?: (o: KubeObject) => KubeObject } {
  const accept = call.req.headers.accept;
  if (wantsTable(accept)) {
    return { transform: (o) => toTable(call.def, [o], { resourceVersion: o.metadata.resourceVersion }, false) };
  }
  if (wantsPartial(accept)) return { transform: toPartial };
  return {};
}

/**
 * Unknown fields as kube-apiserver treats them: `fieldValidation=Strict` ⇒ 400 listing them,
 * `Warn` (the default) ⇒ a `Warning` header per field, `Ignore` ⇒ silence; they are dropped anyway.
 */
function checkFields(call: Call, object: KubeObject): KubeObject {
  const { def } = call;
  const schema = def.custom ? def.schema : BUILTIN_FIELDS[`${def.group}/${def.resource}`];
  if (!schema) return object;
  const unknown = unknownFields(object, schema);
  if (unknown.length === 0) return object;
  const mode = q(call.url, 'fieldValidation') ?? 'Warn';
  if (mode === 'Strict') {
    const list = unknown.map((f) => `unknown field "${f}"`).join(', ');
    throw badRequest(
      `${def.kind} in version "${call.info.version}" cannot be handled as a ${def.kind}: strict decoding error: ${list}`,
    );
  }
  if (mode === 'Warn')
    call.res.setHeader(
      'Warning',
      unknown.map((f) => `299 - "unknown field \\"${f}\\""`),
    );
  return def.custom ? object : (prune(object, schema, true) as KubeObject);
}

function writeOpts(call: Call): WriteOptions {
  const dryRun = q(call.url, 'dryRun');
  if (dryRun !== undefined && dryRun !== 'All') {
    throw badRequest(`Invalid dry run value: "${dryRun}": supported values: "All"`);
  }
  return dryRun === 'All' ? { dryRun: true } : {};
}

function respond(call: Call, code: number, object: KubeObject): void {
  if (wantsTable(call.req.headers.accept)) return sendJson(call.res, code, toTable(call.def, [object], {}, false));
  if (wantsPartial(call.req.headers.accept)) return sendJson(call.res, code, toPartial(object));
  sendJson(call.res, code, object);
}

function listOrWatch(ctx: HandlerContext, call: Call): void {
  const { def, url } = call;
  const labels = parseLabelSelector(q(url, 'labelSelector'));
  const byField = parseFieldSelector(q(url, 'fieldSelector'), `${def.group}/${def.resource}`, def.kind);
  // A watch on `.../<name>` is a watch with a metadata.name field selector.
  const only = call.info.name;
  const fields = only ? (o: KubeObject) => o.metadata.name === only && byField(o) : byField;
  const namespace = call.info.namespace;
  if (call.verb === 'watch') {
    const timeout = num(url, 'timeoutSeconds');
    serveWatch(
      ctx.state,
      def,
      call.info.version,
      {
        ...(namespace !== undefined ? { namespace } : {}),
        labels,
        fields,
        resourceVersion: q(url, 'resourceVersion'),
        ...(timeout !== undefined ? { timeoutSeconds: timeout } : {}),
        allowBookmarks: q(url, 'allowWatchBookmarks') === 'true',
        sendInitialEvents: q(url, 'sendInitialEvents') === 'true',
        ...watchTransform(call),
      },
      call.res,
      ctx.watch,
      ctx.registerClose,
    );
    return;
  }
  const limit = num(url, 'limit');
  const list = listObjects(ctx.state, def, call.info.version, {
    ...(namespace !== undefined ? { namespace } : {}),
    labels,
    labelEquals: labelEqualities(q(url, 'labelSelector')),
    fields,
    ...(limit !== undefined ? { limit } : {}),
    ...(q(url, 'continue') ? { continueToken: q(url, 'continue')! } : {}),
    selective: !!q(url, 'labelSelector') || !!q(url, 'fieldSelector'),
  });
  if (wantsTable(call.req.headers.accept)) {
    return sendJson(call.res, 200, toTable(def, list.items, list.metadata, true));
  }
  if (wantsPartial(call.req.headers.accept)) return sendJson(call.res, 200, toPartialList(list.items, list.metadata));
  sendJson(call.res, 200, list);
}

function handlePatch(ctx: HandlerContext, call: Call): void {
  const { def, info } = call;
  const ns = info.namespace ?? '';
  const type = patchTypeOf(call.req.headers['content-type']);
  if (!type || (type === 'strategic' && def.custom)) throw unsupportedMediaType(call.req.headers['content-type'] ?? '');
  const isApply = type === 'apply';
  if (isApply && !q(call.url, 'fieldManager')) {
    throw new ApiError(
      failure(
        422,
        'Invalid',
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      ),
    );
  }
  const patch = isApply
    ? parseBody(call.body, 'application/yaml')
    : parseBody(call.body, 'application/json', type === 'json');
  const current = ctx.state.find(def, ns, info.name!);
  if (!current) {
    if (!isApply) throw notFound(def, info.name!);
    // Server-side apply creates what does not exist yet.
    return respond(
      call,
      201,
      ctx.state.create(
        def,
        ns,
        checkFields(call, { ...patch, metadata: { ...(patch.metadata ?? {}), name: info.name } }),
        writeOpts(call),
      ),
    );
  }
  const next = checkFields(call, applyPatch(type, current, patch));
  // A patch only conflicts if it names a resourceVersion itself.
  const patchRv = type === 'json' ? undefined : patch.metadata?.resourceVersion;
  if (patchRv === undefined) next.metadata = { ...next.metadata, resourceVersion: current.metadata.resourceVersion };
  respond(call, 200, ctx.state.update(def, ns, info.name!, next, info.subresource, writeOpts(call)));
}

function handleReview(ctx: HandlerContext, call: Call): void {
  if (call.verb !== 'create') throw methodNotAllowed(call.verb, call.def.resource);
  const body = call.body.length ? parseBody(call.body, call.req.headers['content-type']) : {};
  const r = call.def.resource;
  if (r === 'selfsubjectaccessreviews')
    return sendJson(call.res, 201, selfSubjectAccessReview(ctx.auth, call.principal, body));
  if (r === 'selfsubjectrulesreviews')
    return sendJson(call.res, 201, selfSubjectRulesReview(ctx.auth, call.principal, body));
  return sendJson(call.res, 201, selfSubjectReview(call.principal));
}
