import { Kind, parse, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { getSchema } from '../../src/build-schema';
import { selected, selectsPath, subfieldsAsked } from '../../src/resolvers/selection';

/** What a resolver's `info` holds of a document: the root field's nodes and the named fragments. */
function infoOf(document: string): { fieldNodes: readonly FieldNode[]; fragments: Record<string, FragmentDefinitionNode> } {
  const doc = parse(document);
  const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = Object.fromEntries(
    doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
  );
  return { fieldNodes: op.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD), fragments };
}

describe('selection', () => {
  const doc = `{ orders { edges { ...E } pageInfo { hasNextPage } } }
    fragment E on OrderEdge { node { ... on Order { lines { ...L } } } }
    fragment L on OrderLine { productcode p: product { name } ...L2 }
    fragment L2 on OrderLine { ...L }`;

  it('subfieldsAsked names the fields right under the field, through fragments, by field name not alias', () => {
    expect(
      [
        ...subfieldsAsked(infoOf('{ stock { w: warehouse { name } ... on StockLevel { freeStock } ...F } } fragment F on StockLevel { locations { name } }')),
      ].sort(),
    ).toEqual(['freeStock', 'locations', 'warehouse']);
    expect([...subfieldsAsked(infoOf(doc))].sort()).toEqual(['edges', 'pageInfo']);
  });

  it('selectsPath follows a path through named and inline fragments, a fragment spread in itself included', () => {
    const info = infoOf(doc);
    expect(selectsPath(info, ['edges', 'node', 'lines', 'product'])).toBe(true);
    expect(selectsPath(info, ['edges', 'node', 'lines', 'productcode'])).toBe(true);
    expect(selectsPath(info, ['edges', 'node', 'lines', 'amount'])).toBe(false);
    expect(selectsPath(info, ['edges', 'node', 'customer'])).toBe(false);
    expect(selectsPath(info, ['pageInfo', 'hasNextPage'])).toBe(true);
    // Asked again (remembered per document): the same answers.
    expect(selectsPath(info, ['edges', 'node', 'lines', 'product'])).toBe(true);
    expect(selectsPath(info, ['edges', 'node', 'lines', 'amount'])).toBe(false);
  });

  it('selected, given a type, goes only through the fragments that can apply to it', async () => {
    const schema = await getSchema();
    const info = {
      ...infoOf(`{ _entities(representations: []) { ... on Order { freeStock: orderid } ... on Product { stock { freeStock } } ...W ...E } }
        fragment W on Warehouse { name } fragment E on _Entity { ... on Product { freeStock } }`),
      schema,
    };
    const sets = info.fieldNodes.map((n) => n.selectionSet!);
    // An alias is not the field: \`freeStock: orderid\` on Order selects no freeStock; `_Entity` (Product is one) does.
    expect(selected(info, sets, 'freeStock', 'Product').found).toBe(true);
    expect(selected(info, sets, 'name', 'Product').found).toBe(false);
    expect(selected(info, sets, 'name').found).toBe(true);
    expect(selected(info, sets, 'orderid', 'Product').found).toBe(false);
    expect(selected(info, sets, 'orderid', 'Order').found).toBe(true);
    expect(selected(info, sets, 'stock', 'Product').sets).toHaveLength(1);
  });
});
