/**
 * Inputs bound to the document store. A slider drag is one gesture (one undo step);
 * typing into a field coalesces into one step until another field is edited.
 */
import { useRef, type ReactNode } from 'react';
import { useEditor, useUi } from '../hooks';
import { TokenCount } from './TokenCount';
import type { PaletteDocument } from '../store/document';

/** the draft is immer's; PaletteDocument has no readonly fields, so it types the draft exactly */
type Recipe<V> = (draft: PaletteDocument, value: V) => void;

export function SliderField(props: {
  label: string;
  testId: string;
  value: number;
  min: number;
  max: number;
  step: number;
  /** history label and coalescing key */
  mark: string;
  apply: Recipe<number>;
  format?: (v: number) => string;
}) {
  const { doc } = useEditor();
  const dragging = useRef(false);
  const end = () => {
    if (!dragging.current) return;
    dragging.current = false;
    doc.commitGesture();
  };
  return (
    <label className="field slider">
      <span className="field-label">{props.label}</span>
      <input
        type="range"
        data-testid={props.testId}
        min={props.min}
        max={props.max}
        step={props.step}
        value={props.value}
        onPointerDown={() => {
          dragging.current = true;
          doc.beginGesture(props.mark);
        }}
        onPointerUp={end}
        onBlur={end}
        onChange={(e) => {
          const v = Number(e.currentTarget.value);
          doc.update((d) => props.apply(d as PaletteDocument, v), { label: props.mark, coalesce: props.mark });
        }}
      />
      <output>{props.format ? props.format(props.value) : props.value}</output>
    </label>
  );
}

export function TextField(props: {
  label: string;
  testId: string;
  value: string;
  mark: string;
  apply: Recipe<string>;
  multiline?: boolean;
  placeholder?: string;
  /** a prompt: show its token count in the model's tokenizer */
  tokens?: boolean;
}) {
  const { doc } = useEditor();
  const onChange = (v: string) => doc.update((d) => props.apply(d as PaletteDocument, v), { label: props.mark, coalesce: props.mark });
  return (
    <label className="field text">
      <span className="field-label">{props.label}</span>
      {props.multiline ? (
        <textarea data-testid={props.testId} value={props.value} rows={2} placeholder={props.placeholder} onChange={(e) => onChange(e.currentTarget.value)} />
      ) : (
        <input type="text" data-testid={props.testId} value={props.value} placeholder={props.placeholder} onChange={(e) => onChange(e.currentTarget.value)} />
      )}
      {props.tokens ? <TokenCount text={props.value} testId={`${props.testId}-tokens`} /> : null}
    </label>
  );
}

/** A sidebar section; its heading folds it away (remembered for the session). */
export function Section(props: { title: string; testId: string; children: ReactNode }) {
  const editor = useEditor();
  const collapsed = useUi().collapsed[props.testId] ?? false;
  return (
    <section className={`panel${collapsed ? ' collapsed' : ''}`} data-testid={props.testId}>
      <h2>
        <button
          type="button"
          className="section-toggle"
          data-testid={`${props.testId}-toggle`}
          aria-expanded={!collapsed}
          onClick={() => editor.ui.set((s) => ({ collapsed: { ...s.collapsed, [props.testId]: !collapsed } }))}
        >
          <span aria-hidden="true">{collapsed ? '▸' : '▾'}</span> {props.title}
        </button>
      </h2>
      {collapsed ? null : props.children}
    </section>
  );
}
