/**
 * The workflow's global outputs under its header: parameters and artifacts published with
 * `globalName` (Argo's `status.outputs`), artifacts with their repository location.
 */
import type { Workflow } from '../../../src/engine/types.ts';
import { globalOutputs } from '../model/artifacts.ts';

export function WorkflowOutputs(props: { wf: Workflow }) {
  const rows = globalOutputs(props.wf);
  if (rows.length === 0) return null;
  return (
    <section className="wf-outputs" data-testid="wf-outputs">
      <h3>Outputs</h3>
      <table className="kv">
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.kind}/${r.name}`} data-output={r.kind} data-output-name={r.name}>
              <th>{r.name}</th>
              <td>
                {r.kind === 'artifact' ? <code>{r.value}</code> : r.value}
                {r.deleted && <span className="sub"> (deleted)</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
