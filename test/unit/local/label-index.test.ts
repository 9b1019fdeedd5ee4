import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ObjectStore } from '../../../src/local/apiserver/store.ts';
import { labelEqualities, parseLabelSelector } from '../../../src/local/apiserver/selectors.ts';
import type { KubeObject } from '../../../src/local/apiserver/resources.ts';

const WF = 'workflows.argoproj.io/workflow';
const DONE = 'workflows.argoproj.io/completed';

function pod(ns: string, name: string, labels: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { namespace: ns, name, labels } };
}

/** The names a LIST returns with the label index, checked against the same LIST walking every key. */
function listBoth(s: ObjectStore, ns: string | undefined, selector: string, limit = 0): string[] {
  const accept = (o: KubeObject) => parseLabelSelector(selector)(o.metadata.labels);
  const names = (equal: [string, string][]) => {
    const out: string[] = [];
    let after = '';
    for (;;) {
      const page = s.page('/pods', ns, after, accept, limit, equal);
      out.push(...page.items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`));
      if (!page.more) return out;
      const last = page.items[page.items.length - 1]!;
      after = `${last.metadata.namespace}\0${last.metadata.name}`;
    }
  };
  const indexed = names(labelEqualities(selector));
  assert.deepEqual(indexed, names([]), `selector ${selector}, namespace ${ns}, limit ${limit}`);
  return indexed;
}

describe('the store label index: a LIST by key=value returns what walking every object returns', () => {
  test('selector terms: only key=value and key==value narrow', () => {
    assert.deepEqual(labelEqualities(`${WF}=a,!${DONE},x in (1),y!=2,z==3`), [
      [WF, 'a'],
      ['z', '3'],
    ]);
    assert.deepEqual(labelEqualities(''), []);
  });

  test('across creates, label changes, removals, namespaces and pages; after a snapshot load', () => {
    const s = new ObjectStore(100_000);
    // Deterministic pseudo-random operations over 3 workflows in 2 namespaces.
    let seed = 7;
    const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const live = new Map<string, KubeObject>();
    for (let step = 0; step < 600; step++) {
      const ns = ['argo', 'batch'][rnd(2)]!;
      const name = `p${rnd(60)}`;
      const key = `${ns}/${name}`;
      const labels: Record<string, string> = { [WF]: `wf${rnd(3)}`, ...(rnd(2) ? { [DONE]: 'true' } : {}) };
      const op = rnd(4);
      if (op === 0 && live.has(key)) {
        s.remove('/pods', ns, name);
        live.delete(key);
      } else {
        const o = pod(ns, name, rnd(5) === 0 ? {} : labels);
        live.set(key, live.has(key) ? s.replace('/pods', o) : s.insert('/pods', o));
      }
      if (step % 50 === 0) {
        for (const sel of [`${WF}=wf1`, `${WF}=wf2,!${DONE}`, `${DONE}=true,${WF}==wf0`, `${WF}=none`])
          for (const nsq of [undefined, 'argo', 'batch']) for (const limit of [0, 3]) listBoth(s, nsq, sel, limit);
      }
    }
    const loaded = new ObjectStore(100_000);
    loaded.load(s.snapshot());
    for (const sel of [`${WF}=wf1`, `${WF}=wf2,!${DONE}`])
      assert.deepEqual(listBoth(loaded, 'argo', sel), listBoth(s, 'argo', sel));
    assert.ok(listBoth(s, undefined, `${WF}=wf1`).length > 0, 'the check saw some objects');
  });
});
