/** The frame history strip: the last distinct frames, newest on the right; a click shows one in the output. */
import { useEffect, useRef, useSyncExternalStore } from 'react';
import { useEditor, useUi } from '../hooks';
import type { HistoryFrame } from '../frame-history';
import { viewFrame } from '../results';
import { drawFrame } from '../editor';

const THUMB = 48;

function Thumb({ frame }: { frame: HistoryFrame }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = ref.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    // drawn from the frame's own pixels (no copy of them per thumbnail)
    const full = document.createElement('canvas');
    drawFrame(full, frame);
    const scale = THUMB / Math.max(frame.width, frame.height);
    c.width = Math.max(1, Math.round(frame.width * scale));
    c.height = Math.max(1, Math.round(frame.height * scale));
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(full, 0, 0, c.width, c.height);
  }, [frame]);
  return <canvas ref={ref} />;
}

export function FrameStrip() {
  const editor = useEditor();
  const ui = useUi();
  const { frames } = useSyncExternalStore(editor.history.subscribe, editor.history.getState);
  const listRef = useRef<HTMLOListElement>(null);
  // the newest frame stays in sight unless the user is looking back
  useEffect(() => {
    const list = listRef.current;
    if (list && ui.viewingFrameId === null) list.scrollLeft = list.scrollWidth;
  }, [frames, ui.viewingFrameId]);
  return (
    <ol className="frame-strip" data-testid="frame-strip" aria-label="Frame history" ref={listRef}>
      {frames.length === 0 ? <li className="hint">Frames you render appear here.</li> : null}
      {frames.map((f, i) => {
        const current = ui.viewingFrameId === null ? i === frames.length - 1 : f.id === ui.viewingFrameId;
        return (
          <li key={f.id}>
            <button
              type="button"
              className="frame-thumb"
              data-testid="history-frame"
              data-frame-id={f.id}
              aria-current={current ? 'true' : undefined}
              title={`Frame ${i + 1} of ${frames.length}${i === frames.length - 1 ? ' (newest)' : ''}`}
              onClick={() => viewFrame(editor, i === frames.length - 1 && ui.viewingFrameId === null ? null : f.id)}
            >
              <Thumb frame={f} />
            </button>
          </li>
        );
      })}
    </ol>
  );
}
