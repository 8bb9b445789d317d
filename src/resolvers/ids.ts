import { BadUserInputError } from '../errors';

/** Parses a Picqer numeric id given as a GraphQL ID; the error names the argument. */
export function parseId(value: string, arg: string): number {
  // The value is not echoed: a caller may paste anything into an id, personal data included.
  if (!/^\d{1,10}$/.test(value)) throw new BadUserInputError(`Argument "${arg}" must be a numeric Picqer id (digits only).`, arg);
  return Number(value);
}

/** Exactly one of two lookup arguments must be given. */
export function exactlyOne(a: unknown, b: unknown, nameA: string, nameB: string): void {
  const given = [a, b].filter((v) => v !== undefined && v !== null).length;
  if (given !== 1) throw new BadUserInputError(`Give exactly one of "${nameA}" or "${nameB}" (got ${given}).`, given ? nameA : undefined);
}
