/** The app's name, and the window title main (the native title bar) and the renderer both show. */
export const APP_NAME = 'Semantic Palette';

/** "• fox.palette — Semantic Palette" while unsaved, "fox.palette — Semantic Palette" once saved */
export function titleFor(documentName: string, dirty: boolean): string {
  return `${dirty ? '• ' : ''}${documentName} — ${APP_NAME}`;
}
