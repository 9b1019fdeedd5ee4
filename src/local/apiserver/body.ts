/**
 * Request and response plumbing shared by the handlers: JSON answers, body decoding (JSON, YAML,
 * kubectl's protobuf for a few kinds) with kube-apiserver's 400/415 answers, and query parameters.
 */
import type { ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { decodeProtobuf } from './protobuf.ts';
import type { KubeObject } from './resources.ts';
import { ApiError, badRequest, failure } from './status.ts';

/** Sends a JSON answer. */
export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Parses a JSON (or YAML, when the client says so) request body; malformed ⇒ 400. */
export function parseBody(body: Buffer, contentType: string | undefined, allowArray = false): KubeObject {
  if (/protobuf/i.test(contentType ?? '')) {
    let decoded: KubeObject | undefined;
    try {
      decoded = decodeProtobuf(body);
    } catch (e) {
      throw badRequest(`the object provided is unrecognized: ${(e as Error).message}`);
    }
    if (decoded) return decoded;
  }
  if (/protobuf|cbor/i.test(contentType ?? '')) {
    throw new ApiError(
      failure(
        415,
        'UnsupportedMediaType',
        'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml',
      ),
    );
  }
  const text = body.toString('utf8');
  if (text.trim() === '') throw badRequest('the body of the request was empty');
  try {
    const isYaml = /yaml/i.test(contentType ?? '');
    const v = isYaml ? parseYaml(text) : JSON.parse(text);
    if (v === null || typeof v !== 'object') throw new Error('not an object');
    if (Array.isArray(v) && !allowArray) throw new Error('cannot unmarshal array into Go value of type struct');
    return v;
  } catch (e) {
    throw badRequest(
      `the object provided is unrecognized: couldn't get version/kind; json parse error: ${(e as Error).message}`,
    );
  }
}

export function q(url: URL, name: string): string | undefined {
  const v = url.searchParams.get(name);
  return v === null ? undefined : v;
}

export function num(url: URL, name: string): number | undefined {
  const v = q(url, name);
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw badRequest(`invalid ${name}: ${v}`);
  return n;
}
