import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * Size rule of src/ (`npm run lint:size`): no function, method or arrow function over 60 lines and
 * no file over 350 lines, so every piece can be read on one or two screens. The sandboxes
 * (src/sandbox/**) are test emulators, not gateway code, and are left out. Exits 1 naming each
 * offender as `path:line name (N lines)`.
 *
 * The TypeScript parser finds the functions, so a brace in a string or a template never miscounts.
 * A function's lines run from its first token (its doc comment excluded: explaining is not
 * length) to its closing brace, both inclusive; a nested function counts in its parent too.
 */

const MAX_FUNCTION_LINES = 60;
const MAX_FILE_LINES = 350;
const ROOT = path.join(__dirname, '..');
const SOURCE_DIR = path.join(ROOT, 'src');
const EXCLUDED_DIRS = [path.join(SOURCE_DIR, 'sandbox')];

/** Every .ts file under `dir`, sorted so the report is stable. */
function sourceFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!EXCLUDED_DIRS.includes(full)) found.push(...sourceFiles(full));
    } else if (entry.name.endsWith('.ts')) {
      found.push(full);
    }
  }
  return found.sort();
}

/** Lines as `wc -l` and an editor count them: a final newline does not open another line. */
function lineCount(text: string): number {
  if (text === '') return 0;
  const newlines = text.split('\n').length - 1;
  return text.endsWith('\n') ? newlines : newlines + 1;
}

type FunctionNode =
  | ts.FunctionDeclaration
  | ts.MethodDeclaration
  | ts.ConstructorDeclaration
  | ts.GetAccessorDeclaration
  | ts.SetAccessorDeclaration
  | ts.FunctionExpression
  | ts.ArrowFunction;

function isFunctionWithBody(node: ts.Node): node is FunctionNode {
  return (
    (ts.isFunctionDeclaration(node) ||
      ts.isMethodDeclaration(node) ||
      ts.isConstructorDeclaration(node) ||
      ts.isGetAccessorDeclaration(node) ||
      ts.isSetAccessorDeclaration(node) ||
      ts.isFunctionExpression(node) ||
      ts.isArrowFunction(node)) &&
    node.body !== undefined
  );
}

/** A readable name: the declared one, else the variable, property or argument it is bound to. */
function functionName(node: FunctionNode, file: ts.SourceFile): string {
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  if (node.name) return node.name.getText(file);
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) {
    return parent.name.getText(file);
  }
  if (ts.isCallExpression(parent)) return `<function passed to ${parent.expression.getText(file)}>`;
  return '<anonymous function>';
}

/** Each function of `file` longer than the limit, as a report line. */
function longFunctions(file: ts.SourceFile, relative: string): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (isFunctionWithBody(node)) {
      const first = file.getLineAndCharacterOfPosition(node.getStart(file)).line;
      const last = file.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = last - first + 1;
      if (lines > MAX_FUNCTION_LINES) {
        found.push(`${relative}:${first + 1} ${functionName(node, file)} (${lines} lines, max ${MAX_FUNCTION_LINES})`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function main(): void {
  const problems: string[] = [];
  const files = sourceFiles(SOURCE_DIR);
  for (const full of files) {
    const relative = path.relative(ROOT, full);
    const text = readFileSync(full, 'utf8');
    const lines = lineCount(text);
    if (lines > MAX_FILE_LINES) problems.push(`${relative} (${lines} lines, max ${MAX_FILE_LINES})`);
    const file = ts.createSourceFile(full, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    problems.push(...longFunctions(file, relative));
  }
  if (problems.length > 0) {
    process.stderr.write(
      `Size rule broken (functions <= ${MAX_FUNCTION_LINES} lines, files <= ${MAX_FILE_LINES} lines, src/ outside src/sandbox/); cut these into named steps or split them by concern:\n` +
        problems.map((p) => `  ${p}\n`).join(''),
    );
    process.exit(1);
  }
  process.stdout.write(
    `Size rule holds: ${files.length} files in src/ (outside src/sandbox/), every function <= ${MAX_FUNCTION_LINES} lines, every file <= ${MAX_FILE_LINES} lines.\n`,
  );
}

main();
