/**
 * A user-facing error: `message` is one line naming the problem (shown as is by the CLI and
 * the app), `code` is stable for programs and tests. Anything that is not a PaletteError is a
 * bug and may carry a stack trace.
 */
export class PaletteError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PaletteError';
    this.code = code;
  }
}

export function isPaletteError(e: unknown): e is PaletteError {
  return e instanceof PaletteError;
}
