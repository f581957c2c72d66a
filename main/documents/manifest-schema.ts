import Ajv, { type ErrorObject } from 'ajv';
import schema from '../../docs/palette.schema.json';
import type { PaletteManifest } from '../../shared/document';
import { PaletteError } from '../../shared/errors';

const ajv = new Ajv({ allErrors: false, strict: true });
const validate = ajv.compile<PaletteManifest>(schema);

function describe(error: ErrorObject): string {
  const where = `palette.json ${error.instancePath || '(top level)'}`;
  if (error.keyword === 'additionalProperty' || error.keyword === 'additionalProperties') {
    return `${where} has an unknown field "${(error.params as { additionalProperty: string }).additionalProperty}"`;
  }
  if (error.keyword === 'required') return `${where} is missing "${(error.params as { missingProperty: string }).missingProperty}"`;
  if (error.keyword === 'enum') return `${where} must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  return `${where} ${error.message ?? 'is invalid'}`;
}

/** docs/palette.schema.json, compiled once */
export function validateManifestSchema(manifest: unknown): asserts manifest is PaletteManifest {
  if (!validate(manifest)) {
    const first = validate.errors?.[0];
    throw new PaletteError('E_MANIFEST_SCHEMA', first ? describe(first) : 'palette.json does not match the schema');
  }
}
