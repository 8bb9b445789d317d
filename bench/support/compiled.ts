import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const OUT = path.join(ROOT, 'dist-bench');
let built = false;

/**
 * The JavaScript a bench child process runs for one of the bench's .ts files: the gateway, the
 * sandboxes and the replica harness compiled by tsc (tsconfig.bench.json, into dist-bench/) and run
 * by plain node, as `npm start` runs dist/. Transpiling on load instead keeps the TypeScript
 * compiler in every child's heap: a replica starts at about 260 MB RSS rather than 105 MB, which
 * the bench would report as the gateway's. Compiled once per bench run, at the first child, so
 * never stale.
 */
export function compiledScript(tsFile: string): string {
  if (!built) {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.bench.json')], { stdio: 'inherit' });
    built = true;
  }
  return path.join(OUT, path.relative(ROOT, tsFile).replace(/\.ts$/, '.js'));
}
