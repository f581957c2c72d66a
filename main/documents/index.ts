/** Documents on disk: .palette read/write, PNG/PSD export, demo JSON import. */
export { readPalette, readPaletteDetailed, writePalette, type WritePaletteOptions } from './palette-file';
export { decodePalette, decodePaletteDetailed, type DecodedPalette } from './palette-decode';
export { encodePalette, buildManifest, buildStackXml, type EncodeOptions } from './palette-encode';
export { exportPng, readPngText, writePngExport, generationParameters, PARAMETERS_KEYWORD } from './export-png';
export { exportPsd, writePsdExport, psdLayerName, GENERATED_LAYER_NAME, BACKGROUND_PSD_LAYER_NAME } from './export-psd';
export { importDemoJson, importDemoFile, MASKS_NOTICE, type ImportResult } from './import-demo';
export { cleanStaleTemps, writeFileAtomic, type AtomicWriteOptions } from './atomic-write';
export { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from './zip-archive';
export { decodePng, encodePng, type RgbaImage } from './png-codec';
export { importOpenRaster, readOpenRaster, readOpenRasterMasks, readOraLayers, ORA_IMPORT_NOTICE, type OraLayer, type OraLayers } from './ora-import';
export { parseStackXml, type OraStack, type OraStackLayer } from './ora-stack';
