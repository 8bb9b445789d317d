import { Connection } from '../common/connection';
import { Customer } from './customer.type';

/** customers(first, after, search). */
export const CustomerConnection = Connection('Customer', Customer);
