import { DocumentStore } from '../../../renderer/src/store/document-store';
import { createBrush, createDocument, type PaletteDocument } from '../../../renderer/src/store/document';
import { BrushTool } from '../../../renderer/src/tools/brush-tool';
import { EngineSync, type EngineApi } from '../../../renderer/src/engine/engine-sync';

type Call = { channel: string; request: unknown };

function harness() {
  const calls: Call[] = [];
  const record =
    (channel: string) =>
    async (request: unknown): Promise<void> => {
      calls.push({ channel, request });
    };
  const api = {
    setCanvas: record('setCanvas'),
    setSettings: record('setSettings'),
    setSeed: record('setSeed'),
    setBackground: record('setBackground'),
    setLayers: record('setLayers'),
    updateLayerMask: record('updateLayerMask'),
  } as unknown as EngineApi;
  const frameQueue: Array<() => void> = [];
  const errors: string[] = [];
  const sync = new EngineSync(api, { schedule: (f) => frameQueue.push(f), onError: (e) => errors.push(e.message) });
  const store = new DocumentStore<PaletteDocument>(createDocument(64, 64));
  store.subscribe((e) => sync.documentChanged(e.state));
  const tool = new BrushTool({
    store,
    settings: () => ({ mode: 'paint', size: 6, hardness: 1 }),
    targetLayerId: () => store.getState().layers[0].id,
    onStroke: (id, working) => sync.strokeChanged(id, working),
    onCancel: (id) => sync.strokeCancelled(id),
  });
  /** run one animation frame and wait for its flush */
  const frame = async () => {
    const queued = frameQueue.splice(0);
    queued.forEach((f) => f());
    await sync.settled();
  };
  const channels = () => calls.splice(0).map((c) => c.channel);
  return { calls, sync, store, tool, frame, channels, frameQueue, errors };
}

describe('EngineSync', () => {
  test('an abandoned stroke (Escape, or undo mid-stroke) gives the engine the document\'s mask, not the working one', async () => {
    const h = harness();
    h.tool.pointerDown(10, 10);
    h.tool.pointerUp();
    h.sync.documentChanged(h.store.getState());
    await h.frame();
    h.calls.splice(0);
    // mid-stroke, undo: the stroke is abandoned and the layer goes back to empty
    h.tool.pointerDown(30, 30);
    h.tool.pointerMove(50, 50);
    h.tool.cancel();
    h.store.undo();
    await h.frame();
    const sent = h.calls.filter((c) => c.channel === 'updateLayerMask').map((c) => (c.request as { mask: Uint8Array }).mask);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent[sent.length - 1].some((v) => v > 0)).toBe(false);
  });

  test('first flush sends the whole palette, in dependency order', async () => {
    const h = harness();
    h.sync.documentChanged(h.store.getState());
    await h.frame();
    expect(h.channels()).toEqual(['setCanvas', 'setSettings', 'setSeed', 'setBackground', 'setLayers']);
  });

  test('a stroke sends only that layer mask, at most once per frame, and nothing extra on commit', async () => {
    const h = harness();
    h.sync.documentChanged(h.store.getState());
    await h.frame();
    h.channels();

    h.tool.pointerDown(10, 10);
    for (let x = 12; x < 40; x += 2) h.tool.pointerMove(x, 10);
    expect(h.frameQueue.length).toBe(1);
    await h.frame();
    const [update] = h.calls;
    expect(h.channels()).toEqual(['updateLayerMask']);
    const sent = (update.request as { id: string; mask: Uint8Array }).mask;
    expect(sent[10 * 64 + 30]).toBe(255);

    h.tool.pointerMove(50, 10);
    h.tool.pointerUp();
    await h.frame();
    // the last stamps go out once; the commit itself sends nothing new
    expect(h.channels()).toEqual(['updateLayerMask']);
    await h.frame();
    expect(h.channels()).toEqual([]);

    h.store.undo();
    await h.frame();
    const [undo] = h.calls;
    expect(h.channels()).toEqual(['updateLayerMask']);
    expect((undo.request as { mask: Uint8Array }).mask.every((v) => v === 0)).toBe(true);
  });

  test('a brush field change sends setLayers; a background change only setBackground', async () => {
    const h = harness();
    h.sync.documentChanged(h.store.getState());
    await h.frame();
    h.channels();
    h.store.update((d) => void (d.layers[0].prompt = 'blue'));
    await h.frame();
    expect(h.channels()).toEqual(['setLayers']);
    h.store.update((d) => void (d.layers[0].color = '#00ff00'));
    await h.frame();
    // colour is for the canvas only
    expect(h.channels()).toEqual([]);
    h.store.update((d) => void (d.background.prompt = 'sky'));
    await h.frame();
    expect(h.channels()).toEqual(['setBackground']);
    h.store.update((d) => void d.layers.push(createBrush(d)));
    await h.frame();
    const [layers] = h.calls;
    expect(h.channels()).toEqual(['setLayers']);
    expect((layers.request as { layers: unknown[] }).layers).toHaveLength(2);
  });

  test('engine errors are reported, not thrown', async () => {
    const h = harness();
    const failing = new EngineSync(
      {
        setCanvas: async () => {
          throw Object.assign(new Error('E_MODEL: model failed to load'), { code: 'E_MODEL' });
        },
      } as unknown as EngineApi,
      { schedule: (f) => f(), onError: (e) => h.errors.push(`${e.code} ${e.message}`) },
    );
    failing.documentChanged(h.store.getState());
    await failing.settled();
    expect(h.errors).toEqual(['E_MODEL model failed to load']);
  });
});
