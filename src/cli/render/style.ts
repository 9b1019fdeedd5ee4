/**
 * Icons, colours and tree glyphs as the argo CLI draws them (`cmd/argo/commands/common`). Colour is
 * ANSI SGR; `--no-utf8` swaps icons for phase words and box drawing for ASCII.
 */
import type { NodePhase } from '../../engine/types.ts';

/** How output is decorated. */
export interface RenderStyle {
  color: boolean;
  utf8: boolean;
}

const FG = { red: 31, green: 32, yellow: 33, cyan: 36, default: 39 } as const;
type Colour = keyof typeof FG;

/** Wraps `text` in an SGR colour (and reset) when colours are on. */
export function paint(style: RenderStyle, colour: Colour, text: string): string {
  return style.color ? `\x1b[${FG[colour]}m${text}\x1b[0m` : text;
}

const PHASE_ICON: Record<NodePhase, [string, Colour]> = {
  Pending: ['◷', 'yellow'],
  Running: ['●', 'cyan'],
  Succeeded: ['✔', 'green'],
  Skipped: ['○', 'default'],
  Omitted: ['○', 'default'],
  Failed: ['✖', 'red'],
  Error: ['⚠', 'red'],
};

/** The status icon of a node phase (`◷ ● ✔ ○ ✖ ⚠`), or the phase word with `--no-utf8`. */
export function phaseIcon(style: RenderStyle, phase: NodePhase | '' | undefined): string {
  const entry = phase ? PHASE_ICON[phase] : undefined;
  if (!entry) return style.utf8 ? '◷' : 'Pending';
  const [icon, colour] = entry;
  return paint(style, colour, style.utf8 ? icon : phase!);
}

/** Icon of an active suspend node (argo's `NodeTypeIconMap[Suspend]`). */
export function suspendIcon(style: RenderStyle): string {
  return paint(style, 'cyan', style.utf8 ? 'ǁ' : 'Suspend');
}

// argo's WorkflowConditionIconMap: only these two types have an icon (a word with --no-utf8).
const CONDITION_ICON: Record<string, [string, string, Colour]> = {
  SpecWarning: ['⚠', 'Warning', 'yellow'],
  MetricsError: ['✖', 'Error', 'red'],
};

/** Icon of a workflow condition type in the `Conditions:` header; '' for types argo draws none for. */
export function conditionIcon(style: RenderStyle, type: string): string {
  const entry = CONDITION_ICON[type];
  if (!entry) return '';
  return paint(style, entry[2], style.utf8 ? entry[0] : entry[1]);
}

/** The tree connector pieces: `[part, continuation]` for each position. */
export interface TreeGlyphs {
  only: [string, string];
  first: [string, string];
  middle: [string, string];
  last: [string, string];
}

const UTF8_GLYPHS: TreeGlyphs = { only: ['──', '  '], first: ['┬─', '│ '], middle: ['├─', '│ '], last: ['└─', '  '] };
const ASCII_GLYPHS: TreeGlyphs = { only: ['--', '  '], first: ['+-', '| '], middle: ['|-', '| '], last: ['`-', '  '] };

export function treeGlyphs(style: RenderStyle): TreeGlyphs {
  return style.utf8 ? UTF8_GLYPHS : ASCII_GLYPHS;
}

const ANSI = /\x1b\[[0-9;]*m/g;

/**
 * Visible width of a cell in code points: ANSI codes do not count (argo pads its header to compensate
 * instead). Counted in place, without copying the text: a 10,000-node view measures ~100,000 cells.
 */
export function visibleWidth(text: string): number {
  const plain = text.includes('\x1b') ? text.replace(ANSI, '') : text;
  let width = plain.length;
  for (let i = 0; i < plain.length; i++) {
    const c = plain.charCodeAt(i);
    // A surrogate pair is one code point; a lone surrogate counts as one (as `[...text]` does).
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < plain.length) {
      const next = plain.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        width--;
        i++;
      }
    }
  }
  return width;
}

/** Removes colour codes (tests, non-TTY output). */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}
