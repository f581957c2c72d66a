/**
 * The test half of the bridge: the real IpcRouter (sender check + schema validation), the
 * real EngineHost with its engine worker and the palette-colors model, all in the Playwright
 * test process. The page's `window.palette` (bridge-page.ts) reaches them through bindings;
 * events and frames go back with page.evaluate, frames newest-only with the preload's ack.
 */
// Native addons used inside the engine worker are loaded here first. Node 20 segfaults when a
// worker that was the only loader of an addon (@swc/core compiling the worker's TypeScript,
// onnxruntime-node) is terminated and a later worker loads it again; held by the main
// thread, the library is never unloaded.
import '@swc/core';
import 'onnxruntime-node';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from '@playwright/test';
import { IpcRouter, type IpcSender } from '../../../main/ipc/router';
import { EngineHost } from '../../../main/engine/engine-host';
import { decodeWire, encodeWire } from './wire';
import { handleAppChannels } from '../../../main/ipc/app-handlers';
import { createEventPublisher, forwardEngineEvents } from '../../../main/ipc/events';
import { ModelService } from '../../../main/ipc/model-handlers';
import { FrameForwarder } from '../../../main/frames/forwarder';
import { ModelRegistry } from '../../../main/model-manager';
import { FileDocumentService } from '../../../main/app/document-service';
import { SettingsStore, memoryBackend } from '../../../main/app/settings-store';
import { AutosaveFolder, Autosaver } from '../../../main/app/autosave';
import { Recovery } from '../../../main/app/autosave-recovery';
import { DirtyTracker, type UnsavedChoice, type UnsavedQuestion } from '../../../main/app/dirty';
import type { EventChannel, EventPayload, FrameMessage } from '../../../shared/ipc/channels';
import { AppHelp } from '../../../main/app/help';
import { decodePng } from '../../../main/documents';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const MODEL_DIR = path.join(REPO_ROOT, 'models', 'palette-colors');
export const BRIDGE_SCRIPT = path.join(REPO_ROOT, 'node_modules', '.cache', 'palette-e2e', 'bridge-page.js');
/** the renderer's webContents as the router sees it */
const PAGE_SENDER_ID = 1;

export interface Bridge {
  host: EngineHost;
  router: IpcRouter;
  /** channels the page called, in order (for "only changed layers are sent" checks) */
  calls: string[];
  /** the newest payload the page sent on each channel (decoded), e.g. the document of document:autosave */
  lastPayload: Map<string, unknown>;
  /** the newest mask the engine was sent for each layer id (engine:setLayers / engine:updateLayerMask) */
  masks: Map<string, Uint8Array>;
  /** main's document side, as in the app: real files, stand-in dialogs */
  documents: FileDocumentService;
  /** a fresh folder per test: save dialogs answer with files in it */
  tempDir: string;
  /** what the stand-in dialogs answer, in order (file names are relative to tempDir); empty → cancelled */
  answers: { save: string[]; open: string[]; unsaved: UnsavedChoice[] };
  /** the unsaved-changes questions main asked */
  asked: UnsavedQuestion[];
  /** document:closeWindow calls (the app would close its window) */
  closeRequests: number;
  /** main → renderer event, as main's publisher sends it (validated) */
  emit<C extends EventChannel>(channel: C, payload: EventPayload<C>): void;
  /** main's model manager over a data folder in tempDir; set `models.endpoint` to a loopback hub */
  models: ModelService;
  /** what the stand-in "Add a model folder" dialog answers, in order; empty → cancelled */
  folderAnswers: string[];
  /** what app:copyImage put on the stand-in clipboard, decoded from its PNG */
  clipboard: Array<{ width: number; height: number; data: Uint8Array }>;
  /** guides Help asked main to open (the app opens them in the user's viewer) */
  openedGuides: string[];
  close(): Promise<void>;
}

export interface BridgeOptions {
  /** runs before main's recovery check, e.g. to leave an autosave behind as a crashed session would */
  beforeStart?: (autosaveDir: string) => Promise<void>;
  /** app settings as stored before the launch; by default the first-launch guide counts as dismissed */
  settings?: Record<string, unknown>;
}

function recordMasks(masks: Map<string, Uint8Array>, channel: string, payload: unknown): void {
  const copy = (m: unknown) => (m instanceof Uint8Array ? m.slice() : null);
  if (channel === 'engine:updateLayerMask') {
    const p = payload as { id: string; mask: unknown };
    const m = copy(p.mask);
    if (m) masks.set(p.id, m);
  } else if (channel === 'engine:setLayers') {
    masks.clear();
    for (const l of (payload as { layers: Array<{ id: string; mask: unknown }> }).layers) {
      const m = copy(l.mask);
      if (m) masks.set(l.id, m);
    }
  }
}

export async function installBridge(page: Page, origin: string, options: BridgeOptions = {}): Promise<Bridge> {
  if (!fs.existsSync(BRIDGE_SCRIPT)) throw new Error(`${BRIDGE_SCRIPT} is missing: the webServer command builds it`);
  const host = new EngineHost({ models: [{ id: 'palette-colors', name: 'palette-colors (built in)', dir: MODEL_DIR }], canvas: { width: 512, height: 512 } });
  const router = new IpcRouter({
    isTrustedSender: (s: IpcSender) => s.id === PAGE_SENDER_ID && s.url.startsWith(origin),
    logError: (channel, e) => console.error(`[bridge] ${channel}`, e),
  });
  let closed = false;
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'palette-e2e-'));
  const answers: Bridge['answers'] = { save: [], open: [], unsaved: [] };
  const asked: UnsavedQuestion[] = [];
  const inTemp = (name: string | undefined) => (name ? path.resolve(tempDir, name) : null);
  // most scenarios start from a blank document: the first-launch example is for the tests that ask for it
  const settings = new SettingsStore(memoryBackend({ guideDismissed: true, ...options.settings }));
  const autosaveFolder = new AutosaveFolder(path.join(tempDir, 'autosave'));
  // a long interval: the tests that need an autosave ask for one (document:autosaveRequest)
  const autosave = new Autosaver({ folder: autosaveFolder, intervalMs: () => 3_600_000, requestSnapshot: () => publish('document:autosaveRequest', {}) });
  const recovery = new Recovery(autosaveFolder);
  await options.beforeStart?.(autosaveFolder.dir);
  await recovery.start();
  const documents = new FileDocumentService({
    dialogs: { chooseOpen: async () => inTemp(answers.open.shift()), chooseSave: async () => inTemp(answers.save.shift()) },
    settings,
    newestFrame: () => host.latestFrame(),
    tracker: new DirtyTracker(async (q) => {
      asked.push(q);
      return answers.unsaved.shift() ?? 'cancel';
    }),
    autosave,
    recovery,
    closeWindow: () => void (bridge.closeRequests += 1),
  });
  const bridge: Bridge = {
    host,
    router,
    calls: [],
    lastPayload: new Map(),
    masks: new Map(),
    documents,
    tempDir,
    answers,
    asked,
    closeRequests: 0,
    emit: (channel, payload) => publish(channel, payload),
    models: new ModelService({
      registry: new ModelRegistry({ dataDir: path.join(tempDir, 'data'), builtinDir: MODEL_DIR }),
      engine: host,
      publish: (channel, payload) => publish(channel, payload),
      chooseFolder: async () => bridge.folderAnswers.shift() ?? null,
      fallbackModelId: 'palette-colors',
    }),
    folderAnswers: [],
    clipboard: [],
    openedGuides: [],
    close: async () => undefined,
  };
  const help = new AppHelp({
    examplesDir: path.join(REPO_ROOT, 'resources', 'examples'),
    rootDir: REPO_ROOT,
    openCopy: (file) => documents.open(file, { asCopy: true }),
    openPath: async (file) => void bridge.openedGuides.push(path.relative(REPO_ROOT, file)),
    writeClipboardPng: (png) => void bridge.clipboard.push(decodePng(png, 'clipboard')),
  });
  // as in the app: the engine offers what the model manager lists as complete
  await bridge.models.refreshEngine();

  // ---- frames: main's own forwarder (newest only, one in flight until the preload acks it);
  // its port posts through page.evaluate, and the page's acks come back through a binding
  const forwarder = new FrameForwarder(host);
  let frameAck: ((data: unknown) => void) | null = null;
  const ack = () => frameAck?.({ type: 'ack' });
  const pagePort = {
    postMessage: (message: FrameMessage) => {
      page
        .evaluate((m) => (window as unknown as { __paletteBridge: { frame(m: unknown): boolean } }).__paletteBridge.frame(m), encodeWire(message) as object)
        // not delivered (no port yet, page navigating or closed): nothing will ack it
        .then((delivered) => delivered || ack(), ack);
    },
    onMessage: (listener: (data: unknown) => void) => void (frameAck = listener),
    close: () => void (frameAck = null),
  };

  handleAppChannels(router, { engine: host, documents, settings, models: bridge.models, help }).handle('frames:connect', async () => {
    await page.evaluate(() => (window as unknown as { __paletteBridge: { connectFrames(): void } }).__paletteBridge.connectFrames());
    forwarder.attach(pagePort);
  });

  // main's own event forwarding, validating every payload against the channel map
  const publish = createEventPublisher(
    (channel, payload) => {
      if (closed) return;
      page
        .evaluate(([c, p]) => (window as unknown as { __paletteBridge?: { emit(c: string, p: unknown): void } }).__paletteBridge?.emit(c, p), [channel, encodeWire(payload)] as const)
        .catch(() => undefined);
    },
    { validate: true },
  );
  const unsubscribe = [forwardEngineEvents(host, publish)];

  await page.exposeBinding('__paletteIpcInvoke', async (source, channel: string, payload: unknown) => {
    bridge.calls.push(channel);
    const decoded = decodeWire(payload);
    bridge.lastPayload.set(channel, decoded);
    // copied before dispatch: the engine may take (transfer) the arrays
    recordMasks(bridge.masks, channel, decoded);
    const result = await router.dispatch(channel, { id: PAGE_SENDER_ID, url: source.frame.url() }, decoded);
    return encodeWire(result);
  });
  await page.exposeBinding('__paletteFrameAck', async () => ack());
  await page.addInitScript({ path: BRIDGE_SCRIPT });

  bridge.close = async () => {
    closed = true;
    forwarder.close();
    unsubscribe.forEach((u) => u());
    await autosave.close();
    bridge.models.pauseAll();
    await host.close();
    fs.rmSync(tempDir, { recursive: true, force: true });
  };
  return bridge;
}
