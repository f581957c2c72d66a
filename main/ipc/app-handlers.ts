/**
 * Every invoke channel the app answers except frames:connect (that one hands a port over, so
 * each edge wires it itself): one list for main/index.ts and the end-to-end test bridge, so
 * the tests talk to the same channels as the app.
 */
import { documentHandlers, documentSessionHandlers, settingsHandlers, type DocumentService, type DocumentSessionService } from './document-handlers';
import { engineHandlers, type EngineControl } from './engine-handlers';
import { applyingRuntimeSettings, modelHandlers, type ModelService, type SettingsLike } from './model-handlers';
import { helpHandlers, type HelpService } from './help-handlers';
import type { IpcRouter } from './router';

export interface AppServices {
  engine: EngineControl & Parameters<typeof applyingRuntimeSettings>[1];
  documents: DocumentService & DocumentSessionService;
  settings: SettingsLike;
  models: ModelService;
  /** clipboard, examples and help (main/app/help.ts) */
  help: HelpService;
  /** where optimized models are cached (runtime settings changes keep it) */
  optimizedModelCacheDir?: string;
}

export function handleAppChannels(router: IpcRouter, s: AppServices): IpcRouter {
  return router
    .handleAll(engineHandlers(s.engine))
    .handleAll(documentHandlers(s.documents))
    .handleAll(documentSessionHandlers(s.documents))
    .handleAll(settingsHandlers(applyingRuntimeSettings(s.settings, s.engine, s.optimizedModelCacheDir)))
    .handleAll(modelHandlers(s.models))
    .handleAll(helpHandlers(s.help));
}
