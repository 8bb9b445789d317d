/** Copies a plain object onto a fresh instance of cls (enough for class-validator; no class-transformer needed). */
export function plainToInstance<T extends object>(cls: new () => T, plain: Record<string, unknown>): T {
  return Object.assign(new cls(), plain);
}
