/**
 * Binds the pure router, event publisher and frame forwarder to Electron (edge file: the
 * only IPC module that imports electron).
 */
import { ipcMain, MessageChannelMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { FRAMES_PORT_EVENT, invokeChannelNames, type EventChannel } from '../../shared/ipc/channels';
import type { FrameForwarder } from '../frames/forwarder';
import type { IpcRouter, IpcSender } from './router';

export function senderOf(event: IpcMainInvokeEvent): IpcSender {
  // senderFrame is null once the frame navigated away or was destroyed: that is not ours
  return { id: event.sender.id, url: event.senderFrame?.url ?? '' };
}

/**
 * Every channel of the map is bound, handled or not, so a renderer calling a channel without
 * a handler gets our typed E_IPC_NO_HANDLER rather than Electron's untyped error.
 */
export function bindRouter(router: IpcRouter): () => void {
  for (const channel of invokeChannelNames) {
    ipcMain.handle(channel, (event, payload: unknown) => router.dispatch(channel, senderOf(event), payload));
  }
  return () => invokeChannelNames.forEach((channel) => ipcMain.removeHandler(channel));
}

/** main → renderer events to one window's webContents (dropped while it is gone) */
export function webContentsSender(target: () => WebContents | null): (channel: EventChannel, payload: unknown) => void {
  return (channel, payload) => {
    const wc = target();
    if (wc && !wc.isDestroyed()) wc.send(channel, payload);
  };
}

/** a fresh MessageChannel: one end to the forwarder, the other to the preload */
export function connectFramePort(webContents: WebContents, forwarder: FrameForwarder): void {
  const { port1, port2 } = new MessageChannelMain();
  forwarder.attach({
    postMessage: (message) => port1.postMessage(message),
    onMessage: (listener) => port1.on('message', (event) => listener(event.data)),
    close: () => port1.close(),
  });
  port1.start();
  webContents.postMessage(FRAMES_PORT_EVENT, null, [port2]);
}
