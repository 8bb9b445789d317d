import { defaultFieldResolver, isObjectType, type GraphQLSchema } from 'graphql';
import { isPersonalField } from './personal-data';

/**
 * Where an audited operation's personal-data fields note which objects they were read from
 * (`Order:123`), for the audit record's `ids`. The audit plugin decides once per operation, from
 * the document, whether there is anything to note and only then puts a set on the context; the
 * personal fields, and no others, look for it. Fields without personal data carry no hook at all.
 */
export const AUDIT_READS: unique symbol = Symbol('pgw.auditReads');

/** A request context that may carry the set of objects read (see AUDIT_READS). */
export interface AuditReadsCarrier {
  [AUDIT_READS]?: Set<string>;
}

/**
 * Gives every personal-data field of the built schema a resolver that notes `Type:id` of its
 * parent in the request's set, when there is one, and then resolves as before. Call once per
 * schema, after the resolvers are final and before anything compiles operations against it.
 */
export function recordPersonalReads(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (!isPersonalField(field)) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      const typeName = type.name;
      field.resolve = (source, args, ctx, info) => {
        const reads = (ctx as AuditReadsCarrier | undefined)?.[AUDIT_READS];
        if (reads) {
          const id = (source as { id?: unknown } | null)?.id;
          if (typeof id === 'string' || typeof id === 'number') reads.add(`${typeName}:${id}`);
        }
        return resolve(source, args, ctx, info);
      };
    }
  }
}
