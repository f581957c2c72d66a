/**
 * Unsaved work: what main knows of the document's state (the renderer reports it with
 * `document:setDirty`), the window title that shows it, and the one decision made before
 * anything replaces or closes the document: go on, save first, or stay. Pure: the question
 * itself (a native message box in the app, a scripted answer in tests) is injected.
 */
import * as path from 'node:path';
import { titleFor } from '../../shared/window-title';

/** What would replace or close the current document. */
export type UnsavedAction = 'close' | 'new' | 'open' | 'openRecent' | 'restore';

/** The user's answer to "Save changes?". */
export type UnsavedChoice = 'save' | 'discard' | 'cancel';

/** What the caller does next: go on, save first (then go on if the save happened), or nothing. */
export type UnsavedDecision = 'proceed' | 'save' | 'cancel';

export interface UnsavedQuestion {
  action: UnsavedAction;
  /** the document's file name, or "Untitled" */
  name: string;
  message: string;
  detail: string;
}

export type AskUnsaved = (question: UnsavedQuestion) => Promise<UnsavedChoice>;

/** Buttons of the prompt in their on-screen order, and what each one means. */
export const UNSAVED_BUTTONS: readonly { label: string; choice: UnsavedChoice }[] = [
  { label: 'Save', choice: 'save' },
  { label: "Don't Save", choice: 'discard' },
  { label: 'Cancel', choice: 'cancel' },
];

/** index of a message box button → choice; anything unexpected (Esc, closed box) is Cancel */
export function choiceFromButton(index: number): UnsavedChoice {
  return UNSAVED_BUTTONS[index]?.choice ?? 'cancel';
}

export function documentName(file: string | null): string {
  return file ? path.basename(file) : 'Untitled';
}

/** "• fox.palette — Semantic Palette" while unsaved, "fox.palette — Semantic Palette" once saved */
export function windowTitle(file: string | null, dirty: boolean): string {
  return titleFor(documentName(file), dirty);
}

const ACTION_WORDS: Record<UnsavedAction, string> = {
  close: 'closing',
  new: 'starting a new document',
  open: 'opening another document',
  openRecent: 'opening another document',
  restore: 'restoring the autosaved document',
};

export function unsavedQuestion(action: UnsavedAction, file: string | null): UnsavedQuestion {
  const name = documentName(file);
  return {
    action,
    name,
    message: `Save the changes to "${name}" before ${ACTION_WORDS[action]}?`,
    detail: "Your changes will be lost if you don't save them.",
  };
}

/** Tracks the document's saved/unsaved state and asks before unsaved work would be lost. */
export class DirtyTracker {
  private state = { dirty: false, file: null as string | null };
  private readonly listeners = new Set<(dirty: boolean, file: string | null) => void>();

  constructor(private readonly ask: AskUnsaved) {}

  get dirty(): boolean {
    return this.state.dirty;
  }

  get file(): string | null {
    return this.state.file;
  }

  get title(): string {
    return windowTitle(this.state.file, this.state.dirty);
  }

  set(dirty: boolean, file: string | null = this.state.file): void {
    const changed = dirty !== this.state.dirty || file !== this.state.file;
    this.state = { dirty, file };
    if (changed) for (const l of [...this.listeners]) l(dirty, file);
  }

  onChange(listener: (dirty: boolean, file: string | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Clean documents go on without a question; unsaved ones only after the user says so. */
  async confirm(action: UnsavedAction): Promise<UnsavedDecision> {
    if (!this.state.dirty) return 'proceed';
    const choice = await this.ask(unsavedQuestion(action, this.state.file));
    return choice === 'discard' ? 'proceed' : choice;
  }
}
