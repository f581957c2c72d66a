/** engine:* channels → EngineHost. Payloads arrive already validated by the router. */
import type { EngineHost } from '../engine/engine-host';
import type { InvokeHandlers } from './router';

export type EngineControl = Pick<
  EngineHost,
  | 'start'
  | 'pause'
  | 'renderOnce'
  | 'setSettings'
  | 'setSeed'
  | 'setCanvas'
  | 'listModels'
  | 'setModel'
  | 'setBackground'
  | 'setLayers'
  | 'updateLayerMask'
  | 'status'
  | 'countTokens'
>;

export function engineHandlers(engine: EngineControl): InvokeHandlers {
  return {
    'engine:start': () => engine.start(),
    'engine:pause': () => engine.pause(),
    'engine:renderOnce': () => engine.renderOnce(),
    'engine:setSettings': (settings) => engine.setSettings(settings),
    'engine:setSeed': ({ seed }) => engine.setSeed(seed),
    'engine:setCanvas': ({ width, height }) => engine.setCanvas(width, height),
    'engine:listModels': () => engine.listModels(),
    'engine:setModel': ({ modelId }) => engine.setModel(modelId),
    'engine:setBackground': (background) => engine.setBackground(background),
    'engine:setLayers': ({ layers }) => engine.setLayers(layers),
    'engine:updateLayerMask': ({ id, mask }) => engine.updateLayerMask(id, mask),
    'engine:status': () => engine.status(),
    'engine:countTokens': ({ texts }) => engine.countTokens(texts),
  };
}
