/** The live output beside the canvas, at the same zoom. The frame canvas is the editor's. */
import { useEffect, useRef } from 'react';
import { useDocument, useEditor, useUi } from '../hooks';

export function OutputView() {
  const editor = useEditor();
  const { canvas } = useDocument();
  const { zoom, frameIndex } = useUi();
  const hostRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    host.appendChild(editor.frameCanvas);
    return () => editor.frameCanvas.remove();
  }, [editor]);
  useEffect(() => {
    editor.frameCanvas.style.width = `${Math.round(canvas.width * zoom)}px`;
    editor.frameCanvas.style.height = `${Math.round(canvas.height * zoom)}px`;
  }, [editor, canvas.width, canvas.height, zoom]);
  return (
    <div className="viewport output" data-testid="output-view" data-frame-index={frameIndex}>
      <div ref={hostRef} />
    </div>
  );
}
