/**
 * IPC fuzzing: for every invoke channel of the channel map, 1000 generated bad payloads
 * (wrong types, NaN and infinities, negative and enormous numbers, huge arrays and strings,
 * __proto__ / constructor / extra fields, junk) go through the real IpcRouter. Each must come
 * back as E_IPC_BAD_PAYLOAD naming a field; the handler must never run; the router must keep
 * answering valid calls. PALETTE_FUZZ_IPC=N changes the count per channel.
 */
import * as fc from 'fast-check';
import { IpcRouter, type IpcSender } from '../../main/ipc/router';
import { IPC_ERROR, invokeChannelNames, type InvokeChannel } from '../../shared/ipc/channels';
import { badPayloads, VALID_REQUESTS } from './support/ipc-payloads';

const SEED = Number(process.env.PALETTE_FUZZ_SEED ?? 20261201);
const PER_CHANNEL = Number(process.env.PALETTE_FUZZ_IPC ?? 1000);
const OURS: IpcSender = { id: 1, url: 'app://renderer/index.html' };

jest.setTimeout(10 * 60_000);

function spyRouter() {
  const seen: Array<{ channel: InvokeChannel; request: unknown }> = [];
  const router = new IpcRouter({ isTrustedSender: (s) => s.id === OURS.id, validateResults: false, logError: () => undefined });
  for (const channel of invokeChannelNames) router.handle(channel, (request) => void seen.push({ channel, request }) as never);
  return { router, seen };
}

test('every channel has a valid sample request that reaches its handler unchanged', async () => {
  const { router, seen } = spyRouter();
  for (const channel of invokeChannelNames) {
    const r = await router.dispatch(channel, OURS, VALID_REQUESTS[channel]);
    expect({ channel, ok: r.ok, error: r.ok ? undefined : r.error }).toEqual({ channel, ok: true, error: undefined });
  }
  expect(seen.map((s) => s.channel)).toEqual(invokeChannelNames);
});

test.each(invokeChannelNames)(`%s: ${PER_CHANNEL} bad payloads are refused before the handler`, async (channel) => {
  const { router, seen } = spyRouter();
  const payloads = badPayloads(channel, PER_CHANNEL, SEED + invokeChannelNames.indexOf(channel));
  expect(payloads.length).toBe(PER_CHANNEL);
  const accepted: string[] = [];
  for (const { kind, payload } of payloads) {
    const r = await router.dispatch(channel, OURS, payload);
    if (r.ok) accepted.push(`${kind}: ${describe(payload)}`);
    else {
      expect(r.error.code).toBe(IPC_ERROR.badPayload);
      expect(r.error.message).toMatch(new RegExp(`^${channel}: invalid `));
    }
  }
  expect(accepted.slice(0, 5)).toEqual([]);
  expect(seen).toEqual([]);
  // still serving
  expect((await router.dispatch(channel, OURS, VALID_REQUESTS[channel])).ok).toBe(true);
  expect(Object.prototype).not.toHaveProperty('polluted');
});

function describe(v: unknown): string {
  try {
    return fc.stringify(v).slice(0, 300);
  } catch {
    return String(v);
  }
}
