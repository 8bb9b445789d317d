import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { composeServices } from '@theguild/federation-composition';
import { buildSchema, isInterfaceType, isObjectType, parse, type GraphQLSchema } from 'graphql';

/**
 * Composes subgraphs into a supergraph with The Guild's composition library (the one Hive
 * Gateway uses), from each subgraph's SDL as `_service { sdl }` answers it.
 */

export interface Subgraph {
  /** The name routers use, e.g. "picqer". */
  name: string;
  /** Its GraphQL endpoint (the supergraph records it for the router). */
  url: string;
  /** Its subgraph SDL: `_service { sdl }`, or the committed schema.subgraph.graphql. */
  sdl: string;
}

export interface Composed {
  supergraphSdl: string;
  /** The API the supergraph serves to clients. */
  publicSdl: string;
  /** `Type.field` of subgraph fields the composed API does not serve (should be none). */
  lostFields: string[];
}

/** The supergraph of `subgraphs`; throws with every composition error, one a line. */
export function composeSupergraph(subgraphs: readonly Subgraph[]): Composed {
  const result = composeServices(subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })));
  if (result.errors) throw new Error(`Composition failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  const api = buildSchema(result.publicSdl);
  return { supergraphSdl: result.supergraphSdl, publicSdl: result.publicSdl, lostFields: subgraphs.flatMap((s) => lostFields(s.sdl, api)) };
}

/** Fields a subgraph defines that the composed API lacks; the federation's own types and fields aside. */
function lostFields(sdl: string, api: GraphQLSchema): string[] {
  const doc = parse(sdl);
  const out: string[] = [];
  for (const def of doc.definitions) {
    if (def.kind !== 'ObjectTypeDefinition' && def.kind !== 'ObjectTypeExtension' && def.kind !== 'InterfaceTypeDefinition') continue;
    if (def.name.value.startsWith('_')) continue;
    const type = api.getType(def.name.value);
    const fields = isObjectType(type) || isInterfaceType(type) ? type.getFields() : {};
    for (const f of def.fields ?? []) if (!f.name.value.startsWith('_') && !fields[f.name.value]) out.push(`${def.name.value}.${f.name.value}`);
  }
  return out;
}

/** `_service { sdl }` of a running subgraph. */
export async function fetchSubgraphSdl(url: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
  });
  const body = (await res.json()) as { data?: { _service?: { sdl?: string } }; errors?: Array<{ message: string }> };
  const sdl = body.data?._service?.sdl;
  if (!sdl) throw new Error(`${url} answered no subgraph SDL (HTTP ${res.status}${body.errors ? `: ${body.errors.map((e) => e.message).join('; ')}` : ''})`);
  return sdl;
}

/**
 * CLI: composes the Picqer gateway (GATEWAY_URL, default http://localhost:4000/graphql; its token in
 * GATEWAY_TOKEN if auth is on) with the reviews subgraph (REVIEWS_URL, default http://localhost:4002/graphql)
 * and writes supergraph.graphql beside this file.
 */
async function main(): Promise<void> {
  const gateway = process.env.GATEWAY_URL ?? 'http://localhost:4000/graphql';
  const reviews = process.env.REVIEWS_URL ?? 'http://localhost:4002/graphql';
  const auth: Record<string, string> = process.env.GATEWAY_TOKEN ? { authorization: `Bearer ${process.env.GATEWAY_TOKEN}` } : {};
  const composed = composeSupergraph([
    { name: 'picqer', url: gateway, sdl: await fetchSubgraphSdl(gateway, auth) },
    { name: 'reviews', url: reviews, sdl: await fetchSubgraphSdl(reviews) },
  ]);
  const file = path.join(__dirname, 'supergraph.graphql');
  writeFileSync(file, composed.supergraphSdl);
  process.stdout.write(`wrote ${path.relative(process.cwd(), file)} (lost fields: ${composed.lostFields.length ? composed.lostFields.join(', ') : 'none'})\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
