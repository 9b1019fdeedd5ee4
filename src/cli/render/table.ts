/**
 * Go's `text/tabwriter` as argo uses it (`NewWriter(out, 0, 0, 2, ' ', 0)`): tab-terminated cells,
 * each column as wide as its widest cell in a block of consecutive lines plus 2 spaces of padding.
 * Trailing spaces are trimmed (invisible, and they make golden files fragile).
 */
import { visibleWidth } from './style.ts';

/** Padding strings by length, made once (a 10,000-row table pads ~50,000 cells). */
const pads: string[] = [''];
function pad(n: number): string {
  while (pads.length <= n) pads.push(pads[pads.length - 1] + ' ');
  return pads[n]!;
}

/**
 * Per column, each row's padded width (-1: the cell is not terminated there) and each cell's visible
 * width, so every cell is measured once. Column blocks: consecutive rows that have a terminated cell
 * in column c share one width.
 */
function columnWidths(rows: string[][], padding: number): { block: Int32Array[]; cell: Int32Array[] } {
  // A loop, not Math.max(...rows): spreading 100,000 rows into arguments overflows the stack.
  let maxCols = 0;
  for (const r of rows) if (r.length - 1 > maxCols) maxCols = r.length - 1;
  const block: Int32Array[] = [];
  const cell: Int32Array[] = [];
  for (let c = 0; c < maxCols; c++) {
    const widths = new Int32Array(rows.length).fill(-1);
    const visible = new Int32Array(rows.length);
    let start = 0;
    while (start < rows.length) {
      if (rows[start]!.length - 1 <= c) {
        start++;
        continue;
      }
      let end = start;
      let width = 0;
      for (; end < rows.length && rows[end]!.length - 1 > c; end++) {
        const w = visibleWidth(rows[end]![c]!);
        visible[end] = w;
        if (w + padding > width) width = w + padding;
      }
      widths.fill(width, start, end);
      start = end;
    }
    block.push(widths);
    cell.push(visible);
  }
  return { block, cell };
}

/**
 * Aligns rows of cells. Every cell but the last of a row is "tab-terminated" and padded; the last
 * cell is printed as is, like text after the final `\t` in Go. Linear in the number of cells.
 */
export function alignTable(rows: string[][], padding = 2): string[] {
  const { block, cell } = columnWidths(rows, padding);
  const out = new Array<string>(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    let line = '';
    for (let c = 0; c < row.length; c++) {
      const w = c < block.length ? block[c]![r]! : -1;
      line += w < 0 ? row[c]! : row[c]! + pad(Math.max(0, w - cell[c]![r]!));
    }
    out[r] = line.trimEnd();
  }
  return out;
}

// JavaScript's `\s` (what `trimEnd` removes), by UTF-16 code unit.
function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 160) return false;
  return (
    c === 160 ||
    c === 5760 ||
    (c >= 8192 && c <= 8202) ||
    c === 8232 ||
    c === 8233 ||
    c === 8239 ||
    c === 8287 ||
    c === 12288 ||
    c === 65279
  );
}

/** True when `cell` is empty or only whitespace (trimming a line removes it entirely when it is last). */
function isBlank(cell: string): boolean {
  for (let i = cell.length - 1; i >= 0; i--) if (!isSpace(cell.charCodeAt(i))) return false;
  return true;
}

/**
 * {@link alignTable} for a table whose rows all have the same cells, given column by column
 * (`columns[c][r]`): each column but the last is one block, as wide as its widest cell plus
 * `padding`. Keeping cells by column, not one array per row, is what lets a 10,000-row table hold
 * a handful of arrays; each line is built once, already trimmed.
 */
export function alignColumns(columns: string[][], padding = 2): string[] {
  const last = columns.length - 1;
  const rowCount = last < 0 ? 0 : columns[0]!.length;
  const visible: Int32Array[] = [];
  const widths: number[] = [];
  for (let c = 0; c < last; c++) {
    const col = columns[c]!;
    const vis = new Int32Array(rowCount);
    let width = 0;
    for (let r = 0; r < rowCount; r++)
      if ((vis[r] = visibleWidth(col[r]!)) + padding > width) width = vis[r]! + padding;
    visible.push(vis);
    widths.push(width);
  }
  const out = new Array<string>(rowCount);
  for (let r = 0; r < rowCount; r++) {
    // Trailing whitespace is trimmed: stop at the last cell with something visible in it.
    let end = last;
    while (end >= 0 && isBlank(columns[end]![r]!)) end--;
    let line = '';
    for (let c = 0; c < end; c++) line += columns[c]![r]! + pad(Math.max(0, widths[c]! - visible[c]![r]!));
    if (end >= 0) {
      const cell = columns[end]![r]!;
      line += isSpace(cell.charCodeAt(cell.length - 1)) ? cell.trimEnd() : cell;
    }
    out[r] = line;
  }
  return out;
}
