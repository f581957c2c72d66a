/** The views as a drop target: a picture dropped on the canvas (or the output) becomes the background image. */
import { useState, type ReactNode } from 'react';
import { useEditor } from '../hooks';
import { backgroundFromFile, dragHasFiles } from '../background';

export function CanvasDropTarget({ children }: { children: ReactNode }) {
  const editor = useEditor();
  const [over, setOver] = useState(false);
  return (
    <div
      className={`views${over ? ' drop-over' : ''}`}
      data-testid="views"
      onDragOver={(e) => {
        if (!dragHasFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setOver(true);
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOver(false);
      }}
      onDrop={(e) => {
        if (!dragHasFiles(e)) return;
        e.preventDefault();
        setOver(false);
        void backgroundFromFile(editor, e.dataTransfer.files[0]);
      }}
    >
      {children}
      {over ? <div className="drop-hint">Drop the picture to use it as the background</div> : null}
    </div>
  );
}
