import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';

/**
 * A tiny second subgraph for the supergraph example: product reviews, keyed by `productcode`, the
 * Picqer gateway's join key. It adds `Product.reviews` and `Review.product`, so a supergraph query
 * can go review -> product -> stock -> shopify across both subgraphs. Its reviews are invented.
 */
export const REVIEWS_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])

type Review @key(fields: "id") {
  id: ID!
  rating: Int!
  text: String!
  product: Product!
}

type Product @key(fields: "productcode") {
  productcode: String!
  reviews: [Review!]!
}

type Query {
  "The newest reviews first."
  reviews(first: Int! = 10): [Review!]!
}
`;

export interface Review {
  id: string;
  productcode: string;
  rating: number;
  text: string;
}

export interface ReviewsSubgraph {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:4002/graphql. */
  url: string;
  reviews: readonly Review[];
  close(): Promise<void>;
}

const TEXTS = ['Does what it says.', 'Arrived quickly, well packed.', 'Good value.', 'Smaller than expected.', 'Bought a second one.'];

/** Invented reviews, two per product code given. */
export function demoReviews(productcodes: readonly string[]): Review[] {
  return productcodes.flatMap((productcode, i) =>
    [0, 1].map((k) => ({ id: `r${i * 2 + k + 1}`, productcode, rating: ((i + k) % 5) + 1, text: TEXTS[(i + k) % TEXTS.length] })),
  );
}

/** Starts the reviews subgraph on `port` (0: any free port) over `reviews`. */
export async function startReviewsSubgraph(opts: { port?: number; reviews?: readonly Review[] } = {}): Promise<ReviewsSubgraph> {
  const reviews = opts.reviews ?? demoReviews(['PG-00001', 'PG-00002', 'PG-00003']);
  const schema = buildSubgraphSchema({
    typeDefs: parse(REVIEWS_SDL),
    resolvers: {
      Query: { reviews: (_: unknown, { first }: { first: number }) => [...reviews].reverse().slice(0, first) },
      Review: {
        __resolveReference: (ref: { id: string }) => reviews.find((r) => r.id === ref.id) ?? null,
        product: (r: Review) => ({ productcode: r.productcode }),
      },
      Product: {
        __resolveReference: (ref: { productcode: string }) => ({ productcode: ref.productcode }),
        reviews: (p: { productcode: string }) => reviews.filter((r) => r.productcode === p.productcode),
      },
    },
  });
  const server = new ApolloServer({ schema, plugins: [ApolloServerPluginInlineTraceDisabled()] });
  const { url } = await startStandaloneServer(server, { listen: { port: opts.port ?? 0, host: '127.0.0.1' } });
  return { url: new URL('/graphql', url).href, reviews, close: () => server.stop() };
}

if (require.main === module) {
  const port = Number(process.env.REVIEWS_PORT ?? 4002);
  startReviewsSubgraph({ port })
    .then((s) => process.stdout.write(`reviews subgraph at ${s.url}\n`))
    .catch((err: unknown) => {
      process.stderr.write(`${String(err)}\n`);
      process.exit(1);
    });
}
