/**
 * Compile-time checks that the wire schemas in shared/ipc match the engine's own types
 * (main/engine/pipeline-api.ts), so the two can't drift apart silently. No runtime code.
 */
import type { EngineBackground, EngineLayer, EngineSettings } from '../engine/pipeline-api';
import type { EngineBackgroundWire, EngineLayerWire, EngineSettingsWire } from '../../shared/ipc/channels';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;

export type EngineSettingsMatch = Assert<Same<EngineSettings, EngineSettingsWire>>;
export type EngineLayerMatch = Assert<Same<EngineLayer, EngineLayerWire>>;
export type EngineBackgroundMatch = Assert<Same<EngineBackground, EngineBackgroundWire>>;
