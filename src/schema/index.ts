import { builder } from './builder.js';
import './account.js';
import './identity-usage.js';
import './organization.js';
import './person.js';
import './sim.js';
import './sim-usage.js';
import './tag.js';
import './usage-statement.js';

builder.queryType({
  description: 'Usage across identity-platform transactions, SIM data sessions and account usage statements.',
});

export const schema = builder.toSchema({ sortSchema: true });
