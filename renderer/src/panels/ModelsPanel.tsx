/**
 * The model manager: installed models (size, precision, which provider runs each component of
 * the running one and why others were skipped), pick, add a folder, remove, download from the
 * Hugging Face hub with progress, pause/resume/cancel, and the execution provider setting.
 * Everything it shows comes from main (models:*, settings:*, engine:status).
 */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { parseIpcError } from '../../../shared/ipc/api';
import type { AppSettings, DownloadProgressWire, InstalledModelWire, ModelDownloadRequest, ModelsOverview } from '../../../shared/ipc/channels';
import { switchModel, type Editor } from '../editor';
import { useDocument, useEditor, useUi } from '../hooks';
import { formatBytes } from '../../../shared/format';
import { CatalogueSection } from './ModelCatalogue';

const BUILTIN_MODEL_ID = 'palette-colors';
const PROVIDERS: Array<{ value: AppSettings['executionProvider']; label: string }> = [
  { value: 'auto', label: 'Automatic (GPU first, CPU last)' },
  { value: 'cpu', label: 'CPU' },
  { value: 'cuda', label: 'CUDA (NVIDIA)' },
  { value: 'dml', label: 'DirectML (Windows)' },
  { value: 'coreml', label: 'CoreML (macOS)' },
  { value: 'webgpu', label: 'WebGPU' },
];
const SOURCE_LABEL: Record<InstalledModelWire['source'], string> = { builtin: 'built-in', downloaded: 'downloaded', user: 'folder' };


export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

/** the picker's list follows what is installed */
async function refreshPicker(editor: Editor): Promise<void> {
  editor.ui.set({ models: await editor.api.engine.listModels() });
}

/** The "Models…" button; the dialog opens over the workspace. */
export function ModelsPanel() {
  const editor = useEditor();
  // in the editor state, so the first-launch guide can open the dialog too
  const open = useUi().modelsOpen;
  // stable: the dialog's effects must not re-run (and re-read everything) on each status update
  const close = useCallback(() => editor.ui.set({ modelsOpen: false }), [editor]);
  // a download that ends while the dialog is closed still reaches the picker
  useEffect(
    () =>
      editor.api.events.on('models:downloadProgress', (p) => {
        if (p.state === 'done') void refreshPicker(editor).catch(() => undefined);
      }),
    [editor],
  );
  return (
    <>
      <button type="button" data-testid="open-models" onClick={() => editor.ui.set({ modelsOpen: true })}>
        Models…
      </button>
      {open ? <ModelsDialog onClose={close} /> : null}
    </>
  );
}

function ModelsDialog({ onClose }: { onClose: () => void }) {
  const editor = useEditor();
  const ui = useUi();
  const doc = useDocument();
  const { api } = editor;
  const [models, setModels] = useState<InstalledModelWire[] | null>(null);
  const [downloads, setDownloads] = useState<Map<string, DownloadProgressWire>>(new Map());
  const downloadsNow = useRef(downloads);
  downloadsNow.current = downloads;
  const [settings, setSettings] = useState<AppSettings | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [repo, setRepo] = useState('');
  const [revision, setRevision] = useState('');
  const [token, setToken] = useState('');

  const refresh = useCallback(async () => {
    const overview: ModelsOverview = await api.models.list();
    setModels(overview.models);
    setDownloads((prev) => {
      const next = new Map(prev);
      for (const d of overview.downloads) next.set(d.downloadId, d);
      return next;
    });
  }, [api]);

  // one place turns a failed call into the line the user reads
  const attempt = useCallback(async (task: () => Promise<unknown>) => {
    setError(null);
    setBusy(true);
    try {
      await task();
    } catch (e) {
      setError(parseIpcError(e).message);
    } finally {
      setBusy(false);
    }
  }, []);

  useEffect(() => {
    // a background read: it must not disable the buttons the user is about to press
    Promise.all([refresh(), api.settings.get().then(setSettings)]).catch((e: unknown) => setError(parseIpcError(e).message));
  }, [api, refresh]);

  useEffect(() => {
    const off = api.events.on('models:downloadProgress', (p) => {
      setDownloads((prev) => {
        const next = new Map(prev);
        if (p.state === 'done' || p.state === 'cancelled') next.delete(p.downloadId);
        else next.set(p.downloadId, p);
        return next;
      });
      if (p.state === 'done') void refresh().catch(() => undefined);
    });
    return off;
  }, [api, refresh]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const activeId = ui.status?.modelId ?? null;

  const use = (id: string) =>
    attempt(async () => {
      await switchModel(editor, id);
      await refresh();
    });

  const remove = (model: InstalledModelWire) =>
    attempt(async () => {
      // the picture keeps rendering: on the built-in model, before the files go away
      if (doc.modelId === model.id || activeId === model.id) await switchModel(editor, BUILTIN_MODEL_ID);
      await api.models.remove({ id: model.id });
      await refresh();
      await refreshPicker(editor);
    });

  const addFolder = () =>
    attempt(async () => {
      const added = await api.models.addFolder();
      if (!added) return;
      await refresh();
      await refreshPicker(editor);
    });

  const beginDownload = (request: ModelDownloadRequest) =>
    attempt(async () => {
      const before = downloadsNow.current;
      const started = await api.models.download(request);
      // events travel apart from the reply: one that came first (a quick 401) is newer than it
      setDownloads((prev) => (prev.get(started.downloadId) !== before.get(started.downloadId) ? prev : new Map(prev).set(started.downloadId, started)));
    });
  const startDownload = (e: FormEvent) => {
    e.preventDefault();
    void beginDownload({ repo: repo.trim(), ...(revision.trim() ? { revision: revision.trim() } : {}), ...(token.trim() ? { token: token.trim() } : {}) });
  };

  const setProvider = (executionProvider: AppSettings['executionProvider']) =>
    attempt(async () => setSettings(await api.settings.set({ executionProvider })));
  const setThreads = (engineThreads: number) => attempt(async () => setSettings(await api.settings.set({ engineThreads })));

  return (
    <div className="models-backdrop" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <div className="models-dialog" role="dialog" aria-modal="true" aria-label="Models" data-testid="models-panel">
        <header className="models-header">
          <h2>Models</h2>
          <button type="button" className="icon" aria-label="Close" data-testid="models-close" onClick={onClose}>
            ✕
          </button>
        </header>

        {error ? (
          <p className="models-error" role="alert" data-testid="models-error">
            {error}
          </p>
        ) : null}

        <table className="models-table">
          <thead>
            <tr>
              <th>Model</th>
              <th>Size</th>
              <th>Precision</th>
              <th>Runs on</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(models ?? []).map((m) => (
              <ModelRow key={m.id} model={m} active={m.id === activeId} busy={busy || !!ui.status?.loading} onUse={() => void use(m.id)} onRemove={() => void remove(m)} />
            ))}
          </tbody>
        </table>
        {models === null ? <p className="hint">Reading the installed models…</p> : null}
        <div className="row models-actions">
          <button type="button" data-testid="models-add-folder" disabled={busy} onClick={() => void addFolder()}>
            Add folder…
          </button>
        </div>

        <CatalogueSection models={models} downloads={downloads} busy={busy} onDownload={(entry) => void beginDownload({ repo: entry.repo!, ...(entry.kind === 'preview-decoder' ? { layout: 'preview-decoder' } : {}) })} />

        <form className="models-download" data-testid="download-form" onSubmit={startDownload}>
          <h3>Download from Hugging Face</h3>
          <div className="row">
            <label className="field">
              <span className="field-label">Repository</span>
              <input type="text" data-testid="download-repo" placeholder="SimianLuo/LCM_Dreamshaper_v7" value={repo} onChange={(e) => setRepo(e.currentTarget.value)} />
            </label>
            <label className="field">
              <span className="field-label">Revision</span>
              <input type="text" data-testid="download-revision" placeholder="main" value={revision} onChange={(e) => setRevision(e.currentTarget.value)} />
            </label>
          </div>
          <label className="field">
            <span className="field-label">Access token (gated or private models only; not stored)</span>
            <input type="password" data-testid="download-token" placeholder="hf_…" autoComplete="off" value={token} onChange={(e) => setToken(e.currentTarget.value)} />
          </label>
          <button type="submit" data-testid="download-start" disabled={busy || repo.trim() === ''}>
            Download
          </button>
        </form>
        {[...downloads.values()].map((d) => (
          <DownloadRow key={d.downloadId} download={d} attempt={attempt} />
        ))}

        <section className="models-runtime">
          <h3>Execution</h3>
          <div className="row">
            <label className="field">
              <span className="field-label">Execution provider</span>
              <select
                data-testid="execution-provider"
                value={settings?.executionProvider ?? 'auto'}
                disabled={!settings}
                onChange={(e) => void setProvider(e.currentTarget.value as AppSettings['executionProvider'])}
              >
                {PROVIDERS.map((p) => (
                  <option key={p.value} value={p.value}>
                    {p.label}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span className="field-label">Threads (0 = automatic)</span>
              <input
                type="number"
                data-testid="engine-threads"
                min={0}
                max={256}
                value={settings?.engineThreads ?? 0}
                disabled={!settings}
                onChange={(e) => void setThreads(Math.max(0, Math.min(256, Math.floor(Number(e.currentTarget.value) || 0))))}
              />
            </label>
          </div>
          <p className="hint">A provider that cannot run here falls back to the CPU; a notice says so.</p>
          <p className="hint">Automatic threads use every core but one, so painting stays smooth while the picture renders.</p>
        </section>
      </div>
    </div>
  );
}

function ModelRow(props: { model: InstalledModelWire; active: boolean; busy: boolean; onUse: () => void; onRemove: () => void }) {
  const { model: m, active } = props;
  const ui = useUi();
  // the running model's providers come live from the engine's status
  const providers = active ? (ui.status?.providers ?? m.providers ?? {}) : (m.providers ?? {});
  const skipped = active ? (ui.status?.skippedProviders ?? m.skippedProviders ?? {}) : (m.skippedProviders ?? {});
  const reasons = new Map<string, string>();
  for (const list of Object.values(skipped)) for (const s of list) if (!reasons.has(s.provider)) reasons.set(s.provider, s.reason);
  return (
    <tr className={`model-row${active ? ' active' : ''}`} data-testid="model-row" data-id={m.id} data-source={m.source} data-active={active}>
      <td>
        <div className="model-name" data-testid="model-name">
          {m.name}
        </div>
        <div className="hint">
          <span data-testid="model-source">{SOURCE_LABEL[m.source]}</span>
          {m.revision && m.revision !== 'main' ? ` · ${m.revision}` : ''}
          {active ? ' · in use' : ''}
          {m.kind === 'preview-decoder' ? <span data-testid="model-kind"> · preview decoder for {m.previewFamily === 'sdxl' ? 'SDXL' : 'SD 1.x / 2.x'} live frames</span> : null}
        </div>
        {m.streamBatch ? (
          <div className="hint" data-testid="model-stream-batch" data-batchable={m.streamBatch.batchable} title={m.streamBatch.note}>
            {m.streamBatch.batchable ? 'Stream batch: one UNet call per frame' : `Slower stream: ${m.streamBatch.note}`}
          </div>
        ) : null}
        {!m.complete ? (
          <div className="models-problems" data-testid="model-problems">
            Cannot run: {m.problems.join('; ')}
          </div>
        ) : null}
      </td>
      <td data-testid="model-size">{formatBytes(m.sizeBytes)}</td>
      <td data-testid="model-precision">{m.precision}</td>
      <td>
        {Object.keys(providers).length > 0 ? (
          <>
            <ul className="model-providers" data-testid="model-providers">
              {Object.entries(providers).map(([component, provider]) => (
                <li key={component} data-component={component} data-provider={provider}>
                  {component}: <strong>{provider}</strong>
                </li>
              ))}
            </ul>
            {[...reasons].map(([provider, reason]) => (
              <div key={provider} className="hint" data-testid="model-skipped" data-provider={provider}>
                {provider} skipped: {reason}
              </div>
            ))}
          </>
        ) : (
          <span className="hint">{m.complete ? 'shown once loaded' : '—'}</span>
        )}
      </td>
      <td className="model-actions">
        <button type="button" data-testid="model-use" disabled={props.busy || active || !m.complete || m.kind === 'preview-decoder'} onClick={props.onUse}>
          {active ? 'In use' : 'Use'}
        </button>
        {m.source !== 'builtin' ? (
          <button type="button" data-testid="model-remove" disabled={props.busy} onClick={props.onRemove} title={m.source === 'user' ? 'Forget this folder (its files stay)' : 'Delete this download'}>
            {m.source === 'user' ? 'Forget' : 'Remove'}
          </button>
        ) : null}
      </td>
    </tr>
  );
}

function DownloadRow({ download: d, attempt }: { download: DownloadProgressWire; attempt: (task: () => Promise<unknown>) => Promise<void> }) {
  const { api } = useEditor();
  const id = { downloadId: d.downloadId };
  const running = d.state === 'listing' || d.state === 'downloading' || d.state === 'installing';
  const stats = [
    `${formatBytes(d.bytesDone)} of ${d.bytesTotal > 0 ? formatBytes(d.bytesTotal) : '…'}`,
    d.state === 'downloading' && d.bytesPerSecond > 0 ? `${formatBytes(d.bytesPerSecond)}/s` : '',
    d.state === 'downloading' && d.secondsLeft !== null ? `${formatDuration(d.secondsLeft)} left` : '',
    d.state === 'paused' ? 'paused' : d.state === 'listing' ? 'listing files…' : d.state === 'installing' ? 'verifying and installing…' : '',
  ].filter(Boolean);
  return (
    <div className={`download-row ${d.state}`} data-testid="download-row" data-id={d.downloadId} data-state={d.state}>
      <div className="download-title">
        <strong>{d.revision === 'main' ? d.repo : `${d.repo}@${d.revision}`}</strong>
        {d.file && d.fileCount > 0 && running ? <span className="hint"> · {Math.min(d.fileIndex + 1, d.fileCount)}/{d.fileCount} {d.file}</span> : null}
      </div>
      <progress data-testid="download-progress" max={d.bytesTotal || 1} value={d.bytesTotal ? d.bytesDone : undefined} />
      <div className="hint" data-testid="download-stats">
        {stats.join(' · ')}
      </div>
      {d.error ? (
        <div className="models-error" role="alert" data-testid="download-error" data-code={d.error.code}>
          {d.error.message}
        </div>
      ) : null}
      <div className="row">
        {d.state === 'paused' || d.state === 'failed' ? (
          <button type="button" data-testid="download-resume" onClick={() => void attempt(() => api.models.resume(id))}>
            {d.state === 'failed' ? 'Retry' : 'Resume'}
          </button>
        ) : (
          <button type="button" data-testid="download-pause" disabled={!running || d.state === 'installing'} onClick={() => void attempt(() => api.models.pause(id))}>
            Pause
          </button>
        )}
        <button type="button" data-testid="download-cancel" onClick={() => void attempt(() => api.models.cancel(id))}>
          Cancel
        </button>
      </div>
    </div>
  );
}

