import { createRoot } from 'react-dom/client';
import type { PaletteApi } from '../../shared/ipc/api';
import { App } from './App';
import { createEditor } from './editor';
import './styles.css';

declare global {
  interface Window {
    /** exposed by the preload (preload/), or by the test bridge in the browser end-to-end tests */
    palette?: PaletteApi;
  }
}

const root = createRoot(document.getElementById('root') as HTMLElement);
const api = window.palette;
if (!api) {
  root.render(
    <p className="fatal" data-testid="no-bridge">
      Semantic Palette needs its desktop shell: window.palette is missing.
    </p>,
  );
} else {
  root.render(<App editor={createEditor(api)} />);
}
