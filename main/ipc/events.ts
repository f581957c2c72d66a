/**
 * Main → renderer events, typed from the channel map. `send` is the edge (webContents.send
 * in Electron, a test bridge or a fake elsewhere).
 */
import { eventChannels, type EventChannel, type EventPayload } from '../../shared/ipc/channels';
import type { EngineNotice, EngineStatus, FrameInfo, ModelProgress } from '../../shared/ipc/channels';

export type PublishEvent = <C extends EventChannel>(channel: C, payload: EventPayload<C>) => void;

export function createEventPublisher(
  send: (channel: EventChannel, payload: unknown) => void,
  options: { validate?: boolean } = {},
): PublishEvent {
  return (channel, payload) => {
    if (options.validate) {
      const checked = eventChannels[channel].safeParse(payload);
      if (!checked.success) throw new Error(`event ${channel}: invalid payload: ${checked.error.issues[0].message}`);
    }
    send(channel, payload);
  };
}

/** The engine's events as the renderer sees them. */
export interface EngineEventSource {
  onStatus(listener: (s: EngineStatus) => void): () => void;
  onNotice(listener: (n: EngineNotice) => void): () => void;
  onModelProgress(listener: (p: ModelProgress) => void): () => void;
  onFrameAvailable(listener: (f: FrameInfo) => void): () => void;
}

/** Forwards engine events to the renderer; returns the unsubscribe. */
export function forwardEngineEvents(engine: EngineEventSource, publish: PublishEvent): () => void {
  const offs = [
    engine.onStatus((s) => publish('engine:status', s)),
    engine.onNotice((n) => publish('engine:notice', n)),
    engine.onModelProgress((p) => publish('engine:modelProgress', p)),
    engine.onFrameAvailable(({ width, height, index, ms }) => publish('frames:available', { width, height, index, ms })),
  ];
  return () => offs.forEach((off) => off());
}
