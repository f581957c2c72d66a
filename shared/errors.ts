/**
 * A user-facing error: `message` is one line naming the problem (shown as is by the CLI and
 * the app), `code` is stable for programs and tests. Anything that is not a PaletteError is a
 * bug and may carry a stack trace.
 */

/**
 * longest message a PaletteError keeps; the rest becomes "…". Room for a model folder's whole
 * list of problems; what overflowed it before was a file's own value quoted whole (quoteValue).
 */
export const MAX_MESSAGE_LENGTH = 2000;

/** line breaks of every kind (incl. U+2028/U+2029, which JSON.stringify keeps) become spaces; length is capped */
export function oneLine(text: string, max = MAX_MESSAGE_LENGTH): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\r\n\u2028\u2029\u0085\u000b\u000c]+\s*/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * A value from a file or a payload, quoted for a message: short, one line, never throwing
 * (a 5000-deep object makes JSON.stringify overflow the stack).
 */
export function quoteValue(value: unknown, max = 60): string {
  if (typeof value === 'string' && value.length > max) return `a ${value.length}-character string starting ${oneLine(JSON.stringify(value.slice(0, 20)))}`;
  if (Array.isArray(value) && value.length > 20) return `a list of ${value.length} items`;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  if (text === undefined) return typeof value === 'object' && value !== null ? 'a deeply nested value' : String(value);
  return oneLine(text, max);
}

export class PaletteError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(oneLine(message), options);
    this.name = 'PaletteError';
    this.code = code;
  }
}

export function isPaletteError(e: unknown): e is PaletteError {
  return e instanceof PaletteError;
}
