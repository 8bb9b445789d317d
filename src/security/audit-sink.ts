import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Where audit records go: their own pino instance, apart from the application log, so the log
 * level (LOG_LEVEL=silent) never drops them and they can be shipped and kept on their own terms.
 * Records are written as they happen; nothing is buffered in the gateway.
 */
export interface AuditSink {
  write(record: AuditRecord): void;
  /** Flushes and closes a file destination; stdout/stderr stay open. */
  close(): Promise<void>;
}

/** One audited operation. Never holds personal data: field names and ids, not values. */
export interface AuditRecord {
  type: 'audit';
  /** The caller's token name; "anonymous" when auth is off. */
  who: string;
  requestId: string;
  operation: { type: 'query' | 'mutation' | 'subscription'; name: string | null };
  /** `Type.field` of every personal-data field the operation selected (read, refused or failed), sorted. */
  personalFields: string[];
  /** `Type:id` of the objects whose personal fields were read; mutation ids from arguments. */
  ids: string[];
  /** Root fields of a mutation, as selected. */
  mutationFields: string[];
  outcome: 'ok' | 'partial' | 'denied' | 'error';
  /** Codes of the errors in the answer, unique. */
  errorCodes: string[];
}

/**
 * Builds the sink for AUDIT_LOG (`off`, `stdout`, `stderr` or a file path) or for a given
 * stream (tests). Returns null for `off`.
 */
export function createAuditSink(target: string | DestinationStream): AuditSink | null {
  if (target === 'off') return null;
  const dest: DestinationStream =
    typeof target !== 'string'
      ? target
      : target === 'stdout'
        ? pino.destination({ dest: 1, sync: false })
        : target === 'stderr'
          ? pino.destination({ dest: 2, sync: false })
          : pino.destination({ dest: target, mkdir: true, sync: false, append: true });
  const logger: Logger = pino({ level: 'info', base: { log: 'audit' }, messageKey: 'msg', timestamp: pino.stdTimeFunctions.isoTime }, dest);
  return {
    write(record) {
      logger.info(record);
    },
    async close() {
      const d = dest as DestinationStream & { flushSync?: () => void; end?: () => void; fd?: number };
      if (typeof target === 'string' && target !== 'stdout' && target !== 'stderr') {
        try {
          d.flushSync?.();
        } catch {
          // sonic-boom throws if not yet open; nothing was written then.
        }
        d.end?.();
      }
    },
  };
}
