/**
 * The live output beside the canvas, showing the same part of the document at the same zoom
 * (the UI store's one view); wheel, pinch and drags move that view here too. The frame canvas
 * is the editor's.
 */
import { useEffect, useRef } from 'react';
import { useDocument, useEditor, useUi } from '../hooks';
import { attachNavigation } from './navigation';

export function OutputView() {
  const editor = useEditor();
  const { canvas } = useDocument();
  const { zoom, panX, panY, frameIndex } = useUi();
  const hostRef = useRef<HTMLDivElement>(null);
  const viewportRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const host = hostRef.current;
    const viewport = viewportRef.current;
    if (!host || !viewport) return;
    host.appendChild(editor.frameCanvas);
    const stopNavigation = attachNavigation(editor, viewport, { leftDragPans: true });
    return () => {
      stopNavigation();
      editor.frameCanvas.remove();
    };
  }, [editor]);
  useEffect(() => {
    const style = editor.frameCanvas.style;
    style.width = `${canvas.width * zoom}px`;
    style.height = `${canvas.height * zoom}px`;
    style.transform = `translate(${panX}px, ${panY}px)`;
  }, [editor, canvas.width, canvas.height, zoom, panX, panY]);
  return (
    <div className="viewport output" ref={viewportRef} data-testid="output-view" data-frame-index={frameIndex} data-zoom={zoom} data-pan-x={panX} data-pan-y={panY}>
      <div ref={hostRef} />
    </div>
  );
}
