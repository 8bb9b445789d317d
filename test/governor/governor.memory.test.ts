import { createGovernorRegistry } from '../../src/datasources/upstream/governor';
import { governorContract } from './governor.contract';

governorContract('memory', {
  mode: 'memory',
  make: (extra) => createGovernorRegistry({ keyPrefix: 'unused:', ...extra }),
  peer: (first) => first,
});
