/* Port of apps/ledger/candidate_ok (frozen accounts; MigrateState from v2). HAND-WRITTEN. */
LedgerPort.define({ fee: true, frozen: true, migrate: 'fromV2' });
