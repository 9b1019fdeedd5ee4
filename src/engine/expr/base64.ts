/** Standard base64 over UTF-8 (Go's `base64.StdEncoding`), without Node's Buffer (the engine stays portable). */
import { ExprPanic } from './errors.ts';

/** Encodes a string's UTF-8 bytes. */
export function toBase64(s: string): string {
  let bin = '';
  for (const b of new TextEncoder().encode(s)) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** Decodes base64 to a UTF-8 string; throws Go's `illegal base64 data` panic. */
export function fromBase64(s: string): string {
  let bin: string;
  try {
    bin = atob(s.trim() === s ? s : '!');
  } catch {
    throw new ExprPanic(`illegal base64 data at input byte ${Math.max(0, s.search(/[^A-Za-z0-9+/=]/))}`);
  }
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}
