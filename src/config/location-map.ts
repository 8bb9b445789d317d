/**
 * Parses SHOPIFY_LOCATION_MAP-style text: "1=gid://shopify/Location/1,2=gid://shopify/Location/2"
 * (Picqer warehouse id = Shopify location gid). Returns the problems instead of throwing, so
 * config.ts can report them with every other problem. It lives with config, not with the Shopify
 * client, because config is read by every layer and imports nothing above it.
 */
export function parseLocationMap(text: string): { map: Map<number, string>; problems: string[] } {
  const map = new Map<number, string>();
  const problems: string[] = [];
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^(\d+)\s*=\s*(gid:\/\/shopify\/Location\/\d+)$/.exec(part);
    if (!m) {
      problems.push(`SHOPIFY_LOCATION_MAP entry "${part}" must look like 1=gid://shopify/Location/123`);
      continue;
    }
    const wh = Number(m[1]);
    if (map.has(wh)) problems.push(`SHOPIFY_LOCATION_MAP maps warehouse ${wh} twice`);
    map.set(wh, m[2]);
  }
  return { map, problems };
}
