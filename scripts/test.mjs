// The test command (`npm test`): makes sure what the suite needs is on the machine (Chromium, and
// redis-server for the queue tests), builds, and runs node's test runner over dist/test/. The browser-measurement test needs Chromium: Debian's package
// is installed here when missing and this user is root (as CI runs); otherwise the run stops at once
// with the command to run, instead of failing one test after minutes.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const sh = (cmd, args, opts = {}) => spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
const have = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

/** Install a Debian package when this user is root and apt-get exists; true when it worked. */
function aptInstall(pkg, why) {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root || !have('apt-get')) return false;
  console.error(`npm test: installing Debian's ${pkg} for ${why} (apt-get install ${pkg})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  return sh('apt-get', ['update', '-qq'], { env }).status === 0 && sh('apt-get', ['install', '-y', '-qq', pkg], { env, stdio: ['ignore', 'ignore', 'inherit'] }).status === 0;
}

function ensureChromium() {
  if (process.env.BRPNAS_SKIP_BROWSER === '1' || process.env.BRPNAS_CHROMIUM || have('chromium') || existsSync('/usr/bin/chromium')) return;
  if (aptInstall('chromium', 'the browser-measurement test')) return;
  console.error('npm test: Chromium is missing and could not be installed here. Install it (sudo apt-get install chromium), point $BRPNAS_CHROMIUM at a Chromium binary, or set BRPNAS_SKIP_BROWSER=1 to skip the browser-measurement test explicitly.');
  process.exit(1);
}

// the queue tests start a real redis-server (Debian's package) on 127.0.0.1
function ensureRedis() {
  if (have('redis-server') || existsSync('/usr/bin/redis-server')) return;
  if (aptInstall('redis-server', 'the queue tests')) return;
  console.error('npm test: redis-server is missing and could not be installed here. Install it (sudo apt-get install redis-server): the queue tests start one on 127.0.0.1.');
  process.exit(1);
}

// the evaluate tests read Fashion-MNIST's test images (Debian's dataset-fashion-mnist, IDX files)
function ensureFashionMnist() {
  if (existsSync('/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz') || process.env.BRPNAS_FASHION_MNIST) return;
  if (aptInstall('dataset-fashion-mnist', 'the evaluate tests')) return;
  console.error("npm test: Fashion-MNIST is missing and could not be installed here. Install it (sudo apt-get install dataset-fashion-mnist) or point $BRPNAS_FASHION_MNIST at a directory of its IDX files.");
  process.exit(1);
}

// the training tests run the shipped PyTorch trainer: any Python with torch, else Debian's python3-torch
function ensureTorch() {
  const hasTorch = (py) => spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
  if (process.env.BRPNAS_PYTHON || hasTorch('python3') || hasTorch('/usr/bin/python3')) return;
  if (aptInstall('python3-torch', 'the training tests')) return;
  console.error('npm test: no Python with PyTorch was found and none could be installed here. Install one (pip install torch, or sudo apt-get install python3-torch) or point $BRPNAS_PYTHON at a Python that has it.');
  process.exit(1);
}

ensureChromium();
ensureRedis();
ensureFashionMnist();
ensureTorch();
const build = sh(process.execPath, [join(root, 'scripts/build.mjs')]);
if (build.status !== 0) process.exit(build.status ?? 1);
// the runner's TAP goes through as it comes; the failed tests are named at the end, just before the
// runner's own closing summary (which stays last), so a failure in a thousand lines is found at once
const failed = [];
const summary = [];
let pending = '';
const line = (l) => {
  if (/^not ok \d+ - /.test(l)) failed.push(l.replace(/^not ok \d+ - /, ''));
  if (summary.length || /^# tests \d+/.test(l)) summary.push(l);
  else process.stdout.write(l + '\n');
};
const child = spawn(process.execPath, ['--test', '--test-reporter=tap', '--test-concurrency=2', 'dist/test/'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
child.stdout.on('data', (chunk) => {
  const lines = (pending + chunk).split('\n');
  pending = lines.pop();
  lines.forEach(line);
});
child.on('close', (code) => {
  if (pending) line(pending);
  if (failed.length) process.stdout.write(`# npm test: ${failed.length} failed:\n${failed.map((f) => `#   - ${f}`).join('\n')}\n`);
  process.stdout.write(summary.map((l) => l + '\n').join(''));
  process.exit(code ?? 1);
});
