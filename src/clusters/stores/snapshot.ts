/** Building a {@link StoreSnapshot} from a key → value record, normalising slash keys. */
import { isInvalidKeyError } from '../errors.ts';
import { normaliseKey } from '../keys.ts';
import type { SecretStore, StoreSnapshot } from './types.ts';

/**
 * Normalises every key (`other/argo` → `other.argo`). Two spellings of one key: the dot spelling wins,
 * because that is what `argosy cluster add` writes.
 */
export function snapshotFrom(record: Record<string, unknown>): StoreSnapshot {
  const entries = new Map<string, unknown>();
  const invalidKeys: StoreSnapshot['invalidKeys'] = [];
  for (const [raw, value] of Object.entries(record)) {
    let key: string;
    try {
      key = normaliseKey(raw);
    } catch (e) {
      if (!isInvalidKeyError(e)) throw e;
      invalidKeys.push({ key: raw, problem: e.message });
      continue;
    }
    if (entries.has(key) && raw !== key) continue;
    entries.set(key, value);
  }
  return { entries, invalidKeys };
}

/** Keys of `record` that spell `key` (dot or slash form). */
export function spellingsOf(record: Record<string, unknown>, key: string): string[] {
  return Object.keys(record).filter((k) => {
    try {
      return normaliseKey(k) === key;
    } catch {
      return false;
    }
  });
}

/** A fixed store (tests, local mode wiring). */
export function staticStore(record: Record<string, unknown>): SecretStore {
  return { kind: 'static', location: 'static entries', load: async () => snapshotFrom(record) };
}
