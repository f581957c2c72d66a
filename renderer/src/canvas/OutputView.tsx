/**
 * The live output beside the canvas, showing the same part of the document at the same zoom
 * (the UI store's one view); wheel, pinch and drags move that view here too. The frame canvas
 * is the editor's.
 */
import { useEffect, useRef } from 'react';
import { useDocument, useEditor, useUi } from '../hooks';
import { attachNavigation } from './navigation';
import { pictureBox } from './view';

export function OutputView() {
  const editor = useEditor();
  const { canvas } = useDocument();
  const { zoom, panX, panY, frameIndex, viewingFrameId } = useUi();
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
  // the frame canvas has the shown frame's own size: re-placed on every frame and every view
  useEffect(() => {
    const c = editor.frameCanvas;
    const box = pictureBox({ zoom, panX, panY }, canvas, { width: c.width, height: c.height });
    c.style.width = `${box.width}px`;
    c.style.height = `${box.height}px`;
    c.style.transform = `translate(${box.x}px, ${box.y}px)`;
  }, [editor, canvas, zoom, panX, panY, frameIndex, viewingFrameId]);
  return (
    <div className="viewport output" ref={viewportRef} data-testid="output-view" data-frame-index={frameIndex} data-zoom={zoom} data-pan-x={panX} data-pan-y={panY}>
      <div ref={hostRef} />
    </div>
  );
}
