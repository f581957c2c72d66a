/**
 * The one gatekeeper between the renderer and main. Every call: is the sender our window?
 * does the payload match the channel's schema? Only then does the handler run. Failures come
 * back as a typed `{ ok: false, error }` envelope, never as a thrown error, so a hostile or
 * buggy renderer can't crash main or reach a handler with a bad payload.
 *
 * Pure: no electron import (electron-adapter.ts binds it to ipcMain).
 */
import type { z } from 'zod';
import {
  IPC_ERROR,
  invokeChannels,
  isInvokeChannel,
  type InvokeChannel,
  type InvokeResponse,
  type InvokeResult,
  type IpcErrorPayload,
} from '../../shared/ipc/channels';
import { isPaletteError } from '../../shared/errors';

/** Who sent a call: the webContents id and the URL of the frame that sent it. */
export interface IpcSender {
  id: number;
  url: string;
}

/** The request after validation (schema output). */
export type HandlerRequest<C extends InvokeChannel> = z.output<(typeof invokeChannels)[C]['request']>;

export type InvokeHandler<C extends InvokeChannel> = (
  request: HandlerRequest<C>,
  sender: IpcSender,
) => InvokeResponse<C> | Promise<InvokeResponse<C>>;

export type InvokeHandlers = { [C in InvokeChannel]?: InvokeHandler<C> };

export interface RouterOptions {
  /** true only for our own window (id and trusted frame URL); injected by the window module */
  isTrustedSender: (sender: IpcSender) => boolean;
  /** where unexpected handler errors are logged (they still reach the renderer as E_INTERNAL) */
  logError?: (channel: string, error: unknown) => void;
  /** also validate handler results (on by default: a wrong result is a bug worth seeing) */
  validateResults?: boolean;
}

/** Path of a zod issue in the way a programmer writes it: `layers[0].mask`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

function describeIssue(issue: z.core.$ZodIssue): { field: string; message: string } {
  const field = formatIssuePath(issue.path);
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') message = `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return { field, message };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  // by tag, not prototype: payloads may come from another realm (the structured-clone deserializer, a test bridge)
  v !== null && typeof v === 'object' && Object.prototype.toString.call(v) === '[object Object]';

/**
 * The first field of `input` that the schema did not declare. zod drops undeclared keys
 * (including `__proto__` and `constructor` own properties); main refuses them instead, so a
 * payload either matches the channel map exactly or does not reach the handler.
 */
export function undeclaredField(input: unknown, output: unknown, path: PropertyKey[] = []): { field: string; message: string } | null {
  if (isPlainObject(output)) {
    if (!isPlainObject(input)) return { field: formatIssuePath(path), message: 'expected a plain object' };
    for (const key of Object.keys(input)) {
      if (!Object.prototype.hasOwnProperty.call(output, key)) {
        return { field: formatIssuePath([...path, key]), message: `unknown field(s) ${JSON.stringify(key.slice(0, 60))}` };
      }
      const inner = undeclaredField(input[key], output[key], [...path, key]);
      if (inner) return inner;
    }
  } else if (Array.isArray(output) && Array.isArray(input)) {
    for (let i = 0; i < output.length; i++) {
      const inner = undeclaredField(input[i], output[i], [...path, i]);
      if (inner) return inner;
    }
  }
  return null;
}

export class IpcRouter {
  private readonly handlers = new Map<InvokeChannel, InvokeHandler<InvokeChannel>>();
  private readonly options: RouterOptions;

  constructor(options: RouterOptions) {
    this.options = options;
  }

  handle<C extends InvokeChannel>(channel: C, handler: InvokeHandler<C>): this {
    if (this.handlers.has(channel)) throw new Error(`IPC channel ${channel} already has a handler`);
    this.handlers.set(channel, handler as unknown as InvokeHandler<InvokeChannel>);
    return this;
  }

  handleAll(handlers: InvokeHandlers): this {
    for (const channel of Object.keys(handlers) as InvokeChannel[]) {
      const handler = handlers[channel];
      if (handler) this.handle(channel, handler as InvokeHandler<typeof channel>);
    }
    return this;
  }

  /** channels with a handler, for the adapter to bind */
  get channels(): InvokeChannel[] {
    return [...this.handlers.keys()];
  }

  async dispatch<C extends InvokeChannel>(channel: C, sender: IpcSender, payload: unknown): Promise<InvokeResult<C>>;
  async dispatch(channel: string, sender: IpcSender, payload: unknown): Promise<InvokeResult<InvokeChannel>>;
  async dispatch(channel: string, sender: IpcSender, payload: unknown): Promise<InvokeResult<InvokeChannel>> {
    let trusted: boolean;
    try {
      trusted = this.options.isTrustedSender(sender);
    } catch {
      trusted = false;
    }
    if (!trusted) {
      return fail({ code: IPC_ERROR.foreignSender, message: `${channel}: refused, the sender is not the Semantic Palette window` });
    }
    if (!isInvokeChannel(channel)) {
      return fail({ code: IPC_ERROR.unknownChannel, message: `unknown IPC channel "${String(channel).slice(0, 80)}"` });
    }
    const handler = this.handlers.get(channel);
    if (!handler) return fail({ code: IPC_ERROR.noHandler, message: `${channel}: no handler registered` });

    const spec = invokeChannels[channel];
    const parsed = spec.request.safeParse(payload);
    const undeclared = parsed.success ? undeclaredField(payload, parsed.data) : null;
    if (undeclared) {
      return fail({ code: IPC_ERROR.badPayload, message: `${channel}: invalid ${undeclared.field || 'request'}: ${undeclared.message}`, field: undeclared.field });
    }
    if (!parsed.success) {
      const first = describeIssue(parsed.error.issues[0]);
      const where = first.field === '' ? 'request' : first.field;
      return fail({
        code: IPC_ERROR.badPayload,
        message: `${channel}: invalid ${where}: ${first.message}`,
        field: first.field,
      });
    }

    let value: unknown;
    try {
      value = await handler(parsed.data as HandlerRequest<InvokeChannel>, sender);
    } catch (e) {
      if (isPaletteError(e)) return fail({ code: e.code, message: e.message });
      this.options.logError?.(channel, e);
      return fail({ code: IPC_ERROR.internal, message: `${channel} failed: ${e instanceof Error ? e.message : String(e)}` });
    }

    if (this.options.validateResults !== false) {
      const checked = spec.response.safeParse(value);
      if (!checked.success) {
        const issue = describeIssue(checked.error.issues[0]);
        const error = new Error(`${channel}: handler returned an invalid result at ${issue.field || 'result'}: ${issue.message}`);
        this.options.logError?.(channel, error);
        return fail({ code: IPC_ERROR.internal, message: error.message });
      }
    }
    return { ok: true, value: value as InvokeResponse<InvokeChannel> };
  }
}

function fail(error: IpcErrorPayload): { ok: false; error: IpcErrorPayload } {
  return { ok: false, error };
}
