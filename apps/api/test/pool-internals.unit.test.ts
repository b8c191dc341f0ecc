import { EventEmitter } from 'node:events';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { internalsOf, keepPoolErrorsHandled, refillLostConnections } from '../src/database/pool-errors.js';

// pool-errors.ts reads pg-pool's private fields; an upgrade that renames them must fail here
// rather than turn the refill after an outage into a silent no-op.

describe('the pg-pool internals the connection-loss handling relies on', () => {
  it('are there on the pg Pool the API opens', () => {
    const pool = new pg.Pool({ max: 2 });
    const internals = internalsOf(pool);
    expect(internals._clients).toEqual([]);
    expect(internals._idle).toEqual([]);
    expect(() => {
      keepPoolErrorsHandled(pool);
      refillLostConnections(pool);
    }).not.toThrow();
  });

  it('are named when missing, before any connection is opened', () => {
    const renamed = Object.assign(new EventEmitter(), { _clients: [], idle: [], totalCount: 0, ending: false, options: { max: 1 }, connect: () => Promise.reject(new Error('unused')) });
    expect(() => refillLostConnections(renamed)).toThrow('the database pool has no _idle, _remove(): pool-errors.ts was written against pg-pool 3.x internals');
    expect(() => keepPoolErrorsHandled(new EventEmitter())).toThrow('the database pool has no _clients, _idle, _remove()');
  });
});
