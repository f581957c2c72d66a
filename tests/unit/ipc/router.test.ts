import { IpcRouter, formatIssuePath, type IpcSender } from '../../../main/ipc/router';
import { engineHandlers, type EngineControl } from '../../../main/ipc/engine-handlers';
import { PaletteError } from '../../../shared/errors';
import type { EngineStatus, InvokeResult } from '../../../shared/ipc/channels';

const OUR_WINDOW: IpcSender = { id: 7, url: 'app://renderer/index.html' };
const isOurs = (s: IpcSender) => s.id === 7 && s.url.startsWith('app://renderer/');

const status: EngineStatus = {
  live: true,
  idle: false,
  loading: false,
  modelId: 'palette-colors',
  providers: { unet: 'cpu' },
  canvas: { width: 64, height: 64 },
  fps: 12,
  latencyMs: 40,
  frameIndex: 3,
  error: null,
};

function layer(mask: unknown, extra: Record<string, unknown> = {}) {
  return { id: 'sky', prompt: 'blue sky', negativePrompt: '', promptStrength: 1, maskStrength: 1, maskBlur: 0, visible: true, mask, ...extra };
}

function routerWithSpy() {
  const calls: { channel: string; request: unknown }[] = [];
  const router = new IpcRouter({ isTrustedSender: isOurs, logError: () => undefined });
  router
    .handle('engine:setSeed', (request) => void calls.push({ channel: 'engine:setSeed', request }))
    .handle('engine:setLayers', (request) => void calls.push({ channel: 'engine:setLayers', request }))
    .handle('engine:setSettings', (request) => void calls.push({ channel: 'engine:setSettings', request }))
    .handle('engine:status', () => status)
    .handle('engine:setCanvas', () => {
      throw new PaletteError('E_BAD_CANVAS', 'canvas 8×8 is too small for this model');
    })
    .handle('engine:renderOnce', () => {
      throw new Error('boom');
    })
    .handle('engine:pause', () => ({ live: 'no' }) as unknown as EngineStatus);
  return { router, calls };
}

describe('IpcRouter', () => {
  test('a valid call reaches its handler with the parsed payload, and the result comes back typed', async () => {
    const { router, calls } = routerWithSpy();
    const mask = new Uint8Array(64 * 64);
    expect(await router.dispatch('engine:setSeed', OUR_WINDOW, { seed: 42 })).toEqual({ ok: true, value: undefined });
    expect(await router.dispatch('engine:setLayers', OUR_WINDOW, { layers: [layer(mask)] })).toEqual({ ok: true, value: undefined });
    expect(calls).toEqual([
      { channel: 'engine:setSeed', request: { seed: 42 } },
      { channel: 'engine:setLayers', request: { layers: [layer(mask)] } },
    ]);
    expect((calls[1].request as { layers: { mask: Uint8Array }[] }).layers[0].mask).toBe(mask); // typed array kept, not copied
    const result: InvokeResult<'engine:status'> = await router.dispatch('engine:status', OUR_WINDOW, undefined);
    expect(result.ok && result.value.fps).toBe(12);
  });

  test.each([
    ['another window', { id: 8, url: 'app://renderer/index.html' }],
    ['our window navigated elsewhere', { id: 7, url: 'https://evil.example/' }],
    ['a file:// page', { id: 7, url: 'file:///tmp/x.html' }],
  ])('a call from %s is refused before validation or the handler', async (_what, sender) => {
    const { router, calls } = routerWithSpy();
    const result = await router.dispatch('engine:setSeed', sender, { seed: 42 });
    expect(result).toEqual({
      ok: false,
      error: { code: 'E_IPC_FOREIGN_SENDER', message: 'engine:setSeed: refused, the sender is not the Semantic Palette window' },
    });
    expect(calls).toHaveLength(0);
  });

  test('a sender check that throws counts as foreign, not as a crash', async () => {
    const router = new IpcRouter({
      isTrustedSender: () => {
        throw new Error('destroyed webContents');
      },
    });
    router.handle('engine:status', () => status);
    expect(await router.dispatch('engine:status', OUR_WINDOW, undefined)).toMatchObject({ ok: false, error: { code: 'E_IPC_FOREIGN_SENDER' } });
  });

  test.each([
    ['engine:setSeed', { seed: -1 }, 'seed', /too small/i],
    ['engine:setSeed', { seed: 1.5 }, 'seed', /expected int/i],
    ['engine:setSeed', '42', '', /expected object/i],
    ['engine:setSettings', { noise: 'fixed', stepz: 4 }, '', /unknown field\(s\) "stepz"/],
    ['engine:setLayers', { layers: [layer([0, 255])] }, 'layers[0].mask', /expected a Uint8Array/],
    ['engine:setLayers', { layers: [layer(new Uint8Array(4), { maskStrength: 2 })] }, 'layers[0].maskStrength', /too big/i],
    ['engine:setLayers', { layers: [layer(new Uint8Array(4), { visible: 'yes' })] }, 'layers[0].visible', /expected boolean/],
  ])('%s with %p is refused with a typed error naming %p', async (channel, payload, field, reason) => {
    const { router, calls } = routerWithSpy();
    const result = await router.dispatch(channel, OUR_WINDOW, payload);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('E_IPC_BAD_PAYLOAD');
    expect(result.error.field).toBe(field);
    expect(result.error.message.startsWith(`${channel}: invalid ${field || 'request'}: `)).toBe(true);
    expect(result.error.message).toMatch(reason);
    expect(calls).toHaveLength(0);
  });

  test('fields the channel does not know are refused, at any depth, before the handler', async () => {
    const { router, calls } = routerWithSpy();
    expect(await router.dispatch('engine:setSeed', OUR_WINDOW, { seed: 1, __proto__x: 'y', extra: true })).toEqual({
      ok: false,
      error: { code: 'E_IPC_BAD_PAYLOAD', message: 'engine:setSeed: invalid __proto__x: unknown field(s) "__proto__x"', field: '__proto__x' },
    });
    const hostile = JSON.parse('{"seed": 1, "__proto__": {"polluted": true}}') as unknown;
    expect(await router.dispatch('engine:setSeed', OUR_WINDOW, hostile)).toMatchObject({ ok: false, error: { field: '__proto__' } });
    const deep = { layers: [layer(new Uint8Array(4), { constructor: { prototype: { polluted: true } } })] };
    expect(await router.dispatch('engine:setLayers', OUR_WINDOW, deep)).toMatchObject({ ok: false, error: { field: 'layers[0].constructor' } });
    expect(calls).toEqual([]);
    expect(await router.dispatch('engine:setSeed', OUR_WINDOW, { seed: 1 })).toEqual({ ok: true, value: undefined });
  });

  test('unknown channels and channels without a handler get their own codes', async () => {
    const { router } = routerWithSpy();
    expect(await router.dispatch('shell:openExternal', OUR_WINDOW, 'https://x')).toMatchObject({ ok: false, error: { code: 'E_IPC_UNKNOWN_CHANNEL' } });
    expect(await router.dispatch('engine:start', OUR_WINDOW, undefined)).toMatchObject({ ok: false, error: { code: 'E_IPC_NO_HANDLER' } });
  });

  test('handler errors come back as envelopes: PaletteError keeps its code and message, bugs become E_INTERNAL', async () => {
    const logged: unknown[] = [];
    const { router } = routerWithSpy();
    (router as unknown as { options: { logError: (c: string, e: unknown) => void } }).options.logError = (_c, e) => logged.push(e);
    expect(await router.dispatch('engine:setCanvas', OUR_WINDOW, { width: 64, height: 64 })).toEqual({
      ok: false,
      error: { code: 'E_BAD_CANVAS', message: 'canvas 8×8 is too small for this model' },
    });
    expect(await router.dispatch('engine:renderOnce', OUR_WINDOW, undefined)).toEqual({
      ok: false,
      error: { code: 'E_INTERNAL', message: 'engine:renderOnce failed: boom' },
    });
    // a handler returning the wrong shape is a bug: caught, logged, reported
    expect(await router.dispatch('engine:pause', OUR_WINDOW, undefined)).toMatchObject({
      ok: false,
      error: { code: 'E_INTERNAL', message: expect.stringMatching(/engine:pause: handler returned an invalid result at live/) },
    });
    expect(logged).toHaveLength(2);
  });

  test('a channel gets one handler only', () => {
    const { router } = routerWithSpy();
    expect(() => router.handle('engine:setSeed', () => undefined)).toThrow(/already has a handler/);
  });

  test('engine handlers map each channel to the engine with the validated payload', async () => {
    const seen: unknown[][] = [];
    const record =
      (name: string, result?: unknown) =>
      (...args: unknown[]) => {
        seen.push([name, ...args]);
        return Promise.resolve(result);
      };
    const engine = {
      start: record('start', status),
      pause: record('pause', status),
      renderOnce: record('renderOnce', { width: 8, height: 8, index: 1, ms: 3 }),
      setSettings: record('setSettings'),
      setSeed: record('setSeed'),
      setCanvas: record('setCanvas'),
      listModels: () => [{ id: 'palette-colors', name: 'Palette colors' }],
      setModel: record('setModel', status),
      setBackground: record('setBackground'),
      setLayers: record('setLayers'),
      updateLayerMask: record('updateLayerMask'),
      status: () => status,
    } as unknown as EngineControl;
    const router = new IpcRouter({ isTrustedSender: isOurs }).handleAll(engineHandlers(engine));
    const mask = new Uint8Array(16);
    await router.dispatch('engine:updateLayerMask', OUR_WINDOW, { id: 'sky', mask });
    await router.dispatch('engine:setCanvas', OUR_WINDOW, { width: 1024, height: 512 });
    await router.dispatch('engine:setSettings', OUR_WINDOW, { noise: 'fresh', tIndexList: [0, 16, 32, 45] });
    expect(await router.dispatch('engine:setSettings', OUR_WINDOW, { tIndexList: [4, 0] })).toMatchObject({
      ok: false,
      error: { field: 'tIndexList', message: expect.stringMatching(/strictly increasing/) },
    });
    expect(await router.dispatch('engine:listModels', OUR_WINDOW, undefined)).toEqual({ ok: true, value: [{ id: 'palette-colors', name: 'Palette colors' }] });
    expect(seen).toEqual([
      ['updateLayerMask', 'sky', mask],
      ['setCanvas', 1024, 512],
      ['setSettings', { noise: 'fresh', tIndexList: [0, 16, 32, 45] }],
    ]);
    expect(router.channels).toHaveLength(13);
  });

  test('issue paths read like code', () => {
    expect(formatIssuePath(['layers', 3, 'mask'])).toBe('layers[3].mask');
    expect(formatIssuePath([])).toBe('');
  });
});
