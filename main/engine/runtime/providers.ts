/**
 * Execution providers: which ones to try, in which order, per platform (issue 5). The session
 * code tries them in order and falls back; this file only names them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';

export const PROVIDERS = ['cuda', 'dml', 'coreml', 'webgpu', 'cpu'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

export function isProviderName(name: string): name is ProviderName {
  return (PROVIDERS as readonly string[]).includes(name);
}

/** GPU first where the platform can have it, CPU last because it always works. */
export function defaultProviderOrder(platform: NodeJS.Platform = process.platform): ProviderName[] {
  switch (platform) {
    case 'win32':
      return ['cuda', 'dml', 'webgpu', 'cpu'];
    case 'darwin':
      return ['coreml', 'webgpu', 'cpu'];
    case 'linux':
      return ['cuda', 'webgpu', 'cpu'];
    default:
      return ['cpu'];
  }
}

/** Providers this onnxruntime-node build knows (CUDA is listed but needs its libraries). */
export function availableProviders(): string[] {
  return ort.listSupportedBackends().map((b) => b.name);
}

/** Folders holding onnxruntime-node's native libraries for this platform. */
function nativeDirs(): string[] {
  try {
    const bin = path.join(path.dirname(require.resolve('onnxruntime-node/package.json')), 'bin');
    return fs.readdirSync(bin).map((napi) => path.join(bin, napi, process.platform, process.arch)).filter((d) => fs.existsSync(d));
  } catch {
    return [];
  }
}

/**
 * Why a provider cannot work here without even trying it, or undefined. Trying CUDA without its
 * libraries only prints a native error; the libraries come from `npm run setup:cuda`.
 */
export function providerUnavailableReason(provider: ProviderName): string | undefined {
  if (provider === 'cpu') return undefined;
  if (!availableProviders().includes(provider)) return `not available in this onnxruntime-node build (${process.platform}/${process.arch})`;
  if (provider === 'cuda') {
    const lib = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
    if (!nativeDirs().some((d) => fs.existsSync(path.join(d, lib)))) return `CUDA libraries are not installed (${lib} not found; run npm run setup:cuda)`;
  }
  // Dawn (WebGPU) on Linux needs the Vulkan loader; without it, trying only prints a native warning
  if (provider === 'webgpu' && process.platform === 'linux' && !hasVulkanLoader()) {
    return 'the Vulkan loader (libvulkan.so.1) is not installed';
  }
  return undefined;
}

const LINUX_LIBRARY_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/lib', '/lib/x86_64-linux-gnu'];

function hasVulkanLoader(): boolean {
  const extra = (process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
  return [...extra, ...LINUX_LIBRARY_DIRS].some((d) => fs.existsSync(path.join(d, 'libvulkan.so.1')));
}
