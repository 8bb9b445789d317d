import { parse, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { getSchema } from '../../src/build-schema';
import { queryLimitsPlugin } from '../../src/security/query-limits.plugin';

/**
 * queryLimitsPlugin remembers a passed check per (document, operation, variables), unless the
 * check asked which product codes the gateway knows: that answer changes as codes are seen.
 */
type Hooks = { didResolveOperation(rc: object): Promise<void> };

const PLUGIN = queryLimitsPlugin({ maxCost: 20 });

async function check(document: DocumentNode, variables: Record<string, unknown>, known: Set<string>): Promise<string | undefined> {
  const schema = await getSchema();
  const hooks = (await PLUGIN.requestDidStart!({} as never)) as unknown as Hooks;
  const operation = document.definitions[0] as OperationDefinitionNode;
  try {
    await hooks.didResolveOperation({
      document,
      operation,
      operationName: null,
      schema,
      request: { variables },
      contextValue: { services: { picqerCodes: { get: (c: string) => (known.has(c) ? 1 : undefined) } } },
    });
    return undefined;
  } catch (err) {
    return (err as { extensions?: { code?: string } }).extensions?.code;
  }
}

it('a check that depended on unknown codes is made again once the codes are known (and the other way round)', async () => {
  const doc = parse('query($c: [String!]!) { stockDrift(productcodes: $c) { productcode } }');
  const codes = Array.from({ length: 30 }, (_, i) => `MEMO-${i}`);
  const known = new Set<string>();
  // 30 unknown codes: 30 Picqer calls and more, over 20.
  expect(await check(doc, { c: codes }, known)).toBe('QUERY_TOO_COMPLEX');
  codes.forEach((c) => known.add(c));
  expect(await check(doc, { c: codes }, known)).toBeUndefined();
  // Forgotten again (renamed, say): the passed check was not remembered, so it is refused.
  known.clear();
  expect(await check(doc, { c: codes }, known)).toBe('QUERY_TOO_COMPLEX');
});

it('a passed check of a document without codes is remembered per variables, never across them', async () => {
  const doc = parse('query($n: Int!) { picklists(first: $n) { edges { node { id order { id } } } } }');
  expect(await check(doc, { n: 3 }, new Set())).toBeUndefined();
  expect(await check(doc, { n: 3 }, new Set())).toBeUndefined();
  expect(await check(doc, { n: 500 }, new Set())).toBe('QUERY_TOO_COMPLEX');
  expect(await check(doc, { n: 3 }, new Set())).toBeUndefined();
});
