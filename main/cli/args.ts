import { parseArgs, type ParseArgsConfig } from 'node:util';
import { PaletteError } from '../../shared/errors';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs, with its errors turned into one-line usage errors. */
export function parseCommandArgs(command: string, args: string[], options: Options, maxPositionals: number) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    const message = (e as Error).message.split('\n')[0];
    throw new PaletteError('E_USAGE', `palette ${command}: ${message}`);
  }
  if (parsed.positionals.length > maxPositionals) {
    throw new PaletteError('E_USAGE', `palette ${command}: unexpected argument '${parsed.positionals[maxPositionals]}'`);
  }
  return parsed;
}

export function parseIntegerOption(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new PaletteError('E_USAGE', `--${name} must be a whole number from ${min} to ${max} (got '${value}')`);
  }
  return n;
}

export function parseNumberOption(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw new PaletteError('E_USAGE', `--${name} must be a number from ${min} to ${max} (got '${value}')`);
  }
  return n;
}

export function parseChoice<T extends string>(name: string, value: string | undefined, choices: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) {
    throw new PaletteError('E_USAGE', `--${name} must be one of ${choices.join(', ')} (got '${value}')`);
  }
  return value as T;
}

/** `--steps 0,4,12,25,37`: step indices into the 50 LCM timesteps, strictly increasing. */
export function parseSteps(value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  const parts = value.split(',').map((s) => s.trim());
  const steps = parts.map((p) => Number(p));
  if (parts.some((p) => !/^\d+$/.test(p)) || steps.some((s) => s > 49)) {
    throw new PaletteError('E_USAGE', `--steps must be comma-separated step indices from 0 to 49, e.g. 0,4,12,25,37 (got '${value}')`);
  }
  for (let i = 1; i < steps.length; i++) {
    if (steps[i] <= steps[i - 1]) {
      throw new PaletteError('E_USAGE', `--steps must be strictly increasing (got '${value}')`);
    }
  }
  return steps;
}
