/** What the engine is doing, in words: loading, paused, idle (nothing changes, so nothing renders), or its frame rate. */
import { useUi } from '../hooks';

export function EngineReadout() {
  const ui = useUi();
  const s = ui.status;
  let state: string;
  if (!s) state = 'starting…';
  else if (s.loading) state = 'loading model…';
  else if (!s.modelId) state = 'no model';
  else if (ui.generating) state = 'generating…';
  else if (!s.live) state = 'paused';
  else if (s.idle) state = 'idle';
  else state = 'live';
  const rendering = state === 'live';
  return (
    <span className="readout" data-testid="engine-readout" data-state={state}>
      <span data-testid="engine-state">{state}</span>
      {rendering ? (
        <>
          {' · '}
          <span data-testid="fps">{ui.fps} fps</span>
        </>
      ) : null}
      {ui.latencyMs === null ? null : (
        <>
          {' · '}
          <span data-testid="latency" title="How long the newest frame took">
            {Math.round(ui.latencyMs)} ms
          </span>
        </>
      )}
    </span>
  );
}
