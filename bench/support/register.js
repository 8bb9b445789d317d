'use strict';
/**
 * Runs the gateway's TypeScript in a bench's child processes as production runs the compiled
 * JavaScript: each .ts file transpiled on load (typescript's transpileModule with the project's
 * compiler options, decorators and their metadata included), nothing else. ts-node's register
 * does the same transpiling but also loads Node's `repl`, which loads `domain`, and `domain`
 * wraps every EventEmitter.emit in the process: a cost `npm start` (plain node over dist/) never
 * pays, measured here as part of the gateway's CPU per request. Source maps are inline, so stack
 * traces point at the .ts lines.
 */
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const configPath = path.join(__dirname, '..', '..', 'tsconfig.json');
const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, path.dirname(configPath));
const compilerOptions = { ...options, sourceMap: false, inlineSourceMap: true, inlineSources: false, noEmit: false, declaration: false };

require.extensions['.ts'] = function compileTs(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions, fileName: filename });
  module._compile(outputText, filename);
};
