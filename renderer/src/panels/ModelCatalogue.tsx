/** The Models dialog's "Recommended models": the catalogue, grouped by family, one-click download. */
import { useEffect, useState } from 'react';
import type { CatalogueEntryWire, DownloadProgressWire, InstalledModelWire } from '../../../shared/ipc/channels';
import { formatBytes } from '../../../shared/format';
import { useEditor } from '../hooks';

/**
 * Recommended models per family (main/model-manager/catalogue.ts), few-step first: size,
 * precision, licence, settings to start from, what is not confirmed; one click downloads.
 */
export function CatalogueSection(props: { models: InstalledModelWire[] | null; downloads: Map<string, DownloadProgressWire>; busy: boolean; onDownload: (entry: CatalogueEntryWire) => void }) {
  const { api } = useEditor();
  const [entries, setEntries] = useState<CatalogueEntryWire[] | null>(null);
  // re-read when the installed list changes (a download finished, a model was removed)
  useEffect(() => {
    let alive = true;
    api.models.catalogue().then((e) => alive && setEntries(e), () => alive && setEntries([]));
    return () => {
      alive = false;
    };
  }, [api, props.models]);
  if (!entries) return null;
  const families = [...new Set(entries.map((e) => e.familyLabel))];
  const downloading = new Set([...props.downloads.values()].filter((d) => d.state !== 'failed').map((d) => d.repo));
  return (
    <section className="models-catalogue" data-testid="models-catalogue">
      <h3>Recommended models</h3>
      <p className="hint">Few-step models first: they keep the canvas live. Check each licence before you use the pictures.</p>
      {families.map((label) => (
        <div key={label} className="catalogue-family" data-testid="catalogue-family" data-family={label}>
          <h4>{label}</h4>
          <ul className="catalogue-list">
            {entries
              .filter((e) => e.familyLabel === label)
              .map((e) => (
                <li key={e.id} className="catalogue-entry" data-testid="catalogue-entry" data-id={e.id} data-kind={e.kind}>
                  <div className="row">
                    <strong>{e.name}</strong>
                    {e.kind === 'preview-decoder' ? <span className="hint"> · preview decoder</span> : null}
                    <span className="spacer" />
                    {e.installedId ? (
                      <span className="hint" data-testid="catalogue-installed">Installed</span>
                    ) : (
                      <button type="button" data-testid="catalogue-download" disabled={props.busy || !e.repo || (e.repo !== null && downloading.has(e.repo))} title={e.repo ? `Download ${e.repo}` : 'No ONNX export to download'} onClick={() => props.onDownload(e)}>
                        {e.repo ? 'Download' : 'Export yourself'}
                      </button>
                    )}
                  </div>
                  <div className="hint" data-testid="catalogue-facts">
                    {e.repo ?? 'no ONNX export'} · {e.sizeBytes === null ? 'size unknown' : `~${formatBytes(e.sizeBytes)}`} · {e.precision}
                  </div>
                  <div className="hint">Licence: {e.licence}</div>
                  <div className="hint">Settings: {e.settings}</div>
                  <div className="hint">{e.note}</div>
                  {e.unverified.length ? (
                    <div className="hint" data-testid="catalogue-unverified">
                      Not confirmed: {e.unverified.join(', ')} (checked: {e.source})
                    </div>
                  ) : (
                    <div className="hint">Checked: {e.source}</div>
                  )}
                </li>
              ))}
          </ul>
        </div>
      ))}
    </section>
  );
}
