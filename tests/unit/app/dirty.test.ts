import { choiceFromButton, DirtyTracker, UNSAVED_BUTTONS, unsavedQuestion, windowTitle, type UnsavedChoice, type UnsavedQuestion } from '../../../main/app/dirty';

function tracker(answers: UnsavedChoice[]) {
  const asked: UnsavedQuestion[] = [];
  const t = new DirtyTracker(async (q) => {
    asked.push(q);
    return answers.shift() ?? 'cancel';
  });
  return { t, asked };
}

describe('dirty marker and the unsaved-changes prompt', () => {
  test('the window title carries the unsaved marker only while unsaved', () => {
    expect(windowTitle(null, false)).toBe('Untitled — Semantic Palette');
    expect(windowTitle('/art/fox.palette', true)).toBe('• fox.palette — Semantic Palette');
    const { t } = tracker([]);
    const seen: string[] = [];
    t.onChange(() => seen.push(t.title));
    t.set(true);
    t.set(true); // no change, no event
    t.set(false, '/art/fox.palette');
    t.set(true);
    expect(seen).toEqual(['• Untitled — Semantic Palette', 'fox.palette — Semantic Palette', '• fox.palette — Semantic Palette']);
  });

  test('a clean document goes on without a question', async () => {
    const { t, asked } = tracker(['cancel']);
    for (const action of ['close', 'new', 'open', 'openRecent', 'restore'] as const) expect(await t.confirm(action)).toBe('proceed');
    expect(asked).toEqual([]);
  });

  test("an unsaved one asks, naming the file and the action: Save → save first, Don't Save → go on, Cancel → stay", async () => {
    const { t, asked } = tracker(['save', 'discard', 'cancel']);
    t.set(true, '/art/fox.palette');
    expect(await t.confirm('new')).toBe('save');
    expect(await t.confirm('open')).toBe('proceed');
    expect(await t.confirm('close')).toBe('cancel');
    expect(asked.map((q) => q.message)).toEqual([
      'Save the changes to "fox.palette" before starting a new document?',
      'Save the changes to "fox.palette" before opening another document?',
      'Save the changes to "fox.palette" before closing?',
    ]);
    // the question never changes the state: only a save (or a new document) does
    expect(t.dirty).toBe(true);
  });

  test('message box buttons map to choices; Esc or an unknown index is Cancel', () => {
    expect(UNSAVED_BUTTONS.map((b) => b.label)).toEqual(['Save', "Don't Save", 'Cancel']);
    expect([0, 1, 2, -1, 7].map(choiceFromButton)).toEqual(['save', 'discard', 'cancel', 'cancel', 'cancel']);
    expect(unsavedQuestion('close', null)).toMatchObject({ name: 'Untitled', detail: expect.stringContaining('lost') });
  });
});
