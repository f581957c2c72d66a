/** app:* channels (clipboard, examples, help) → main/app/help.ts. Payloads arrive already validated by the router. */
import type { AppHelp } from '../app/help';
import type { InvokeHandlers } from './router';

export type HelpService = Pick<AppHelp, 'examples' | 'openExample' | 'openHelp' | 'copyImage'>;

export function helpHandlers(help: HelpService): InvokeHandlers {
  return {
    'app:copyImage': (image) => help.copyImage(image),
    'app:examples': () => help.examples(),
    'app:openExample': ({ id }) => help.openExample(id),
    'app:openHelp': ({ topic }) => help.openHelp(topic),
  };
}
