/**
 * Parses LIGHTSPEED_STORE_MAP: "outletId=warehouseId,…", a Lightspeed Retail outlet id (X-Series
 * outlets are UUIDs) to the Picqer warehouse a till sale there lowers. Returns the problems
 * instead of throwing, so config.ts reports them with every other problem.
 */
export function parseStoreMap(text: string): { map: Map<string, number>; problems: string[] } {
  const map = new Map<string, number>();
  const problems: string[] = [];
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([A-Za-z0-9_-]{1,64})\s*=\s*(\d{1,10})$/.exec(part);
    const warehouse = m ? Number(m[2]) : 0;
    if (!m || warehouse < 1 || warehouse > 2 ** 31 - 1) {
      problems.push(`LIGHTSPEED_STORE_MAP entry "${part}" must look like <outlet id>=<Picqer warehouse id>, e.g. 0b6a35f5-…=1`);
      continue;
    }
    if (map.has(m[1])) problems.push(`LIGHTSPEED_STORE_MAP maps outlet ${m[1]} twice`);
    map.set(m[1], warehouse);
  }
  return { map, problems };
}
