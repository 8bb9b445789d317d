import { validateSync, type ValidationError } from 'class-validator';
import { BadUserInputError } from '../../errors';
import { plainToInstance } from '../../util/plain';

/**
 * The one place arguments are checked against their class-validator rules (type-graphql's
 * `validateFn`, and subscriptions' `subscribe`, which type-graphql does not validate).
 *
 * type-graphql's own validation answers "Argument Validation Error" with class-validator's errors
 * attached whole: each carries the rejected value and the whole arguments object, so a 100 KB
 * `search` came back twice. Here a refusal is BAD_USER_INPUT naming the argument and the rule, e.g.
 * `Argument "search" must be shorter than or equal to 200 characters.`, and never the value.
 */
export function validateArgs(value: unknown): void {
  if (value === null || typeof value !== 'object') return; // scalars have no class rules
  for (const item of (Array.isArray(value) ? value : [value]) as unknown[]) {
    if (item === null || typeof item !== 'object') continue;
    const seen = PASSED.get(item.constructor);
    const text = seenKey(item);
    if (text !== undefined && seen?.has(text)) continue;
    const errors = validateSync(item, {
      // Nullable arguments left out are not checked; no rule may see values it does not name.
      skipMissingProperties: true,
      forbidUnknownValues: false,
      validationError: { target: false, value: false },
    });
    const first = firstProblem(errors);
    if (first) throw new BadUserInputError(first.message, first.path);
    if (text !== undefined) remember(item.constructor, text, seen);
  }
}

/**
 * Argument values that passed their class's rules, per class, as JSON: a frontend repeats the same
 * few argument sets (`first: 20`, a page's cursor), and every rule here is a pure function of the
 * values (class-validator's own and IsProductcode), so a set that passed once passes again.
 * Refusals are not remembered; values longer than MAX_KEY_CHARS are checked every time.
 */
const PASSED = new Map<unknown, Set<string>>();
const MAX_KEY_CHARS = 512;
const MAX_PER_CLASS = 256;

function seenKey(item: object): string | undefined {
  const text = JSON.stringify(item);
  return text !== undefined && text.length <= MAX_KEY_CHARS ? text : undefined;
}

function remember(cls: unknown, text: string, seen: Set<string> | undefined): void {
  const set = seen ?? new Set<string>();
  if (set.size >= MAX_PER_CLASS) set.clear();
  set.add(text);
  if (!seen) PASSED.set(cls, set);
}

/** Validates a subscription's raw `args` as an instance of its args class; throws like validateArgs. */
export function validateArgsAs<T extends object>(cls: new () => T, args: unknown): T {
  const instance = plainToInstance(cls, (args ?? {}) as Record<string, unknown>);
  validateArgs(instance);
  return instance;
}

/** The first broken rule, depth first: its argument's path ("input.code") and a message naming both. */
function firstProblem(errors: ValidationError[], parent = ''): { path: string; message: string } | undefined {
  for (const e of errors) {
    const path = parent ? `${parent}.${e.property}` : e.property;
    const rule = Object.values(e.constraints ?? {})[0];
    if (rule !== undefined) return { path, message: describe(path, e.property, rule) };
    const nested = firstProblem(e.children ?? [], path);
    if (nested) return nested;
  }
  return undefined;
}

/** class-validator says "search must be …" or "each value in codes must be …": lead with the argument. */
function describe(path: string, property: string, rule: string): string {
  const end = (t: string): string => (/[.!?]$/.test(t) ? t : `${t}.`);
  if (rule.startsWith(`${property} `)) return end(`Argument "${path}" ${rule.slice(property.length + 1)}`);
  if (rule.startsWith(`each value in ${property} `)) return end(`Argument "${path}": each value ${rule.slice(`each value in ${property} `.length)}`);
  return end(`Argument "${path}": ${rule}`);
}
