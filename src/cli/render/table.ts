/**
 * Go's `text/tabwriter` as argo uses it (`NewWriter(out, 0, 0, 2, ' ', 0)`): tab-terminated cells,
 * each column as wide as its widest cell in a block of consecutive lines plus 2 spaces of padding.
 * Trailing spaces are trimmed (invisible, and they make golden files fragile).
 */
import { visibleWidth } from './style.ts';

/**
 * Aligns rows of cells. Every cell but the last of a row is "tab-terminated" and padded; the last
 * cell is printed as is, like text after the final `\t` in Go.
 */
export function alignTable(rows: string[][], padding = 2): string[] {
  const out: string[][] = rows.map(() => []);
  // A loop, not Math.max(...rows): spreading 100,000 rows into arguments overflows the stack.
  let maxCols = 0;
  for (const r of rows) maxCols = Math.max(maxCols, r.length - 1);
  const widths: number[][] = rows.map(() => []);
  // Column blocks: consecutive rows that have a terminated cell in column c share one width.
  for (let c = 0; c < maxCols; c++) {
    let start = 0;
    while (start < rows.length) {
      if (rows[start]!.length - 1 <= c) {
        start++;
        continue;
      }
      let end = start;
      let width = 0;
      while (end < rows.length && rows[end]!.length - 1 > c) {
        width = Math.max(width, visibleWidth(rows[end]![c]!) + padding);
        end++;
      }
      for (let r = start; r < end; r++) widths[r]![c] = width;
      start = end;
    }
  }
  rows.forEach((row, r) => {
    row.forEach((cell, c) => {
      const w = widths[r]![c];
      out[r]!.push(w === undefined ? cell : cell + ' '.repeat(Math.max(0, w - visibleWidth(cell))));
    });
  });
  return out.map((cells) => cells.join('').replace(/\s+$/, ''));
}
