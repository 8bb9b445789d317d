import { getNamedType, isObjectType, type GraphQLObjectType } from 'graphql';
import { getSchema } from '../../src/build-schema';
import { CUSTOMER_DATA_TYPES, NOT_PERSONAL, isPersonalField, personalFieldsOf } from '../../src/security/personal-data';

/**
 * Every field of a type that holds customer data needs a decision: @PersonalData or an entry in
 * NOT_PERSONAL. A new field without one fails here.
 */
describe('personal data marking', () => {
  it('marks or allowlists every field of the customer-holding types', async () => {
    const schema = await getSchema();
    const undecided: string[] = [];
    const both: string[] = [];
    for (const name of CUSTOMER_DATA_TYPES) {
      const type = schema.getType(name);
      if (!type) continue; // e.g. no Customer type (yet)
      expect(isObjectType(type)).toBe(true);
      for (const f of Object.values((type as GraphQLObjectType).getFields())) {
        const coord = `${name}.${f.name}`;
        const personal = isPersonalField(f);
        if (!personal && !(coord in NOT_PERSONAL)) undecided.push(coord);
        if (personal && coord in NOT_PERSONAL) both.push(coord);
      }
    }
    expect(undecided).toEqual([]);
    expect(both).toEqual([]);
  });

  it('marks the known personal fields and no allowlist entry is stale', async () => {
    const schema = await getSchema();
    const order = schema.getType('Order') as GraphQLObjectType;
    expect(personalFieldsOf(order).sort()).toEqual(['Order.deliveryAddress', 'Order.email', 'Order.invoiceAddress', 'Order.phone']);
    const address = schema.getType('Address') as GraphQLObjectType;
    expect(personalFieldsOf(address)).toHaveLength(Object.keys(address.getFields()).length);
    for (const coord of Object.keys(NOT_PERSONAL)) {
      const [t, f] = coord.split('.');
      expect((schema.getType(t) as GraphQLObjectType | undefined)?.getFields()[f]).toBeDefined();
    }
  });

  it('any other type holding an Address field is marked personal there', async () => {
    const schema = await getSchema();
    const unmarked: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const f of Object.values(type.getFields())) {
        if (getNamedType(f.type).name === 'Address' && !isPersonalField(f)) unmarked.push(`${type.name}.${f.name}`);
      }
    }
    expect(unmarked).toEqual([]);
  });
});
