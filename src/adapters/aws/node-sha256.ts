/**
 * SHA-256 for SigV4 over node:crypto, so neither the EKS token signer nor the thin AWS clients pull
 * in the SDK's own hash packages.
 */
import { createHash, createHmac, type BinaryLike } from 'node:crypto';
import type { Checksum, SourceData } from '@smithy/types';

/** A SigV4 `Checksum` (plain hash, or HMAC when given a secret). */
export class NodeSha256 implements Checksum {
  private hash: ReturnType<typeof createHash> | ReturnType<typeof createHmac>;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  private fresh() {
    return this.secret ? createHmac('sha256', toBinary(this.secret)) : createHash('sha256');
  }
  update(data: SourceData): void {
    this.hash.update(toBinary(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

function toBinary(data: SourceData): BinaryLike {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}
