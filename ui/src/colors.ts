/** Phase colours (as Argo's UI uses them) and one colour per cluster. */

export const PHASE_COLORS: Record<string, string> = {
  Pending: '#f2b134',
  Running: '#0dadea',
  Succeeded: '#18be94',
  Failed: '#e96d76',
  Error: '#e96d76',
  Skipped: '#a0a7b4',
  Omitted: '#a0a7b4',
};

export function phaseColor(phase: string | undefined): string {
  return PHASE_COLORS[phase ?? 'Pending'] ?? '#a0a7b4';
}

const PALETTE = ['#4b5fd6', '#d6861d', '#8b3fb5', '#1d8a5a', '#c2336a', '#2b8fb3', '#7a6a18', '#5a5a5a'];

/** A stable colour per cluster: the main cluster gets the first, the others by sorted name. */
export function clusterColors(mainCluster: string, clusters: Iterable<string>): Map<string, string> {
  const names = [...new Set(clusters)].filter((c) => c !== mainCluster).sort();
  const map = new Map<string, string>([[mainCluster, PALETTE[0]!]]);
  names.forEach((c, i) => map.set(c, PALETTE[(i + 1) % PALETTE.length]!));
  return map;
}
