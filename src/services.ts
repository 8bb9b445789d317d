import type { Config } from './config';
import type { Services } from './context';
import { PicqerClient } from './datasources/picqer';
import { createGovernorRegistry } from './datasources/upstream/governor';
import type { Logger } from './logger';

/** Builds the long-lived services from config: one governor registry, one client per upstream. */
export function createServices(config: Readonly<Config>, logger: Logger): Services {
  const governors = createGovernorRegistry({ redisUrl: config.redisUrl, keyPrefix: `${config.redisKeyPrefix}gov:`, logger });
  const picqer = config.picqer
    ? new PicqerClient({ ...config.picqer, governors, timeoutMs: config.upstreamTimeoutMs, deadlineMs: config.upstreamDeadlineMs })
    : null;
  return { config, logger, governors, picqer };
}

/** Closes what createServices opened: connections, timers. */
export async function closeServices(services: Services): Promise<void> {
  await services.picqer?.close();
  await services.governors.close();
}
