#!/usr/bin/env node
/**
 * `npm run setup:cuda`: installs onnxruntime-node's CUDA provider libraries (Linux x64).
 *
 * They are too large for the npm package, so onnxruntime-node's own install script fetches
 * them from NuGet (Microsoft.ML.OnnxRuntime.Gpu.Linux). A plain `npm install` of this app
 * skips that step (ONNXRUNTIME_NODE_INSTALL=skip) so it works offline; this command runs the
 * same script on purpose, with the CUDA flag it understands (`ONNXRUNTIME_NODE_INSTALL=cuda12`,
 * the environment form of `--onnxruntime-node-install=cuda12`).
 *
 * Needs: an NVIDIA driver, CUDA 12.x and cuDNN 9 runtime libraries on the library path.
 * Options: --dry-run (print what would run), --cuda=12 (the only version 1.30 supports).
 */
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const args = process.argv.slice(2);
const dryRun = args.includes('--dry-run');
const cudaArg = args.find((a) => a.startsWith('--cuda='));
const cuda = cudaArg ? cudaArg.slice('--cuda='.length) : '12';

function fail(message) {
  console.error(`setup:cuda: ${message}`);
  process.exit(1);
}

if (cuda !== '12') fail(`CUDA ${cuda} is not supported by onnxruntime-node 1.30; use --cuda=12`);
const platform = `${process.platform}/${process.arch}`;
if (platform !== 'linux/x64') {
  console.log(
    `setup:cuda: nothing to do on ${platform}: CUDA libraries are installed this way on Linux x64 only. ` +
      'Windows uses DirectML and macOS CoreML, both bundled with onnxruntime-node.',
  );
  process.exit(0);
}

let packageDir;
try {
  packageDir = path.dirname(require.resolve('onnxruntime-node/package.json', { paths: [path.join(__dirname, '..')] }));
} catch {
  fail('onnxruntime-node is not installed; run `npm install` first');
}
const installScript = path.join(packageDir, 'script', 'install.js');
if (!fs.existsSync(installScript)) fail(`${installScript} not found (onnxruntime-node changed its layout?)`);
const version = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')).version;
const binDir = path.join(packageDir, 'bin', 'napi-v6', 'linux', 'x64');

// The flag must win over an inherited "skip" (from .npmrc or the CI environment).
const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: `cuda${cuda}` };
delete env.npm_config_onnxruntime_node_install;
delete env.ONNXRUNTIME_NODE_INSTALL_CUDA;
delete env.npm_config_onnxruntime_node_install_cuda;

console.log(`setup:cuda: onnxruntime-node ${version} in ${packageDir}`);
console.log(`setup:cuda: running ONNXRUNTIME_NODE_INSTALL=cuda${cuda} node ${path.relative(process.cwd(), installScript)}`);
console.log(`setup:cuda: it downloads Microsoft.ML.OnnxRuntime.Gpu.Linux from NuGet into ${binDir}`);
if (dryRun) {
  console.log('setup:cuda: --dry-run, nothing downloaded');
  process.exit(0);
}

const result = spawnSync(process.execPath, [installScript], { cwd: packageDir, env, stdio: 'inherit' });
if (result.status !== 0) {
  fail(`the onnxruntime-node install script failed (exit ${result.status ?? result.signal}); see its output above`);
}
const wanted = ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so'];
const missing = wanted.filter((f) => !fs.existsSync(path.join(binDir, f)));
if (missing.length > 0) {
  // The install script exits 0 even when NuGet cannot be reached, so check its result here.
  fail(`${missing.join(', ')} not installed in ${binDir}: is api.nuget.org reachable from this machine?`);
}
console.log(`setup:cuda: installed ${wanted.join(', ')} in ${binDir}`);
console.log('setup:cuda: the app now tries CUDA first; it falls back to CPU when the CUDA/cuDNN runtime is missing.');
