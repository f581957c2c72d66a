/** PaletteError keeps its message to one short line whatever a file or payload puts into it. */
import { MAX_MESSAGE_LENGTH, PaletteError, oneLine, quoteValue } from '../../../shared/errors';

test('line breaks of every kind become spaces and long messages are cut with an ellipsis', () => {
  expect(new PaletteError('E_X', 'a\nb\r\nc\u2028d\u2029e').message).toBe('a b c d e');
  const long = new PaletteError('E_X', 'x'.repeat(10_000)).message;
  expect(long).toHaveLength(MAX_MESSAGE_LENGTH);
  expect(long.endsWith('…')).toBe(true);
  expect(oneLine('short')).toBe('short');
});

test('quoteValue is short and never throws', () => {
  let deep: unknown = 0;
  for (let i = 0; i < 100_000; i++) deep = { a: deep };
  expect(quoteValue(deep)).toBe('a deeply nested value');
  expect(quoteValue('a'.repeat(5000))).toBe('a 5000-character string starting "aaaaaaaaaaaaaaaaaaaa"');
  expect(quoteValue(Array.from({ length: 50 }, () => 1))).toBe('a list of 50 items');
  expect(quoteValue('x\u2028y')).toBe('"x y"');
  expect(quoteValue(undefined)).toBe('undefined');
  expect(quoteValue(12)).toBe('12');
});
