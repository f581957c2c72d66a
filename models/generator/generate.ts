/**
 * `npm run models:generate`: writes the default palette-colors files into
 * models/palette-colors/ (or the folder given as the first argument).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildPaletteColors } from './palette-colors';

/** Writes a built model folder; files are written to a temporary name first, then renamed. */
export function writeModelFolder(files: ReadonlyMap<string, Uint8Array>, dir: string): void {
  for (const [rel, bytes] of files) {
    const target = path.join(dir, rel);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(`${target}.tmp`, bytes);
    fs.renameSync(`${target}.tmp`, target);
  }
}

function repoRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

if (require.main === module) {
  const out = process.argv[2] ?? path.join(repoRoot(__dirname), 'models', 'palette-colors');
  const files = buildPaletteColors();
  writeModelFolder(files, out);
  const bytes = [...files.values()].reduce((sum, b) => sum + b.length, 0);
  console.log(`palette-colors: ${files.size} files, ${bytes} bytes → ${out}`);
}
