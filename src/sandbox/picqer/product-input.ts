import { PICQER_ERROR, PicqerSandboxHttpError } from './http-util';
import { PRODUCT_TYPES, type ProductRecord } from './model';

/**
 * The body of `POST /products` and `PUT /products/{idproduct}`, checked against the attributes
 * Picqer's products page documents: required `idvatgroup`, `name`, `price`, `productcode` on
 * create; every other attribute optional, with its documented type. Strict on purpose (a sandbox
 * that shrugged off a misspelt field would hide a gateway bug): unknown and read-only attributes
 * are refused too (UNCONFIRMED: Picqer may ignore them). Every problem is named in one answer.
 */

/** The writable attributes, as given in a body (already checked). */
export type ProductInput = Partial<Omit<ProductRecord, 'idproduct' | 'created' | 'updated' | 'stock'>>;

/**
 * VAT groups the sandbox knows (invented: 1 the high rate, 2 the low rate); Picqer refuses others
 * with error code 14 "Unknown vatgroup". The sandbox does not serve /vatgroups.
 */
export const SANDBOX_VATGROUPS: readonly number[] = [1, 2];

const REQUIRED_ON_CREATE = ['idvatgroup', 'name', 'price', 'productcode'] as const;
const READ_ONLY = new Set(['idproduct', 'created', 'updated', 'stock']);
const DIMENSIONS = ['length', 'width', 'height'] as const;

type Check = (v: unknown) => string | null;

const isInt = (v: unknown, min: number): boolean => typeof v === 'number' && Number.isInteger(v) && v >= min;
const int =
  (min: number, nullable = false): Check =>
  (v) =>
    (nullable && v === null) || isInt(v, min) ? null : `an integer >= ${min}${nullable ? ' or null' : ''}`;
const num =
  (nullable = false): Check =>
  (v) =>
    (nullable && v === null) || (typeof v === 'number' && Number.isFinite(v) && v >= 0) ? null : `a number >= 0${nullable ? ' or null' : ''}`;
const str =
  (opts: { nullable?: boolean; nonEmpty?: boolean } = {}): Check =>
  (v) =>
    (opts.nullable && v === null) || (typeof v === 'string' && (!opts.nonEmpty || v.trim() !== ''))
      ? null
      : `a ${opts.nonEmpty ? 'non-empty ' : ''}string${opts.nullable ? ' or null' : ''}`;
const bool: Check = (v) => (typeof v === 'boolean' ? null : 'true or false');

/** Each writable attribute and what it must be (Picqer's products page). */
const FIELDS: Record<keyof ProductInput, Check> = {
  idvatgroup: int(1),
  name: str({ nonEmpty: true }),
  price: num(),
  fixedstockprice: num(true),
  idsupplier: int(1, true),
  productcode: str({ nonEmpty: true }),
  productcode_supplier: str(),
  deliverytime: int(0, true),
  description: str(),
  barcode: str(),
  type: (v) => (PRODUCT_TYPES.includes(v as ProductRecord['type']) ? null : `one of ${PRODUCT_TYPES.join(', ')}`),
  unlimitedstock: bool,
  weight: int(0, true),
  length: int(0, true),
  width: int(0, true),
  height: int(0, true),
  minimum_purchase_quantity: int(0),
  purchase_in_quantities_of: int(0),
  hs_code: str({ nullable: true }),
  country_of_origin: (v) => (v === null || (typeof v === 'string' && /^[A-Z]{2}$/.test(v)) ? null : 'an ISO 3166 two-letter country code (e.g. "NL") or null'),
  active: bool,
};

interface Problem {
  code: number;
  text: string;
}

/**
 * Checks a product body; throws a 400 naming every problem (error code of the first: 5 missing
 * parameters, 9 invalid country code, 14 unknown vatgroup, else 1). `current` is the product a
 * PUT changes (its type decides whether dimensions are allowed).
 */
export function parseProductInput(body: Record<string, unknown>, mode: 'create' | 'update', current?: ProductRecord): ProductInput {
  const problems: Problem[] = [];
  if (mode === 'create') {
    const missing = REQUIRED_ON_CREATE.filter((k) => body[k] === undefined);
    if (missing.length) problems.push({ code: PICQER_ERROR.missingParameters, text: `missing ${missing.join(', ')} (required to create a product)` });
  } else if (Object.keys(body).length === 0) {
    problems.push({ code: PICQER_ERROR.missingParameters, text: 'nothing to change: give at least one attribute' });
  }
  for (const [key, value] of Object.entries(body)) {
    if (READ_ONLY.has(key)) problems.push({ code: PICQER_ERROR.unknown, text: `${key} is read-only` });
    else if (!(key in FIELDS)) problems.push({ code: PICQER_ERROR.unknown, text: `${key} is not a product attribute` });
    else {
      const expected = FIELDS[key as keyof ProductInput](value);
      if (expected === null) continue;
      const code = key === 'country_of_origin' ? PICQER_ERROR.invalidCountryCode : PICQER_ERROR.unknown;
      problems.push({ code, text: `${key} must be ${expected}, got ${JSON.stringify(value)}` });
    }
  }
  if (isInt(body.idvatgroup, 1) && !SANDBOX_VATGROUPS.includes(body.idvatgroup as number)) {
    problems.push({
      code: PICQER_ERROR.unknownVatgroup,
      text: `idvatgroup ${String(body.idvatgroup)} is unknown: expected one of ${SANDBOX_VATGROUPS.join(', ')}`,
    });
  }
  const type = body.type ?? (body.unlimitedstock === true ? 'unlimited_stock' : current?.type);
  if (body.type !== undefined && body.unlimitedstock !== undefined && (body.type === 'unlimited_stock') !== body.unlimitedstock) {
    problems.push({ code: PICQER_ERROR.unknown, text: `unlimitedstock ${JSON.stringify(body.unlimitedstock)} contradicts type ${JSON.stringify(body.type)}` });
  }
  if (type === 'virtual_composition') {
    const dims = DIMENSIONS.filter((k) => body[k] !== undefined && body[k] !== null);
    if (dims.length) problems.push({ code: PICQER_ERROR.unknown, text: `${dims.join(', ')} are not available for virtual compositions` });
  }
  if (problems.length) {
    throw new PicqerSandboxHttpError(400, problems[0].code, `Invalid product: ${problems.map((p) => p.text).join('; ')}.`);
  }
  return withConsistentType(body, current);
}

/** `unlimitedstock` is deprecated in favour of `type`: whichever is given sets both. */
function withConsistentType(input: ProductInput, current?: ProductRecord): ProductInput {
  if (input.type !== undefined) return { ...input, unlimitedstock: input.type === 'unlimited_stock' };
  if (input.unlimitedstock === undefined) return input;
  const fallback = current && current.type !== 'unlimited_stock' ? current.type : 'normal';
  return { ...input, type: input.unlimitedstock ? 'unlimited_stock' : fallback };
}
