import { Authorized, Extensions } from 'type-graphql';
import type { GraphQLField, GraphQLObjectType } from 'graphql';
import { PERSONAL_DATA_SCOPE } from '../auth/scopes';

/**
 * Marks a schema field as a customer's personal data. It:
 * - requires the `customers:read` scope (type-graphql `@Authorized`);
 * - sets the field extension `personalData: true`, so the built schema itself says which fields
 *   are personal (the audit plugin and test/security/personal-data.test.ts read it there);
 * - records the field in a registry for code that has only the classes at hand.
 * Put it on every field that can identify a customer; the schema test fails for a field of a
 * customer-holding type that is neither marked nor listed in NOT_PERSONAL.
 */
export function PersonalData(): PropertyDecorator & MethodDecorator {
  return (target: object, key: string | symbol, descriptor?: PropertyDescriptor) => {
    const className = (typeof target === 'function' ? target : target.constructor).name;
    PERSONAL_FIELDS_BY_CLASS.add(`${className}.${String(key)}`);
    Authorized(PERSONAL_DATA_SCOPE)(target, key, descriptor as never);
    Extensions({ personalData: true })(target, key, descriptor as never);
  };
}

/** `Class.property` of every field decorated with @PersonalData (class names, not GraphQL names). */
export const PERSONAL_FIELDS_BY_CLASS = new Set<string>();

/** True when the built schema marks this field as personal data. */
export function isPersonalField(field: GraphQLField<unknown, unknown> | undefined): boolean {
  return field?.extensions?.personalData === true;
}

/** `Type.field` coordinates of every personal field of an object type in the built schema. */
export function personalFieldsOf(type: GraphQLObjectType): string[] {
  return Object.values(type.getFields())
    .filter(isPersonalField)
    .map((f) => `${type.name}.${f.name}`);
}

/**
 * Fields of customer-holding types that were looked at and are NOT personal data, with why.
 * A new field on Order, Address or a Customer type must land here or carry @PersonalData.
 */
export const NOT_PERSONAL: Readonly<Record<string, string>> = {
  'Order.id': 'technical id',
  'Order.idorder': 'technical id',
  'Order.orderid': "the warehouse's order number",
  'Order.reference': "the shop's order number (shops use numbers, not names)",
  'Order.status': 'process state',
  'Order.createdAt': 'timestamp',
  'Order.updatedAt': 'timestamp',
  'Order.lines': 'products and amounts ordered',
  'Order.shipments': "carrier and track & trace of the order's parcels (no address; carriers ask the postcode before showing one)",
  'Order.customer': "the link to the order's customer: needs customers:read, and the Customer's identifying fields are personal",
  'Customer.id': 'technical id',
  'Customer.idcustomer': 'technical id',
  'Customer.customerid': "the warehouse's customer number",
  'CustomerAddress.defaultInvoice': 'a flag',
  'CustomerAddress.defaultDelivery': 'a flag',
};

/** GraphQL types that hold customer data: every field needs a decision (see NOT_PERSONAL). */
export const CUSTOMER_DATA_TYPES: readonly string[] = ['Order', 'Address', 'Customer', 'CustomerAddress'];
