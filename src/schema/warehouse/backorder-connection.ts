import { Connection } from '../common/connection';
import { Backorder } from './backorder.type';

/** backorders(first, after, productcode). */
export const BackorderConnection = Connection('Backorder', Backorder);
